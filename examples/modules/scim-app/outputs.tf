output "app_id" {
  description = "The connected app's id (its normalised base URL)."
  value       = scim_connected_app.this.id
}

output "capabilities" {
  description = "What the app says it supports (PATCH, filter, ETag, bulk, ...), as discovered."
  value       = scim_connected_app.this.capabilities
}

output "managed_attributes" {
  description = "The SCIM attribute paths the mapping manages; only these are read and compared on accounts."
  value       = scim_attribute_mapping.this.managed_attributes
}

output "accounts" {
  description = "Each person's account, by the key in `people`: its SCIM id and location (the import ID), userName and whether it is active."
  value = {
    for key, account in scim_provisioned_user.this : key => {
      id        = account.id
      location  = account.location
      user_name = account.user_name
      active    = account.active
    }
  }
}

output "groups" {
  description = "Each group, by the key in `groups`: its SCIM id and location (the import ID)."
  value = {
    for key, group in scim_provisioned_group.this : key => {
      id       = group.id
      location = group.location
    }
  }
}

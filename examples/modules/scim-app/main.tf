# One SCIM app, its attribute mapping, an account for each person and the
# app's groups with their members.
#
# Everything a user resource needs from the app and the mapping reaches it as a
# reference (the app's id and compatibility settings, the mapping's rules), so a
# changed rule plans an update of every affected account, attribute by
# attribute, and `-target` or import of a single account works on its own.

terraform {
  required_version = ">= 1.3.0" # optional() object attributes in variables.tf

  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

resource "scim_connected_app" "this" {
  name                = var.name
  base_url            = var.base_url
  allow_insecure_http = var.allow_insecure_http
  compatibility       = var.compatibility
}

resource "scim_attribute_mapping" "this" {
  connected_app_id = scim_connected_app.this.id
  rules            = var.rules
}

resource "scim_provisioned_user" "this" {
  for_each = var.people

  connected_app_id  = scim_connected_app.this.id
  compatibility     = scim_connected_app.this.compatibility
  attribute_mapping = scim_attribute_mapping.this.encoded
  profile           = each.value

  active         = contains(var.active_statuses, each.value.status)
  deprovision    = var.deprovision
  adopt_existing = var.adopt_existing
  adopt_by       = var.adopt_by
}

# Each group holds exactly the accounts of the people listed for it; a
# person who is not (or no longer) in `people` cannot be a member.
resource "scim_provisioned_group" "this" {
  for_each = var.groups

  connected_app_id = scim_connected_app.this.id
  compatibility    = scim_connected_app.this.compatibility
  display_name     = each.value.display_name
  external_id      = each.value.external_id
  members          = [for key in each.value.members : scim_provisioned_user.this[key].id if contains(keys(scim_provisioned_user.this), key)]
  adopt_existing   = var.adopt_existing
}

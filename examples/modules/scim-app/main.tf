# One SCIM app, its attribute mapping and an account for each person.
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

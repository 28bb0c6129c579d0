# Quickstart: one app, its attribute mapping, three people and a group.
# `make demo` runs it against the local SCIM target.
terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

variable "scim_base_url" {
  description = "SCIM base URL of the app. `make demo` points it at the local SCIM target."
  type        = string
  default     = "http://127.0.0.1:8484/scim/v2"
}

variable "leavers" {
  description = "Keys of people whose accounts are deactivated."
  type        = set(string)
  default     = []
}

variable "departed" {
  description = "Keys of people removed from the configuration altogether (their accounts are deprovisioned; adding them back is a rehire)."
  type        = set(string)
  default     = []
}

# Credentials come from the SCIM_CREDENTIALS environment variable, e.g.
#   export SCIM_CREDENTIALS='[{"url": "http://127.0.0.1:8484/scim/v2", "bearer_token": "demo-token"}]'
# or from a `credentials` list here (see examples/provider).
provider "scim" {}

locals {
  people = {
    alice = { email = "alice@example.com", given_name = "Alice", family_name = "Ng", title = "Engineer", department = "R&D" }
    bob   = { email = "bob@example.com", given_name = "Bob", family_name = "Diaz", title = "Account Executive", department = "Sales" }
    carol = { email = "Carol@Example.com", given_name = "Carol", family_name = "Ito", department = "Finance" }
  }
}

resource "scim_connected_app" "demo" {
  name     = "Demo app (local SCIM target)"
  base_url = var.scim_base_url
}

resource "scim_attribute_mapping" "demo" {
  connected_app_id = scim_connected_app.demo.id
  rules = [
    { target = "userName", source = "email", transform = "lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "displayName", template = "{given_name} {family_name}" },
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },
    { target = "title", source = "title", if_missing = "omit" },
    { target = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", source = "department" },
  ]
}

resource "scim_provisioned_user" "demo" {
  for_each          = { for k, p in local.people : k => p if !contains(var.departed, k) }
  connected_app_id  = scim_connected_app.demo.id
  compatibility     = scim_connected_app.demo.compatibility
  attribute_mapping = scim_attribute_mapping.demo.encoded
  profile           = each.value
  active            = !contains(var.leavers, each.key)
  deprovision       = "deactivate"
}

# A group holding exactly the accounts of everyone in the configuration: a
# member removed in the app is added back, and a person who departs leaves it.
resource "scim_provisioned_group" "all_staff" {
  connected_app_id = scim_connected_app.demo.id
  compatibility    = scim_connected_app.demo.compatibility
  display_name     = "All staff"
  members          = [for k, u in scim_provisioned_user.demo : u.id]
}

output "all_staff_group" {
  description = "The SCIM id of the group \"All staff\"."
  value       = scim_provisioned_group.all_staff.id
}

output "accounts" {
  description = "Each person's account location in the app."
  value       = { for k, u in scim_provisioned_user.demo : k => u.location }
}

# Bring an app that was managed by hand under Terraform: the app and its
# mapping, the orphans report (the accounts no resource manages), and, in
# app.tfquery.hcl, the list blocks `terraform query` reads. The README's
# "Bring an existing app under management" runs it against the local SCIM
# target.
terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

variable "scim_base_url" {
  description = "SCIM base URL of the app; the local SCIM target by default."
  type        = string
  default     = "http://127.0.0.1:8484/scim/v2"
}

# Credentials come from the SCIM_CREDENTIALS environment variable, e.g.
#   export SCIM_CREDENTIALS='[{"url": "http://127.0.0.1:8484/scim/v2", "bearer_token": "demo-token"}]'
provider "scim" {}

resource "scim_connected_app" "app" {
  name     = "Managed by hand until now"
  base_url = var.scim_base_url
}

resource "scim_attribute_mapping" "app" {
  connected_app_id = scim_connected_app.app.id
  rules = [
    { target = "userName", source = "email", transform = "lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "displayName", template = "{given_name} {family_name}" },
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },
    { target = "title", source = "title" },
  ]
}

locals {
  # The userNames of the accounts this configuration manages: none until they
  # are imported (the README's sed line adds them). The orphans report names
  # the app and these accounts as data, not by reference to their resources:
  # Terraform reads a data source that refers to a resource with a planned
  # change only at apply, and the report would then be unknown in every plan
  # that changes anything else.
  managed_user_names = []
}

# Every account of the app that no resource manages.
data "scim_users" "orphans" {
  connected_app_id   = var.scim_base_url
  exclude_user_names = local.managed_user_names
}

output "orphans" {
  description = "userNames of the accounts in the app that this configuration does not manage."
  value       = [for u in data.scim_users.orphans.users : u.user_name]
}

# A scheduled plan shows the orphans as a failed check (a warning).
check "no_orphans" {
  assert {
    condition     = length(data.scim_users.orphans.users) == 0
    error_message = "The app holds accounts no one manages: ${join(", ", [for u in data.scim_users.orphans.users : u.user_name])}."
  }
}

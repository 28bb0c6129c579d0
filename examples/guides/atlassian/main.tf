# Atlassian (identity provider directory of an Atlassian organization): two
# people and a group, provisioned over SCIM. The guide
# docs/guides/atlassian.md explains each part.
terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

variable "directory_id" {
  description = "The directory's ID: the last part of its Directory base URL, https://api.atlassian.com/scim/directory/<directory_id>."
  type        = string
}

# The directory's API key, generated with the directory in Atlassian
# Administration. `ephemeral` (Terraform 1.10 and later) keeps it out of saved
# plan files; on older versions drop that line, or leave the variable out and
# set SCIM_CREDENTIALS instead.
variable "atlassian_api_key" {
  description = "API key of the identity provider directory."
  type        = string
  sensitive   = true
  ephemeral   = true
}

locals {
  scim_base_url = "https://api.atlassian.com/scim/directory/${var.directory_id}"

  # Each email must be on a domain the organization has verified.
  people = {
    alice = { email = "alice@example.com", given_name = "Alice", family_name = "Ng", title = "Engineer", department = "R&D" }
    bob   = { email = "bob@example.com", given_name = "Bob", family_name = "Diaz", department = "Sales" }
  }
}

provider "scim" {
  credentials = [
    {
      url          = local.scim_base_url
      bearer_token = var.atlassian_api_key
    },
  ]
}

# The profile atlassian is detected from the base URL. Behind a proxy, whose
# URL does not show it, name it:
#   compatibility = { vendor = "atlassian" }
resource "scim_connected_app" "atlassian" {
  name     = "Atlassian"
  base_url = local.scim_base_url
}

resource "scim_attribute_mapping" "atlassian" {
  connected_app_id = scim_connected_app.atlassian.id
  rules = [
    # Atlassian requires userName and emails on every user; the plan checks
    # every account for them.
    { target = "userName", source = "email", transform = "lower" },
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },
    { target = "emails[type eq \"work\"].primary", value = "true" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "displayName", template = "{given_name} {family_name}" },
    { target = "title", source = "title", if_missing = "omit" },
    { target = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", source = "department" },
  ]
}

resource "scim_provisioned_user" "atlassian" {
  for_each          = local.people
  connected_app_id  = scim_connected_app.atlassian.id
  compatibility     = scim_connected_app.atlassian.compatibility
  attribute_mapping = scim_attribute_mapping.atlassian.encoded
  profile           = each.value

  # Atlassian's DELETE unlinks the user from the directory and removes its
  # SCIM record for good; active = false deactivates it and can be undone.
  deprovision = "deactivate"
}

# Atlassian does not support renaming a group once it has synced: choose the
# display name for good.
resource "scim_provisioned_group" "engineering" {
  connected_app_id = scim_connected_app.atlassian.id
  compatibility    = scim_connected_app.atlassian.compatibility
  display_name     = "engineering"
  members          = [for k, u in scim_provisioned_user.atlassian : u.id]
}

output "vendor" {
  description = "The vendor profile in effect: atlassian."
  value       = scim_connected_app.atlassian.vendor
}

output "accounts" {
  description = "Each person's user in the directory."
  value       = { for k, u in scim_provisioned_user.atlassian : k => u.location }
}

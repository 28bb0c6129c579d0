# Miro (Enterprise plan): two people and a group, provisioned over SCIM. The
# guide docs/guides/miro.md explains each part.
terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

# The SCIM token generated in Miro's company settings (Enterprise
# integrations, SCIM provisioning). `ephemeral` (Terraform 1.10 and later)
# keeps it out of saved plan files; on older versions drop that line, or
# leave the variable out and set SCIM_CREDENTIALS instead.
variable "miro_scim_token" {
  description = "Miro SCIM API token."
  type        = string
  sensitive   = true
  ephemeral   = true
}

provider "scim" {
  credentials = [
    {
      url          = "https://miro.com/api/v1/scim"
      bearer_token = var.miro_scim_token
    },
  ]
}

locals {
  people = {
    alice = { email = "alice@example.com", given_name = "Alice", family_name = "Ng" }
    bob   = { email = "bob@example.com", given_name = "Bob", family_name = "Diaz" }
  }
}

# One base URL for every Miro organization: the token says which one. The
# profile miro is detected from it (https://api.miro.com/api/v1/scim too).
resource "scim_connected_app" "miro" {
  name     = "Miro"
  base_url = "https://miro.com/api/v1/scim"
}

resource "scim_attribute_mapping" "miro" {
  connected_app_id = scim_connected_app.miro.id
  rules = [
    # userName is the user's email address, and mandatory.
    { target = "userName", source = "email", transform = "lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    # At most 60 characters.
    { target = "displayName", template = "{given_name} {family_name}" },
  ]
}

resource "scim_provisioned_user" "miro" {
  for_each          = local.people
  connected_app_id  = scim_connected_app.miro.id
  compatibility     = scim_connected_app.miro.compatibility
  attribute_mapping = scim_attribute_mapping.miro.encoded
  profile           = each.value

  # Miro answers 400 "not unique", not 409, to a user that already exists;
  # the provider handles it as a conflict: a deactivated user is reactivated
  # and linked, an active one that differs fails the apply. Set
  # adopt_existing = true to take over users made in Miro by hand.

  # Deactivated users stay in Miro, are not billed and can be reactivated;
  # Miro's DELETE removes the user completely.
  deprovision = "deactivate"
}

# An organization on Miro's user groups model creates and deletes groups over
# SCIM. One where groups are teams cannot: add adopt_existing = true and
# deprovision = "abandon" to manage an existing team's members.
resource "scim_provisioned_group" "engineering" {
  connected_app_id = scim_connected_app.miro.id
  compatibility    = scim_connected_app.miro.compatibility
  display_name     = "Engineering"
  members          = [for k, u in scim_provisioned_user.miro : u.id]
}

output "vendor" {
  description = "The vendor profile in effect: miro."
  value       = scim_connected_app.miro.vendor
}

output "accounts" {
  description = "Each person's Miro user."
  value       = { for k, u in scim_provisioned_user.miro : k => u.location }
}

# Zoom: two people and a group, provisioned over SCIM. The guide
# docs/guides/zoom.md explains each part.
terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

# An access token of a Zoom OAuth app (or Server-to-Server OAuth app) with the
# SCIM2 scope. `ephemeral` (Terraform 1.10 and later) keeps it out of saved
# plan files; on older versions drop that line, or leave the variable out and
# set SCIM_CREDENTIALS instead.
variable "zoom_access_token" {
  description = "Zoom OAuth access token with the SCIM2 scope."
  type        = string
  sensitive   = true
  ephemeral   = true
}

provider "scim" {
  credentials = [
    {
      url          = "https://api.zoom.us/scim2"
      bearer_token = var.zoom_access_token
    },
  ]
}

locals {
  people = {
    alice = { email = "alice@example.com", given_name = "Alice", family_name = "Ng" }
    bob   = { email = "bob@example.com", given_name = "Bob", family_name = "Diaz" }
  }
}

# One base URL for every Zoom account: the token says which one. The profile
# zoom is detected from it (https://api.zoom.us/v2/scim2 too).
resource "scim_connected_app" "zoom" {
  name     = "Zoom"
  base_url = "https://api.zoom.us/scim2"
}

resource "scim_attribute_mapping" "zoom" {
  connected_app_id = scim_connected_app.zoom.id
  rules = [
    # userName is the user's email address. Zoom keeps it (and displayName)
    # as created: a plan that changes it on an existing account fails, so
    # change it in Zoom first, then here.
    { target = "userName", source = "email", transform = "lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
  ]
}

# Zoom's user listing leaves out fields its GET of one user returns, so every
# account is read by itself; updates read the user and PUT it back.
resource "scim_provisioned_user" "zoom" {
  for_each          = local.people
  connected_app_id  = scim_connected_app.zoom.id
  compatibility     = scim_connected_app.zoom.compatibility
  attribute_mapping = scim_attribute_mapping.zoom.encoded
  profile           = each.value

  deprovision = "deactivate"
}

resource "scim_provisioned_group" "engineering" {
  connected_app_id = scim_connected_app.zoom.id
  compatibility    = scim_connected_app.zoom.compatibility
  display_name     = "Engineering"
  members          = [for k, u in scim_provisioned_user.zoom : u.id]
}

output "vendor" {
  description = "The vendor profile in effect: zoom."
  value       = scim_connected_app.zoom.vendor
}

output "accounts" {
  description = "Each person's Zoom user."
  value       = { for k, u in scim_provisioned_user.zoom : k => u.location }
}

# Google Cloud Identity: two people and the membership of a group, provisioned
# over SCIM. The guide docs/guides/google_cloud_identity.md explains each part.
terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

variable "customer_id" {
  description = "Your Google customer ID, which begins with C (for example C01234abc)."
  type        = string
}

# A Google OAuth 2.0 access token with the admin.directory.user scope (and a
# Cloud Identity groups scope for groups). `ephemeral` (Terraform 1.10 and
# later) keeps it out of saved plan files; on older versions drop that line,
# or leave the variable out and set SCIM_CREDENTIALS instead.
variable "google_access_token" {
  description = "Google OAuth 2.0 access token for the Cloud Identity SCIM API."
  type        = string
  sensitive   = true
  ephemeral   = true
}

locals {
  scim_base_url = "https://cloudidentityscim.googleapis.com/v1/customers/${var.customer_id}/v2"

  people = {
    alice = { email = "alice@example.com", given_name = "Alice", family_name = "Ng" }
    bob   = { email = "bob@example.com", given_name = "Bob", family_name = "Diaz" }
  }
}

provider "scim" {
  credentials = [
    {
      url          = local.scim_base_url
      bearer_token = var.google_access_token
    },
  ]
}

# The profile google_cloud_identity is detected from the base URL. Behind a
# proxy, whose URL does not show it, name it:
#   compatibility = { vendor = "google_cloud_identity" }
resource "scim_connected_app" "google" {
  name     = "Google Cloud Identity"
  base_url = local.scim_base_url
}

resource "scim_attribute_mapping" "google" {
  connected_app_id = scim_connected_app.google.id
  rules = [
    # userName is the user's primary email address. Google adds it to emails
    # itself, marked primary and read-only, so emails is not mapped.
    { target = "userName", source = "email", transform = "lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
  ]
}

resource "scim_provisioned_user" "google" {
  for_each          = local.people
  connected_app_id  = scim_connected_app.google.id
  compatibility     = scim_connected_app.google.compatibility
  attribute_mapping = scim_attribute_mapping.google.encoded
  profile           = each.value
}

# Cloud Identity requires a group email (its CloudIdentityGroup extension) to
# create a group, which this resource does not send: create the group in
# Google, then adopt it here by its name (without adopt_existing or an
# import, the plan fails). Its members are sent one PATCH per member; Google
# never returns them, so a change made in Google is not seen.
resource "scim_provisioned_group" "engineering" {
  connected_app_id = scim_connected_app.google.id
  compatibility    = scim_connected_app.google.compatibility
  display_name     = "Engineering"
  members          = [for k, u in scim_provisioned_user.google : u.id]

  adopt_existing = true
  deprovision    = "abandon" # the group stays in Google when removed here
}

output "vendor" {
  description = "The vendor profile in effect: google_cloud_identity."
  value       = scim_connected_app.google.vendor
}

output "accounts" {
  description = "Each person's account in Cloud Identity."
  value       = { for k, u in scim_provisioned_user.google : k => u.location }
}

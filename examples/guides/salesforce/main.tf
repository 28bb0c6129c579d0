# Salesforce: two people and the members of a public group, provisioned over
# SCIM. The guide docs/guides/salesforce.md explains each part.
terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

variable "my_domain" {
  description = "Your My Domain name, as in https://<my_domain>.my.salesforce.com."
  type        = string
}

variable "client_id" {
  description = "Consumer key of the app enabled for the OAuth 2.0 client credentials flow."
  type        = string
}

# The app's consumer secret. `ephemeral` (Terraform 1.10 and later) keeps it
# out of saved plan files; on older versions drop that line, or leave the
# variable out and set SCIM_CREDENTIALS instead.
variable "client_secret" {
  description = "Consumer secret of the same app."
  type        = string
  sensitive   = true
  ephemeral   = true
}

locals {
  scim_base_url = "https://${var.my_domain}.my.salesforce.com/services/scim/v2"

  people = {
    alice = { email = "alice@example.com", given_name = "Alice", family_name = "Ng", employee_id = "E1001" }
    bob   = { email = "bob@example.com", given_name = "Bob", family_name = "Diaz", employee_id = "E1002" }
  }
}

# The provider fetches the access token with the client credentials grant and
# refreshes it before it expires. A token obtained otherwise goes in
# bearer_token instead.
provider "scim" {
  credentials = [
    {
      url = local.scim_base_url
      oauth2 = {
        token_url     = "https://${var.my_domain}.my.salesforce.com/services/oauth2/token"
        client_id     = var.client_id
        client_secret = var.client_secret
      }
    },
  ]
}

# The profile salesforce is detected from the base URL. Behind a proxy, whose
# URL does not show it, name it:
#   compatibility = { vendor = "salesforce" }
resource "scim_connected_app" "salesforce" {
  name     = "Salesforce"
  base_url = local.scim_base_url
}

resource "scim_attribute_mapping" "salesforce" {
  connected_app_id = scim_connected_app.salesforce.id
  rules = [
    # userName is a Salesforce username, in the form of an email address.
    { target = "userName", source = "email", transform = "lower" },
    { target = "externalId", source = "employee_id" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },
    { target = "emails[type eq \"work\"].primary", value = "true" },

    # Salesforce's sample create also gives the user's profile as an
    # entitlement (its id, 00e...). Add it if your org needs one:
    # { target = "entitlements[type eq \"Profile\"].value", source = "salesforce_profile_id" },
  ]
}

resource "scim_provisioned_user" "salesforce" {
  for_each          = local.people
  connected_app_id  = scim_connected_app.salesforce.id
  compatibility     = scim_connected_app.salesforce.compatibility
  attribute_mapping = scim_attribute_mapping.salesforce.encoded
  profile           = each.value

  # Salesforce's DELETE deactivates the user, as active = false does; with
  # "delete" the plan warns that it will not delete.
  deprovision = "deactivate"
}

# Salesforce's SCIM API reads and updates public groups but does not create
# or delete them: create the group in Salesforce, adopt it here by its name,
# and leave it in Salesforce when it is removed here. Without adopt_existing
# (or an import) or with deprovision = "delete", the plan fails. Members are
# added in Salesforce's wrapped form, {"members": [...]}.
resource "scim_provisioned_group" "sales_team" {
  connected_app_id = scim_connected_app.salesforce.id
  compatibility    = scim_connected_app.salesforce.compatibility
  display_name     = "Sales Team"
  members          = [for k, u in scim_provisioned_user.salesforce : u.id]

  adopt_existing = true
  deprovision    = "abandon"
}

output "vendor" {
  description = "The vendor profile in effect: salesforce."
  value       = scim_connected_app.salesforce.vendor
}

output "accounts" {
  description = "Each person's Salesforce user."
  value       = { for k, u in scim_provisioned_user.salesforce : k => u.location }
}

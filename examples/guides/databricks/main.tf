# Databricks (account-level SCIM): two people and an account group,
# provisioned over SCIM. The guide docs/guides/databricks.md explains each
# part.
terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

variable "account_id" {
  description = "Your Databricks account ID."
  type        = string
}

variable "client_id" {
  description = "Application ID of a service principal with the account admin role."
  type        = string
}

# An OAuth secret of that service principal. `ephemeral` (Terraform 1.10 and
# later) keeps it out of saved plan files; on older versions drop that line,
# or leave the variable out and set SCIM_CREDENTIALS instead.
variable "client_secret" {
  description = "OAuth secret of the service principal."
  type        = string
  sensitive   = true
  ephemeral   = true
}

locals {
  # On AWS. Azure: accounts.azuredatabricks.net; Google Cloud:
  # accounts.gcp.databricks.com.
  accounts_host = "https://accounts.cloud.databricks.com"
  scim_base_url = "${local.accounts_host}/api/2.0/accounts/${var.account_id}/scim/v2"

  people = {
    alice = { email = "alice@example.com", given_name = "Alice", family_name = "Ng" }
    bob   = { email = "bob@example.com", given_name = "Bob", family_name = "Diaz" }
  }
}

# OAuth machine-to-machine: the provider fetches a token with the client
# credentials grant and refreshes it before it expires.
provider "scim" {
  credentials = [
    {
      url = local.scim_base_url
      oauth2 = {
        token_url     = "${local.accounts_host}/oidc/accounts/${var.account_id}/v1/token"
        client_id     = var.client_id
        client_secret = var.client_secret
        scopes        = ["all-apis"]
      }
    },
  ]
}

# The profile databricks is detected from the base URL. Behind a proxy, whose
# URL does not show it, name it:
#   compatibility = { vendor = "databricks" }
resource "scim_connected_app" "databricks" {
  name     = "Databricks"
  base_url = local.scim_base_url
}

resource "scim_attribute_mapping" "databricks" {
  connected_app_id = scim_connected_app.databricks.id
  rules = [
    # userName is the user's email address. Databricks fills emails from it
    # and ignores a later change of emails (a plan that changes mapped
    # emails fails); it does not support externalId (a rule for it fails
    # the plan). So neither is mapped.
    { target = "userName", source = "email", transform = "lower" },
    { target = "displayName", template = "{given_name} {family_name}" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
  ]
}

resource "scim_provisioned_user" "databricks" {
  for_each          = local.people
  connected_app_id  = scim_connected_app.databricks.id
  compatibility     = scim_connected_app.databricks.compatibility
  attribute_mapping = scim_attribute_mapping.databricks.encoded
  profile           = each.value

  # Deleting a Databricks user also removes objects associated with it:
  # prefer deactivating.
  deprovision = "deactivate"
}

resource "scim_provisioned_group" "data_engineers" {
  connected_app_id = scim_connected_app.databricks.id
  compatibility    = scim_connected_app.databricks.compatibility
  display_name     = "data-engineers"
  members          = [for k, u in scim_provisioned_user.databricks : u.id]
}

output "vendor" {
  description = "The vendor profile in effect: databricks."
  value       = scim_connected_app.databricks.vendor
}

output "accounts" {
  description = "Each person's user in the Databricks account."
  value       = { for k, u in scim_provisioned_user.databricks : k => u.location }
}

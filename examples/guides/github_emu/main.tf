# GitHub Enterprise Managed Users: two people and a group, provisioned over
# SCIM. The guide docs/guides/github_emu.md explains each part.
terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

variable "enterprise" {
  description = "The enterprise's slug, as in https://github.com/enterprises/<slug>."
  type        = string
}

# A personal access token (classic) of the enterprise's setup user with the
# scim:enterprise scope. `ephemeral` (Terraform 1.10 and later) keeps it out
# of saved plan files; on older versions drop that line, or leave the
# variable out and set SCIM_CREDENTIALS instead.
variable "github_scim_token" {
  description = "Setup user's personal access token (classic) with scim:enterprise."
  type        = string
  sensitive   = true
  ephemeral   = true
}

locals {
  # On GHE.com (data residency): https://api.<subdomain>.ghe.com/scim/v2/enterprises/<slug>
  scim_base_url = "https://api.github.com/scim/v2/enterprises/${var.enterprise}"

  people = {
    alice = { email = "alice@example.com", given_name = "Alice", family_name = "Ng", employee_id = "E1001" }
    bob   = { email = "bob@example.com", given_name = "Bob", family_name = "Diaz", employee_id = "E1002" }
  }
}

provider "scim" {
  credentials = [
    {
      url          = local.scim_base_url
      bearer_token = var.github_scim_token
    },
  ]
}

# The profile github_emu is detected from the base URL. Behind a proxy, whose
# URL does not show it, name it:
#   compatibility = { vendor = "github_emu" }
resource "scim_connected_app" "github" {
  name     = "GitHub Enterprise Managed Users"
  base_url = local.scim_base_url
}

resource "scim_attribute_mapping" "github" {
  connected_app_id = scim_connected_app.github.id
  rules = [
    # GitHub requires userName, externalId, displayName and emails on every
    # user; the plan checks every account for them.
    { target = "userName", source = "email", transform = "lower" },
    { target = "externalId", source = "employee_id" },
    { target = "displayName", template = "{given_name} {family_name}" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },

    # Each email needs value, type and primary: the filter gives the type,
    # and the provider marks the one email it sends primary.
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },
  ]
}

resource "scim_provisioned_user" "github" {
  for_each          = local.people
  connected_app_id  = scim_connected_app.github.id
  compatibility     = scim_connected_app.github.compatibility
  attribute_mapping = scim_attribute_mapping.github.encoded
  profile           = each.value

  # GitHub's DELETE suspends the user for good; active = false (what
  # "deactivate" sends) is its soft deprovisioning, which can be undone.
  deprovision = "deactivate"
}

# GitHub requires an externalId on every group: without external_id the plan
# fails.
resource "scim_provisioned_group" "engineering" {
  connected_app_id = scim_connected_app.github.id
  compatibility    = scim_connected_app.github.compatibility
  display_name     = "Engineering"
  external_id      = "engineering"
  members          = [for k, u in scim_provisioned_user.github : u.id]
}

output "vendor" {
  description = "The vendor profile in effect: github_emu."
  value       = scim_connected_app.github.vendor
}

output "accounts" {
  description = "Each person's SCIM identity in the enterprise."
  value       = { for k, u in scim_provisioned_user.github : k => u.location }
}

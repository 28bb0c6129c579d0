# Slack: two people and a user group, provisioned over SCIM. The guide
# docs/guides/slack.md explains each part.
terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

# An OAuth token with the admin scope (on Enterprise Grid, only Org Owners can
# install the app that gets it). `ephemeral` (Terraform 1.10 and later) keeps
# it out of saved plan files; on older versions drop that line, or leave the
# variable out and set SCIM_CREDENTIALS instead.
variable "slack_scim_token" {
  description = "Slack OAuth token with the admin scope."
  type        = string
  sensitive   = true
  ephemeral   = true
}

provider "scim" {
  credentials = [
    {
      url          = "https://api.slack.com/scim/v2"
      bearer_token = var.slack_scim_token
    },
  ]
}

locals {
  people = {
    alice = { email = "alice@example.com", username = "alice.ng", given_name = "Alice", family_name = "Ng", title = "Engineer", department = "R&D" }
    bob   = { email = "bob@example.com", username = "bob.diaz", given_name = "Bob", family_name = "Diaz", department = "Sales" }
  }
}

# One base URL for every Slack org: the token says which one. The profile
# slack is detected from it.
resource "scim_connected_app" "slack" {
  name     = "Slack"
  base_url = "https://api.slack.com/scim/v2"
}

resource "scim_attribute_mapping" "slack" {
  connected_app_id = scim_connected_app.slack.id
  rules = [
    # Slack needs a userName and at least one email: the plan of an account
    # without an email fails. Its userName is the Slack username: an email
    # sent as userName is turned into one, and would then differ from what
    # Terraform sent.
    { target = "userName", source = "username", transform = "lower" },
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },
    { target = "emails[type eq \"work\"].primary", value = "true" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "displayName", template = "{given_name} {family_name}" },
    { target = "title", source = "title", if_missing = "omit" },
    { target = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", source = "department" },
  ]
}

resource "scim_provisioned_user" "slack" {
  for_each          = local.people
  connected_app_id  = scim_connected_app.slack.id
  compatibility     = scim_connected_app.slack.compatibility
  attribute_mapping = scim_attribute_mapping.slack.encoded
  profile           = each.value

  # Slack's DELETE only deactivates the user, so "deactivate" says what
  # happens; with "delete" the plan warns that it will not delete.
  deprovision = "deactivate"
}

resource "scim_provisioned_group" "engineering" {
  connected_app_id = scim_connected_app.slack.id
  compatibility    = scim_connected_app.slack.compatibility
  display_name     = "Engineering"
  members          = [for k, u in scim_provisioned_user.slack : u.id]
}

output "vendor" {
  description = "The vendor profile in effect: slack."
  value       = scim_connected_app.slack.vendor
}

output "accounts" {
  description = "Each person's Slack account."
  value       = { for k, u in scim_provisioned_user.slack : k => u.location }
}

resource "scim_connected_app" "slack" {
  name     = "Slack"
  base_url = "https://api.slack.com/scim/v2"
}

resource "scim_attribute_mapping" "slack" {
  connected_app_id = scim_connected_app.slack.id
  rules = [
    { target = "userName", source = "email", transform = "lower" },
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },
  ]
}

resource "scim_provisioned_user" "slack" {
  for_each          = { alice = "alice@example.com", bob = "bob@example.com" }
  connected_app_id  = scim_connected_app.slack.id
  compatibility     = scim_connected_app.slack.compatibility
  attribute_mapping = scim_attribute_mapping.slack.encoded
  profile           = { email = each.value }
}

# The orphans: active accounts of the app that no resource of this
# configuration manages (people who left before the app was under
# Terraform, say).
data "scim_users" "orphans" {
  connected_app_id = scim_connected_app.slack.id
  exclude_ids      = [for u in scim_provisioned_user.slack : u.id]
  filter           = "active eq true"
}

# Deactivate them on request, reviewably:
#   terraform apply -invoke=action.scim_deprovision_accounts.slack_orphans
# The plan lists the accounts; the action reports what it did to each, stops
# before touching anything if one is managed here or cannot be found, and
# respects the provider's deprovision_guard. A second invocation sends
# nothing.
action "scim_deprovision_accounts" "slack_orphans" {
  config {
    connected_app_id = scim_connected_app.slack.id
    ids              = data.scim_users.orphans.ids
    managed_ids      = [for u in scim_provisioned_user.slack : u.id]
    mode             = "deactivate" # or "delete"
  }
}

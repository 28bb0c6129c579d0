# What the data-source example refers to: the app and the accounts this
# configuration manages.
locals {
  slack_url = "https://api.slack.com/scim/v2"
  people = {
    alice = { email = "Alice@example.com", given_name = "Alice", family_name = "Ng" }
  }
}

resource "scim_connected_app" "slack" {
  name     = "Slack"
  base_url = local.slack_url
}

resource "scim_attribute_mapping" "slack" {
  connected_app_id = scim_connected_app.slack.id
  rules = [
    { target = "userName", source = "email", transform = "lower" },
    { target = "displayName", template = "{given_name} {family_name}" },
  ]
}

resource "scim_provisioned_user" "slack" {
  for_each          = local.people
  connected_app_id  = scim_connected_app.slack.id
  attribute_mapping = scim_attribute_mapping.slack.encoded
  profile           = each.value
}

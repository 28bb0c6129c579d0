# What the list-resource example refers to: the app and its mapping, as the
# configuration that brings the app under management has them.
resource "scim_connected_app" "slack" {
  name     = "Slack"
  base_url = "https://api.slack.com/scim/v2"
}

resource "scim_attribute_mapping" "slack" {
  connected_app_id = scim_connected_app.slack.id
  rules = [
    { target = "userName", source = "email", transform = "lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "displayName", template = "{given_name} {family_name}" },
  ]
}

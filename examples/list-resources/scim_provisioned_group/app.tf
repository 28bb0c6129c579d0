# What the list-resource example refers to: the app.
resource "scim_connected_app" "slack" {
  name     = "Slack"
  base_url = "https://api.slack.com/scim/v2"
}

resource "scim_connected_app" "slack" {
  name     = "Slack"
  base_url = "https://api.slack.com/scim/v2"
}

# An app whose discovery documents overstate what it can do.
resource "scim_connected_app" "legacy_hr" {
  name     = "Legacy HR"
  base_url = "https://hr.example.com/scim/v2"

  compatibility = {
    put                  = false # the app has no PUT
    filtered_patch_paths = false # PATCH emails[type eq "work"].value is rejected
  }
}

output "slack_supports_patch" {
  value = scim_connected_app.slack.capabilities.patch
}

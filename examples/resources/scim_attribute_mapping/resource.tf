resource "scim_connected_app" "slack" {
  name     = "Slack"
  base_url = "https://api.slack.com/scim/v2"
}

# How a person's profile (a flat map of strings: email, given_name, title,
# department, ...) becomes Slack's SCIM attributes. The rules are checked
# against Slack's /Schemas at plan time: each target must exist, be writable
# and take a value of the right type, and userName must be mapped.
resource "scim_attribute_mapping" "slack" {
  connected_app_id = scim_connected_app.slack.id

  rules = [
    { target = "userName", source = "email", transform = "trim+lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "displayName", template = "{given_name} {family_name}" },

    # One element of the multi-valued `emails`, selected by its type.
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },
    { target = "emails[type eq \"work\"].primary", value = "true" },

    # Not everyone has a title: leave it unset (and remove it from an account
    # that has one) instead of failing the plan. `omit` is the default; it is
    # spelled out here for the reader.
    { target = "title", source = "title", if_missing = "omit" },

    # Enterprise User extension attributes take their schema URN.
    { target = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", source = "department", if_missing = "error" },
    { target = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter", source = "cost_center" },

    # The enterprise `manager.value` is the manager's SCIM id *in this app*, not
    # an email address, so map it only from a profile field that holds that id:
    # { target = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", source = "slack_manager_id" },
  ]
}

# The paths the accounts' reads and comparisons are limited to.
output "slack_managed_attributes" {
  value = scim_attribute_mapping.slack.managed_attributes
}

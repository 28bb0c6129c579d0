resource "scim_connected_app" "slack" {
  name     = "Slack"
  base_url = "https://api.slack.com/scim/v2"
}

resource "scim_attribute_mapping" "slack" {
  connected_app_id = scim_connected_app.slack.id
  rules = [
    { target = "userName", source = "email", transform = "trim+lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "displayName", template = "{given_name} {family_name}" },
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },
    { target = "title", source = "title", if_missing = "omit" },
    { target = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", source = "department" },
  ]
}

locals {
  # Often read from a file next to the configuration, e.g.
  # yamldecode(file("${path.module}/people.yaml")), or an HR export.
  people = {
    alice = { email = "alice@example.com", given_name = "Alice", family_name = "Ng", title = "Staff Engineer", department = "R&D", status = "active" }
    bob   = { email = "bob@example.com", given_name = "Bob", family_name = "Diaz", department = "Sales", status = "leaver" }
    carol = { email = "Carol.Okafor@example.com", given_name = "Carol", family_name = "Okafor", title = "Controller", department = "Finance", status = "active" }
  }
}

resource "scim_provisioned_user" "slack" {
  for_each = local.people

  connected_app_id  = scim_connected_app.slack.id
  compatibility     = scim_connected_app.slack.compatibility
  attribute_mapping = scim_attribute_mapping.slack.encoded
  profile           = each.value

  # A leaver keeps a deactivated account, so their messages and files stay.
  active = each.value.status == "active"

  # Removing someone from local.people deactivates the account (the default).
  # "delete" would delete it; "abandon" would leave it as it is and forget it.
  deprovision = "deactivate"

  # Time limits, retries included. An attribute, not a block: `timeouts = {`.
  timeouts = {
    create = "10m"
    delete = "5m"
  }

  # adopt_existing is left false (the default): an active account someone
  # made by hand is an error that names it, never taken over silently. Set
  # adopt_existing = true once, while bringing such accounts under management:
  # the plan then names each account it will link and every value it will
  # overwrite. (A rehire, an inactive account with the same userName, is
  # linked either way.)
}

output "slack_accounts" {
  value = { for key, account in scim_provisioned_user.slack : key => account.location }
}

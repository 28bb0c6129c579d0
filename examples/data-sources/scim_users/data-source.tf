# Every active account of the app, with two more attributes.
data "scim_users" "active" {
  connected_app_id = scim_connected_app.slack.id
  filter           = "active eq true"
  attribute_paths  = ["title", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"]
}

# The orphans: accounts in the app that no resource of this configuration
# manages. The app and the managed accounts are named as data (the URL, and
# the userNames the mapping makes of local.people), not by reference to
# their resources: Terraform reads a data source that refers to a resource
# with a planned change only at apply, and the report would then be unknown
# in every plan that changes anything else.
data "scim_users" "orphans" {
  connected_app_id   = local.slack_url
  exclude_user_names = [for p in local.people : lower(p.email)]
}

output "slack_orphans" {
  value = [for u in data.scim_users.orphans.users : u.user_name]
}

# A scheduled plan reports them as a failed check (a warning, not an error).
check "slack_has_no_orphans" {
  assert {
    condition     = length(data.scim_users.orphans.users) == 0
    error_message = "Slack holds accounts no one manages: ${join(", ", [for u in data.scim_users.orphans.users : u.user_name])}."
  }
}

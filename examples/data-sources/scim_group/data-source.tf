# One group by name, with its members' account ids.
data "scim_group" "engineering" {
  connected_app_id = "https://api.slack.com/scim/v2"
  display_name     = "Engineering"
}

output "engineering_members" {
  value = data.scim_group.engineering.members
}

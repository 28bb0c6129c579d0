resource "scim_connected_app" "slack" {
  name     = "Slack"
  base_url = "https://api.slack.com/scim/v2"
}

resource "scim_attribute_mapping" "slack" {
  connected_app_id = scim_connected_app.slack.id
  rules = [
    { target = "userName", source = "email", transform = "lower" },
    { target = "displayName", template = "{given_name} {family_name}" },
  ]
}

locals {
  people = {
    alice = { email = "alice@example.com", given_name = "Alice", family_name = "Ng", department = "R&D", roles = "admin" }
    bob   = { email = "bob@example.com", given_name = "Bob", family_name = "Diaz", department = "Sales", roles = "" }
    carol = { email = "carol@example.com", given_name = "Carol", family_name = "Ito", department = "R&D", roles = "admin,billing" }
  }

  # Groups from a map of teams, each team listing its people.
  teams = {
    platform = { name = "Platform", people = ["alice", "carol"] }
    sales    = { name = "Sales", people = ["bob"] }
  }
}

resource "scim_provisioned_user" "slack" {
  for_each          = local.people
  connected_app_id  = scim_connected_app.slack.id
  compatibility     = scim_connected_app.slack.compatibility
  attribute_mapping = scim_attribute_mapping.slack.encoded
  profile           = each.value
}

resource "scim_provisioned_group" "team" {
  for_each         = local.teams
  connected_app_id = scim_connected_app.slack.id
  compatibility    = scim_connected_app.slack.compatibility
  display_name     = each.value.name
  external_id      = each.key
  members          = [for p in each.value.people : scim_provisioned_user.slack[p].id]
}

# Membership from each person's profile: one group per department.
resource "scim_provisioned_group" "department" {
  for_each         = toset([for p in local.people : p.department])
  connected_app_id = scim_connected_app.slack.id
  compatibility    = scim_connected_app.slack.compatibility
  display_name     = "dept-${lower(each.key)}"
  members          = [for k, p in local.people : scim_provisioned_user.slack[k].id if p.department == each.key]
}

# An app role modelled as a group: everyone whose profile lists the role.
resource "scim_provisioned_group" "admins" {
  connected_app_id = scim_connected_app.slack.id
  compatibility    = scim_connected_app.slack.compatibility
  display_name     = "Workspace Admins"
  members          = [for k, p in local.people : scim_provisioned_user.slack[k].id if contains(split(",", p.roles), "admin")]

  # The group already exists in the workspace: link it by name.
  adopt_existing = true
}

# A group whose members are managed in the app: only its name is.
resource "scim_provisioned_group" "everyone" {
  connected_app_id = scim_connected_app.slack.id
  display_name     = "Everyone"
  deprovision      = "abandon"
}

# The groups of the app that no resource of this configuration manages,
# with their members.
data "scim_groups" "unmanaged" {
  connected_app_id = "https://api.slack.com/scim/v2"
  exclude_ids      = var.managed_group_ids
  include_members  = true
}

variable "managed_group_ids" {
  type    = list(string)
  default = []
}

output "unmanaged_groups" {
  value = { for g in data.scim_groups.unmanaged.groups : g.display_name => length(g.members) }
}

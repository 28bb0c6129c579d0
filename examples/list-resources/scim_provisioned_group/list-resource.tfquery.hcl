# The app's groups, for `terraform query -generate-config-out=generated.tf`
# (Terraform 1.14 and later); with include_members, the generated groups
# manage their members by account id.
list "scim_provisioned_group" "slack" {
  provider = scim
  config {
    connected_app_id = scim_connected_app.slack.id
    include_members  = true
  }
}

# In a .tfquery.hcl file beside the configuration that has the app and its
# mapping: `terraform query` lists the app's accounts, and
# `terraform query -generate-config-out=generated.tf` writes an import block
# and a scim_provisioned_user for each, its profile read back through the
# mapping (Terraform 1.14 and later).
list "scim_provisioned_user" "slack" {
  provider = scim
  limit    = 1000
  config {
    connected_app_id  = scim_connected_app.slack.id
    attribute_mapping = scim_attribute_mapping.slack.encoded
    filter            = "active eq true"
  }
}

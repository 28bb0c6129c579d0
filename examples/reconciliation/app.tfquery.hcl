# `terraform query` (Terraform 1.14 and later) lists the app's accounts and
# groups; `terraform query -generate-config-out=generated.tf` writes an
# import block and a resource block for each.
list "scim_provisioned_user" "app" {
  provider = scim
  config {
    connected_app_id  = scim_connected_app.app.id
    attribute_mapping = scim_attribute_mapping.app.encoded
  }
}

list "scim_provisioned_group" "app" {
  provider = scim
  config {
    connected_app_id = scim_connected_app.app.id
    include_members  = true
  }
}

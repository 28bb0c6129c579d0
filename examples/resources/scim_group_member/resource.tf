resource "scim_connected_app" "hr" {
  name     = "HR system"
  base_url = "https://hr.example.com/scim/v2"
}

resource "scim_attribute_mapping" "hr" {
  connected_app_id = scim_connected_app.hr.id
  rules            = [{ target = "userName", source = "email" }]
}

resource "scim_provisioned_user" "alice" {
  connected_app_id  = scim_connected_app.hr.id
  compatibility     = scim_connected_app.hr.compatibility
  attribute_mapping = scim_attribute_mapping.hr.encoded
  profile           = { email = "alice@example.com" }
}

# The "Payroll approvers" group is owned by the HR team in the app; this
# configuration only makes sure Alice is in it and leaves the others alone.
resource "scim_group_member" "alice_payroll" {
  connected_app_id = scim_connected_app.hr.id
  compatibility    = scim_connected_app.hr.compatibility
  group_id         = "8e7a6f0c-4c1b-4b7e-9d55-0f6b1a2c3d4e"
  member_id        = scim_provisioned_user.alice.id
}

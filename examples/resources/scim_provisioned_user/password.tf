# An app that needs a password when an account is created. password_wo is
# write-only (Terraform 1.11 and later): it is never in the plan or the
# state. An ephemeral variable (Terraform 1.10 and later) keeps it out of
# saved plans too.
variable "kiosk_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "scim_connected_app" "intranet" {
  name     = "Intranet"
  base_url = "https://intranet.example.com/scim/v2"
}

resource "scim_attribute_mapping" "intranet" {
  connected_app_id = scim_connected_app.intranet.id
  rules = [
    { target = "userName", source = "email", transform = "lower" },
    { target = "displayName", template = "{given_name} {family_name}" },
  ]
}

resource "scim_provisioned_user" "kiosk" {
  connected_app_id    = scim_connected_app.intranet.id
  compatibility       = scim_connected_app.intranet.compatibility
  attribute_mapping   = scim_attribute_mapping.intranet.encoded
  profile             = { email = "kiosk@example.com", given_name = "Front", family_name = "Desk" }
  password_wo         = var.kiosk_password
  password_wo_version = 1 # a new number sends the password again
}

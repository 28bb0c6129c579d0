# Link an account that already exists in the app, by its identity: the
# app's base URL and the account's SCIM id (Terraform 1.12 and later).
import {
  to = scim_provisioned_user.slack["alice"]
  identity = {
    base_url = "https://api.slack.com/scim/v2"
    id       = "W0123ABCDEF"
  }
}

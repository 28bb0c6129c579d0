# Bring a group made by hand under Terraform, by its identity: the app's
# base URL and the group's SCIM id (Terraform 1.12 and later).
import {
  to = scim_provisioned_group.team["sales"]
  identity = {
    base_url = "https://api.slack.com/scim/v2"
    id       = "S0456GHIJKL"
  }
}

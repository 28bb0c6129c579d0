# Bring a group made by hand under Terraform, by its SCIM location.
import {
  to = scim_provisioned_group.team["platform"]
  id = "https://api.slack.com/scim/v2/Groups/S0123ABCDEF"
}

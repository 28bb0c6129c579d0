# Link an account that already exists in the app, by its SCIM location.
import {
  to = scim_provisioned_user.slack["carol"]
  id = "https://api.slack.com/scim/v2/Users/W0123ABCDEF"
}

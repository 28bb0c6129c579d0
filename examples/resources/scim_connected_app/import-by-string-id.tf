import {
  to = scim_connected_app.slack
  id = "https://api.slack.com/scim/v2"
}

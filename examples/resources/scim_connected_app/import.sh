# A connected app is imported by its SCIM base URL.
terraform import scim_connected_app.slack https://api.slack.com/scim/v2

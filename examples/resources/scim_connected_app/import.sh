# A connected app is imported by its SCIM base URL. The app does not know the name
# you gave it, so the name starts as the URL's host; the next apply sets the
# configured one, with no call to the app.
terraform import scim_connected_app.slack https://api.slack.com/scim/v2

# Exactly one account, by userName (or by external_id, or by id); reading
# fails, saying what it found, when none or several match.
data "scim_user" "alice" {
  connected_app_id = "https://api.slack.com/scim/v2"
  user_name        = "alice@example.com"
  attribute_paths  = ["title", "emails[type eq \"work\"].value"]
}

output "alice_in_slack" {
  value = {
    location = data.scim_user.alice.location
    active   = data.scim_user.alice.active
    title    = lookup(data.scim_user.alice.attributes, "title", null)
  }
}

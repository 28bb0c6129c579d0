# A provisioned user is imported by its SCIM location, <base_url>/Users/<id>.
# Quote a for_each address: its brackets and double quotes mean something to the shell.
terraform import 'scim_provisioned_user.slack["carol"]' https://api.slack.com/scim/v2/Users/W0123ABCDEF

# The same account managed through the example module (examples/modules/scim-app):
terraform import 'module.slack.scim_provisioned_user.this["carol"]' https://api.slack.com/scim/v2/Users/W0123ABCDEF

# A provisioned group is imported by its SCIM location, <base_url>/Groups/<id>.
# Members are managed from the first apply that sets `members`.
terraform import 'scim_provisioned_group.team["platform"]' https://api.slack.com/scim/v2/Groups/S0123ABCDEF

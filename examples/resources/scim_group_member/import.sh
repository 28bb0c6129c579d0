# A membership is imported as <base_url>/Groups/<group_id>/members/<member_id>.
terraform import scim_group_member.alice_payroll https://hr.example.com/scim/v2/Groups/8e7a6f0c-4c1b-4b7e-9d55-0f6b1a2c3d4e/members/2819c223

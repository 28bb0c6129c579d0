# AWS IAM Identity Center: two people and a group, provisioned over SCIM.
# The guide docs/guides/aws_identity_center.md explains each part.
terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

variable "scim_endpoint" {
  description = "The SCIM endpoint IAM Identity Center shows when automatic provisioning is enabled: https://scim.<region>.amazonaws.com/<tenant id>/scim/v2."
  type        = string
}

# The access token shown next to the endpoint. `ephemeral` (Terraform 1.10
# and later) keeps it out of saved plan files; on older versions drop that
# line, or leave the variable out and set SCIM_CREDENTIALS instead.
variable "scim_token" {
  description = "IAM Identity Center SCIM access token."
  type        = string
  sensitive   = true
  ephemeral   = true
}

provider "scim" {
  credentials = [
    {
      url          = var.scim_endpoint
      bearer_token = var.scim_token
    },
  ]
}

locals {
  people = {
    alice = { email = "alice@example.com", given_name = "Alice", family_name = "Ng", title = "Engineer", department = "R&D" }
    bob   = { email = "bob@example.com", given_name = "Bob", family_name = "Diaz", department = "Sales" }
  }
}

# The profile aws_identity_center is detected from the endpoint's form. Behind
# a proxy, whose URL does not show it, name it:
#   compatibility = { vendor = "aws_identity_center" }
resource "scim_connected_app" "aws" {
  name     = "AWS IAM Identity Center"
  base_url = var.scim_endpoint
}

resource "scim_attribute_mapping" "aws" {
  connected_app_id = scim_connected_app.aws.id
  rules = [
    # IAM Identity Center refuses a user without userName, given name, family
    # name or display name; the plan checks every account for them.
    { target = "userName", source = "email", transform = "lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "displayName", template = "{given_name} {family_name}" },

    # One email, no more: IAM Identity Center keeps a single value of emails
    # (and of phoneNumbers and addresses). It also requires that email to be
    # marked primary, which the provider does by itself.
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },

    { target = "title", source = "title", if_missing = "omit" },
    { target = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", source = "department" },
  ]
}

resource "scim_provisioned_user" "aws" {
  for_each          = local.people
  connected_app_id  = scim_connected_app.aws.id
  compatibility     = scim_connected_app.aws.compatibility
  attribute_mapping = scim_attribute_mapping.aws.encoded
  profile           = each.value
}

# IAM Identity Center never shows a group's members; the provider reads them
# through member filters (one request per account of the directory, once per
# Terraform command), so a member added or removed in AWS still shows up.
resource "scim_provisioned_group" "engineering" {
  connected_app_id = scim_connected_app.aws.id
  compatibility    = scim_connected_app.aws.compatibility
  display_name     = "Engineering"
  members          = [for k, u in scim_provisioned_user.aws : u.id]
}

output "vendor" {
  description = "The vendor profile in effect: aws_identity_center."
  value       = scim_connected_app.aws.vendor
}

output "accounts" {
  description = "Each person's account in IAM Identity Center."
  value       = { for k, u in scim_provisioned_user.aws : k => u.location }
}

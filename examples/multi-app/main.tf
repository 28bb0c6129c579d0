# Several SCIM apps provisioned from one list of people, each app with its own
# attribute mapping, its own idea of who gets an account and its own way of
# deprovisioning. `terraform plan` shows, per app, the accounts that will be
# created, changed, deactivated or removed, with the exact SCIM attributes.

terraform {
  required_version = ">= 1.3.0"

  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

variable "slack_base_url" {
  type    = string
  default = "https://api.slack.com/scim/v2"
}

variable "hr_base_url" {
  type    = string
  default = "https://hr.example.com/scim/v2"
}

variable "wiki_base_url" {
  type    = string
  default = "https://wiki.example.com/scim/v2"
}

variable "slack_scim_token" {
  type      = string
  sensitive = true
}

variable "hr_client_secret" {
  type      = string
  sensitive = true
}

variable "wiki_password" {
  type      = string
  sensitive = true
}

# Each app's credentials, matched to it by base URL (longest prefix wins).
# They never reach resource state; in CI the same list can come from the
# SCIM_CREDENTIALS environment variable instead.
provider "scim" {
  credentials = [
    { url = var.slack_base_url, bearer_token = var.slack_scim_token },
    {
      url = var.hr_base_url
      oauth2 = {
        token_url     = "https://hr.example.com/oauth/token"
        client_id     = "terraform"
        client_secret = var.hr_client_secret
      }
    },
    { url = var.wiki_base_url, basic = { username = "provisioning", password = var.wiki_password } },
  ]
}

locals {
  enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

  # The people, keyed by a handle that never changes. In a real repository
  # this is usually yamldecode(file("${path.module}/people.yaml")) or an HR
  # export; every value is a string.
  people = {
    alice = {
      email       = "alice@example.com"
      given_name  = "Alice"
      family_name = "Ng"
      title       = "Staff Engineer"
      department  = "R&D"
      cost_center = "CC-100"
      employee_id = "E1001"
      employment  = "employee"
      status      = "active"
    }
    bob = {
      email       = "bob@example.com"
      given_name  = "Bob"
      family_name = "Diaz"
      department  = "Sales"
      cost_center = "CC-300"
      employee_id = "E1002"
      employment  = "employee"
      status      = "leaver"
    }
    carol = {
      email       = "carol@example.com"
      given_name  = "Carol"
      family_name = "Okafor"
      title       = "Engineering Manager"
      department  = "R&D"
      cost_center = "CC-100"
      employee_id = "E1003"
      employment  = "employee"
      status      = "on_leave"
    }
    dan = {
      email       = "dan@contractor.example.net"
      given_name  = "Dan"
      family_name = "Berg"
      title       = "Consultant"
      department  = "R&D"
      cost_center = "CC-100"
      employee_id = "C0042"
      employment  = "contractor"
      status      = "active"
    }
  }

  # Rules every app shares; each app adds its own.
  identity_rules = [
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "displayName", template = "{given_name} {family_name}" },
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },
    { target = "emails[type eq \"work\"].primary", value = "true" },
    { target = "title", source = "title", if_missing = "omit" },
  ]
}

# Slack: everyone, contractors included. Someone on leave keeps a deactivated
# account; the workspace had accounts before Terraform, so existing ones are
# linked by userName rather than reported as conflicts.
module "slack" {
  source = "../modules/scim-app"

  name     = "Slack"
  base_url = var.slack_base_url
  rules = concat(local.identity_rules, [
    { target = "userName", source = "email", transform = "trim+lower" },
    { target = "${local.enterprise}:department", source = "department" },
  ])
  people         = local.people
  adopt_existing = true

  # A Slack user group per department, from each person's profile.
  groups = {
    for d in distinct([for p in values(local.people) : p.department]) : lower(d) => {
      display_name = "dept-${lower(d)}"
      members      = [for k, p in local.people : k if p.department == d]
    }
  }
}

# The HR system: employees only, keyed by employee id. People on leave stay
# active there, and a leaver's record is kept (deactivated), never deleted.
module "hr" {
  source = "../modules/scim-app"

  name     = "HR system"
  base_url = var.hr_base_url
  rules = concat(local.identity_rules, [
    { target = "userName", source = "employee_id" },
    { target = "externalId", source = "employee_id" },
    { target = "${local.enterprise}:employeeNumber", source = "employee_id" },
    { target = "${local.enterprise}:department", source = "department", if_missing = "error" },
    { target = "${local.enterprise}:costCenter", source = "cost_center", if_missing = "error" },
  ])
  people          = { for key, person in local.people : key => person if person.employment == "employee" }
  active_statuses = ["active", "on_leave"]
  deprovision     = "deactivate"
  adopt_existing  = true
  adopt_by        = "externalId"
}

# The engineering wiki: R&D only. Leaving R&D removes the person from this
# map, which deletes their wiki account. The wiki has no PUT and rejects
# filtered PATCH paths, whatever its discovery says; every account gets these
# overrides from the app.
module "wiki" {
  source = "../modules/scim-app"

  name     = "Engineering wiki"
  base_url = var.wiki_base_url
  compatibility = {
    put                  = false
    filtered_patch_paths = false
  }
  rules = concat(local.identity_rules, [
    { target = "userName", source = "email", transform = "trim+lower" },
  ])
  people      = { for key, person in local.people : key => person if person.department == "R&D" }
  deprovision = "delete"
}

output "accounts" {
  description = "Every account, by app and person."
  value = {
    slack = module.slack.accounts
    hr    = module.hr.accounts
    wiki  = module.wiki.accounts
  }
}

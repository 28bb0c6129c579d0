terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

# Credentials are matched to a connected app by its base URL: the entry with
# the longest `url` prefix wins. Secrets never reach resource state.
provider "scim" {
  credentials = [
    {
      url          = "https://api.slack.com/scim/v2"
      bearer_token = var.slack_scim_token
    },
    {
      url = "https://hr.example.com/scim/v2"
      oauth2 = {
        token_url     = "https://hr.example.com/oauth/token"
        client_id     = "terraform"
        client_secret = var.hr_client_secret
        scopes        = ["scim"]
      }
    },
    {
      url = "https://wiki.example.com/scim"
      basic = {
        username = "provisioning"
        password = var.wiki_password
      }
    },
  ]

  request_timeout     = "30s"
  max_retries         = 4
  requests_per_second = 0 # no fixed limit: paced by what each app says (Retry-After, X-RateLimit-*)
  max_concurrency     = 4

  # On by default: a plan that deactivates or deletes more than 10 of one
  # app's accounts and more than 25 % of them fails until approved. To
  # approve an intended one for a single run, reviewably:
  #   deprovision_guard = { approve = { "https://api.slack.com/scim/v2" = 40 } }
  # or for one command: SCIM_APPROVE_DEPROVISIONING='https://api.slack.com/scim/v2=40'
  deprovision_guard = {
    max_accounts = 10
    max_percent  = 25
  }
}

# In CI the same list can come from the environment instead:
#   export SCIM_CREDENTIALS='[{"url": "https://api.slack.com/scim/v2", "bearer_token": "xoxp-..."}]'

# Credentials as ephemeral variables (Terraform 1.10 and later, OpenTofu
# 1.11 and later): Terraform stores them in no saved plan and no state. On
# an older CLI, leave out `ephemeral`.
variable "slack_scim_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "hr_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "wiki_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

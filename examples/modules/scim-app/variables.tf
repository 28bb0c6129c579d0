variable "name" {
  description = "The app's name, for people to read (\"Slack\")."
  type        = string
}

variable "base_url" {
  description = "The app's SCIM base URL, the one /Users and /ServiceProviderConfig are under. Credentials for it go in the provider configuration, matched by URL prefix."
  type        = string
}

variable "allow_insecure_http" {
  description = "Allow a plain-http base_url to a host other than the loopback address. Credentials are then sent unencrypted."
  type        = bool
  default     = false
}

variable "compatibility" {
  description = "Overrides for an app whose discovery documents are wrong or that has known quirks; unset fields follow discovery. Passed to every account."
  type = object({
    patch                = optional(bool)
    put                  = optional(bool)
    filtered_patch_paths = optional(bool)
    etag                 = optional(bool)
  })
  default = null
}

variable "rules" {
  description = "Attribute mapping rules, from a SCIM attribute path (target) to a profile field (source), a constant (value) or a template. userName must be among the targets."
  type = list(object({
    target     = string
    source     = optional(string)
    value      = optional(string)
    template   = optional(string)
    transform  = optional(string)
    if_missing = optional(string)
  }))
}

variable "people" {
  description = "The people to provision, by a stable key (a handle or an employee id): each a flat map of profile fields the rules read, including the status field. Removing a person deprovisions their account."
  type        = map(map(string))
  default     = {}

  validation {
    condition     = alltrue([for p in values(var.people) : contains(keys(p), "status")])
    error_message = "Every person needs a \"status\" field; the account is active when it is one of active_statuses."
  }
}

variable "active_statuses" {
  description = "Values of a person's status field for which their account is active. Any other value deactivates the account in place; it is not deleted."
  type        = list(string)
  default     = ["active"]
}

variable "deprovision" {
  description = "What removing a person from `people` (or destroying the module) does to their account: deactivate, delete or abandon."
  type        = string
  default     = "deactivate"

  validation {
    condition     = contains(["deactivate", "delete", "abandon"], var.deprovision)
    error_message = "deprovision must be one of deactivate, delete or abandon."
  }
}

variable "adopt_existing" {
  description = "Link an account that already exists in the app (exactly one match by adopt_by) instead of failing on the conflict."
  type        = bool
  default     = false
}

variable "adopt_by" {
  description = "The attribute existing accounts are looked up by when adopting: userName or externalId."
  type        = string
  default     = "userName"

  validation {
    condition     = contains(["userName", "externalId"], var.adopt_by)
    error_message = "adopt_by must be userName or externalId."
  }
}

variable "groups" {
  description = "The app's groups, by a stable key: each with its display_name, an optional external_id and members, the keys in `people` of the people it holds (people missing from `people` are left out). Build it from a map of teams, or from the people's profiles, e.g. { for d in distinct([for p in values(var.people) : p.department]) : d => { display_name = d, members = [for k, p in var.people : k if p.department == d] } }."
  type = map(object({
    display_name = string
    external_id  = optional(string)
    members      = list(string)
  }))
  default = {}
}

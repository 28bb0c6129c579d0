terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}

variable "scim_base_url" {
  description = "SCIM base URL of the app. `make demo` points it at the local SCIM target."
  type        = string
  default     = "http://127.0.0.1:8484/scim/v2"
}

# Credentials come from the SCIM_CREDENTIALS environment variable, e.g.
#   export SCIM_CREDENTIALS='[{"url": "http://127.0.0.1:8484/scim/v2", "bearer_token": "demo-token"}]'
# or from a `credentials` list here (see examples/provider).
provider "scim" {}

resource "scim_connected_app" "demo" {
  name     = "Demo app (local SCIM target)"
  base_url = var.scim_base_url
}

output "demo_app_capabilities" {
  value = scim_connected_app.demo.capabilities
}

#!/usr/bin/env bash
# make install-check: prove that `make install` is all a user needs.
#
# In a throwaway HOME (the real one is never touched, so this repeats the same
# on any machine and on CI) it runs `make install`, starts the local SCIM
# target on 127.0.0.1, and then, in a fresh directory outside the repository,
# with an ordinary required_providers block, no dev_overrides and a CLI
# configuration without a provider_installation block:
#
#   terraform init      must succeed offline, from the implied local mirror
#   terraform plan      must plan 3 to add (a connected app, a mapping, a user)
#   terraform apply     then a plan with no changes, then terraform destroy
#   tofu init, plan     the same, when OpenTofu is on PATH
#
# It also copies examples/ outside the repository and checks that
# examples/multi-app, which calls a module, initialises the same way and
# validates. Network access is cut off for terraform (a proxy on a closed
# loopback port), so anything that would reach for a registry fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
started=$SECONDS

step() { printf '\n==> %s\n' "$*"; }
fail() { echo "install-check: $*" >&2; exit 1; }

command -v terraform >/dev/null 2>&1 || fail "needs the terraform CLI on PATH (or: go install github.com/hashicorp/terraform@v1.5.7)"
command -v make >/dev/null 2>&1 || fail "needs make"

# Everything lives under one scratch directory outside the repository.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/scim-install-check.XXXXXX")"
scratch="$(cd "$scratch" && pwd -P)"
case "$scratch/" in
  "$(pwd -P)"/*) fail "the scratch directory $scratch is inside the repository; set TMPDIR elsewhere" ;;
esac
target_pid=""
cleanup() {
  if [ -n "$target_pid" ]; then
    kill "$target_pid" 2>/dev/null || true
    wait "$target_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# Keep Go's caches and settings where they are: only HOME changes.
GOCACHE="$(go env GOCACHE)"
GOMODCACHE="$(go env GOMODCACHE)"
GOPATH="$(go env GOPATH)"
GOENV="$(go env GOENV)"
export GOCACHE GOMODCACHE GOPATH GOENV

home="$scratch/home"
mkdir -p "$home"
export HOME="$home"
unset XDG_DATA_HOME XDG_CONFIG_HOME
# The environment may point TF_CLI_CONFIG_FILE at a missing file, or set
# other TF_ variables: use an empty CLI configuration of our own (so no
# provider_installation block, no dev_overrides) and nothing else.
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_WORKSPACE TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_plan TF_CLI_ARGS_apply TF_CLI_ARGS_destroy TF_CLI_ARGS_validate
: >"$scratch/empty.tfrc"
export TF_CLI_CONFIG_FILE="$scratch/empty.tfrc"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
terraform version

step "make install, into HOME=$home"
(unset VERSION PLUGIN_DIR; make --no-print-directory install)
version="$(sed -n 's/^VERSION ?= *//p' GNUmakefile)"
platform="$(go env GOOS)_$(go env GOARCH)"
for host in registry.terraform.io registry.opentofu.org; do
  bin="$home/.terraform.d/plugins/$host/openscim/scim/$version/$platform/terraform-provider-scim_v$version"
  [ -x "$bin" ] || fail "make install did not install $bin"
done

step "Starting the local SCIM target on 127.0.0.1"
go build -o "$scratch/scim-target" ./internal/scimtarget/cmd/scim-target
"$scratch/scim-target" -listen 127.0.0.1:0 -port-file "$scratch/target.addr" -token check-token >"$scratch/target.log" 2>&1 &
target_pid=$!
for _ in $(seq 1 100); do [ -s "$scratch/target.addr" ] && break; sleep 0.1; done
[ -s "$scratch/target.addr" ] || { cat "$scratch/target.log"; fail "the SCIM target did not start"; }
base_url="http://$(cat "$scratch/target.addr")/scim/v2"
echo "SCIM base URL: $base_url"
export SCIM_CREDENTIALS="[{\"url\": \"$base_url\", \"bearer_token\": \"check-token\"}]"

# From here on, terraform cannot reach any registry: any attempt fails fast.
# The provider still reaches the target, since loopback is never proxied.
export HTTPS_PROXY="http://127.0.0.1:9" HTTP_PROXY="http://127.0.0.1:9" NO_PROXY="127.0.0.1,localhost"
export https_proxy="$HTTPS_PROXY" http_proxy="$HTTP_PROXY" no_proxy="$NO_PROXY"

work="$scratch/config"
mkdir -p "$work"
cat >"$work/main.tf" <<TF
terraform {
  required_providers {
    scim = {
      source  = "openscim/scim"
      version = "~> ${version%.*}"
    }
  }
}

# Credentials come from SCIM_CREDENTIALS.
provider "scim" {}

resource "scim_connected_app" "app" {
  name     = "install check"
  base_url = "$base_url"
}

resource "scim_attribute_mapping" "app" {
  connected_app_id = scim_connected_app.app.id
  rules = [
    { target = "userName", source = "email", transform = "lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
  ]
}

resource "scim_provisioned_user" "alice" {
  connected_app_id  = scim_connected_app.app.id
  compatibility     = scim_connected_app.app.compatibility
  attribute_mapping = scim_attribute_mapping.app.encoded
  profile           = { email = "Alice@Example.com", given_name = "Alice", family_name = "Ng" }
}
TF
cd "$work"
tf() { echo "+ terraform $*"; terraform "$@"; }

step "terraform init in $work (a fresh directory outside the repository)"
tf init -input=false -no-color | tee "$scratch/init.log"
grep -q "Installed openscim/scim v$version" "$scratch/init.log" || fail "terraform init did not install openscim/scim v$version"
[ -e ".terraform/providers/registry.terraform.io/openscim/scim/$version/$platform" ] || fail "the provider is not in .terraform/providers"

step "terraform plan: 3 to add"
tf plan -input=false -no-color -out="$scratch/tfplan" | tee "$scratch/plan.log"
grep -q "Plan: 3 to add, 0 to change, 0 to destroy." "$scratch/plan.log" || fail "the plan does not show 3 to add"

step "terraform apply, then a plan with no changes, then terraform destroy"
tf apply -input=false -no-color "$scratch/tfplan"
tf plan -input=false -no-color -detailed-exitcode
tf destroy -input=false -no-color -auto-approve

if command -v tofu >/dev/null 2>&1; then
  step "OpenTofu ($(tofu version | head -1)) is on PATH: tofu init and plan in another fresh directory"
  mkdir -p "$scratch/config-tofu"
  cp "$work/main.tf" "$scratch/config-tofu/"
  cd "$scratch/config-tofu"
  echo "+ tofu init"
  tofu init -input=false -no-color | tee "$scratch/init-tofu.log"
  grep -q "Installed openscim/scim v$version" "$scratch/init-tofu.log" || fail "tofu init did not install openscim/scim v$version"
  echo "+ tofu plan"
  tofu plan -input=false -no-color | tee "$scratch/plan-tofu.log"
  grep -q "Plan: 3 to add, 0 to change, 0 to destroy." "$scratch/plan-tofu.log" || fail "the tofu plan does not show 3 to add"
fi

step "examples/multi-app (calls ../modules/scim-app), copied outside the repository"
cp -R "$root/examples" "$scratch/examples"
rm -rf "$scratch"/examples/*/.terraform "$scratch"/examples/*/.terraform.lock.hcl "$scratch"/examples/*/terraform.tfstate*
cd "$scratch/examples/multi-app"
tf init -input=false -no-color | tee "$scratch/init-multi.log"
grep -q "Installed openscim/scim v$version" "$scratch/init-multi.log" || fail "terraform init of examples/multi-app did not install openscim/scim v$version"
tf validate -no-color

echo
echo "install-check: ok (terraform $(terraform version | head -1 | sed 's/^Terraform //'), $((SECONDS - started))s)"

#!/usr/bin/env bash
# Check every Terraform configuration under examples/ offline, against the
# provider built from this checkout: `terraform fmt -check`, then
# `terraform validate` in each directory that holds .tf files, with
# `-query` where it also holds .tfquery.hcl files (list blocks: run it with
# Terraform 1.14 or later, as `make examples` does).
#
# The provider is reached through dev_overrides, so no `terraform init` and
# no registry are needed. Configurations that call a local module get it
# with `terraform get`, which installs modules only, never providers.
# Resource examples (examples/resources/<type>/) are snippets for the docs
# with no terraform block; they are validated with a generated
# required_providers file next to them, in a scratch copy of examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1

command -v terraform >/dev/null 2>&1 || { echo "validate-examples needs the terraform CLI on PATH" >&2; exit 1; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

go build -o "$scratch/bin/terraform-provider-scim" .
cat >"$scratch/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "openscim/scim" = "$scratch/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$scratch/terraformrc"

echo "==> terraform fmt -check -recursive examples/"
terraform fmt -check -recursive -diff examples/

cp -R examples "$scratch/examples"
failed=0
while IFS= read -r dir; do
  rel="${dir#"$scratch"/}"
  if ! grep -qs 'required_providers' "$dir"/*.tf; then
    cat >"$dir/zz_required_providers.tf" <<'TF'
terraform {
  required_providers {
    scim = {
      source = "openscim/scim"
    }
  }
}
TF
  fi
  echo "==> terraform validate $rel"
  if grep -qs '^module ' "$dir"/*.tf; then
    (cd "$dir" && terraform get -no-color >/dev/null) || { failed=1; continue; }
  fi
  # dev_overrides always adds its own warning; any other warning fails the
  # check, since an example should be clean.
  query=()
  if compgen -G "$dir/*.tfquery.hcl" >/dev/null; then
    query=(-query) # list blocks too (Terraform 1.14 and later)
  fi
  out="$(cd "$dir" && terraform validate -no-color "${query[@]}" 2>&1)" || { echo "$out"; failed=1; continue; }
  if grep -E '^(Warning|Error): ' <<<"$out" | grep -qv 'Provider development overrides are in effect'; then
    echo "$out"
    failed=1
  else
    echo "valid"
  fi
done < <(find "$scratch/examples" -name '*.tf' -not -path '*/.terraform/*' -exec dirname {} \; | sort -u)

exit "$failed"

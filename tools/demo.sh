#!/usr/bin/env bash
# make demo: build the provider, start the local SCIM target on 127.0.0.1,
# and run the quickstart in examples/quickstart with the real terraform CLI.
# Everything happens under ./.demo and the target is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
demo="$root/.demo"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

command -v terraform >/dev/null 2>&1 || {
  echo "make demo needs the terraform CLI on PATH (or: go install github.com/hashicorp/terraform@v1.5.7)" >&2
  exit 1
}

rm -rf "$demo"
mkdir -p "$demo/bin" "$demo/work"

step "Building the provider and the local SCIM target"
go build -o "$demo/bin/terraform-provider-scim" .
go build -o "$demo/scim-target" ./internal/scimtarget/cmd/scim-target
go build -o "$demo/bin/scim-drift-report" ./internal/driftreport/cmd/scim-drift-report

step "Starting the local SCIM target on 127.0.0.1 (bearer token: demo-token)"
"$demo/scim-target" -listen 127.0.0.1:0 -port-file "$demo/target.addr" -token demo-token >"$demo/target.log" 2>&1 &
target_pid=$!
trap 'kill "$target_pid" 2>/dev/null || true; wait "$target_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$demo/target.addr" ] && break; sleep 0.1; done
[ -s "$demo/target.addr" ] || { echo "the SCIM target did not start; its log:"; cat "$demo/target.log"; exit 1; }
addr="$(cat "$demo/target.addr")"
base_url="http://$addr/scim/v2"
echo "SCIM base URL: $base_url"

step "Writing a Terraform CLI configuration with dev_overrides (no terraform init needed)"
cat >"$demo/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "openscim/scim" = "$demo/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$demo/terraformrc"
cat "$TF_CLI_CONFIG_FILE"

cp examples/quickstart/*.tf "$demo/work/"
cd "$demo/work"
# The secret reaches the provider through the environment, as it would in CI.
export SCIM_CREDENTIALS="[{\"url\": \"$base_url\", \"bearer_token\": \"demo-token\"}]"
export TF_VAR_scim_base_url="$base_url"
tf() { echo "+ terraform $*"; terraform "$@"; }

step "terraform plan: three accounts, with the exact SCIM attributes that will be sent, and a group of them"
tf plan -input=false -no-color

step "terraform apply: one POST per account, one for the group"
tf apply -input=false -auto-approve -no-color

step "A plan right after apply is empty"
tf plan -input=false -no-color -detailed-exitcode

alice_location="$(terraform output -json accounts | grep -o '"alice":"[^"]*"' | cut -d'"' -f4)"
alice_id="${alice_location##*/}"
step "Behind Terraform's back, an admin changes Alice's title to \"Manager\" in the app"
curl -fsS -X PATCH "$base_url/_control/users/$alice_id" -H 'Content-Type: application/json' \
  -d '{"path": "title", "value": "Manager"}' >/dev/null
echo "PATCH $base_url/_control/users/$alice_id title=Manager"

step "terraform plan: the drift report shows the change, attribute by attribute"
set +e
tf plan -input=false -no-color -detailed-exitcode -out="$demo/drift.tfplan"
rc=$?
set -e
if [ "$rc" -ne 2 ]; then echo "expected the plan to show the drift (exit code 2), got $rc" >&2; exit 1; fi
# The report a scheduled CI job would post of this plan (shown at the end).
set +e
"$demo/bin/scim-drift-report" -json "$demo/drift-report.json" "$demo/drift.tfplan" >"$demo/drift-report.md"
rc=$?
set -e
if [ "$rc" -ne 2 ]; then echo "expected scim-drift-report to find the drift (exit code 2), got $rc" >&2; exit 1; fi

step "terraform apply: one PATCH repairs it"
tf apply -input=false -auto-approve -no-color
curl -fsS "$base_url/_control/users/$alice_id" | grep -o '"title": *"[^"]*"' || true

group_id="$(terraform output -raw all_staff_group)"
bob_location="$(terraform output -json accounts | grep -o '"bob":"[^"]*"' | cut -d'"' -f4)"
bob_id="${bob_location##*/}"
step "Behind Terraform's back, an admin removes Bob from the group \"All staff\" in the app"
curl -fsS -X DELETE "$base_url/_control/groups/$group_id/members/$bob_id" >/dev/null
echo "DELETE $base_url/_control/groups/$group_id/members/$bob_id"

step "terraform plan: the group's members show the drift, member by member"
set +e
tf plan -input=false -no-color -detailed-exitcode
rc=$?
set -e
if [ "$rc" -ne 2 ]; then echo "expected the plan to show the membership drift (exit code 2), got $rc" >&2; exit 1; fi

step "terraform apply: one PATCH adds Bob back, naming only him"
tf apply -input=false -auto-approve -no-color
members="$(curl -fsS "$base_url/_control/groups/$group_id" | grep -o '"value": *"[^"]*"' | wc -l)"
echo "Members of \"All staff\": $members"
if [ "$members" -ne 3 ]; then echo "expected 3 members after the repair, got $members" >&2; exit 1; fi

step "Bob leaves: active = false deactivates his account in place"
tf apply -input=false -auto-approve -no-color -var 'leavers=["bob"]'
curl -fsS "$base_url/_control/users?userName=bob@example.com" | grep -o '"active": *[a-z]*' || true

step "Carol leaves the company: removed from the configuration, her account is deactivated and kept"
tf apply -input=false -auto-approve -no-color -var 'leavers=["bob"]' -var 'departed=["carol"]'
curl -fsS "$base_url/_control/users?userName=carol@example.com" | grep -o '"active": *[a-z]*' || true

step "Carol is rehired: added back, her inactive account is linked and reactivated, not duplicated"
tf apply -input=false -auto-approve -no-color -var 'leavers=["bob"]'
carol_accounts="$(curl -fsS "$base_url/_control/users" | grep -o '"userName": *"carol@example.com"' | wc -l)"
echo "Accounts with userName carol@example.com: $carol_accounts"
if [ "$carol_accounts" -ne 1 ]; then echo "expected exactly one account for Carol after the rehire, got $carol_accounts" >&2; exit 1; fi
curl -fsS "$base_url/_control/users?userName=carol@example.com" | grep -o '"active": *[a-z]*' || true

step "terraform destroy: accounts are deactivated (deprovision = \"deactivate\"), not deleted; the group is deleted"
tf destroy -input=false -auto-approve -no-color -var 'leavers=["bob"]'
echo "Accounts left in the app:"
curl -fsS "$base_url/_control/users" | grep -o '"userName": *"[^"]*"\|"active": *[a-z]*' | paste - - || true

step "Done. Requests the app received, by method and path:"
curl -fsS "$base_url/_control/requests" | grep -o '"[A-Z]* /[^"]*": *[0-9]*' || true

step "The drift report of the drift above (scim-drift-report, exit status 2), as a CI job would post it:"
cat "$demo/drift-report.md"
echo
echo "(also as JSON: $demo/drift-report.json)"

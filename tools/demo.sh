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

# Bold step titles on a terminal only; plain text in a log or a pipe.
if [ -t 1 ]; then
  step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
  step() { printf '\n==> %s\n' "$*"; }
fi

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
echo "$TF_CLI_CONFIG_FILE (every command warns once, compactly, that it is in effect)"

cp examples/quickstart/*.tf "$demo/work/"
cd "$demo/work"
# The secret reaches the provider through the environment, as it would in CI.
export SCIM_CREDENTIALS="[{\"url\": \"$base_url\", \"bearer_token\": \"demo-token\"}]"
export TF_VAR_scim_base_url="$base_url"
tf() { echo "+ terraform $*"; terraform "$@"; }
# Plans are saved and applied as they are: each change is shown once.
# Warnings are compact (the dev_overrides one above comes with every command).
plan() { tf plan -input=false -no-color -compact-warnings "$@"; }
apply_saved() { tf apply -input=false -no-color -compact-warnings "$1" | grep -v '^$'; }
# An apply without a separate plan, for the steps whose story is what
# happens to each account: the resources it changes and why, the warnings
# that say what it does in the app, and the result (the full plans were
# shown above).
summary() { grep -E '^\+ terraform |^ *# |^Plan:|complete|^Warnings:|^- |^Error' | grep -v 'unchanged .* hidden' || true; }
apply() { tf apply -input=false -auto-approve -no-color -compact-warnings "$@" | summary; }

step "terraform plan: three accounts, with the exact SCIM attributes that will be sent, and a group of them"
# Every resource's line, and Alice's account in full: the others read alike.
plan -out="$demo/first.tfplan" | awk '
  /^  # / { full = ($0 ~ /demo\["alice"\]/); print; next }
  full { print; if ($0 ~ /^    }$/) full = 0; next }
  /^Plan:|^\+ terraform|^Warnings:|^- / { print }'

step "terraform apply of that plan: one POST per account, one for the group"
apply_saved "$demo/first.tfplan"

step "A plan right after apply is empty"
plan -detailed-exitcode | tail -n 3

alice_location="$(terraform output -json accounts | grep -o '"alice":"[^"]*"' | cut -d'"' -f4)"
alice_id="${alice_location##*/}"
step "Behind Terraform's back, an admin changes Alice's title to \"Manager\" in the app"
curl -fsS -X PATCH "$base_url/_control/users/$alice_id" -H 'Content-Type: application/json' \
  -d '{"path": "title", "value": "Manager"}' >/dev/null
echo "(the app now says title = Manager)"

step "terraform plan: the drift report shows the change, attribute by attribute"
set +e
plan -detailed-exitcode -out="$demo/drift.tfplan"
rc=$?
set -e
if [ "$rc" -ne 2 ]; then echo "expected the plan to show the drift (exit code 2), got $rc" >&2; exit 1; fi
# The report a scheduled CI job would post of this plan (shown at the end).
set +e
"$demo/bin/scim-drift-report" -json "$demo/drift-report.json" "$demo/drift.tfplan" >"$demo/drift-report.md"
rc=$?
set -e
if [ "$rc" -ne 2 ]; then echo "expected scim-drift-report to find the drift (exit code 2), got $rc" >&2; exit 1; fi

step "terraform apply of that plan: one PATCH repairs it"
apply_saved "$demo/drift.tfplan"
echo "Alice's title in the app: $(curl -fsS "$base_url/_control/users/$alice_id" | grep -o '"title": *"[^"]*"' | cut -d'"' -f4)"

group_id="$(terraform output -raw all_staff_group)"
bob_location="$(terraform output -json accounts | grep -o '"bob":"[^"]*"' | cut -d'"' -f4)"
bob_id="${bob_location##*/}"
step "Behind Terraform's back, an admin removes Bob from the group \"All staff\" in the app"
curl -fsS -X DELETE "$base_url/_control/groups/$group_id/members/$bob_id" >/dev/null
echo "(the group in the app now holds Alice and Carol)"

step "terraform plan: the group's members show the drift, member by member"
set +e
plan -detailed-exitcode -out="$demo/members.tfplan"
rc=$?
set -e
if [ "$rc" -ne 2 ]; then echo "expected the plan to show the membership drift (exit code 2), got $rc" >&2; exit 1; fi

step "terraform apply of that plan: one PATCH adds Bob back, naming only him"
apply_saved "$demo/members.tfplan"
members="$(curl -fsS "$base_url/_control/groups/$group_id" | grep -o '"value": *"[^"]*"' | wc -l)"
echo "Members of \"All staff\": $members"
if [ "$members" -ne 3 ]; then echo "expected 3 members after the repair, got $members" >&2; exit 1; fi

active_in_app() { curl -fsS "$base_url/_control/users?userName=$1" | grep -o '"active": *[a-z]*' | grep -o '[a-z]*$'; }

step "Bob leaves: active = false deactivates his account in place"
apply -var 'leavers=["bob"]'
echo "Bob's account in the app: active = $(active_in_app bob@example.com)"

step "Carol leaves the company: removed from the configuration, her account is deactivated and kept"
apply -var 'leavers=["bob"]' -var 'departed=["carol"]'
echo "Carol's account in the app: active = $(active_in_app carol@example.com)"

step "Carol is rehired: added back, her inactive account is linked and reactivated, not duplicated"
apply -var 'leavers=["bob"]'
carol_accounts="$(curl -fsS "$base_url/_control/users" | grep -o '"userName": *"carol@example.com"' | wc -l)"
echo "Accounts with userName carol@example.com: $carol_accounts"
if [ "$carol_accounts" -ne 1 ]; then echo "expected exactly one account for Carol after the rehire, got $carol_accounts" >&2; exit 1; fi
echo "Carol's account in the app: active = $(active_in_app carol@example.com)"

step "terraform destroy: accounts are deactivated (deprovision = \"deactivate\"), not deleted; the group is deleted"
tf destroy -input=false -auto-approve -no-color -compact-warnings -var 'leavers=["bob"]' | summary
echo "Accounts left in the app (userName, active):"
curl -fsS "$base_url/_control/users" | grep -o '"userName": *"[^"]*"\|"active": *[a-z]*' | paste - - || true

step "Done. Requests the app received, by method and path:"
curl -fsS "$base_url/_control/requests" | grep -o '"[A-Z]* /[^"]*": *[0-9]*' || true

step "The drift report of the drift above (scim-drift-report, exit status 2), as a CI job would post it:"
cat "$demo/drift-report.md"
echo
echo "(also as JSON: $demo/drift-report.json)"

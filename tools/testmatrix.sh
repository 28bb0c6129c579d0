#!/usr/bin/env bash
# make testmatrix: the acceptance suites under each CLI of the supported
# matrix, one after the other, each CLI obtained by tools/get-cli.sh (built
# from the Go module proxy the first time, cached after). MATRIX overrides
# the list ("terraform:1.11.4 tofu:1.6.3"); TESTARGS is passed to go test.
# Prints a table of what passed and how long each took; exits non-zero if
# any CLI's run failed.
#
# Under OpenTofu, terraform-plugin-testing must address the provider on
# registry.opentofu.org (TF_ACC_PROVIDER_HOST). The tests of resource
# identity in import blocks, list resources and `terraform query` need
# Terraform 1.14: under an older CLI (or OpenTofu) they skip, saying the CLI
# "is below minimum version"; those skips are expected, any other fails the
# row.
set -uo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

MATRIX="${MATRIX:-terraform:1.5.7 terraform:1.9.8 terraform:1.11.4 terraform:1.13.3 terraform:1.14.3 tofu:1.6.3 tofu:1.9.4 tofu:1.10.10}"
PKGS="${PKGS:-./internal/provider/... ./internal/driftreport/...}"
logs="${MATRIX_LOGS:-$(mktemp -d)}"
mkdir -p "$logs"

results=()
failed=0
for entry in $MATRIX; do
  cli="${entry%%:*}"
  version="${entry#*:}"
  start=$(date +%s)
  echo "==> $cli $version: obtaining the CLI"
  if ! bin="$(bash tools/get-cli.sh "$cli" "$version" 2>"$logs/$cli-$version.get.log")"; then
    tail -20 "$logs/$cli-$version.get.log"
    results+=("| $cli $version | could not be built (see $logs/$cli-$version.get.log) | |")
    failed=1
    continue
  fi
  got=$(date +%s)
  host=""
  [ "$cli" = tofu ] && host="registry.opentofu.org"
  echo "==> $cli $version: acceptance tests ($bin)"
  TF_ACC=1 TF_ACC_TERRAFORM_PATH="$bin" TF_ACC_PROVIDER_HOST="$host" \
    go test $PKGS -count=1 -parallel "${TEST_PARALLEL:-4}" -timeout 60m ${TESTARGS:-} -v >"$logs/$cli-$version.test.log" 2>&1
  status=$?
  end=$(date +%s)
  pass=$(grep -c -E '^\s*--- PASS' "$logs/$cli-$version.test.log" || true)
  fail=$(grep -c -E '^\s*--- FAIL' "$logs/$cli-$version.test.log" || true)
  skip=$(grep -c -E '^\s*--- SKIP' "$logs/$cli-$version.test.log" || true)
  # Skips by a version check (tfversion.SkipBelow, or cliAtLeast for the
  # tests that run the CLI themselves) are expected under an older CLI.
  gated=$(grep -c -E 'is below minimum version [0-9.]+: skipping test' "$logs/$cli-$version.test.log" || true)
  verdict="passed"
  if [ "$status" -ne 0 ] || [ "$fail" -ne 0 ] || [ "$skip" -ne "$gated" ] || [ "$pass" -eq 0 ]; then
    verdict="FAILED"
    failed=1
    grep -E '^\s*--- (FAIL|SKIP)' "$logs/$cli-$version.test.log" | head -20
  fi
  results+=("| $cli $version | $verdict: $pass passed, $fail failed, $skip skipped ($gated by version) | CLI $((got - start)) s, tests $((end - got)) s |")
  echo "==> $cli $version: $verdict ($pass passed, $fail failed, $skip skipped, $gated of them by version) in $((end - got)) s"
done

echo
echo "| CLI | acceptance tests | time |"
echo "| --- | --- | --- |"
printf '%s\n' "${results[@]}"
echo "(logs: $logs)"
exit "$failed"

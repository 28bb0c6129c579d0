#!/usr/bin/env bash
# make readme-check: runs every shell and HCL snippet of README.md in order,
# in fresh directories, against the local SCIM target the snippets start, and
# fails when one fails or its output lacks what the README says it shows.
# Each snippet's readme-run directive (an HTML comment above it) says how it
# runs; internal/readmerun documents them. Needs port 127.0.0.1:8484 free,
# curl and jq. Arguments go to the runner (-only SESSION,... -keep).
set -euo pipefail
cd "$(dirname "$0")/.."
for c in curl jq; do
  command -v "$c" >/dev/null 2>&1 || { echo "readme-run: the README's snippets need $c" >&2; exit 1; }
done
exec go run ./internal/readmerun/cmd/readme-run -readme README.md "$@"

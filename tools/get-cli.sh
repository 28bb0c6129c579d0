#!/usr/bin/env bash
# get-cli.sh CLI VERSION: prints the path of a terraform or tofu binary of
# that version, building it once into a cache (SCIM_CLI_CACHE, by default
# ~/.cache/terraform-provider-scim/cli) from the Go module proxy, the only
# source these machines reach. Later calls print the cached binary at once;
# a CLI of that very version on PATH is used as it is.
#
#   tools/get-cli.sh terraform 1.14.3
#   tools/get-cli.sh tofu 1.6.3
#   CLI_CPU_PROFILE=1 tools/get-cli.sh terraform 1.11.4
#
# With CLI_CPU_PROFILE=1 (terraform only) the binary is built from the
# module source with a CPU profiler: each command run with TFPROF_DIR set
# writes DIR/<working dir>-<subcommand>-<pid>.pprof (`go tool pprof BINARY
# FILE` reads it). make bench TF_CPU_PROFILE=DIR uses it, to see what
# Terraform itself does per instance (DESIGN.md, "What a command costs per
# account").
#
# Recipes:
# - terraform 1.5 and tofu 1.6: `go install module@version`.
# - terraform 1.9 and later (where `go install` refuses the module): its
#   go.mod has local `replace` directives for its remote-state backends,
#   which the module zip lacks. The module source is copied, those replace
#   lines are deleted and the nine remote-state backends (azure, consul, cos, gcs,
#   kubernetes, oci, oss, pg, s3) are dropped from
#   internal/backend/init/init.go; then `go build`. The local and http
#   backends the tests use stay.
# - tofu after 1.6: built from the module source with `go build ./cmd/tofu`
#   (its go.mod has a replace directive that `go install` refuses).
set -euo pipefail

cli="${1:?usage: get-cli.sh terraform|tofu VERSION}"
version="${2:?usage: get-cli.sh terraform|tofu VERSION}"
version="${version#v}"
cache="${SCIM_CLI_CACHE:-$HOME/.cache/terraform-provider-scim/cli}"
profiled="${CLI_CPU_PROFILE:-}"
if [ -n "$profiled" ] && [ "$cli" != terraform ]; then
  echo "get-cli: CLI_CPU_PROFILE is for terraform only" >&2
  exit 2
fi
dir="$cache/$cli-$version${profiled:+-cpuprofile}"
bin="$dir/$cli"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
# The CLI on PATH, when it is that very version (no build needed).
if [ -z "$profiled" ] && onpath="$(command -v "$cli" 2>/dev/null)" && "$onpath" version 2>/dev/null | head -1 | grep -qE "^(Terraform|OpenTofu) v$version\$"; then
  echo "$onpath"
  exit 0
fi
mkdir -p "$dir"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export CGO_ENABLED=0

major_minor() { echo "$1" | awk -F. '{ printf "%d%03d", $1, $2 }'; }
mm="$(major_minor "$version")"

from_source() { # module path, prints the writable copy's directory
  local mod="$1" src work
  src="$(go mod download -json "$mod@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$src" ] || { echo "get-cli: go mod download $mod@v$version gave no directory" >&2; exit 1; }
  work="$(mktemp -d)"
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  echo "$work"
}

add_cpu_profile() { # the copy's directory: the profiler, started in init, stopped before exit
  grep -q '^	os.Exit(realMain())$' "$1/main.go" || { echo "get-cli: main.go of terraform $version has no os.Exit(realMain()) to wrap" >&2; exit 1; }
  sed -i 's/^	os.Exit(realMain())$/	code := realMain()\n	stopCPUProfile()\n	os.Exit(code)/' "$1/main.go"
  cat >"$1/zz_cpuprofile.go" <<'GO'
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// stopCPUProfile ends the profile TFPROF_DIR asked for (added by
// terraform-provider-scim's tools/get-cli.sh).
var stopCPUProfile = func() {}

func init() {
	dir := os.Getenv("TFPROF_DIR")
	if dir == "" || len(os.Args) < 2 {
		return
	}
	wd, _ := os.Getwd()
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%s-%d.pprof", filepath.Base(wd), os.Args[1], os.Getpid())))
	if err != nil {
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return
	}
	stopCPUProfile = func() { pprof.StopCPUProfile(); _ = f.Close() }
}
GO
}

case "$cli" in
terraform)
  # go install works where the module's go.mod has no replace directives
  # (1.5 does; 1.9, 1.13 and 1.14 have them, for their nested modules).
  if [ -z "$profiled" ] && [ "$mm" -lt 1014 ] && echo "get-cli: go install github.com/hashicorp/terraform@v$version" >&2 &&
    GOBIN="$dir" go install "github.com/hashicorp/terraform@v$version" >&2; then
    :
  else
    echo "get-cli: building terraform $version from the module source without its remote-state backends" >&2
    work="$(from_source github.com/hashicorp/terraform)"
    trap 'rm -rf "$work"' EXIT
    # Its own nested modules (the backends, internal/legacy): their replace
    # and require lines go; nothing that stays imports them.
    sed -i '/github.com\/hashicorp\/terraform\/internal\//d' "$work/go.mod"
    init="$work/internal/backend/init/init.go"
    for b in azure consul cos gcs kubernetes oci oss pg s3; do
      sed -i "/backend\/remote-state\/$b\"/d" "$init"
    done
    sed -i -E '/^[[:space:]]*"(azurerm|consul|cos|gcs|kubernetes|oci|oss|pg|s3)":[[:space:]]*func/d' "$init"
    # A godebug setting this Go no longer knows (1.11's tlskyber) fails
    # the build; it only concerned TLS key exchange.
    sed -i '/^godebug tlskyber=/d' "$work/go.mod"
    if [ -n "$profiled" ]; then
      add_cpu_profile "$work"
    fi
    (cd "$work" && go build -ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$bin" . >&2)
  fi
  ;;
tofu)
  if [ "$mm" -le 1006 ]; then
    echo "get-cli: go install github.com/opentofu/opentofu/cmd/tofu@v$version" >&2
    GOBIN="$dir" go install "github.com/opentofu/opentofu/cmd/tofu@v$version" >&2
  else
    echo "get-cli: building tofu $version from the module source" >&2
    work="$(from_source github.com/opentofu/opentofu)"
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$bin" ./cmd/tofu >&2)
  fi
  ;;
*)
  echo "get-cli: unknown CLI $cli (terraform or tofu)" >&2
  exit 2
  ;;
esac

"$bin" version >&2
echo "$bin"

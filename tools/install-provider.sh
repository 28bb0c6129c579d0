#!/usr/bin/env bash
# make install: build the provider and put it in a local filesystem mirror,
# so that `terraform init` and `tofu init` find it offline, in any directory,
# with an ordinary
#
#   required_providers { scim = { source = "openscim/scim" } }
#
# The default mirror, ~/.terraform.d/plugins, is one of the directories that
# Terraform (0.13 and later) and OpenTofu search by default: the "implied local
# mirror", used only while the CLI configuration has no provider_installation
# block. The provider is installed under both registry hosts, since a source
# without a host means registry.terraform.io to Terraform and
# registry.opentofu.org to OpenTofu:
#
#   $PLUGIN_DIR/registry.terraform.io/openscim/scim/$VERSION/<os>_<arch>/terraform-provider-scim_v$VERSION
#   $PLUGIN_DIR/registry.opentofu.org/openscim/scim/$VERSION/<os>_<arch>/terraform-provider-scim_v$VERSION
#
# Settings (environment, or make variables): VERSION (default 0.1.0),
# PLUGIN_DIR (default ~/.terraform.d/plugins; another directory is a mirror
# for `terraform init -plugin-dir=DIR` or a filesystem_mirror block), GO.
set -euo pipefail

GO="${GO:-go}"
version="${VERSION:-0.1.0}"
plugin_dir="${PLUGIN_DIR:-$HOME/.terraform.d/plugins}"
hosts=(registry.terraform.io registry.opentofu.org)

if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "install: VERSION must be a version such as 0.1.0 (no leading v), got \"$version\"" >&2
  exit 2
fi
# A relative PLUGIN_DIR is relative to where make was run.
case "$plugin_dir" in
  /*) ;;
  *) plugin_dir="$(pwd)/$plugin_dir" ;;
esac

cd "$(dirname "$0")/.."
platform="$("$GO" env GOOS)_$("$GO" env GOARCH)"
binary="terraform-provider-scim_v${version}$("$GO" env GOEXE)"

build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
"$GO" build -ldflags "-X main.version=$version" -o "$build/$binary" .

echo "Installed openscim/scim $version ($platform):"
for host in "${hosts[@]}"; do
  dir="$plugin_dir/$host/openscim/scim/$version/$platform"
  mkdir -p "$dir"
  # Replace, never add: a second executable in the directory would make the
  # package ambiguous.
  rm -f "$dir"/terraform-provider-scim*
  cp "$build/$binary" "$dir/$binary"
  chmod 0755 "$dir/$binary"
  echo "  $dir/$binary"
done

cat <<EOF

Use it from any directory with:

  terraform {
    required_providers {
      scim = {
        source  = "openscim/scim"
        version = "$version"
      }
    }
  }

EOF
if [ "$plugin_dir" = "$HOME/.terraform.d/plugins" ]; then
  echo "then \`terraform init\` or \`tofu init\`; no network is needed for this provider."
  echo "This works while your CLI configuration has no provider_installation block."
  for rc in "${TF_CLI_CONFIG_FILE:-}" "$HOME/.terraformrc" "$HOME/.tofurc" "${XDG_CONFIG_HOME:-$HOME/.config}/opentofu/tofurc"; do
    if [ -n "$rc" ] && [ -f "$rc" ] && grep -qs '^[[:space:]]*provider_installation' "$rc"; then
      echo "Note: $rc has a provider_installation block, so the CLI that reads it does not look in"
      echo "      $plugin_dir by itself: add a filesystem_mirror { path = \"$plugin_dir\" } to that block."
    fi
  done
else
  echo "then \`terraform init -plugin-dir=$plugin_dir\` (or \`tofu init -plugin-dir=...\`),"
  echo "or a provider_installation { filesystem_mirror { path = \"$plugin_dir\" } } block in the CLI configuration."
fi
echo "A rebuild under the same VERSION has a new checksum: where a .terraform.lock.hcl recorded the"
echo "old one, delete its openscim/scim entry (or the file) and run init again, or install another VERSION."

#!/usr/bin/env bash
# Installs glassbox into a temporary prefix, builds examples/external-plugin against the
# installed package (find_package(glassbox)), and checks that the installed driver lists
# the plugin's layer, optimizer and dataset next to the built-in families.
#   test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d /tmp/glassbox-install-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src/examples/external-plugin" -B "$work/plugin" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/plugin" >/dev/null

out=$(env -u GLASSBOX_PLUGIN_PATH "$work/prefix/bin/glassbox" --plugin-dir "$work/plugin" plugins --json)
fail=0
check() {
  if ! grep -q "$1" <<<"$out"; then echo "FAIL: 'glassbox plugins --json' does not show $1"; fail=1; fi
}
check '"name": "example-plugin"'
check '"name": "swish"'
check '"name": "sign_sgd"'
check '"name": "checkerboard"'
check '"name": "glassbox-layers"'
check "$work/plugin/libexample_plugin.so"
if ((fail)); then echo "$out"; exit 1; fi
echo "installed package: external plugin builds and is listed"

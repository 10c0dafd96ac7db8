#!/usr/bin/env bash
# End-to-end browser tests of the web page: Debian's chromium driven by playwright-core
# under `node --test`, against `glassbox serve` on a free loopback port with a temporary
# runs folder. Screenshots land in docs/screenshots/.
#   scripts/test-browser.sh [BUILD_DIR]       (default: build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-${GLASSBOX_BUILD_DIR:-$root/build}}"
cd "$root"

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    echo "test-browser: /usr/bin/chromium is missing (sudo apt-get install -y chromium)" >&2
    exit 1
  fi
fi
[ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ] && [ -f apps/web/vendor/uPlot.esm.js ] && [ -f apps/web/vendor/dagre.esm.js ] && [ -f apps/web/vendor/umap-js.min.js ] || scripts/fetch-web.sh
[ -x "$build/glassbox" ] || { echo "test-browser: no $build/glassbox (build first)" >&2; exit 1; }

runs="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$build/glassbox" serve --host 127.0.0.1 --port "$port" --runs "$runs" --web "$root/apps/web" >"$runs/serve.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$runs"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/api/registry" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$runs/serve.log" >&2; exit 1; }
  sleep 0.1
done
GLASSBOX_URL="http://127.0.0.1:$port" GLASSBOX_BIN="$build/glassbox" GLASSBOX_RUNS="$runs" node --test tests/browser/ || { echo "--- server log"; cat "$runs/serve.log"; exit 1; }

#!/usr/bin/env bash
# Installs the web page's front-end packages (uPlot, dagre, umap-js) from npm (package.json / package-lock.json
# at the repository root) and copies what the page loads into apps/web/vendor/, which
# `glassbox serve` serves. Nothing is loaded from a CDN at run time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if ! command -v npm >/dev/null; then
  echo "fetch-web: npm is missing (apt-get install -y nodejs npm)" >&2
  exit 1
fi
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
mkdir -p apps/web/vendor
cp node_modules/uplot/dist/uPlot.esm.js node_modules/uplot/dist/uPlot.min.css apps/web/vendor/
cp node_modules/uplot/LICENSE apps/web/vendor/uPlot.LICENSE 2>/dev/null || true
# dagre: the layered layout of the inside and relevance views' network graph (its ES
# module build bundles graphlib).
cp node_modules/@dagrejs/dagre/dist/dagre.esm.js apps/web/vendor/
cp node_modules/@dagrejs/dagre/LICENSE apps/web/vendor/dagre.LICENSE 2>/dev/null || true
# umap-js: the projection view's UMAP, computed in the browser (its UMD build sets window.UMAP).
cp node_modules/umap-js/lib/umap-js.min.js apps/web/vendor/
cp node_modules/umap-js/LICENSE apps/web/vendor/umap-js.LICENSE 2>/dev/null || true
echo "fetch-web: uPlot $(node -p "require('./node_modules/uplot/package.json').version")," \
  "dagre $(node -p "require('./node_modules/@dagrejs/dagre/package.json').version")," \
  "umap-js $(node -p "require('./node_modules/umap-js/package.json').version") in apps/web/vendor/"

#!/usr/bin/env bash
# The main job: set up, run the brief's default experiment (MNIST digits, trained on 1s and
# 3s only, then shown the 2s), print its report, and serve the web page with the results.
#   scripts/main.sh [--no-serve]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
./build/glassbox run examples/digits-1-3.json --out runs/digits-1-3
if [[ "${1:-}" != "--no-serve" ]]; then
  exec ./build/glassbox serve --runs runs
fi

#!/usr/bin/env bash
# Sets up (with Chromium for the browser tests), builds, and runs every test: the CTest
# suite (unit, integration, CLI, API) and the browser end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-browser
export OPENBLAS_NUM_THREADS=1
(cd build && ctest --output-on-failure -j"$(nproc)")
if [[ -f scripts/test-browser.sh ]]; then bash scripts/test-browser.sh; fi

#!/usr/bin/env bash
# Sets up (with Chromium for the browser tests), builds, and runs every test: the CTest
# suite (unit, integration, CLI, API) and the browser end-to-end tests. With CI=true (or
# GLASSBOX_HARDENED=1) also the hardening step: the fuzz smoke run of every harness and
# the input-facing suites under ASan + UBSan (scripts/test-hardened.sh, clang-14).
set -euo pipefail
cd "$(dirname "$0")/.."
hardened=0
if [[ "${CI:-}" == true || "${GLASSBOX_HARDENED:-}" == 1 ]]; then hardened=1; fi
if ((hardened)); then bash scripts/setup.sh --with-browser --with-fuzz; else bash scripts/setup.sh --with-browser; fi
export OPENBLAS_NUM_THREADS=1
(cd build && ctest --output-on-failure -j"$(nproc)")
if [[ -f scripts/test-browser.sh ]]; then bash scripts/test-browser.sh; fi
if ((hardened)); then bash scripts/test-hardened.sh "${GLASSBOX_FUZZ_SECONDS:-30}"; fi

#!/usr/bin/env bash
# CI's hardening step (scripts/test.sh runs it when CI=true): one clang-14 build with
# AddressSanitizer + UndefinedBehaviorSanitizer + libFuzzer coverage (GLASSBOX_FUZZ=ON,
# in build-fuzz/), used twice:
#   1. the fuzz smoke run of every harness (scripts/test-fuzz.sh, SECONDS each);
#   2. the suites that guard hostile input under the same sanitizers: the unit suites of
#      the parsers and loaders, the compute pool, and the server's security and API
#      suites (the whole suite under ASan + UBSan is scripts/test-sanitizers.sh).
#   scripts/test-hardened.sh [SECONDS] [BUILD_DIR]      (defaults: 30, build-fuzz)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-30}"
build="${2:-$root/build-fuzz}"
suites=(test_experiment test_npy test_datasets_files test_registry test_plugin_loader test_parallel
  test_web_security test_web_api)

bash "$root/scripts/test-fuzz.sh" "$seconds" "$build"
cmake --build "$build" -j"$(nproc)" --target "${suites[@]}" glassbox_layers glassbox_optimizers glassbox_datasets
export OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
pattern="^($(IFS='|'; echo "${suites[*]}"))\$"
(cd "$build" && ctest --output-on-failure -j"$(nproc)" -R "$pattern")

#!/usr/bin/env bash
# The CTest suite again, built with AddressSanitizer + UndefinedBehaviorSanitizer
# (GLASSBOX_SANITIZE=ON) in its own build folder: any invalid memory access, leak or
# undefined behaviour fails the test that hit it. The install test is left out (it builds
# an out-of-tree program against the installed libraries without the sanitizer runtime).
#   scripts/test-sanitizers.sh [BUILD_DIR]        (default: build-asan)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-asan}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGLASSBOX_SANITIZE=ON \
  -DGLASSBOX_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"
export OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd "$build" && ctest --output-on-failure -j"$(nproc)" -E install_and_external_plugin)

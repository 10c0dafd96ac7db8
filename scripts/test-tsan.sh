#!/usr/bin/env bash
# The threaded parts under ThreadSanitizer, in their own build folder (GLASSBOX_TSAN=ON):
# the compute pool and the layers on two threads (test_parallel), and the server's job
# queue, event hub, SSE streams and slow clients (test_web_api, test_web_security). Any
# data race or lock-order inversion fails the suite that hit it. Only those targets and
# the plugins they load are built.
#   scripts/test-tsan.sh [BUILD_DIR]      (default: build-tsan; compiler: GLASSBOX_TSAN_CXX,
#                                          else clang++-14 when installed, else g++)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-tsan}"
cxx="${GLASSBOX_TSAN_CXX:-}"
if [[ -z "$cxx" ]]; then
  if command -v clang++-14 >/dev/null; then cxx=clang++-14; else cxx=g++; fi
fi
suites=(test_parallel test_web_api test_web_security)

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGLASSBOX_TSAN=ON \
  -DGLASSBOX_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${suites[@]}" glassbox_layers glassbox_optimizers glassbox_datasets
export OPENBLAS_NUM_THREADS=1
# halt_on_error: the first report fails the test; second_deadlock_stack: both stacks of
# a lock-order inversion.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
pattern="^($(IFS='|'; echo "${suites[*]}"))\$"
(cd "$build" && ctest --output-on-failure -R "$pattern")

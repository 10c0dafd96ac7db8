#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/, clang-14, ASan + UBSan, GLASSBOX_FUZZ=ON) in their
# own build folder and runs each for a bounded time from its seed corpus
# (fuzz/corpus/<harness>/): a smoke run for CI that fails on any crash, sanitizer report,
# leak, timeout (-timeout) or out-of-memory (-rss_limit_mb, and a single allocation
# above it). A failing input is saved as <build>/fuzz/findings/<harness>/crash-*;
# replay it with `<build>/fuzz/<harness> FILE`.
#   scripts/test-fuzz.sh [SECONDS_PER_HARNESS] [BUILD_DIR]     (defaults: 30, build-fuzz)
# GLASSBOX_FUZZ_RUNS=N stops each harness after N executions instead (SECONDS is then
# the time limit, reached = a failure); GLASSBOX_FUZZ_HARNESSES="fuzz_idx fuzz_csv" runs
# only those. Each harness's executions, exec/s and peak RSS are printed from its log.
# New inputs the fuzzer finds go to a scratch corpus, so the committed seeds stay small.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-30}"
build="${2:-$root/build-fuzz}"
cxx="${GLASSBOX_FUZZ_CXX:-clang++-14}"
command -v "$cxx" >/dev/null || { echo "test-fuzz: $cxx not found (Debian: clang-14 libclang-rt-14-dev)" >&2; exit 1; }

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGLASSBOX_FUZZ=ON -DGLASSBOX_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_all

export OPENBLAS_NUM_THREADS=1 GLASSBOX_NUM_THREADS=1
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
runs="${GLASSBOX_FUZZ_RUNS:-}"
limits=(-max_total_time="$seconds")
[[ -n "$runs" ]] && limits+=(-runs="$runs")
failed=()
for seeds in "$root"/fuzz/corpus/*/; do
  harness=$(basename "$seeds")
  if [[ -n "${GLASSBOX_FUZZ_HARNESSES:-}" && " $GLASSBOX_FUZZ_HARNESSES " != *" $harness "* ]]; then continue; fi
  # fuzz_onnx_import exists only when CMake found ONNX (libonnx-dev).
  if [[ ! -x "$build/fuzz/$harness" ]]; then echo "test-fuzz: $harness not built (skipped)"; continue; fi
  work="$build/fuzz/work/$harness" findings="$build/fuzz/findings/$harness"
  rm -rf "$work"
  mkdir -p "$work" "$findings"
  echo "test-fuzz: $harness for ${runs:+$runs runs, at most }${seconds}s"
  log="$build/fuzz/$harness.log"
  if ! "$build/fuzz/$harness" "$work" "$seeds" "${limits[@]}" -rss_limit_mb=2048 -timeout=10 \
      -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1; then
    failed+=("$harness")
    tail -40 "$log" >&2
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | sed "s/^/  $harness /" || true
  # A run-count target that the time limit cut short is a failure too.
  done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  if [[ -n "$runs" && "${done_runs:-0}" -lt "$runs" && " ${failed[*]} " != *" $harness "* ]]; then
    echo "test-fuzz: $harness made ${done_runs:-0} of $runs executions within ${seconds}s" >&2
    failed+=("$harness")
  fi
done
if ((${#failed[@]})); then
  echo "test-fuzz: FAILED: ${failed[*]} (inputs in $build/fuzz/findings/)" >&2
  exit 1
fi
echo "test-fuzz: every harness ran ${runs:+$runs executions in at most }${seconds}s without a finding"

#!/usr/bin/env bash
# Installs glassbox into a temporary prefix and uses it from outside the source tree:
#  - builds examples/external-plugin against the installed package (find_package(glassbox))
#    and checks that the installed driver lists its layer, optimizer and dataset next to
#    the built-in families;
#  - builds examples/embedding exactly as docs/embedding.md says, once with -march=native
#    and once with the baseline -march=x86-64 (the library itself may be built either
#    way), runs it (installed plugins + the external plugin's swish layer, train, save,
#    load, LRP) and checks that the relevance at the input sums to the explained logit.
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

plugins=$(dirname "$(find "$work/prefix" -name libglassbox_layers.so -print -quit)")
for arch in native x86-64; do
  app="$work/embedding-$arch"
  if ! cmake -S "$src/examples/embedding" -B "$app" -DCMAKE_PREFIX_PATH="$work/prefix" \
      -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=-march=$arch" >"$work/log" 2>&1 ||
     ! cmake --build "$app" >>"$work/log" 2>&1; then
    cat "$work/log"; echo "FAIL: the embedding example does not build with -march=$arch"; exit 1
  fi
  # The installed plugins: the program looks in the install folder it was configured
  # with (not this temporary prefix) and in GLASSBOX_PLUGIN_PATH.
  if ! run=$(GLASSBOX_PLUGIN_PATH="$plugins" "$app/embedding_demo" "$work/plugin" "$app/model" 2>&1); then
    echo "$run"; echo "FAIL: embedding_demo built with -march=$arch exited non-zero"; exit 1
  fi
  echo "-march=$arch: $run"
  line=$(grep '^conservation ' <<<"$run") || { echo "FAIL: no conservation line"; exit 1; }
  [[ -f "$app/model/model.json" ]] || { echo "FAIL: the model was not saved"; exit 1; }
  # Relevance conserved to 1e-3 of the logit, and the logit is not trivially zero.
  if ! awk '{ for (i = 2; i <= NF; ++i) { split($i, kv, "="); v[kv[1]] = kv[2] }
              logit = v["logit"] + 0; sum = v["relevance_sum"] + 0; err = v["error"] + 0
              d = logit - sum; if (d < 0) d = -d; a = logit < 0 ? -logit : logit
              exit !(a > 1e-4 && d <= 1e-3 * a && err <= 1e-3) }' <<<"$line"; then
    echo "FAIL: -march=$arch: relevance does not sum to the logit: $line"; exit 1
  fi
done
echo "installed package: the embedding example builds with and without -march=native and explains"

# The Python package, when the build has it: imported from the install folder (not the
# build tree's), loading the installed libraries, and training and explaining a model.
if [[ -d "$build/python/glassbox" ]]; then
  pkg="$work/prefix/lib/python3/dist-packages"
  [[ -f "$pkg/glassbox/__init__.py" ]] || { echo "FAIL: the Python package is not installed in $pkg"; exit 1; }
  if ! run=$(cd "$work" && GLASSBOX_PLUGIN_PATH="$plugins" PYTHONPATH="$pkg" OPENBLAS_NUM_THREADS=1 /usr/bin/python3 - <<'PY' 2>&1
import numpy as np
import glassbox
from glassbox import explain
print("module", glassbox.__file__)
print("core", [l.split()[-1] for l in open("/proc/self/maps") if "libglassbox_core" in l][0])
m = glassbox.MyDeepLearning(seed=3)
m.add("dense", units=4, activation="relu", use_bias=False)
m.add("dense", units=2, use_bias=False)
m.compile(optimizer="adam")
x = np.random.default_rng(0).random((32, 5), dtype=np.float32)
m.fit(x, (x[:, 0] > 0.5).astype(np.int64), epochs=1, verbose=0)
r = explain.lrp(m, x[:2], composite="lrp0")
print("conservation", float(np.abs(r["input_sum"] - r["logit"]).max()))
PY
  ); then
    echo "$run"; echo "FAIL: the installed Python package does not import and run"; exit 1
  fi
  grep -q "^module $pkg/glassbox/__init__.py" <<<"$run" || { echo "$run"; echo "FAIL: glassbox imported from elsewhere"; exit 1; }
  grep -q "^core $work/prefix/" <<<"$run" || { echo "$run"; echo "FAIL: not the installed libglassbox_core"; exit 1; }
  awk '/^conservation/ { exit !($2 < 1e-4) }' <<<"$run" || { echo "$run"; echo "FAIL: LRP-0 does not conserve"; exit 1; }
  echo "installed package: the Python module imports from $pkg and explains"
fi

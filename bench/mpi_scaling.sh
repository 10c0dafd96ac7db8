#!/usr/bin/env bash
# Data-parallel scaling on one machine (docs/mpi.md): W1 (examples/fashion-mlp.json) and W2
# (examples/fashion-cnn.json) epoch times on 1 rank x 2 threads against 2 ranks x 1 thread,
# the allreduce time per step on 2 ranks, a signature pass over the training images on
# 1 and 2 ranks (W2's untrained model: epochs 0, signatures without probes or relevance),
# and on the same model the sharded analyses on 1 and 2 ranks: the linear probes (6,000
# training images, 4 epochs) and the explain step (LRP on 200 test images plus region
# perturbation of 200 images, 50 steps).
#
#   bench/mpi_scaling.sh [BUILD_DIR] [EPOCHS] [LIMIT]
#
# EPOCHS (default 3): the first epoch is reported apart (warm-up), the median of the others
# counts. LIMIT (default: all 60,000): training images, for a quick check of the script.
# Needs Debian's Fashion-MNIST (dataset-fashion-mnist) and OpenMPI; run it on a quiet
# machine. As root it passes --allow-run-as-root; OMPI_MCA_btl_vader_single_copy_mechanism
# is set to none for containers. The allreduce time is measured inside the sums, so it
# includes waiting for the slower rank.
set -euo pipefail

build=$(cd "${1:-build}" && pwd)
epochs=${2:-3}
limit=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GLASSBOX_PLUGIN_PATH= OMPI_MCA_btl_vader_single_copy_mechanism=none
mpirun=(mpirun --oversubscribe)
[ "$(id -u)" = 0 ] && mpirun+=(--allow-run-as-root)
py=/usr/bin/python3

# The experiment file for one case: the example with EPOCHS epochs (and LIMIT images).
config() {  # NAME EXAMPLE EPOCHS ANALYSES(0: none, 1: signature pass, 2: probes and explain)
  "$py" - "$root/examples/$2" "$work/$1.json" "$3" "$4" "$limit" <<'EOF2'
import json, sys
src, dst, epochs, analyses, limit = sys.argv[1:6]
e = json.load(open(src))
e["train"]["epochs"] = int(epochs)
e["train"]["verbose"] = 0
if limit:
    e["data"]["limit"] = int(limit)
if analyses == "1":
    e["signatures"] = {"relevance": False, "plots": False, "linear_probes": False}
if analyses == "2":
    e["data"]["limit"] = min(int(limit or 6000), 6000)
    e["signatures"] = {"relevance": False, "plots": False}
    e["explain"] = {"methods": ["lrp"], "samples": 200, "evaluation": {"samples": 200, "steps": 50}}
json.dump(e, open(dst, "w"))
EOF2
}

one_rank() {  # NAME: 1 rank x 2 threads
  GLASSBOX_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 "$build/glassbox" --quiet run "$work/$1.json" --out "$work/$1-1" >/dev/null
}
two_ranks() {  # NAME: 2 ranks x 1 thread, with the sums' timings
  "${mpirun[@]}" -np 2 -x GLASSBOX_PLUGIN_PATH -x OMPI_MCA_btl_vader_single_copy_mechanism \
    -x GLASSBOX_NUM_THREADS=1 -x OPENBLAS_NUM_THREADS=1 -x GLASSBOX_MPI_STATS=1 \
    "$build/glassbox" --quiet run "$work/$1.json" --out "$work/$1-2" >/dev/null 2>"$work/$1-2.stats"
}

for w in w1:fashion-mlp.json w2:fashion-cnn.json; do
  name=${w%%:*}
  echo "$name: $epochs epochs on 1 rank x 2 threads, then on 2 ranks x 1 thread" >&2
  config "$name" "${w#*:}" "$epochs" 0
  one_rank "$name"
  two_ranks "$name"
done
echo "signature pass: 1 rank, then 2 ranks" >&2
config sig fashion-cnn.json 0 1
one_rank sig
two_ranks sig
echo "linear probes and explain step: 1 rank, then 2 ranks" >&2
config analyses fashion-cnn.json 0 2
one_rank analyses
two_ranks analyses

"$py" - "$work" <<'EOF2'
import json, re, statistics, sys
work = sys.argv[1]
def epochs(run):
    s = [e["seconds"] for e in json.load(open(f"{work}/{run}/metrics.json"))["epochs"]]
    return s[0], statistics.median(s[1:] if len(s) > 1 else s)
def stats(name):
    text = open(f"{work}/{name}-2.stats").read()
    rows = re.findall(r"rank (\d+) of \d+: (\d+) sums, ([\d.]+) s, ([\d.]+) ms and (\d+) bytes", text)
    if not rows:
        return float("nan"), 0
    return max(float(r[3]) for r in rows), int(rows[0][4])
print("| workload | 1 rank x 2 threads, s/epoch | 2 ranks x 1 thread, s/epoch | speed-up | scaling efficiency | allreduce per step | buffer |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for w in ("w1", "w2"):
    f1, one = epochs(f"{w}-1")
    f2, two = epochs(f"{w}-2")
    ms, size = stats(w)
    print(f"| {w.upper()} (first epoch {f1:.2f} / {f2:.2f} s) | {one:.2f} | {two:.2f} | {one / two:.2f}x "
          f"| {one / two / 2 * 100:.0f}% of 2x | {ms:.3f} ms | {size / 1024:.0f} KiB |")
def sig(run):
    return json.load(open(f"{work}/{run}/signatures.json"))["seconds"]["signatures"]
n = json.load(open(f"{work}/sig-1/metrics.json"))["train_samples"]
s1, s2 = sig("sig-1"), sig("sig-2")
print(f"| signature pass over {n:,} images (W2 layers) | {s1:.2f} s | {s2:.2f} s | {s1 / s2:.2f}x | {s1 / s2 / 2 * 100:.0f}% of 2x | | |")
def row(what, s1, s2):
    print(f"| {what} | {s1:.2f} s | {s2:.2f} s | {s1 / s2:.2f}x | {s1 / s2 / 2 * 100:.0f}% of 2x | | |")
a1, a2 = (json.load(open(f"{work}/analyses-{r}/signatures.json")) for r in (1, 2))
row(f"linear probes on {a1['linear_probes']['fit_samples']:,} images (W2 layers, 4 epochs)",
    a1["seconds"]["linear_probes"], a2["seconds"]["linear_probes"])
e1, e2 = (json.load(open(f"{work}/analyses-{r}/explain/summary.json")) for r in (1, 2))
row("explain step: LRP on 200 images, perturbation of 200 images", e1["seconds"], e2["seconds"])
EOF2

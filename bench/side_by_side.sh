#!/usr/bin/env bash
# Runs glassbox's benchmarks and the PyTorch peer scripts on the same workloads, one after
# the other and ROUNDS times (alternating, so both see the same machine), then prints each
# workload's ratio: glassbox's epoch time / PyTorch's, and for explanations PyTorch's time /
# glassbox's as a speed-up. Each side's best round is compared (the least disturbed one on a
# shared machine), and every round is listed.
#
#   bench/side_by_side.sh PEERS_DIR [BUILD_DIR] [ROUNDS]
#
# PEERS_DIR holds torch_bench.py (needs Debian's python3-torch; run with /usr/bin/python3).
# PyTorch runs in its best configuration found on these machines: W1 with
# OMP_WAIT_POLICY=PASSIVE, W2 with one OpenBLAS thread, W4 without mkldnn.
set -euo pipefail

peers=${1:?usage: bench/side_by_side.sh PEERS_DIR [BUILD_DIR] [ROUNDS]}
build=${2:-build}
rounds=${3:-2}
peers=$(cd "$peers" && pwd)
build=$(cd "$build" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

result() { grep '^RESULT ' | tail -1 | cut -d' ' -f2-; }
py=/usr/bin/python3

echo "training PyTorch's W2 model for the explanation workload (glassbox's bench trains its own)"
(cd "$peers" && OPENBLAS_NUM_THREADS=1 "$py" torch_bench.py w2 --epochs 1 --save "$work/w2.pt" >/dev/null)

for r in $(seq "$rounds"); do
  echo "round $r/$rounds"
  "$build/bench/train_bench" w1 | result >"$work/g_w1_$r.json"
  (cd "$peers" && OMP_WAIT_POLICY=PASSIVE "$py" torch_bench.py w1 | result) >"$work/t_w1_$r.json"
  "$build/bench/train_bench" w2 | result >"$work/g_w2_$r.json"
  (cd "$peers" && OPENBLAS_NUM_THREADS=1 "$py" torch_bench.py w2 | result) >"$work/t_w2_$r.json"
  "$build/bench/explain_bench" --batch 1000 --repeats 7 | result >"$work/g_w4_$r.json"
  (cd "$peers" && OMP_WAIT_POLICY=PASSIVE "$py" torch_bench.py w4 --load "$work/w2.pt" --no-mkldnn | result) \
    >"$work/t_w4_$r.json"
done

"$py" - "$work" "$rounds" <<'EOF'
import json, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def load(side, w):
    return [json.load(open(f"{work}/{side}_{w}_{r}.json")) for r in range(1, rounds + 1)]
print()
print("| workload | glassbox (rounds) | PyTorch (rounds) | ratio of the best rounds | target |")
print("| --- | --- | --- | ---: | --- |")
for w, target in (("w1", "<= 0.8"), ("w2", "<= 0.5")):
    g = [x["seconds_per_epoch_median"] for x in load("g", w)]
    t = [x["epoch_s_median_after_warmup"] for x in load("t", w)]
    print(f"| {w.upper()} s/epoch | {', '.join(f'{v:.2f}' for v in g)} | {', '.join(f'{v:.2f}' for v in t)} "
          f"| {min(g) / min(t):.2f}x | {target} |")
g = [x["lrp_epsilon-plus"] for x in load("g", "w4")]
t = [x["expl_per_s_median"] for x in load("t", "w4")]
print(f"| LRP epsilon-plus vs gradient x input, explanations/s | {', '.join(f'{v:,.0f}' for v in g)} "
      f"| {', '.join(f'{v:,.0f}' for v in t)} | {max(g) / max(t):.2f}x faster | >= 2 |")
EOF

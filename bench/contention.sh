#!/usr/bin/env bash
# W1 and W2 training with and without competing load, glassbox and the PyTorch peer side
# by side: each workload runs on the machine as it is ("quiet") and then next to BUSY
# busy loops (`yes >/dev/null`, default 2: as many as this machine's 2 cores), alternating
# the two sides within each round. Prints every run's median seconds per epoch and the
# ratio of the best rounds (glassbox / PyTorch).
#
#   bench/contention.sh PEERS_DIR [BUILD_DIR] [ROUNDS] [BUSY]
#
# PEERS_DIR holds torch_bench.py (Debian's python3-torch, run with /usr/bin/python3), in
# the configurations of side_by_side.sh (W1 OMP_WAIT_POLICY=PASSIVE, W2 one OpenBLAS thread).
set -euo pipefail
peers=$(cd "${1:?usage: bench/contention.sh PEERS_DIR [BUILD_DIR] [ROUNDS] [BUSY]}" && pwd)
build=$(cd "${2:-build}" && pwd)
rounds=${3:-2}
busy=${4:-2}
py=/usr/bin/python3
work=$(mktemp -d)
loads=()
stop_load() { for p in "${loads[@]}"; do kill "$p" 2>/dev/null || true; done; loads=(); }
trap 'stop_load; rm -rf "$work"' EXIT

result() { grep '^RESULT ' | tail -1 | cut -d' ' -f2-; }
glassbox() { "$build/bench/train_bench" "$1" --epochs 2 | result; }
torch() {
  if [[ $1 == w1 ]]; then (cd "$peers" && OMP_WAIT_POLICY=PASSIVE "$py" torch_bench.py w1 --epochs 3 | result)
  else (cd "$peers" && OPENBLAS_NUM_THREADS=1 "$py" torch_bench.py w2 --epochs 3 | result); fi
}

for r in $(seq "$rounds"); do
  for mode in quiet contended; do
    if [[ $mode == contended ]]; then
      for _ in $(seq "$busy"); do yes >/dev/null & loads+=($!); done
    fi
    for w in w1 w2; do
      echo "round $r/$rounds, $mode, $w" >&2
      glassbox "$w" >"$work/g_${w}_${mode}_$r.json"
      torch "$w" >"$work/t_${w}_${mode}_$r.json"
    done
    stop_load
  done
done

"$py" - "$work" "$rounds" <<'PY'
import json, sys
work, rounds = sys.argv[1], int(sys.argv[2])
print("| workload | machine | glassbox s/epoch (rounds) | PyTorch s/epoch (rounds) | ratio of the best rounds |")
print("| --- | --- | --- | --- | ---: |")
for w in ("w1", "w2"):
    for mode in ("quiet", "contended"):
        g = [json.load(open(f"{work}/g_{w}_{mode}_{r}.json"))["seconds_per_epoch_median"] for r in range(1, rounds + 1)]
        t = [json.load(open(f"{work}/t_{w}_{mode}_{r}.json"))["epoch_s_median_after_warmup"] for r in range(1, rounds + 1)]
        print(f"| {w.upper()} | {mode} | {', '.join(f'{v:.2f}' for v in g)} | {', '.join(f'{v:.2f}' for v in t)} "
              f"| {min(g) / min(t):.2f}x |")
PY

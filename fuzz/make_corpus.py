#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses (fuzz/corpus/<harness>/): small valid
files of each format, made here byte by byte from the format descriptions (standard
library only), plus the repository's example experiments; the regress-* inputs a harness
once failed on (docs/fuzzing.md) stay. Re-run after a format change:
    python3 fuzz/make_corpus.py
"""
import gzip
import json
import os
import struct
import sys

root = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(root)
corpus = os.path.join(root, "corpus")
SEP = b"\n--part--\n"


def put(harness, name, data):
    d = os.path.join(corpus, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def npy(dtype, shape, values, version=1):
    """NPY format 1.0/2.0: magic, version, header length, a Python-dict header padded to
    a multiple of 64 bytes, then the values in C order."""
    shape_text = f"({shape[0]},)" if len(shape) == 1 else "(" + ", ".join(str(s) for s in shape) + ")"
    header = f"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shape_text}, }}"
    lead = 10 if version == 1 else 12
    pad = 64 - (lead + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    code = {"<f4": "f", "<f8": "d", "|u1": "B", "<i4": "i", "<i8": "q", "<u2": "H", "|i1": "b"}[dtype]
    body = struct.pack("<" + code * len(values), *values)
    size = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + size + header.encode() + body


def idx(dims, values):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(values)


def experiments():
    for name in sorted(os.listdir(os.path.join(repo, "examples"))):
        if name.endswith(".json"):
            with open(os.path.join(repo, "examples", name), "rb") as f:
                put("fuzz_experiment", name, f.read())
    small = {"name": "tiny", "seed": 1, "data": {"dataset": "synthetic", "num_classes": 2, "samples": 8},
             "model": {"layers": [{"type": "flatten"}, {"type": "dense", "units": 2}]},
             "train": {"epochs": 1, "batch_size": 4, "validation_split": 0.25}}
    put("fuzz_experiment", "tiny.json", json.dumps(small))
    put("fuzz_experiment", "tiny-overrides.json",
        json.dumps(small).encode() + SEP + b"train.epochs=2" + SEP + b"model.layers.1.units=3")


def npys():
    put("fuzz_npy", "f4.npy", npy("<f4", (2, 3), [0.0, 1.5, -2.0, 3.25, 1e-3, 7.0]))
    put("fuzz_npy", "f8.npy", npy("<f8", (3,), [1.0, 2.0, 0.5]))
    put("fuzz_npy", "u1.npy", npy("|u1", (2, 2, 2), list(range(8))))
    put("fuzz_npy", "i8.npy", npy("<i8", (4,), [0, 1, 2, 1]))
    put("fuzz_npy", "i4-v2.npy", npy("<i4", (2,), [3, 4], version=2))
    put("fuzz_npy", "x-y.npy", npy("|u1", (4, 2, 2), list(range(16))) + SEP + npy("<i8", (4,), [0, 1, 0, 1]))
    put("fuzz_npy", "xf-yf.npy", npy("<f4", (3, 2), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) + SEP +
        npy("<f4", (3,), [0.0, 1.0, 2.0]))


def idxs():
    images = idx([4, 2, 3], range(24))
    labels = idx([4], [0, 1, 2, 1])
    put("fuzz_idx", "raw", images + SEP + labels)
    put("fuzz_idx", "gz", gzip.compress(images, mtime=0) + SEP + gzip.compress(labels, mtime=0))
    put("fuzz_idx", "3d-sample", idx([2, 1, 2, 2], range(8)) + SEP + idx([2], [1, 0]))


def csvs():
    put("fuzz_csv", "header.csv", "label,a,b,c\n0,0.5,1,2\n1,3,4.25,5\n0,6,7,8\n1,9,10,11\n")
    put("fuzz_csv", "plain.csv", "1,0,0\n0,1,1\n1,0.5,0.5\n0,2,2\n")
    put("fuzz_csv", "options.csv", b"x,y,label\n1,2,0\n3,4,1\n5,6,1\n7,8,0\n" + SEP +
        json.dumps({"label_column": "label", "header": "true", "test_split": 0.5}).encode())
    put("fuzz_csv", "bytes.csv", b"0,0,255,128,1\n1,255,0,1,2\n0,3,4,5,6\n1,7,8,9,10\n" + SEP +
        json.dumps({"max_value": 255, "shape": [1, 2, 2], "class_names": ["a", "b"]}).encode())


def model_folders():
    def folder(doc, files):
        out = json.dumps(doc, indent=2).encode()
        for name, data in files:
            out += SEP + name.encode() + b"\n" + data
        return out

    dense = {"format": "glassbox-model", "version": 1, "seed": 3, "input_shape": [4],
             "layers": [{"type": "dense", "name": "dense_0", "units": 2, "activation": "relu"}],
             "weights": [{"layer": "dense_0", "param": "kernel", "file": "dense_0.kernel.npy", "shape": [4, 2],
                          "trainable": True},
                         {"layer": "dense_0", "param": "bias", "file": "dense_0.bias.npy", "shape": [2],
                          "trainable": True}],
             "compile": {"optimizer": {"type": "sgd", "learning_rate": 0.1},
                         "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}}
    put("fuzz_model_folder", "dense", folder(dense, [
        ("dense_0.kernel.npy", npy("<f4", (4, 2), [0.1 * i for i in range(8)])),
        ("dense_0.bias.npy", npy("<f4", (2,), [0.0, 0.5]))]))
    conv = {"format": "glassbox-model", "version": 1, "seed": 1, "input_shape": [1, 4, 4],
            "layers": [{"type": "conv2d", "name": "conv2d_0", "filters": 2, "kernel_size": 3},
                       {"type": "max_pool2d", "name": "max_pool2d_1", "pool_size": 2},
                       {"type": "flatten", "name": "flatten_2"},
                       {"type": "dense", "name": "dense_3", "units": 2, "use_bias": False}],
            "weights": [{"layer": "conv2d_0", "param": "kernel", "file": "conv2d_0.kernel.npy"},
                        {"layer": "conv2d_0", "param": "bias", "file": "conv2d_0.bias.npy"},
                        {"layer": "dense_3", "param": "kernel", "file": "dense_3.kernel.npy"}]}
    put("fuzz_model_folder", "conv", folder(conv, [
        ("conv2d_0.kernel.npy", npy("<f4", (2, 1, 3, 3), [0.05 * i for i in range(18)])),
        ("conv2d_0.bias.npy", npy("<f8", (2,), [0.0, 0.1])),
        ("dense_3.kernel.npy", npy("<f4", (2, 2), [1.0, 0.0, 0.0, 1.0]))]))


def api_bodies():
    ok = "Host: 127.0.0.1:8080\nContent-Type: application/json\nContent-Length: 100\n"
    small = {"name": "tiny", "data": {"dataset": "synthetic", "num_classes": 2},
             "model": {"layers": [{"type": "flatten"}, {"type": "dense", "units": 2}]},
             "train": {"epochs": 1, "batch_size": 8, "optimizer": {"type": "adam"}}}
    put("fuzz_api_body", "run", ok.encode() + SEP + json.dumps(small).encode())
    put("fuzz_api_body", "origin", ("Host: localhost:8080\nOrigin: http://localhost:8080\n"
                                    "Content-Type: application/json; charset=utf-8\nContent-Length: 9\n").encode() +
        SEP + b'{"a": [1]}')
    put("fuzz_api_body", "csv-path", ok.encode() + SEP + json.dumps(
        {"data": {"dataset": "csv", "path": "data.csv"}, "model": {"layers": [{"type": "dense", "units": 2}]}}).encode())
    put("fuzz_api_body", "inspect", ok.encode() + SEP + b'{"split": "test", "index": 3, "layers": ["dense_0"]}')
    put("fuzz_api_body", "chunked", b"Host: 127.0.0.1:8080\nTransfer-Encoding: chunked\n" + SEP + b"{}")


if __name__ == "__main__":
    # The seeds written here are rewritten; inputs a harness once failed on (regress-*) and
    # the folders of harnesses seeded otherwise (fuzz_onnx_import) are kept.
    written = ["fuzz_experiment", "fuzz_npy", "fuzz_idx", "fuzz_csv", "fuzz_model_folder", "fuzz_api_body"]
    if os.path.isdir(corpus) and "--keep" not in sys.argv:
        for harness in [h for h in written if os.path.isdir(os.path.join(corpus, h))]:
            for name in os.listdir(os.path.join(corpus, harness)):
                if not name.startswith("regress-"):
                    os.remove(os.path.join(corpus, harness, name))
    experiments()
    npys()
    idxs()
    csvs()
    model_folders()
    api_bodies()

#!/usr/bin/env python3
"""W1 trained from Python (glassbox module) against the driver (`glassbox run`).

    PYTHONPATH=build/python /usr/bin/python3 bench/python_vs_driver.py [--build build] [--rounds 3] [--epochs 2]

W1 as in bench/README.md: Fashion-MNIST (60,000 images), flatten -> dense 256 relu ->
dense 128 relu -> dense 10, SGD (0.01, momentum 0.9), batch 64. Each round trains the same
experiment once through the driver and once through the module, alternating; the epoch
time of both is the library's own EpochLog.seconds (metrics.json for the driver, the
History for Python), and for Python also the wall time of fit() per epoch. Prints every
round and the ratio Python / driver of the best and of the median epoch.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

EXPERIMENT = {
    "name": "w1-python-vs-driver",
    "seed": 1,
    "data": {"dataset": "fashion-mnist"},
    "model": {"layers": [{"type": "flatten"}, {"type": "dense", "units": 256, "activation": "relu"},
                         {"type": "dense", "units": 128, "activation": "relu"}, {"type": "dense", "units": 10}]},
    "train": {"epochs": 2, "batch_size": 64, "optimizer": {"type": "sgd", "learning_rate": 0.01, "momentum": 0.9}},
}


def driver_epochs(build, folder, epochs):
    exp = dict(EXPERIMENT, train=dict(EXPERIMENT["train"], epochs=epochs))
    (folder / "w1.json").write_text(json.dumps(exp))
    out = folder / "run"
    subprocess.run([str(build / "glassbox"), "run", str(folder / "w1.json"), "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return [e["seconds"] for e in json.loads((out / "metrics.json").read_text())["epochs"]]


def python_epochs(glassbox, data, epochs):
    model = glassbox.MyDeepLearning(seed=EXPERIMENT["seed"], layers=EXPERIMENT["model"]["layers"])
    model.compile(optimizer=EXPERIMENT["train"]["optimizer"])
    start = time.perf_counter()
    history = model.fit(data.train, epochs=epochs, batch_size=64, verbose=0)
    wall = (time.perf_counter() - start) / epochs
    return [e["seconds"] for e in history.epochs], wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    build = pathlib.Path(args.build).resolve()
    sys.path.insert(0, str(build / "python"))
    import glassbox

    coretype = glassbox.info().get("recommended_coretype", "")
    if coretype:
        print(f"note: start with OPENBLAS_CORETYPE={coretype} (the driver sets it for itself)", file=sys.stderr)
    data = glassbox.load_data("fashion-mnist", seed=EXPERIMENT["seed"])
    drv, py, walls = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            d = driver_epochs(build, pathlib.Path(tmp), args.epochs)
            p, wall = python_epochs(glassbox, data, args.epochs)
            drv += d
            py += p
            walls.append(wall)
            print(f"round {r + 1}: driver {' '.join(f'{s:.3f}' for s in d)} s/epoch | "
                  f"python {' '.join(f'{s:.3f}' for s in p)} s/epoch (fit wall {wall:.3f} s/epoch)")
    print(f"best   epoch: driver {min(drv):.3f} s, python {min(py):.3f} s, ratio {min(py) / min(drv):.3f}")
    print(f"median epoch: driver {statistics.median(drv):.3f} s, python {statistics.median(py):.3f} s, "
          f"ratio {statistics.median(py) / statistics.median(drv):.3f}")
    print(f"python fit() wall per epoch, best {min(walls):.3f} s (includes the end-of-epoch work)")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The PyTorch twin of examples/fashion-resnet.json: the same graph (read from the
experiment file: conv2d, batch_normalization, relu, add, max_pool2d, global_avg_pool2d,
dense, by name and "inputs"), the same optimizer, schedule, batch size and data scaling,
on Debian's Fashion-MNIST. Prints each epoch's wall time and the test accuracy.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/fashion_resnet_torch.py --threads 2 [--epochs N]
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Graph(torch.nn.Module):
    """Runs the experiment file's layers in the order given (the file lists each layer
    after its inputs); a layer without "inputs" takes the previous one."""

    def __init__(self, layers, in_channels=1, side=28):
        super().__init__()
        self.layers = layers
        self.mods = torch.nn.ModuleDict()
        shapes = {"input": (in_channels, side, side)}
        prev = "input"
        for i, l in enumerate(layers):
            name = l.get("name", f"{l['type']}_{i}")
            l["name"] = name
            l["inputs"] = l.get("inputs", [prev])
            c, h, w = shapes[l["inputs"][0]] if len(shapes[l["inputs"][0]]) == 3 else (shapes[l["inputs"][0]][0], 1, 1)
            t = l["type"]
            if t == "conv2d":
                k = l["kernel_size"]
                self.mods[name] = torch.nn.Conv2d(c, l["filters"], k, padding=k // 2 if l.get("padding") == "same" else 0,
                                                  bias=l.get("use_bias", True))
                torch.nn.init.xavier_uniform_(self.mods[name].weight)
                shapes[name] = (l["filters"], h, w) if l.get("padding") == "same" else (l["filters"], h - k + 1, w - k + 1)
            elif t == "batch_normalization":
                self.mods[name] = torch.nn.BatchNorm2d(c, eps=l.get("epsilon", 1e-3), momentum=1 - l.get("momentum", 0.99))
                shapes[name] = (c, h, w)
            elif t == "max_pool2d":
                shapes[name] = (c, h // l["pool_size"], w // l["pool_size"])
            elif t == "global_avg_pool2d":
                shapes[name] = (c,)
            elif t == "dense":
                self.mods[name] = torch.nn.Linear(shapes[l["inputs"][0]][0], l["units"])
                torch.nn.init.xavier_uniform_(self.mods[name].weight)
                torch.nn.init.zeros_(self.mods[name].bias)
                shapes[name] = (l["units"],)
            elif t in ("relu", "add"):
                shapes[name] = shapes[l["inputs"][0]]
            else:
                raise SystemExit(f"layer {name}: type {t} is not in the twin")
            prev = name

    def forward(self, x):
        out = {"input": x}
        for l in self.layers:
            t, name, ins = l["type"], l["name"], [out[i] for i in l["inputs"]]
            if t == "add":
                y = ins[0]
                for other in ins[1:]:
                    y = y + other
            elif t == "relu":
                y = F.relu(ins[0])
            elif t == "max_pool2d":
                y = F.max_pool2d(ins[0], l["pool_size"])
            elif t == "global_avg_pool2d":
                y = ins[0].mean(dim=(2, 3))
            else:
                y = self.mods[name](ins[0])
            out[name] = y
        return y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--experiment", default=os.path.join(os.path.dirname(__file__), "..", "examples", "fashion-resnet.json"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=None)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    exp = json.load(open(args.experiment))
    train = exp["train"]
    epochs = args.epochs or train["epochs"]
    xtr = torch.tensor(idx(f"{DATA}/train-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255.0
    ytr = torch.tensor(idx(f"{DATA}/train-labels-idx1-ubyte.gz"), dtype=torch.long)
    xte = torch.tensor(idx(f"{DATA}/t10k-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255.0
    yte = torch.tensor(idx(f"{DATA}/t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
    model = Graph(exp["model"]["layers"])
    opt = torch.optim.Adam(model.parameters(), lr=train["optimizer"]["learning_rate"], eps=1e-7)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=train["lr_schedule"]["decay_rate"])
    bs = train["batch_size"]
    for epoch in range(1, epochs + 1):
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(len(xtr))
        for b in range(0, len(xtr), bs):
            i = perm[b:b + bs]
            opt.zero_grad()
            loss = F.cross_entropy(model(xtr[i]), ytr[i])
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - t0
        sched.step()
        model.eval()
        with torch.no_grad():
            correct = sum((model(xte[b:b + 500]).argmax(1) == yte[b:b + 500]).sum().item() for b in range(0, len(xte), 500))
        print(f"epoch {epoch}: {seconds:.1f} s, test accuracy {correct / len(xte):.4f}", flush=True)


if __name__ == "__main__":
    main()

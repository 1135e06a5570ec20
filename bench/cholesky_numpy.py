#!/usr/bin/env python3
"""scipy (LAPACK dpotrf on OpenBLAS) Cholesky throughput: the reference for `npm run bench -- cholesky`.

The matrix is F Fᵀ + n·I for F of n × (n + 200) N(0, 1) entries, like ddlab's side.
usage: python3 bench/cholesky_numpy.py SIZE REPS  -> prints {"seconds": [...], "gflops": median}
"""
import json
import sys
import time

import numpy as np
import scipy.linalg

n, reps = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
f = rng.standard_normal((n, n + 200))
a = f @ f.T + n * np.eye(n)
scipy.linalg.cho_factor(a, lower=True)  # warm up
seconds = []
for _ in range(reps):
    t = time.perf_counter()
    scipy.linalg.cho_factor(a, lower=True)  # copies a (overwrite_a=False), as ddlab leaves A alone
    seconds.append(time.perf_counter() - t)
print(json.dumps({"seconds": seconds, "gflops": n**3 / 3 / sorted(seconds)[reps // 2] / 1e9}))

#!/usr/bin/env python3
"""numpy (OpenBLAS) f64 GEMM throughput: the reference for `npm run bench -- gemm`.

usage: python3 bench/gemm_numpy.py SIZE REPS  -> prints {"seconds": [...], "gflops": median}
"""
import json
import sys
import time

import numpy as np

n, reps = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
a @ b  # warm up: thread pool start-up is not part of the steady state
seconds = []
for _ in range(reps):
    t = time.perf_counter()
    a @ b
    seconds.append(time.perf_counter() - t)
print(json.dumps({"seconds": seconds, "gflops": 2 * n**3 / sorted(seconds)[reps // 2] / 1e9}))

#!/usr/bin/env python3
"""What a Python reference runs on: numpy and its BLAS, PyTorch and its threading, as JSON.

usage: python3 bench/python_env.py  -> {"python": ..., "numpy": ..., "blas": ..., "torch": ...}
       python3 bench/python_env.py --echo-env NAME  -> {"policy": value or null} (tests the bench's env handling)
Either library may be missing under a given interpreter; its entry is then null.
"""
import json
import os
import platform
import sys


if len(sys.argv) == 3 and sys.argv[1] == "--echo-env":
    print(json.dumps({"policy": os.environ.get(sys.argv[2])}))
    sys.exit(0)


def loaded_blas():
    """The BLAS libraries mapped into this process (Debian's torch calls whatever libblas.so.3 resolves to)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.split()[-1].lower().rsplit("/", 1)[-1]}
        return sorted(os.path.realpath(p) for p in paths)
    except OSError:
        return []


out = {"python": platform.python_version(), "numpy": None, "blas": None, "torch": None}
try:
    import numpy as np

    out["numpy"] = np.__version__
    try:  # threadpoolctl names the BLAS actually loaded, with its threading layer
        from threadpoolctl import threadpool_info

        out["blas"] = "; ".join(
            f"{i.get('internal_api')} {i.get('version')} ({i.get('threading_layer')}, {i.get('num_threads')} threads)"
            for i in threadpool_info()
            if i.get("user_api") == "blas"
        )
    except ImportError:  # numpy's build record: the BLAS it was linked against
        try:
            blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
            out["blas"] = blas.get("openblas configuration") or f"{blas.get('name')} {blas.get('version')}"
        except TypeError:  # numpy < 1.26 has no mode="dicts"; its older record names the libraries
            info = np.__config__.get_info("blas_opt_info")
            out["blas"] = "libraries " + ", ".join(info.get("libraries", [])) or "unknown"
except ImportError:
    pass
try:
    import torch

    info = torch.__config__.parallel_info()
    torch.ones(8, 8) @ torch.ones(8, 8)  # loads the BLAS, so that the process map names it
    out["torch"] = {
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "parallel": next((l.strip() for l in info.splitlines() if l.startswith("ATen parallel backend")), ""),
        "blas": ", ".join(loaded_blas()) or "unknown",
    }
except ImportError:
    pass
print(json.dumps(out))

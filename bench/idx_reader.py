"""IDX files (MNIST format, plain or gzipped) for the Python reference scripts of bench/."""

import gzip
import os

import numpy as np


def read_idx(data_dir, name):
    """Read an IDX file (plain or .gz) into a uint8 numpy array of its declared shape."""
    path = os.path.join(data_dir, name)
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    # Magic: two zero bytes, type code 0x08 (uint8), number of dimensions; then big-endian int32 dims.
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path}: not a uint8 IDX file")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)

"""Make the small MNIST subset committed for tests and the smoke run, from the full file.

Takes the FIRST images of each split in file order (the protocol's slicing), writes them
in Keras' .npz layout and prints the arrays' SHA-256 for config/smoke.yaml.
Run from the repository root: python tests/data/make_subset.py [path/to/mnist.npz]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from tipsbench.data import DATASETS, array_sha256, read_npz, verify_arrays

TRAIN_IMAGES = 1000
TEST_IMAGES = 500


def main(source: str = "../shared/data/mnist.npz", target: str = "tests/data/mnist-subset.npz") -> None:
    arrays = read_npz(source)
    verify_arrays(arrays, DATASETS["mnist"], source=source)
    subset = {
        "x_train": arrays["x_train"][:TRAIN_IMAGES],
        "y_train": arrays["y_train"][:TRAIN_IMAGES],
        "x_test": arrays["x_test"][:TEST_IMAGES],
        "y_test": arrays["y_test"][:TEST_IMAGES],
    }
    with open(target, "wb") as handle:
        np.savez_compressed(handle, **subset)
    print(f"wrote {target} ({Path(target).stat().st_size} bytes); checksums for the config:")
    print("  sha256:")
    for name, array in subset.items():
        print(f"    {name}: {array_sha256(array)}")


if __name__ == "__main__":
    main(*sys.argv[1:])

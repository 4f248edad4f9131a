"""Make a small subset of a dataset, committed for tests and the smoke runs, from the full data.

Takes the FIRST images of each split in file order (the protocol's slicing) from a verified
full copy (a Keras-layout .npz file or a directory of the four IDX files), writes them in
Keras' .npz layout and prints the arrays' SHA-256 for the smoke config. Run from the
repository root:

    python tests/data/make_subset.py [path/to/mnist.npz]                       # MNIST, as before
    python tests/data/make_subset.py DATASET [SOURCE [TARGET]]                 # any known dataset

e.g. ``python tests/data/make_subset.py fashion_mnist /usr/share/datasets/fashion-mnist``
(Debian's dataset-fashion-mnist) writes tests/data/fashion-mnist-subset.npz for
config/fashion-smoke.yaml.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from tipsbench.data import DATASETS, array_sha256, read_local, verify_arrays

TRAIN_IMAGES = 1000
TEST_IMAGES = 500

# Where the full data is by default, per dataset: the project's shared data folder for
# MNIST, Debian's package directory for Fashion-MNIST.
DEFAULT_SOURCES = {
    "mnist": "../shared/data/mnist.npz",
    "fashion_mnist": "/usr/share/datasets/fashion-mnist",
}


def default_target(dataset: str) -> str:
    """tests/data/mnist-subset.npz, tests/data/fashion-mnist-subset.npz, ..."""
    return f"tests/data/{dataset.replace('_', '-')}-subset.npz"


def make_subset(dataset: str, source: str, target: str) -> dict[str, str]:
    """Verify the full data at ``source``, write its first images to ``target``; return their
    checksums."""
    arrays = read_local(source)
    verify_arrays(arrays, DATASETS[dataset], source=source)
    subset = {
        "x_train": arrays["x_train"][:TRAIN_IMAGES],
        "y_train": arrays["y_train"][:TRAIN_IMAGES],
        "x_test": arrays["x_test"][:TEST_IMAGES],
        "y_test": arrays["y_test"][:TEST_IMAGES],
    }
    with open(target, "wb") as handle:
        np.savez_compressed(handle, **subset)
    return {name: array_sha256(array) for name, array in subset.items()}


def main(*args: str) -> None:
    # The first argument names a dataset when it is one; otherwise it is MNIST's source
    # (the script's original usage: make_subset.py [path/to/mnist.npz [target]]).
    dataset = args[0] if args and args[0] in DATASETS else "mnist"
    rest = args[1:] if args and args[0] in DATASETS else args
    if len(rest) > 2:
        sys.exit(__doc__)
    source = rest[0] if rest else DEFAULT_SOURCES.get(dataset)
    if source is None:
        sys.exit(f"no default source for {dataset}: give its path")
    target = rest[1] if len(rest) > 1 else default_target(dataset)
    checksums = make_subset(dataset, source, target)
    size = Path(target).stat().st_size
    print(f"wrote {target} ({size} bytes) from {dataset} at {source}; checksums for the config:")
    print("  sha256:")
    for name, digest in checksums.items():
        print(f"    {name}: {digest}")


if __name__ == "__main__":
    main(*sys.argv[1:])

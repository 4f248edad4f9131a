#!/usr/bin/env python
"""The machine's float32 matrix-multiply peak: the limit every speed figure is a fraction of.

numpy's BLAS multiplies n x n float32 matrices (n = 1024..4096), best of R, 2 n^3 / t, on all
cores, with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed from its environment (they can force
a slower kernel); it also times the matrix products of one training step of the base MLP
(784-500-500-10, forward and backward) at batch 100, the ceiling any framework can reach at
that batch size. It runs in a fresh interpreter (the BLAS reads its thread count on import).

    python benchmarks/peak.py            # prints the peak: give it to the report with
                                         #   snakemake --cores 2 --config peak_gflops=<it>
    python benchmarks/peak.py --quick

The peak of a shared host swings (288.6, 174.3, 119.7 GFLOP/s on three days here): measure it
close in time to the run it describes, on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import time


def blas_info() -> dict:
    """Which BLAS numpy runs, its version, and (OpenBLAS) the kernel it picked and its threads."""
    import ctypes
    import glob
    from pathlib import Path

    import numpy as np

    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    info = {"library": blas.get("name"), "version": blas.get("version"), "kernel": "unknown"}
    for path in glob.glob(str(Path(np.__file__).parent.parent / "numpy.libs" / "*openblas*.so*")):
        library = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_", "64_"), ("", "64_"), ("", "")):
            corename = getattr(library, f"{prefix}openblas_get_corename{suffix}", None)
            threads = getattr(library, f"{prefix}openblas_get_num_threads{suffix}", None)
            if corename and threads:
                corename.restype = ctypes.c_char_p
                return {**info, "kernel": corename().decode(), "threads": int(threads())}
    return info


def best_seconds(step, repeats: int, max_seconds: float) -> float:
    """The fastest of ``repeats`` calls of ``step`` (after one warm-up), within a time budget."""
    step()
    best, deadline = float("inf"), time.perf_counter() + max_seconds
    for _ in range(repeats):
        started = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - started)
        if time.perf_counter() > deadline:
            break
    return best


def mlp_ceiling(batch: int, repeats: int, max_seconds: float) -> dict:
    """The base MLP's matrix products alone, one training step, rated 6 x parameters x batch."""
    import numpy as np

    rng = np.random.default_rng(0)
    shapes = [(784, 500), (500, 500), (500, 10)]
    weights = [rng.standard_normal(shape, dtype=np.float32) * 0.05 for shape in shapes]
    x = rng.random((batch, 784), dtype=np.float32)
    parameters = sum(a * b + b for a, b in shapes)
    steps = max(5, 20000 // batch)

    def train_steps():
        for _ in range(steps):
            activations = [x]
            for weight in weights:
                activations.append(activations[-1] @ weight)
            delta = activations[-1]
            for layer in reversed(range(len(weights))):  # weight gradient, then input gradient
                activations[layer].T @ delta
                if layer:
                    delta = delta @ weights[layer].T

    seconds = best_seconds(train_steps, repeats, max_seconds) / steps
    return {
        "batch": batch,
        "step_seconds": seconds,
        "gflops": 6 * parameters * batch / seconds / 1e9,
    }


def child(sizes: list[int], repeats: int) -> dict:
    """The measurement itself (in the fresh interpreter)."""
    import numpy as np

    rng = np.random.default_rng(0)
    rows = []
    for n in sizes:
        a, b = (rng.standard_normal((n, n), dtype=np.float32) for _ in range(2))
        out = np.empty((n, n), dtype=np.float32)
        seconds = best_seconds(functools.partial(np.matmul, a, b, out=out), repeats, 10.0)
        rows.append({"n": n, "seconds": seconds, "gflops": 2 * n**3 / seconds / 1e9})
    return {
        "sizes": rows,
        "peak_gflops": max(row["gflops"] for row in rows),
        "mlp_gemms": mlp_ceiling(100, 3, 10.0),
        "blas": blas_info(),
    }


def measure_peak(cores: int | None = None, quick: bool = False) -> dict:
    """The peak on ``cores`` threads (default: every CPU), measured in a fresh interpreter."""
    cores = cores or os.cpu_count() or 1
    env = os.environ.copy()
    removed = {key: env.pop(key) for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if key in env}
    env.update(OPENBLAS_NUM_THREADS=str(cores), OMP_NUM_THREADS=str(cores))
    sizes = "1024 2048" if quick else "1024 2048 3072 4096"
    done = subprocess.run(
        [sys.executable, __file__, "--child", sizes, "3" if quick else "7"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {**json.loads(done.stdout.splitlines()[-1]), "unset_for_peak": removed}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cores", type=int, default=None, help="threads (default: all CPUs)")
    parser.add_argument("--quick", action="store_true", help="two sizes, three repeats")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sizes, repeats = args.child
        print(json.dumps(child([int(n) for n in sizes.split()], int(repeats))))
        return 0
    peak = measure_peak(args.cores, args.quick)
    for row in peak["sizes"]:
        print(f"n={row['n']:5d}  {row['seconds'] * 1e3:8.1f} ms  {row['gflops']:7.1f} GFLOP/s")
    gemms, blas = peak["mlp_gemms"], peak["blas"]
    print(
        f"base MLP's matmuls alone at batch {gemms['batch']}: {gemms['gflops']:.1f} GFLOP/s = "
        f"{100 * gemms['gflops'] / peak['peak_gflops']:.1f} % of the peak (the ceiling there)"
    )
    print(
        f"float32 matmul peak: {peak['peak_gflops']:.1f} GFLOP/s ({blas.get('library')} "
        f"{blas.get('version')}, kernel {blas.get('kernel')}, {blas.get('threads')} threads)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

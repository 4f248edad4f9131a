#!/usr/bin/env python
"""Where a training job's time goes, and what each framework lever changes.

    python benchmarks/profile_job.py stages   [--epochs 20]   \
# wall-clock split of train.py, + cProfile top
    python benchmarks/profile_job.py levers   [--epochs 10]   \
# one fresh process per lever and backend
    python benchmarks/profile_job.py parallel [--epochs 10]   \
# 1 job x 2 threads vs 2 jobs x 1 thread
    python benchmarks/profile_job.py determinism               \
# the recommended settings, twice: same digest?

Every measurement is a fresh interpreter running benchmarks/workers.py, so that thread
pools, XLA flags and oneDNN are set before the framework is imported. "digest" is a
SHA-256 of the final weights and the per-epoch history: equal digests mean bit-identical
runs. Run on an idle machine; the figures are only comparable within one invocation.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import speed  # noqa: E402
from speed import concurrent_fits, measure_peak, throughput, worker  # noqa: E402

# The tipsbench tree under test: this checkout, or TIPSBENCH_SOURCE (e.g. a patched copy).
speed.SOURCE = Path(os.environ.get("TIPSBENCH_SOURCE") or speed.REPO).resolve()

CORES = os.cpu_count() or 1

# (label, backend, extra workers.py fit arguments), each run in a fresh process. The first
# row of each backend is Keras as the pipeline used it before this work: TerminateOnNaN (a
# per-batch callback), steps_per_execution 1, validation batch = training batch (100).
PLAIN = ["--nan-guard", "batch", "--steps-per-execution", "1", "--validation-batch-size", "0"]
GUARD = ["--nan-guard", "epoch", "--validation-batch-size", "0"]
LEVERS = [
    ("plain Keras (TerminateOnNaN, spe 1)", "tensorflow", PLAIN),
    ("epoch NaN guard", "tensorflow", GUARD + ["--steps-per-execution", "1"]),
    ("epoch guard + spe 10", "tensorflow", GUARD + ["--steps-per-execution", "10"]),
    ("epoch guard + spe 100", "tensorflow", GUARD + ["--steps-per-execution", "100"]),
    (
        "epoch guard + spe 100 + jit_compile",
        "tensorflow",
        GUARD + ["--steps-per-execution", "100", "--jit-compile", "true"],
    ),
    (
        "epoch guard + spe 100, oneDNN off",
        "tensorflow",
        GUARD + ["--steps-per-execution", "100", "--onednn", "0"],
    ),
    (
        "epoch guard + spe 100, inter-op 2",
        "tensorflow",
        GUARD + ["--steps-per-execution", "100", "--interop", "2"],
    ),
    (
        "epoch guard + spe 100, 1 thread",
        "tensorflow",
        GUARD + ["--steps-per-execution", "100", "--threads", "1"],
    ),
    ("plain Keras (TerminateOnNaN, spe 1)", "jax", PLAIN),
    ("epoch NaN guard", "jax", GUARD + ["--steps-per-execution", "1"]),
    ("epoch guard + spe 10", "jax", GUARD + ["--steps-per-execution", "10"]),
    ("epoch guard + spe 100", "jax", GUARD + ["--steps-per-execution", "100"]),
    (
        "epoch guard + spe 100, 1 thread",
        "jax",
        GUARD + ["--steps-per-execution", "100", "--threads", "1"],
    ),
]
VALIDATION_LEVERS = [
    ("validation batch 100 (Keras default)", ["--validation-batch-size", "0"]),
    ("validation batch 1000", ["--validation-batch-size", "1000"]),
    ("validation batch 10000", ["--validation-batch-size", "10000"]),
]


def fit(
    backend: str, extra: list[str], epochs: int, modes=("noval",), threads: int = CORES, env=None
) -> dict:
    # A later --threads in extra wins over this one (argparse keeps the last).
    result, wall = worker(
        "fit",
        "--backend",
        backend,
        "--threads",
        str(threads),
        "--epochs",
        str(epochs),
        "--modes",
        *modes,
        *extra,
        env=env,
    )
    result["wall_seconds"] = wall
    return result


def show(label: str, backend: str, result: dict, limit: float, baseline: dict) -> None:
    for row in result["fits"]:
        rate = throughput(row, result["train_samples"])
        first = baseline.setdefault((backend, row["validate"]), row["digest"])
        same = "same" if row["digest"] == first else "differs"
        steady = (
            6
            * row["parameters"]
            * (row["epochs_run"] - 1)
            * result["train_samples"]
            / row["steady_seconds"]
            / 1e9
        )
        print(
            f"{backend:10s} {label:40s} {'val' if row['validate'] else 'train':5s} "
            f"{result['import_seconds']:6.2f} "
            f"{row['fit_seconds']:7.2f} {row['validation_seconds']:6.2f} "
            f"{rate['samples_per_second']:9.0f} "
            f"{rate['gflops']:7.1f} {100 * rate['gflops'] / limit:6.1f}% "
            f"{100 * steady / limit:6.1f}% "
            f"{row['cpu_seconds'] / row['fit_seconds']:5.2f} {result['peak_rss_mb']:6.0f} "
            f"{row['digest']} {same}",
            flush=True,
        )


def header(limit: float, epochs: int) -> None:
    print(
        f"matmul peak {limit:.1f} GFLOP/s; base condition, {epochs} epochs, "
        f"{CORES} threads unless said"
    )
    print(
        f"{'backend':10s} {'variant':40s} {'fit':5s} {'import':>6s} {'fit s':>7s} {'val s':>6s} "
        f"{'samples/s':>9s} {'GFLOP/s':>7s} {'%peak':>7s} {'steady':>7s} {'cores':>5s} "
        f"{'RSS MB':>6s} "
        f"{'digest':16s} vs first"
    )
    print(
        "(steady: % peak over epochs 2..N, without the first epoch's tracing/compiling; "
        "cores: CPU time / fit time)"
    )


def levers(args) -> None:
    limit = measure_peak(CORES, quick=False)["peak_gflops"]
    header(limit, args.epochs)
    baseline: dict = {}
    for label, backend, extra in LEVERS:
        if args.backend and backend != args.backend:
            continue
        show(label, backend, fit(backend, extra, args.epochs), limit, baseline)
    for backend in [args.backend] if args.backend else ["tensorflow", "jax"]:
        best = ["--nan-guard", "epoch", "--steps-per-execution", "100", "--threads", "1"]
        for label, extra in VALIDATION_LEVERS:
            show(
                f"spe 100, 1 thr, {label}",
                backend,
                fit(backend, best + extra, args.epochs, modes=("val",)),
                limit,
                baseline,
            )


def parallel(args) -> None:
    """Aggregate samples/s of one 2-thread process against two 1-thread processes at once."""
    limit = measure_peak(CORES, quick=False)["peak_gflops"]
    print(f"matmul peak {limit:.1f} GFLOP/s; base condition, {args.epochs} epochs, no validation")
    for backend in [args.backend] if args.backend else ["tensorflow", "jax"]:
        extra = [
            "--nan-guard",
            "epoch",
            "--steps-per-execution",
            "100",
            "--validation-batch-size",
            "0",
            *args.extra,
        ]
        one = fit(backend, extra, args.epochs, threads=CORES)
        rate = throughput(one["fits"][0], one["train_samples"])
        print(
            f"{backend:10s} 1 process x {CORES} threads: "
            f"{rate['samples_per_second']:8.0f} samples/s "
            f"{rate['gflops']:6.1f} GFLOP/s ({100 * rate['gflops'] / limit:.1f}% peak)"
        )
        single = fit(backend, extra, args.epochs, threads=1)
        rate = throughput(single["fits"][0], single["train_samples"])
        print(
            f"{backend:10s} 1 process x 1 thread (alone): "
            f"{rate['samples_per_second']:8.0f} samples/s "
            f"{rate['gflops']:6.1f} GFLOP/s ({100 * rate['gflops'] / limit:.1f}% peak)"
        )
        together = concurrent_fits(backend, CORES, args.epochs, tuple(extra))
        print(
            f"{backend:10s} {CORES} processes x 1 thread (together): "
            f"{together['samples_per_second']:8.0f} samples/s "
            f"{together['gflops']:6.1f} GFLOP/s ({100 * together['gflops'] / limit:.1f}% peak); "
            f"wall {together['wall_seconds']:.1f} s for {CORES} fits"
        )


def stages(args) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        sys.path.insert(0, str(HERE.parent / "workflow"))
        from workers import default_mnist

        from tipsbench.data import prepare_dataset
        from tipsbench.files import write_npz

        prepared, _ = prepare_dataset(
            {
                "dataset": "mnist",
                "path": str(default_mnist()),
                "train_size": 10000,
                "test_size": None,
            }
        )
        data = Path(scratch) / "prepared.npz"
        write_npz(prepared, data)
        for backend in [args.backend] if args.backend else ["tensorflow", "jax"]:
            for profile in (False, True):
                arguments = [
                    "job",
                    "--backend",
                    backend,
                    "--threads",
                    str(CORES),
                    "--epochs",
                    str(args.epochs),
                    "--data",
                    str(data),
                    "--out",
                    str(Path(scratch) / backend),
                ]
                result, wall = worker(*arguments, *(["--profile"] if profile else []))
                if profile:
                    print(
                        f"--- {backend}: cProfile of train_condition, top by own time "
                        "(profiling inflates Python-heavy parts)"
                    )
                    for line in result["profile_top"][:40]:
                        if line.strip():
                            print("   ", line[:160])
                    continue
                print(
                    f"--- {backend}: one training job as workflow/scripts/train.py runs it "
                    f"({args.epochs} epochs, {CORES} threads)"
                )
                print(
                    f"    {'interpreter start (to first line)':36s} "
                    f"{wall - result['process_seconds']:7.2f} s"
                )
                for name, seconds in result["stages"].items():
                    print(f"    {name:36s} {seconds:7.2f} s")
                for name, seconds in result["inside_train_condition"].items():
                    print(f"      {name:34s} {seconds:7.2f} s")
                fit_total = result["inside_train_condition"]["fit"]
                print(
                    f"      {'(train part of fit)':34s} "
                    f"{fit_total - result['inside_train_condition']['validation (in fit)']:7.2f} s"
                )
                print(
                    f"    {'process wall':36s} {wall:7.2f} s   "
                    f"peak RSS {result['peak_rss_mb']:.0f} MB"
                )


def determinism(args) -> None:
    """The recommended settings, run three times per backend in fresh processes: JAX with a
    cold compilation cache, warm, and without it. All digests equal = bit-identical runs."""
    extra = [
        "--nan-guard",
        "epoch",
        "--steps-per-execution",
        "100",
        "--validation-batch-size",
        "1000",
        "--threads",
        "1",
        "--evaluate",
        *args.extra,
    ]
    for backend in [args.backend] if args.backend else ["tensorflow", "jax"]:
        with tempfile.TemporaryDirectory() as cache:
            runs = []
            for label, variables in (
                ("cold cache", {"JAX_COMPILATION_CACHE_DIR": cache}),
                ("warm cache", {"JAX_COMPILATION_CACHE_DIR": cache}),
                ("no cache", {"JAX_ENABLE_COMPILATION_CACHE": "false"}),
            ):
                env = {**os.environ, **variables}
                result = fit(backend, extra, args.epochs, modes=("val",), env=env)
                row = result["fits"][0]
                runs.append(row["digest"])
                print(
                    f"{backend:10s} {label:10s} fit {row['fit_seconds']:6.2f} s  "
                    f"build {row['build_seconds']:5.2f} s  "
                    f"digest {row['digest']}",
                    flush=True,
                )
        print(
            f"{backend:10s} {' '.join(extra)}: "
            f"{'bit-identical' if len(set(runs)) == 1 else 'DIFFERENT'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["stages", "levers", "parallel", "determinism"])
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--backend", choices=["tensorflow", "jax"], default=None)
    parser.add_argument(
        "--extra", nargs=argparse.REMAINDER, default=[], help="more workers.py fit arguments"
    )
    args = parser.parse_args()
    args.epochs = args.epochs or (20 if args.what == "stages" else 10)
    {"stages": stages, "levers": levers, "parallel": parallel, "determinism": determinism}[
        args.what
    ](args)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Where a training job's time goes, and how the cores are best used.

    python benchmarks/profile_job.py stages [--seeds 0 1 2]  # a job's time split, + cProfile
    python benchmarks/profile_job.py parallel   # 1 job x N threads against N jobs x 1 thread
    python benchmarks/profile_job.py determinism  # cold, warm and no JAX cache: identical?

Every measurement is a fresh interpreter running benchmarks/workers.py fit, i.e. the package's
own training function as a training job calls it (tipsbench.training.train_condition, the
config's probe included), so that thread pools are set before the framework is imported.
"stages" trains the seeds one after the other in one process, as a job of several seeds does:
the later seeds show what a job saves by not starting again. "digest" is a SHA-256 of the
final weights and the per-epoch history: equal digests mean bit-identical runs. Run it on an
idle machine; the figures compare only within one invocation.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from peak import measure_peak  # noqa: E402
from speed import fits, grid_overlay, result_of, start_worker  # noqa: E402

CORES = os.cpu_count() or 1


def fit_arguments(backend: str, epochs: int) -> list[str]:
    """A one-thread workers.py fit of the base condition on the default config's data."""
    overlay = Path(tempfile.mkdtemp()) / "data.yaml"
    overlay.write_text(yaml.safe_dump(grid_overlay("full")))
    return ["fit", "--backend", backend, "--threads", "1", "--epochs", str(epochs), "--config",
            str(overlay)]  # fmt: skip


def stages(args) -> None:
    for backend in args.backends:
        for profile in (False, True):
            started = time.perf_counter()
            arguments = fit_arguments(backend, args.epochs) + ["--seeds", *map(str, args.seeds)]
            result = result_of(start_worker(*arguments, *(["--profile"] if profile else [])))
            wall = time.perf_counter() - started
            if profile:
                print(f"--- {backend}: cProfile of the runs, top by own time")
                print("\n".join(f"    {line[:160]}" for line in result["profile_top"][:40] if line))
                continue
            print(f"--- {backend}: a job of {len(args.seeds)} seed(s), {args.epochs} epochs")
            print(f"    interpreter start        {wall - result['process_seconds']:7.2f} s")
            print(f"    import Keras + backend   {result['import_seconds']:7.2f} s")
            print(f"    data                     {result['data_seconds']:7.2f} s")
            for run in result["runs"]:
                rest = run["seconds"] - run["fit_seconds"]
                print(
                    f"    seed {run['seed']}: fit {run['fit_seconds']:7.2f} s (probe "
                    f"{run['probe_seconds']:.2f} s), build + evaluate + predict {rest:.2f} s"
                )
            memory = result["peak_rss_mb"]
            print(f"    process wall             {wall:7.2f} s, peak RSS {memory:.0f} MB")


def parallel(args) -> None:
    """The arithmetic rate of one N-thread process against N one-thread processes at once."""
    limit = measure_peak(CORES)["peak_gflops"]
    print(f"matmul peak {limit:.1f} GFLOP/s; base condition, {args.epochs} epochs, probe included")
    for backend in args.backends:
        overlay = Path(fit_arguments(backend, args.epochs)[-1])
        for processes, threads in ((1, CORES), (1, 1), (CORES, 1)):
            found = fits(backend, processes, threads, args.epochs, overlay)
            print(
                f"{backend:10s} {processes} process(es) x {threads} thread(s): "
                f"{found['samples_per_second']:8.0f} samples/s, {found['gflops']:6.1f} GFLOP/s "
                f"({100 * found['gflops'] / limit:.1f} % of peak), "
                f"{found['busy_cores']:.2f} cores busy"
            )


def determinism(args) -> None:
    """Three fresh processes per backend: JAX with a cold compilation cache, a warm one, none."""
    for backend in args.backends:
        with tempfile.TemporaryDirectory() as cache:
            digests = []
            for label, variables in (
                ("cold cache", {"JAX_COMPILATION_CACHE_DIR": cache}),
                ("warm cache", {"JAX_COMPILATION_CACHE_DIR": cache}),
                ("no cache", {"JAX_ENABLE_COMPILATION_CACHE": "false"}),
            ):
                worker = start_worker(*fit_arguments(backend, args.epochs), env=variables)
                run = result_of(worker)["runs"][0]
                digests.append(run["digest"])
                print(f"{backend:10s} {label:10s} fit {run['fit_seconds']:6.2f} s {run['digest']}")
        print(f"{backend:10s} {'bit-identical' if len(set(digests)) == 1 else 'DIFFERENT'}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["stages", "parallel", "determinism"])
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--backends", nargs="+", default=["jax", "tensorflow"])
    args = parser.parse_args()
    args.epochs = args.epochs or (20 if args.what == "stages" else 10)
    {"stages": stages, "parallel": parallel, "determinism": determinism}[args.what](args)


if __name__ == "__main__":
    main()

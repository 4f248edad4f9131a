#!/usr/bin/env python
"""tipsbench speed benchmark: how close training gets to the machine's limit, and what the
pipeline costs over the plain Keras loop a user would write instead. One run prints:

(a) the float32 matrix-multiply peak of numpy's BLAS (GFLOP/s = 2 n^3 / t, best of N,
    all cores) and which BLAS kernel ran: the limit every other figure is a fraction of;
(b) per installed Keras backend, each in a fresh process with its threads pinned to the
    core count: the base condition's fit (10,000 images, batch 100, 20 epochs) with and
    without the per-epoch validation on 10,000 test images, as samples/s and as
    GFLOP/s = 6 x parameters x samples / fit time, in % of the peak; the time to import
    the backend; evaluate/predict time; the peak memory (ru_maxrss) of that process;
(c) the default grid (7 studies x 2 arms x seeds) through `snakemake --cores N` on a
    scratch copy of the repository, against the same 14 arms x seeds as one sequential
    Keras loop in one Python process (no dedup) on the same backend: the wall-time ratio
    and the pipeline's orchestration overhead, 1 - (fit core-seconds) / (wall x cores),
    i.e. (wall - sum of fit times) / wall when jobs run one at a time on all cores;
    and the pipeline's wall time as a multiple of its FLOP limit (flop_limit.py: its
    training jobs' FLOPs at the peak of (a)), with what makes up the rest. --preset runs
    a config preset (e.g. config/robustness.yaml) through the same path, without the loop.

Then a table of each figure, its target and PASS/FAIL.

    python benchmarks/speed.py                 # (a) + (b) + (c) on the reduced grid (~10 min)
    python benchmarks/speed.py --grid full     # (c) on the full default grid (about 1 hour)
    python benchmarks/speed.py --quick         # sanity pass: tiny sizes, 1 seed, 1 epoch
    python benchmarks/speed.py --grid none     # (a) + (b) only
    python benchmarks/speed.py --preset config/robustness.yaml --skip-fits  # (a) + preset

Timings are only meaningful on an otherwise idle machine; compare ratios within one run.
Nothing is written under results/: the pipeline runs in a temporary copy (--keep keeps it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# The tests' helper that copies what the workflow needs into a scratch folder.
sys.path.insert(0, str(REPO / "tests"))
from workflow_helpers import copy_workflow  # noqa: E402

sys.path.insert(0, str(HERE))
from flop_limit import figure_lines, flop_limit_figure  # noqa: E402

WORKERS = HERE / "workers.py"
PYTHON = sys.executable
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
# flop_limit: the default grid's wall time (training jobs' span) / its FLOP limit, at most.
TARGETS = {"training": 0.75, "ratio": 0.60, "overhead": 0.10, "flop_limit": 1.5}
# config/config.yaml changed for the comparison: reduced keeps the full data and models but
# runs 2 seeds of 10 epochs (16 pipeline fits + 1 audit, 28 loop fits); quick is a plumbing
# check only.
GRIDS = {
    "full": {},
    "reduced": {"seeds": [0, 1], "base": {"epochs": 10}},
    "quick": {"seeds": [0], "base": {"epochs": 1}, "data": {"train_size": 2000}},
}


def log(message: str = "") -> None:
    print(message, flush=True)


SOURCE = REPO  # the tree under test (--source)


def worker_env(env: dict | None = None) -> dict:
    return {**(env or os.environ), "TIPSBENCH_SOURCE": str(SOURCE)}


def worker(*arguments: str, env: dict | None = None, timeout: int = 3600) -> tuple[dict, float]:
    """Run one workers.py subcommand in a fresh interpreter; its JSON result and wall seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, str(WORKERS), *arguments],
        env=worker_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    wall = time.perf_counter() - started
    result = parse_result(done.stdout)
    if result is None:
        raise RuntimeError(
            f"workers.py {' '.join(arguments)} failed:\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return result, wall


def parse_result(stdout: str) -> dict | None:
    """The JSON a workers.py subcommand printed on its "@@RESULT " line, or None."""
    for line in stdout.splitlines():
        if line.startswith("@@RESULT "):
            return json.loads(line[len("@@RESULT ") :])
    return None


def other_heavy_processes() -> list[str]:
    """Other Snakemake runs or training jobs on this machine (they make every timing wrong)."""
    found = subprocess.run(
        ["pgrep", "-af", "snakemake --cores|train.py"], capture_output=True, text=True
    ).stdout
    return [line for line in found.splitlines() if str(os.getpid()) != line.split()[0]]


def installed_backends() -> list[str]:
    from importlib.util import find_spec

    return [name for name in ("tensorflow", "jax") if find_spec(name) is not None]


def config_backend() -> str:
    return yaml.safe_load((SOURCE / "config" / "config.yaml").read_text()).get(
        "backend", "tensorflow"
    )


def concurrent_fits(backend: str, cores: int, epochs: int, extra: tuple[str, ...] = ()) -> dict:
    """The pipeline's arrangement: `cores` one-thread training processes at once (train only).

    ``extra``: more workers.py fit arguments (levers), the same for every process.
    """
    command = [
        PYTHON,
        str(WORKERS),
        "fit",
        "--backend",
        backend,
        "--threads",
        "1",
        "--epochs",
        str(epochs),
        "--modes",
        "noval",
        *extra,
    ]
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=worker_env()
        )
        for _ in range(cores)
    ]
    outputs = [process.communicate()[0] for process in processes]
    wall = time.perf_counter() - started
    results = [parse_result(out) for out in outputs]
    if None in results:
        raise RuntimeError(f"a concurrent workers.py fit failed: {' '.join(command[2:])}")
    fits = [result["fits"][0] for result in results]
    samples = sum(fit["epochs_run"] * result["train_samples"] for fit, result in zip(fits, results))
    # Aggregate rate while all ran: total samples over the longest fit.
    seconds = max(fit["fit_seconds"] for fit in fits)
    parameters = fits[0]["parameters"]
    # Epochs 2..N of each process (none with a single epoch).
    steady = sum(
        6 * parameters * (f["epochs_run"] - 1) * r["train_samples"] / f["steady_seconds"]
        for f, r in zip(fits, results)
        if f["steady_seconds"] > 0
    ) or float("nan")
    return {
        "processes": cores,
        "samples_per_second": samples / seconds,
        "gflops": 6 * parameters * samples / seconds / 1e9,
        "steady_gflops": steady / 1e9,
        "busy_cores": sum(fit["cpu_seconds"] for fit in fits) / seconds,
        "peak_rss_mb": max(result["peak_rss_mb"] for result in results),
        "wall_seconds": wall,
    }


# ----------------------------------------------------------------------------- (a)


def measure_peak(cores: int, quick: bool) -> dict:
    env = os.environ.copy()
    # OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on this machine and force a slower
    # kernel or blocking: the limit is what the BLAS does when left to detect the CPU.
    removed = {key: env.pop(key) for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if key in env}
    env.update(OPENBLAS_NUM_THREADS=str(cores), OMP_NUM_THREADS=str(cores))
    sizes = ["1024", "2048"] if quick else ["1024", "2048", "3072", "4096"]
    result, _ = worker("peak", "--sizes", *sizes, "--repeats", "3" if quick else "7", env=env)
    result["unset_for_peak"] = removed
    return result


# ----------------------------------------------------------------------------- (b)


def measure_backend(backend: str, cores: int, epochs: int, data: str | None) -> dict:
    arguments = [
        "fit",
        "--backend",
        backend,
        "--threads",
        str(cores),
        "--epochs",
        str(epochs),
        "--evaluate",
    ]
    if data:
        arguments += ["--data", data]
    result, wall = worker(*arguments)
    result["wall_seconds"] = wall
    return result


def throughput(fit: dict, train_samples: int) -> dict:
    samples = fit["epochs_run"] * train_samples
    return {
        "samples_per_second": samples / fit["fit_seconds"],
        "gflops": 6 * fit["parameters"] * samples / fit["fit_seconds"] / 1e9,
    }


# ----------------------------------------------------------------------------- (c)


def overlay_config(grid: str, backend: str) -> dict:
    base_config = yaml.safe_load((SOURCE / "config" / "config.yaml").read_text())
    overlay = json.loads(json.dumps(GRIDS[grid]))
    data_path = base_config["data"]["path"]
    overlay.setdefault("data", {})["path"] = (
        str((REPO / data_path).resolve()) if data_path else None
    )
    overlay["run_name"] = f"speed-{grid}"
    overlay["backend"] = backend
    return overlay


def preset_overlay(preset: Path, backend: str | None) -> dict:
    """What a config preset needs to run in the scratch copy: its data path made absolute
    (relative ones are relative to the repository), a run name of its own and, if given,
    the backend. Merged after the preset."""
    config = yaml.safe_load(preset.read_text()) or {}
    data = config.get("data") or {}
    if "path" in data:
        data_path = data["path"]
    elif not config.get("standalone"):
        data_path = yaml.safe_load((SOURCE / "config" / "config.yaml").read_text())["data"]["path"]
    else:
        data_path = None
    overlay: dict = {"run_name": f"speed-{preset.stem}"}
    if data_path:
        overlay["data"] = {"path": str((REPO / data_path).resolve())}
    if backend:
        overlay["backend"] = backend
    return overlay


def run_pipeline(workdir: Path, configfiles: list[Path], run_name: str, cores: int) -> dict:
    command = [SNAKEMAKE, "--cores", str(cores), "--configfile", *map(str, configfiles)]
    log(f"    $ {' '.join(command[1:])}   (in {workdir})")
    started = time.perf_counter()
    started_epoch = time.time()
    # A cold JAX compilation cache, as on a first run: the loop gets no cache either.
    env = {**os.environ, "JAX_COMPILATION_CACHE_DIR": str(workdir / "jax-cache")}
    with open(workdir / "snakemake.out", "w") as out:
        done = subprocess.run(command, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - started
    if done.returncode:
        tail = (workdir / "snakemake.out").read_text()[-4000:]
        raise RuntimeError(f"snakemake failed (exit {done.returncode}):\n{tail}")
    runs = []
    for folder in ("runs", "audit"):
        for path in sorted((workdir / "results" / run_name / folder).glob("*/seed-*/metrics.json")):
            metrics = json.loads(path.read_text())
            runs.append(
                {
                    "kind": folder,
                    **{
                        key: metrics.get(key)
                        for key in (
                            "condition",
                            "seed",
                            "fit_seconds",
                            "job_seconds",
                            "threads",
                            "peak_rss_mb",
                            "backend",
                            "started_at",
                            "finished_at",
                        )
                    },
                }
            )
    # Where the wall time went, from the jobs' start and end stamps (1 s resolution):
    # before the first training job (Snakemake start-up, DAG, data step), the training
    # span, and after the last one (aggregate, plots, audit comparison, report, PDF).
    from datetime import datetime

    stamps = [
        (
            datetime.fromisoformat(r["started_at"]).timestamp(),
            datetime.fromisoformat(r["finished_at"]).timestamp(),
        )
        for r in runs
        if r.get("started_at") and r.get("finished_at")
    ]
    phases = {}
    if stamps:
        first, last = min(s for s, _ in stamps), max(f for _, f in stamps)
        phases = {
            "before training": first - started_epoch,
            "training span": last - first,
            "after training": started_epoch + wall - last,
        }
    return {"wall_seconds": wall, "runs": runs, "phases": phases}


def machine_share(
    rows: list[dict], cores: int, default_threads: int, key: str = "fit_seconds"
) -> float:
    """Core-seconds of ``key`` (inside fit(), or the whole job), in units of the whole
    machine's seconds."""
    return (
        sum((row[key] or 0) * min(row.get("threads") or default_threads, cores) for row in rows)
        / cores
    )


def compare(
    grid: str,
    backend: str,
    cores: int,
    keep: bool,
    loop_from: Path | None = None,
    peak_gflops: float | None = None,
    preset: Path | None = None,
    loop: bool = True,
    quick: bool = False,
) -> dict:
    """(c): the pipeline on ``grid`` (or on the config ``preset``: then no loop), the plain
    loop unless ``loop`` is false, and with ``peak_gflops`` the pipeline's FLOP-limit
    figure, at the larger of ``peak_gflops`` and a second peak measurement made right after
    the pipeline."""
    label = f"preset {preset.stem}" if preset else f"{grid} grid"
    scratch = Path(tempfile.mkdtemp(prefix=f"tipsbench-speed-{preset.stem if preset else grid}-"))
    try:
        workdir = copy_workflow(scratch / "repo", SOURCE)
        if preset:
            overlay = preset_overlay(preset, backend)
        else:
            overlay = overlay_config(grid, backend)
        overlay_path = scratch / "overlay.yaml"
        overlay_path.write_text(yaml.safe_dump(overlay))
        configfiles = [preset, overlay_path] if preset else [overlay_path]
        log(
            f"(c) {label} on {backend or 'its backend'}: overlay "
            f"{json.dumps(overlay if preset else GRIDS[grid])}"
        )
        pipeline = run_pipeline(workdir, configfiles, overlay["run_name"], cores)
        log(
            f"    pipeline: {pipeline['wall_seconds']:.1f} s wall, "
            f"{len(pipeline['runs'])} training jobs"
        )
        flop = peak_after = None
        if peak_gflops:
            # On a shared host one peak measurement can come out far too low (seen here on
            # three days: 288.6, 174.3 and 119.7 GFLOP/s), which would flatter the figure; a
            # slow-down is the only error a best-of-N timing makes, so the larger of the
            # measurements before and after the pipeline is the better estimate of the limit.
            peak_after = measure_peak(cores, quick)["peak_gflops"]
            log(
                f"    matmul peak again after the pipeline: {peak_after:.1f} GFLOP/s "
                f"(before: {peak_gflops:.1f}); the FLOP limit uses the larger"
            )
            # From the run's jobs.csv and metrics.json, before the scratch copy goes.
            flop = flop_limit_figure(
                workdir / "results" / overlay["run_name"],
                max(peak_gflops, peak_after),
                cores,
                pipeline_wall=pipeline["wall_seconds"],
            )
        if preset or not loop:
            loop_result, loop_wall = None, None
            log("    plain loop: skipped")
        elif loop_from:
            previous = json.loads(loop_from.read_text())["comparison"]
            assert previous["grid"] == grid and previous["backend"] == backend, (
                "--loop-from: another grid or backend"
            )
            assert previous["loop"], "--loop-from: that run had no plain loop (--no-loop)"
            loop_result, loop_wall = previous["loop"], previous["loop_wall"]
            log(
                f"    plain loop: {loop_wall:.1f} s wall, {len(loop_result['fits'])} fits "
                f"(reused from {loop_from})"
            )
        else:
            log(f"    $ python benchmarks/workers.py loop --backend {backend} --threads {cores}")
            loop_result, loop_wall = worker(
                "loop", "--backend", backend, "--threads", str(cores), "--config", str(overlay_path)
            )
            log(f"    plain loop: {loop_wall:.1f} s wall, {len(loop_result['fits'])} fits")
    finally:
        if keep:
            log(f"    kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    runs = pipeline["runs"]
    wall = pipeline["wall_seconds"]
    fit_share = machine_share(runs, cores, cores)
    job_share = machine_share(runs, cores, cores, key="job_seconds")
    loop_fit = sum(row["fit_seconds"] for row in loop_result["fits"]) if loop_result else None
    rss = [row["peak_rss_mb"] for row in runs if row.get("peak_rss_mb")]
    return {
        "grid": grid,
        "preset": str(preset) if preset else None,
        "label": label,
        "backend": backend or ", ".join(sorted({str(row.get("backend")) for row in runs})),
        "pipeline_wall": wall,
        "pipeline_jobs": len(runs),
        "pipeline_fit_sum": sum(row["fit_seconds"] for row in runs),
        "pipeline_fit_machine_seconds": fit_share,
        "pipeline_job_machine_seconds": job_share,
        "pipeline_threads": sorted({row.get("threads") for row in runs}),
        "pipeline_peak_rss_mb": max(rss) if rss else None,
        "pipeline_phases": pipeline["phases"],
        "loop_wall": loop_wall,
        "loop_fits": len(loop_result["fits"]) if loop_result else None,
        "loop_fit_sum": loop_fit,
        "ratio": wall / loop_wall if loop_result else None,
        "overhead": 1 - fit_share / wall,
        "loop_overhead": 1 - loop_fit / loop_wall if loop_result else None,
        "loop_peak_rss_mb": loop_result["peak_rss_mb"] if loop_result else None,
        "loop": loop_result,
        "flop_limit": flop,
        "peak_after": peak_after,
    }


# ----------------------------------------------------------------------------- report


def verdict(value: float | None, target: float, higher_is_better: bool) -> str:
    if value is None:
        return "n/a"
    ok = value >= target if higher_is_better else value <= target
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--grid",
        choices=["full", "reduced", "none"],
        default="reduced",
        help="the grid of the pipeline-vs-loop comparison (default: reduced)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fast sanity pass (small sizes, 3-epoch fits, 1-seed 1-epoch grid)",
    )
    parser.add_argument(
        "--cores",
        type=int,
        default=os.cpu_count(),
        help="snakemake --cores and threads of every fit",
    )
    parser.add_argument(
        "--backends", nargs="+", default=None, help="default: every installed Keras backend"
    )
    parser.add_argument(
        "--pipeline-backend", default=None, help="backend of (c), default: config/config.yaml's"
    )
    parser.add_argument(
        "--epochs", type=int, default=None, help="epochs of the (b) fits (default 20, quick 3)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy of (c)")
    parser.add_argument(
        "--skip-fits", action="store_true", help="skip (b), e.g. to compare two trees' pipelines"
    )
    parser.add_argument(
        "--preset",
        type=Path,
        default=None,
        help=(
            "run this config preset (e.g. config/robustness.yaml) as (c) instead of --grid, "
            "without the plain loop: its pipeline wall time and FLOP-limit figure"
        ),
    )
    parser.add_argument(
        "--no-loop",
        action="store_true",
        help="(c) without the plain loop: no pipeline/loop ratio, the FLOP-limit figure only",
    )
    parser.add_argument(
        "--loop-from",
        type=Path,
        default=None,
        help="reuse the plain loop of an earlier --json result (same grid and backend)",
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write every number to this file"
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=REPO,
        help=(
            "the tipsbench tree to measure (default: this checkout), "
            "e.g. a copy with a patch applied"
        ),
    )
    args = parser.parse_args()
    global SOURCE
    SOURCE = args.source.resolve()
    cores = args.cores
    backends = args.backends or installed_backends()
    preset = None
    if args.preset:
        preset = args.preset if args.preset.exists() else SOURCE / args.preset
        if not preset.exists():
            parser.error(f"--preset {args.preset}: no such file (here or under --source)")
        preset = preset.resolve()
    preset_backend = (yaml.safe_load(preset.read_text()) or {}).get("backend") if preset else None
    pipeline_backend = args.pipeline_backend or preset_backend or config_backend()
    epochs = args.epochs or (3 if args.quick else 20)
    grid = "quick" if args.quick and args.grid != "none" else args.grid
    if preset:
        grid = f"preset {preset.name}"

    log(
        f"tipsbench speed benchmark: {os.cpu_count()} CPUs, --cores {cores}, backends {backends}, "
        f"pipeline backend {pipeline_backend}, (c) {grid}, source {SOURCE}"
    )
    busy = other_heavy_processes()
    if busy:
        log("WARNING: other heavy processes are running; timings will be low and noisy:")
        for line in busy:
            log(f"    {line[:150]}")

    # (a)
    peak = measure_peak(cores, args.quick)
    blas = peak["blas"]
    log()
    log(
        f"(a) float32 matmul peak: {peak['peak_gflops']:.1f} GFLOP/s  "
        f"({blas.get('library')} {blas.get('version')}, "
        f"kernel {blas.get('kernel')}, {blas.get('threads')} threads; unset for this process: "
        f"{', '.join(f'{k}={v}' for k, v in peak['unset_for_peak'].items()) or 'nothing'})"
    )
    for row in peak["sizes"]:
        log(f"    n={row['n']:5d}  {row['seconds'] * 1e3:8.1f} ms  {row['gflops']:7.1f} GFLOP/s")
    limit = peak["peak_gflops"]
    gemms = peak["mlp_gemms"]
    log(
        f"    the base MLP's matmuls alone at batch {gemms['batch']} (forward + backward, numpy): "
        f"{gemms['gflops']:.1f} GFLOP/s = {100 * gemms['gflops'] / limit:.1f} % of peak, "
        "the ceiling of any "
        "framework at this batch size"
    )

    # (b)
    log()
    log(
        f"(b) base condition, {epochs} epochs, batch 100, {cores} threads, "
        "fresh process per backend"
    )
    header = (
        f"    {'backend':10s} {'import s':>8s} {'validation':>10s} {'fit s':>7s} "
        f"{'samples/s':>10s} "
        f"{'GFLOP/s':>8s} {'% peak':>7s} {'steady':>7s} {'val s':>6s} {'eval+pred s':>11s} "
        f"{'peak RSS MB':>11s}"
    )
    log(header)
    per_backend = {}
    for backend in [] if args.skip_fits else backends:
        result = measure_backend(backend, cores, epochs, None)
        per_backend[backend] = result
        for fit in result["fits"]:
            rate = throughput(fit, result["train_samples"])
            steady = (
                6
                * fit["parameters"]
                * (fit["epochs_run"] - 1)
                * result["train_samples"]
                / fit["steady_seconds"]
                / 1e9
            )
            fit.update(
                rate, fraction_of_peak=rate["gflops"] / limit, steady_fraction=steady / limit
            )
            startup = result["import_seconds"] + result["first_seed_seconds"]
            log(
                f"    {backend:10s} {startup:8.2f} "
                f"{'per epoch' if fit['validate'] else 'none':>10s} "
                f"{fit['fit_seconds']:7.2f} {rate['samples_per_second']:10.0f} "
                f"{rate['gflops']:8.1f} "
                f"{100 * fit['fraction_of_peak']:6.1f}% {100 * steady / limit:6.1f}% "
                f"{fit['validation_seconds']:6.2f} "
                f"{fit.get('evaluate_seconds', 0) + fit.get('predict_seconds', 0):11.2f} "
                f"{result['peak_rss_mb']:11.0f}"
            )
    log(
        "    (import s: import of Keras + backend + the first keras.utils.set_random_seed, "
        "which imports TensorFlow if installed; steady: epochs 2..N only. GFLOP/s counts "
        "6 x P x training samples only: the per-epoch validation adds 2 x P x 10,000 forward "
        "FLOPs per epoch, so with validation at most 75 % of any rate can be 'training' FLOPs)"
    )
    together = None if args.skip_fits else concurrent_fits(pipeline_backend, cores, epochs)
    if together:
        log(
            f"    {pipeline_backend}: {cores} one-thread fits at once "
            "(the pipeline's arrangement), no validation: "
            f"{together['samples_per_second']:.0f} samples/s, {together['gflops']:.1f} GFLOP/s = "
            f"{100 * together['gflops'] / limit:.1f} % of peak "
            f"(steady {100 * together['steady_gflops'] / limit:.1f} %), "
            f"{together['busy_cores']:.2f} cores busy, "
            f"peak RSS {together['peak_rss_mb']:.0f} MB each"
        )

    # (c)
    comparison = None
    if grid != "none":
        log()
        comparison = compare(
            args.grid if preset else grid,
            args.pipeline_backend if preset else pipeline_backend,
            cores,
            args.keep,
            args.loop_from,
            peak_gflops=limit,
            preset=preset,
            loop=not args.no_loop,
            quick=args.quick,
        )
        c = comparison
        log(
            f"    pipeline: {c['pipeline_wall']:8.1f} s wall  {c['pipeline_jobs']} training jobs "
            f"(threads {c['pipeline_threads']}), "
            f"sum fit {c['pipeline_fit_sum']:.1f} s = "
            f"{c['pipeline_fit_machine_seconds']:.1f} machine-s, "
            f"sum job {c['pipeline_job_machine_seconds']:.1f} machine-s"
        )
        if c["pipeline_phases"]:
            log(
                "    pipeline phases: "
                + ", ".join(
                    f"{name} {seconds:.0f} s" for name, seconds in c["pipeline_phases"].items()
                )
            )
        if c["loop"]:
            log(
                f"    loop:     {c['loop_wall']:8.1f} s wall  {c['loop_fits']} fits, "
                f"sum fit {c['loop_fit_sum']:.1f} s, "
                f"overhead {100 * c['loop_overhead']:.1f} %"
            )
            log(
                f"    ratio pipeline/loop = {c['ratio']:.3f}   "
                f"pipeline overhead = {100 * c['overhead']:.1f} %"
            )
        else:
            log(f"    pipeline overhead = {100 * c['overhead']:.1f} %")
        log("    FLOP limit (flop_limit.py, at the larger peak, (a) or after the pipeline):")
        # The target is the default grid's (and the reduced grid's trend); none for a preset.
        for line in figure_lines(c["flop_limit"], None if preset else TARGETS["flop_limit"]):
            log(f"    {line}")

    # table
    log()
    rows = [
        ("float32 matmul peak (GFLOP/s)", f"{limit:.1f}", "the limit", ""),
        (
            f"base MLP's matmuls alone, batch {gemms['batch']} (% peak)",
            f"{100 * gemms['gflops'] / limit:.1f} %",
            "ceiling",
            "",
        ),
    ]
    if together:
        rows.append(
            (
                f"{pipeline_backend}: {cores} x 1-thread fits at once (% peak)",
                f"{100 * together['gflops'] / limit:.1f} %",
                f">= {100 * TARGETS['training']:.0f} %",
                verdict(together["gflops"] / limit, TARGETS["training"], True),
            )
        )
    for backend, result in per_backend.items():
        for fit in result["fits"]:
            label = (
                f"{backend} fit, {cores} threads, "
                f"{'with' if fit['validate'] else 'no'} validation (% peak)"
            )
            target = (
                TARGETS["training"]
                if (backend == pipeline_backend and not fit["validate"])
                else None
            )
            rows.append(
                (
                    label,
                    f"{100 * fit['fraction_of_peak']:.1f} %",
                    f">= {100 * target:.0f} %" if target else "info",
                    verdict(fit["fraction_of_peak"], target, True) if target else "",
                )
            )
        rows.append(
            (
                f"{backend} import + first seeding (s)",
                f"{result['import_seconds'] + result['first_seed_seconds']:.2f}",
                "info",
                "",
            )
        )
        rows.append(
            (f"{backend} training job peak RSS (MB)", f"{result['peak_rss_mb']:.0f}", "info", "")
        )
    if comparison:
        label = comparison["label"]
        if comparison["ratio"] is not None:
            rows.append(
                (
                    f"{label}: pipeline / loop wall",
                    f"{comparison['ratio']:.3f}",
                    f"<= {TARGETS['ratio']}",
                    verdict(comparison["ratio"], TARGETS["ratio"], False),
                )
            )
        flop = comparison["flop_limit"]
        if comparison["peak_after"]:
            rows.append(
                (
                    "float32 matmul peak after the pipeline (GFLOP/s)",
                    f"{comparison['peak_after']:.1f}",
                    "the limit if larger",
                    "",
                )
            )
        # The target is the default grid's; a preset's figure is reported beside it.
        rows.append(
            (
                f"{label}: wall (training jobs' span) / FLOP limit",
                f"{flop['figure']:.2f} x",
                "info" if preset else f"<= {TARGETS['flop_limit']} x",
                "" if preset else verdict(flop["figure"], TARGETS["flop_limit"], False),
            )
        )
        rows.append(
            (
                f"{label}: whole pipeline wall / FLOP limit",
                f"{flop['pipeline_figure']:.2f} x",
                "info",
                "",
            )
        )
        rows.append(
            (
                f"{label}: pipeline overhead",
                f"{100 * comparison['overhead']:.1f} %",
                "info" if preset else f"<= {100 * TARGETS['overhead']:.0f} %",
                "" if preset else verdict(comparison["overhead"], TARGETS["overhead"], False),
            )
        )
        if comparison["pipeline_peak_rss_mb"]:
            rows.append(
                (
                    "pipeline training job peak RSS, max (MB)",
                    f"{comparison['pipeline_peak_rss_mb']:.0f}",
                    "info",
                    "",
                )
            )
    width = max(len(row[0]) for row in rows)
    log(f"{'figure':{width}s}  {'value':>10s}  {'target':>10s}  result")
    for name, value, target, result in rows:
        log(f"{name:{width}s}  {value:>10s}  {target:>10s}  {result}")
    if args.quick or grid == "reduced" or epochs < 20:
        log(
            "note: targets are set for 20-epoch fits and the full grid; "
            f"{'--quick' if args.quick else 'the reduced grid' if grid == 'reduced' else 'this'} "
            "checks the plumbing and the trend only"
        )
    if busy:
        log("note: other heavy processes were running: numbers are not evidence")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "peak": peak,
                    "backends": per_backend,
                    "concurrent": together,
                    "comparison": comparison,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

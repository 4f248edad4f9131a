#!/usr/bin/env python
"""tipsbench speed benchmark: how close training gets to the machine's limit, and what the
pipeline costs over the plain Keras loop a user would write instead. One run prints:

(a) the float32 matrix-multiply peak (benchmarks/peak.py): the limit every other figure is a
    fraction of, and the base MLP's own matrix products at batch 100, its ceiling there;
(b) per installed Keras backend, in a fresh process with as many threads as --cores: the base
    condition trained by the package's own function (tipsbench.training.train_condition, as a
    training job runs it: per-epoch test evaluation and the probe included) as samples/s and
    as GFLOP/s of the arithmetic inside fit() (tipsbench.cost) in % of the peak, the import
    time and peak memory; and on the pipeline's backend the pipeline's arrangement, --cores
    one-thread fits at once;
(c) the default grid through `snakemake --cores N` on a scratch copy of the repository, against
    the same arms x seeds as one sequential plain Keras loop (workers.py loop; no dedup) on the
    same backend: the wall-time ratio, the pipeline's overhead, 1 - fit core-seconds / (wall x
    cores), and the training jobs' span as a multiple of the run's FLOP limit (its cost table
    at the larger of the peaks measured before and after it), with what makes up the rest.
    --preset runs a config preset (e.g. config/robustness.yaml) the same way, without the loop.

Then a table of each figure, its target and PASS/FAIL.

    python benchmarks/speed.py                 # (a) + (b) + (c) on the reduced grid (~10 min)
    python benchmarks/speed.py --grid full     # (c) on the full default grid
    python benchmarks/speed.py --grid full --no-loop --skip-fits   # (a) + the grid's figure
    python benchmarks/speed.py --grid full --seeds-per-job 1      # ... with one seed per job
    python benchmarks/speed.py --preset config/robustness.yaml --skip-fits
    python benchmarks/speed.py --quick         # plumbing check: tiny sizes, 1 seed, 1 epoch

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
from datetime import datetime
from pathlib import Path

import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "workflow"))
from flop_limit import figure_lines, flop_limit_figure  # noqa: E402
from peak import measure_peak  # noqa: E402
from workflow_helpers import copy_workflow  # noqa: E402

from tipsbench.cost import run_flops  # noqa: E402

WORKERS = HERE / "workers.py"
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
TARGETS = {"training": 0.75, "ratio": 0.60, "overhead": 0.10, "flop_limit": 1.5}
# config/config.yaml changed for the comparison: reduced keeps the full data and models but
# runs 2 seeds of 10 epochs; quick is a plumbing check only.
GRIDS = {
    "full": {},
    "reduced": {"seeds": [0, 1], "base": {"epochs": 10}},
    "quick": {"seeds": [0], "base": {"epochs": 1}, "data": {"train_size": 2000}},
}
SOURCE = REPO  # the tree under test (--source)


def log(message: str = "") -> None:
    print(message, flush=True)


def start_worker(*arguments: str, env: dict | None = None) -> subprocess.Popen:
    """A workers.py subcommand in a fresh interpreter (``env``: more environment variables)."""
    env = {**os.environ, **(env or {}), "TIPSBENCH_SOURCE": str(SOURCE)}
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *arguments],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result_of(process: subprocess.Popen) -> dict:
    """The JSON a workers.py subcommand printed on its "@@RESULT " line."""
    stdout, stderr = process.communicate()
    for line in stdout.splitlines():
        if line.startswith("@@RESULT "):
            return json.loads(line[len("@@RESULT ") :])
    raise RuntimeError(f"workers.py {' '.join(process.args[2:])} failed:\n{stderr[-4000:]}")


def other_heavy_processes() -> list[str]:
    """Other Snakemake runs or training jobs on this machine (they make every timing wrong)."""
    found = subprocess.run(
        ["pgrep", "-af", "snakemake --cores|train.py"], capture_output=True, text=True
    ).stdout
    return [line for line in found.splitlines() if str(os.getpid()) != line.split()[0]]


def fit_rate(run: dict) -> dict:
    """A run's samples/s and the GFLOP/s of the arithmetic inside its fit() (cost.run_flops)."""
    flops = run_flops(
        run["parameters"],
        run["train_samples"],
        run["test_samples"],
        run["epochs_run"],
        probe_images=run["probe_images"],
        probe_points=run["probe_points"],
        gradient_images=run["gradient_images"],
        gradient_points=run["gradient_points"],
    )
    inside = sum(flops.values()) - flops["final_evaluation"]
    return {
        "samples_per_second": run["epochs_run"] * run["train_samples"] / run["fit_seconds"],
        "gflops": inside / run["fit_seconds"] / 1e9,
    }


def fits(backend: str, processes: int, threads: int, epochs: int, overlay: Path) -> dict:
    """``processes`` fit workers at once, ``threads`` each: their results and aggregate rate."""
    arguments = ("fit", "--backend", backend, "--threads", str(threads), "--epochs", str(epochs))
    started = time.perf_counter()
    workers = [start_worker(*arguments, "--config", str(overlay)) for _ in range(processes)]
    results = [result_of(worker) for worker in workers]
    runs = [result["runs"][0] for result in results]
    seconds = max(run["fit_seconds"] for run in runs)
    rates = [fit_rate(run) for run in runs]
    return {
        "results": results,
        "wall_seconds": time.perf_counter() - started,
        "samples_per_second": sum(rate["samples_per_second"] for rate in rates),
        "gflops": sum(rate["gflops"] * run["fit_seconds"] for rate, run in zip(rates, runs))
        / seconds,
        "busy_cores": sum(run["cpu_seconds"] for run in runs) / seconds,
    }


def grid_overlay(grid: str, preset: Path | None = None, seeds_per_job: int | None = None) -> dict:
    """What the scratch copy's run is given after its config: a grid's changes (or nothing
    for a preset), the data path made absolute (relative ones are relative to the repository;
    a preset without one, unless standalone, has the default config's), a run name of its own
    and, if given, the grouping of seeds into jobs."""
    overlay = {} if preset else json.loads(json.dumps(GRIDS[grid]))
    config = (yaml.safe_load(preset.read_text()) or {}) if preset else overlay
    data = config.get("data") or {}
    if "path" in data:
        path = data["path"]
    elif not config.get("standalone"):
        path = yaml.safe_load((SOURCE / "config" / "config.yaml").read_text())["data"]["path"]
    else:
        path = None
    if path:
        overlay.setdefault("data", {})["path"] = str((REPO / path).resolve())
    overlay["run_name"] = f"speed-{preset.stem if preset else grid}"
    if seeds_per_job:
        overlay["seeds_per_job"] = seeds_per_job
    return overlay


def run_pipeline(workdir: Path, configfiles: list[Path], run: str, cores: int) -> dict:
    """``snakemake --cores`` on the scratch copy, with a cold JAX cache as on a first run: its
    wall time, and how much of it came before, during and after the training jobs."""
    command = [SNAKEMAKE, "--cores", str(cores), "--configfile", *map(str, configfiles)]
    log(f"    $ {' '.join(command[1:])}   (in {workdir})")
    env = {**os.environ, "JAX_COMPILATION_CACHE_DIR": str(workdir / "jax-cache")}
    started, started_epoch = time.perf_counter(), time.time()
    with open(workdir / "snakemake.out", "w") as out:
        done = subprocess.run(command, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - started
    if done.returncode:
        tail = (workdir / "snakemake.out").read_text()[-4000:]
        raise RuntimeError(f"snakemake failed (exit {done.returncode}):\n{tail}")
    jobs = [
        json.loads(path.read_text())
        for path in (workdir / "results" / run).glob("*/*/seed-*/metrics.json")
    ]
    first = min(datetime.fromisoformat(job["started_at"]).timestamp() for job in jobs)
    last = max(datetime.fromisoformat(job["finished_at"]).timestamp() for job in jobs)
    return {
        "wall_seconds": wall,
        "phases": {
            "before training": first - started_epoch,
            "training span": last - first,
            "after training": started_epoch + wall - last,
        },
        "peak_rss_mb": max(job.get("peak_rss_mb") or 0 for job in jobs),
    }


def compare(args, grid: str, preset: Path | None, backend: str | None, peak: float) -> dict:
    """(c): the pipeline, the plain loop unless skipped, and the FLOP-limit figure at the larger
    of ``peak`` and a peak measured right after the pipeline (on a shared host one measurement
    can come out far too low, which would flatter the figure)."""
    scratch = Path(tempfile.mkdtemp(prefix=f"tipsbench-speed-{preset.stem if preset else grid}-"))
    try:
        workdir = copy_workflow(scratch / "repo", SOURCE)
        overlay = grid_overlay(grid, preset, args.seeds_per_job)
        overlay_path = scratch / "overlay.yaml"
        overlay_path.write_text(yaml.safe_dump(overlay))
        files = [preset, overlay_path] if preset else [overlay_path]
        pipeline = run_pipeline(workdir, files, overlay["run_name"], args.cores)
        after = measure_peak(args.cores, args.quick)["peak_gflops"]
        log(f"    matmul peak after the pipeline: {after:.1f} GFLOP/s (before: {peak:.1f})")
        run_dir = workdir / "results" / overlay["run_name"]
        flop = flop_limit_figure(run_dir, max(peak, after), args.cores, pipeline["wall_seconds"])
        cost = pd.read_csv(run_dir / "tables" / "cost.csv").iloc[0]
        loop = None
        if not (preset or args.no_loop):
            log(f"    $ python benchmarks/workers.py loop --backend {backend}")
            started = time.perf_counter()
            worker = start_worker(
                "loop",
                "--backend",
                backend,
                "--threads",
                str(args.cores),
                "--config",
                str(overlay_path),
            )
            loop = {**result_of(worker), "wall_seconds": time.perf_counter() - started}
    finally:
        if args.keep:
            log(f"    kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    wall = pipeline["wall_seconds"]
    overhead = 1 - float(cost["fit_core_seconds"]) / args.cores / wall
    return {"pipeline": pipeline, "flop": flop, "overhead": overhead, "loop": loop, "after": after}


def verdict(value: float, target: float, higher_is_better: bool) -> str:
    return "PASS" if (value >= target if higher_is_better else value <= target) else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--grid", choices=["full", "reduced", "none"], default="reduced")
    parser.add_argument("--quick", action="store_true", help="fast sanity pass")
    parser.add_argument("--cores", type=int, default=os.cpu_count(), help="snakemake --cores")
    parser.add_argument("--backends", nargs="+", default=["jax", "tensorflow"])
    parser.add_argument("--skip-fits", action="store_true", help="skip (b)")
    parser.add_argument("--no-loop", action="store_true", help="(c) without the plain loop")
    parser.add_argument("--preset", type=Path, default=None, help="a config preset as (c)")
    parser.add_argument("--seeds-per-job", type=int, default=None, help="the grid's grouping")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy of (c)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    parser.add_argument("--source", type=Path, default=REPO, help="the tree to measure")
    args = parser.parse_args()
    global SOURCE
    SOURCE = args.source.resolve()
    preset = args.preset and (args.preset if args.preset.exists() else SOURCE / args.preset)
    grid = "quick" if args.quick else args.grid
    config = yaml.safe_load((preset or SOURCE / "config" / "config.yaml").read_text()) or {}
    backend = config.get("backend", "jax")
    epochs = 3 if args.quick else 20
    log(f"tipsbench speed: {os.cpu_count()} CPUs, --cores {args.cores}, source {SOURCE}")
    busy = other_heavy_processes()
    if busy:
        log("WARNING: other heavy processes are running; timings are not evidence:")
        for line in busy:
            log(f"    {line[:150]}")

    peak = measure_peak(args.cores, args.quick)
    limit, gemms, blas = peak["peak_gflops"], peak["mlp_gemms"], peak["blas"]
    ceiling = gemms["gflops"] / limit
    log(
        f"(a) float32 matmul peak {limit:.1f} GFLOP/s ({blas['library']} {blas['version']}, "
        f"kernel {blas['kernel']}); the base MLP's matmuls alone at batch {gemms['batch']}: "
        f"{100 * ceiling:.1f} % of it"
    )
    rows = [("float32 matmul peak (GFLOP/s)", f"{limit:.1f}", "the limit", "")]
    rows.append(("base MLP's matmuls alone, batch 100", f"{100 * ceiling:.1f} %", "ceiling", ""))
    if not args.skip_fits:
        overlay = Path(tempfile.mkdtemp()) / "data.yaml"
        overlay.write_text(yaml.safe_dump(grid_overlay("quick" if args.quick else "full")))
        log(f"(b) base condition, {epochs} epochs, as a training job trains it (probe included)")
        for name in args.backends:
            one = fits(name, 1, args.cores, epochs, overlay)
            result, run = one["results"][0], one["results"][0]["runs"][0]
            log(
                f"    {name:10s} {args.cores} threads: fit {run['fit_seconds']:.1f} s, "
                f"{one['samples_per_second']:,.0f} samples/s, {one['gflops']:.1f} GFLOP/s = "
                f"{100 * one['gflops'] / limit:.1f} % of peak; import "
                f"{result['import_seconds']:.1f} s; peak RSS {result['peak_rss_mb']:.0f} MB"
            )
            rows.append(
                (
                    f"{name}: one {args.cores}-thread fit",
                    f"{100 * one['gflops'] / limit:.1f} %",
                    "info",
                    "",
                )
            )
        together = fits(backend, args.cores, 1, epochs, overlay)
        share = together["gflops"] / limit
        log(
            f"    {backend}: {args.cores} one-thread fits at once (the pipeline's arrangement): "
            f"{together['gflops']:.1f} GFLOP/s = {100 * share:.1f} % of peak, "
            f"{together['busy_cores']:.2f} cores busy"
        )
        rows.append(
            (
                f"{backend}: {args.cores} x 1-thread fits at once",
                f"{100 * share:.1f} %",
                f">= {100 * TARGETS['training']:.0f} %",
                verdict(share, TARGETS["training"], True),
            )
        )
    found = None
    if grid != "none" or preset:
        label = f"preset {preset.stem}" if preset else f"{grid} grid"
        log(f"(c) {label} on {backend}")
        found = compare(args, grid, preset, backend, limit)
        pipeline, flop = found["pipeline"], found["flop"]
        log(
            f"    pipeline: {pipeline['wall_seconds']:.1f} s wall ("
            + ", ".join(f"{name} {s:.0f} s" for name, s in pipeline["phases"].items())
            + f"), overhead {100 * found['overhead']:.1f} %"
        )
        for line in figure_lines(flop, None if preset else TARGETS["flop_limit"]):
            log(f"    {line}")
        rows.append(("matmul peak after the pipeline", f"{found['after']:.1f}", "if larger", ""))
        if found["loop"]:
            loop = found["loop"]
            ratio = pipeline["wall_seconds"] / loop["wall_seconds"]
            log(f"    plain loop: {loop['wall_seconds']:.1f} s wall, {len(loop['fits'])} fits")
            rows.append(
                (
                    f"{label}: pipeline / loop wall",
                    f"{ratio:.3f}",
                    f"<= {TARGETS['ratio']}",
                    verdict(ratio, TARGETS["ratio"], False),
                )
            )
        target = None if preset else TARGETS
        rows.append(
            (
                f"{label}: training span / FLOP limit",
                f"{flop['figure']:.2f} x",
                f"<= {TARGETS['flop_limit']} x" if target else "info",
                verdict(flop["figure"], TARGETS["flop_limit"], False) if target else "",
            )
        )
        rows.append(
            (
                f"{label}: pipeline overhead",
                f"{100 * found['overhead']:.1f} %",
                f"<= {100 * TARGETS['overhead']:.0f} %" if target else "info",
                verdict(found["overhead"], TARGETS["overhead"], False) if target else "",
            )
        )
        rows.append(
            (f"{label}: whole pipeline wall", f"{pipeline['wall_seconds']:.0f} s", "info", "")
        )
    width = max(len(row[0]) for row in rows)
    log(f"\n{'figure':{width}s}  {'value':>10s}  {'target':>10s}  result")
    for name, value, target, result in rows:
        log(f"{name:{width}s}  {value:>10s}  {target:>10s}  {result}")
    if args.quick or grid == "reduced":
        log("note: targets are set for 20-epoch fits and the full grid; this checks the trend")
    if args.json:
        numbers = {"peak": peak, "rows": rows, "comparison": found}
        args.json.write_text(json.dumps(numbers, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

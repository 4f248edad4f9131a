#!/usr/bin/env python
"""A finished run's wall time as a multiple of its FLOP limit, and what makes up the rest.

The FLOP limit of a run is the time the machine would need for the run's arithmetic at the
float32 matmul peak (speed.py's (a), measured on all cores, so it is the whole machine's
limit): the sum over the run's training jobs (tables/jobs.csv, each job's metrics.json) of

    training              6 x P x train_samples x epochs_run    (forward + backward,
                                                                 speed.py's estimate)
    per-epoch validation  2 x P x test_samples x epochs_run     (one forward pass)
    probe                 2 x P x probe images x points scored  (one forward pass each,
                                                                 inside fit())
    final evaluation      2 x P x (train_samples + 2 x test_samples)
                          (evaluate() on train and on test, predict() on test)

divided by the peak. The figure is the run's wall time, from the first job's start to the
last job's end (started_at/finished_at in jobs.csv, 1 s resolution), over that limit. The
rest of the wall time is split into: fit() above the FLOP limit of training + validation;
the jobs' time outside fit() above the final evaluation's FLOP limit (imports, data, model
build, evaluate/predict, writing results); and scheduling gaps (cores with no training job
of jobs.csv). Job time is counted in machine-seconds: job seconds x its threads / cores.

    python benchmarks/flop_limit.py results/slides                     # measures the peak
    python benchmarks/flop_limit.py results/slides --quick             # quick peak
    python benchmarks/flop_limit.py results/slides --peak 288.6 --cores 2

Give --peak only from a measurement made on the machine, and close in time to the run;
speed.py prints the same figure for its own pipeline run with the peak of the same run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _seconds(stamp: str | None) -> float | None:
    return datetime.fromisoformat(stamp).timestamp() if stamp else None


def job_flops(
    parameters: int,
    train_samples: int,
    test_samples: int,
    epochs_run: int,
    validation_samples: int = 0,
    probe_images: int = 0,
    probe_points: int = 0,
) -> dict:
    """FLOPs of one training job: training, per-epoch validation, the probe (its images scored
    at each of its points), final evaluation (with the validation set of a run that has one,
    scored once after training)."""
    return {
        "training": 6 * parameters * train_samples * epochs_run,
        "validation": 2 * parameters * test_samples * epochs_run,
        "probe": 2 * parameters * probe_images * probe_points,
        "evaluation": 2 * parameters * (train_samples + 2 * test_samples + validation_samples),
    }


def probe_points(run_folder: Path) -> int:
    """How many points a run's probe scored (rows of its probe.csv; 0 without one)."""
    path = run_folder / "probe.csv"
    return max(0, len(path.read_text().splitlines()) - 1) if path.exists() else 0


def run_flops(run_dir: str | Path) -> dict:
    """The FLOPs, times and span of a finished run's training jobs (those of tables/jobs.csv).

    Returns ``jobs`` (one dict per job: condition, seed, threads, parameters, samples,
    epochs_run, fit_seconds, job_seconds, started/finished as POSIX seconds and the three
    FLOP counts), the totals ``flops``, ``fit_flops`` (training + per-epoch validation, the
    work inside fit()), ``evaluation_flops``, ``fit_seconds``, ``job_seconds`` (plain sums),
    ``first_start``, ``last_finish`` and ``wall_seconds`` (last finished_at - first
    started_at), and ``audit``: the audit jobs under audit/ (not in jobs.csv, so not counted
    in the FLOPs), with their start, finish, threads and job seconds.
    """
    run_dir = Path(run_dir)
    with open(run_dir / "tables" / "jobs.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"{run_dir}/tables/jobs.csv has no jobs")
    # A run with a validation set (tuned arms) scores it once after training in every job.
    data_info = run_dir / "data" / "data.json"
    validation_size = (
        int(json.loads(data_info.read_text()).get("validation_size", 0))
        if data_info.exists()
        else 0
    )
    jobs = []
    for row in rows:
        path = run_dir / "runs" / row["condition"] / f"seed-{row['seed']}" / "metrics.json"
        if not path.exists():
            raise FileNotFoundError(f"{path}: a job of jobs.csv without its metrics.json")
        metrics = json.loads(path.read_text())
        parameters = int(metrics.get("parameters") or row["parameters"])
        epochs_run = int(metrics.get("epochs_run") or row["epochs_run"])
        train_samples = int(metrics["train_samples"])
        test_samples = int(metrics["test_samples"])
        jobs.append(
            {
                "condition": row["condition"],
                "seed": int(row["seed"]),
                "threads": int(row.get("threads") or metrics.get("threads") or 1),
                "parameters": parameters,
                "train_samples": train_samples,
                "test_samples": test_samples,
                "epochs_run": epochs_run,
                "fit_seconds": float(row["fit_seconds"]),
                "job_seconds": float(row["job_seconds"]),
                "started": _seconds(row.get("started_at") or metrics.get("started_at")),
                "finished": _seconds(row.get("finished_at") or metrics.get("finished_at")),
                **job_flops(
                    parameters,
                    train_samples,
                    test_samples,
                    epochs_run,
                    validation_size if metrics.get("validation_accuracy") is not None else 0,
                    int(metrics.get("probe_train_samples", 0))
                    + int(metrics.get("probe_test_samples", 0)),
                    probe_points(path.parent),
                ),
            }
        )
    starts = [job["started"] for job in jobs if job["started"] is not None]
    finishes = [job["finished"] for job in jobs if job["finished"] is not None]
    if not starts or not finishes:
        raise ValueError(f"{run_dir}/tables/jobs.csv: no started_at/finished_at stamps")
    first, last = min(starts), max(finishes)
    audit = []
    for path in sorted((run_dir / "audit").glob("*/seed-*/metrics.json")):
        metrics = json.loads(path.read_text())
        if metrics.get("started_at") and metrics.get("finished_at"):
            audit.append(
                {
                    "path": str(path.relative_to(run_dir)),
                    "threads": int(metrics.get("threads") or 1),
                    "job_seconds": float(metrics.get("job_seconds") or 0),
                    "started": _seconds(metrics["started_at"]),
                    "finished": _seconds(metrics["finished_at"]),
                }
            )
    fit_flops = sum(job["training"] + job["validation"] + job["probe"] for job in jobs)
    evaluation_flops = sum(job["evaluation"] for job in jobs)
    return {
        "run": run_dir.name,
        "jobs": jobs,
        "flops": fit_flops + evaluation_flops,
        "fit_flops": fit_flops,
        "evaluation_flops": evaluation_flops,
        "training_flops": sum(job["training"] for job in jobs),
        "validation_flops": sum(job["validation"] for job in jobs),
        "probe_flops": sum(job["probe"] for job in jobs),
        "fit_seconds": sum(job["fit_seconds"] for job in jobs),
        "job_seconds": sum(job["job_seconds"] for job in jobs),
        "first_start": first,
        "last_finish": last,
        "wall_seconds": last - first,
        "audit": audit,
    }


def machine_seconds(jobs: list[dict], cores: int, key: str) -> float:
    """Sum of ``key`` seconds x threads (at most ``cores``) / cores: whole-machine seconds."""
    return sum(job[key] * min(job["threads"], cores) for job in jobs) / cores


def flop_limit_figure(
    run_dir: str | Path,
    peak_gflops: float,
    cores: int,
    pipeline_wall: float | None = None,
) -> dict:
    """A run's wall time over its FLOP limit at ``peak_gflops``, and where the rest went.

    ``figure`` = ``wall_seconds`` / ``limit_seconds``; ``breakdown`` is a list of
    (name, seconds) whose sum with ``limit_seconds`` is ``wall_seconds``. With
    ``pipeline_wall`` (the whole Snakemake run's wall time, as speed.py measures it), also
    ``pipeline_figure`` and the time outside the jobs' span (start-up, data, report).
    """
    flops = run_flops(run_dir)
    jobs = flops["jobs"]
    rate = peak_gflops * 1e9
    limit = flops["flops"] / rate
    fit_limit = flops["fit_flops"] / rate
    evaluation_limit = flops["evaluation_flops"] / rate
    wall = flops["wall_seconds"]
    fit_machine = machine_seconds(jobs, cores, "fit_seconds")
    job_machine = machine_seconds(jobs, cores, "job_seconds")
    first, last = flops["first_start"], flops["last_finish"]
    # Audit jobs (not in jobs.csv) that ran inside the span: part of the scheduling gaps.
    audit_machine = (
        sum(
            max(0.0, min(a["finished"], last) - max(a["started"], first)) * min(a["threads"], cores)
            for a in flops["audit"]
        )
        / cores
    )
    gaps = wall - job_machine
    breakdown = [
        (
            "fit() above the FLOP limit of training + per-epoch validation + probe",
            fit_machine - fit_limit,
        ),
        (
            "jobs outside fit() (imports, data, build, evaluate/predict, writes) above the "
            "final evaluation's FLOP limit",
            job_machine - fit_machine - evaluation_limit,
        ),
        (
            "scheduling gaps: cores without a jobs.csv job"
            + (f" (of which audit job(s): {audit_machine:.1f} s)" if flops["audit"] else ""),
            gaps,
        ),
    ]
    result = {
        "run": flops["run"],
        "run_dir": str(run_dir),
        "jobs": len(jobs),
        "cores": cores,
        "peak_gflops": peak_gflops,
        "flops": flops["flops"],
        "training_flops": flops["training_flops"],
        "validation_flops": flops["validation_flops"],
        "evaluation_flops": flops["evaluation_flops"],
        "limit_seconds": limit,
        "wall_seconds": wall,
        "figure": wall / limit,
        "fit_seconds": flops["fit_seconds"],
        "job_seconds": flops["job_seconds"],
        "fit_machine_seconds": fit_machine,
        "job_machine_seconds": job_machine,
        "outside_fit_machine_seconds": job_machine - fit_machine,
        "gap_seconds": gaps,
        "audit_machine_seconds": audit_machine,
        "breakdown": breakdown,
        "dominant": max(breakdown, key=lambda item: item[1])[0],
    }
    if pipeline_wall is not None:
        result["pipeline_wall_seconds"] = pipeline_wall
        result["pipeline_figure"] = pipeline_wall / limit
        result["outside_span_seconds"] = pipeline_wall - wall
    return result


def figure_lines(result: dict, target: float | None) -> list[str]:
    """The figure (with its verdict against ``target`` unless None) and its breakdown as
    printed lines (no indent)."""
    wall, limit = result["wall_seconds"], result["limit_seconds"]
    verdict = "PASS" if result["figure"] <= (target or 0) else "FAIL"
    lines = [
        f"{result['run']}: wall {wall:.1f} s = {result['figure']:.2f} x its FLOP limit "
        f"({limit:.1f} s at {result['peak_gflops']:.1f} GFLOP/s peak)"
        + (f"; target <= {target} x: {verdict}" if target else ""),
        f"  {result['jobs']} training jobs, {result['flops'] / 1e12:.2f} TFLOP "
        f"(training {result['training_flops'] / 1e12:.2f}, per-epoch validation "
        f"{result['validation_flops'] / 1e12:.2f}, final evaluate/predict "
        f"{result['evaluation_flops'] / 1e12:.2f}); sum fit {result['fit_seconds']:.1f} s, "
        f"sum job {result['job_seconds']:.1f} s, on {result['cores']} cores",
        f"  wall = FLOP limit {limit:8.1f} s {100 * limit / wall:5.1f} %",
    ]
    for name, seconds in result["breakdown"]:
        mark = "  <- dominates the rest" if name == result["dominant"] else ""
        lines.append(f"       + {seconds:8.1f} s {100 * seconds / wall:5.1f} %  {name}{mark}")
    if "pipeline_wall_seconds" in result:
        lines.append(
            f"  whole pipeline (Snakemake start-up, data step, report included): wall "
            f"{result['pipeline_wall_seconds']:.1f} s = {result['pipeline_figure']:.2f} x; "
            f"{result['outside_span_seconds']:.1f} s outside the training jobs' span"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("run_dir", type=Path, help="a finished run, e.g. results/slides")
    parser.add_argument(
        "--peak",
        type=float,
        default=None,
        help="float32 matmul peak in GFLOP/s (default: measure it now, as speed.py's (a))",
    )
    parser.add_argument(
        "--cores",
        type=int,
        default=os.cpu_count(),
        help="cores the run had (snakemake --cores; default: this machine's CPUs)",
    )
    parser.add_argument("--quick", action="store_true", help="quick peak measurement")
    parser.add_argument(
        "--target",
        type=float,
        default=None,
        help="target figure (default: speed.py's TARGETS['flop_limit'], 1.5, the default grid's)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    from speed import TARGETS, measure_peak, other_heavy_processes

    busy = other_heavy_processes()
    if busy:
        print(
            "WARNING: other heavy processes are running (Snakemake runs or training jobs): "
            "if they also ran beside this run, its wall time is not evidence"
            + ("; a peak measured now is low" if args.peak is None else "")
            + ":"
        )
        for line in busy:
            print(f"    {line[:150]}")
    if args.peak is None:
        peak = measure_peak(args.cores, args.quick)
        peak_gflops = peak["peak_gflops"]
        blas = peak["blas"]
        print(
            f"float32 matmul peak, measured now: {peak_gflops:.1f} GFLOP/s "
            f"({blas.get('library')} {blas.get('version')}, kernel {blas.get('kernel')}, "
            f"{blas.get('threads')} threads)"
        )
    else:
        peak_gflops = args.peak
    result = flop_limit_figure(args.run_dir, peak_gflops, args.cores)
    lines = figure_lines(result, args.target or TARGETS["flop_limit"])
    if busy and args.peak is None:
        lines[0] += " (not evidence: peak measured beside other heavy processes)"
    for line in lines:
        print(line)
    print(
        "note: the wall time is evidence only if the machine was otherwise idle while the run "
        "ran, and the peak only if measured on the same machine with nothing else running"
        + ("; other heavy processes are running now" if busy else "")
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What a run cost: the arithmetic of every training job, in FLOPs, and the machine time it took.

One run's (condition × seed) FLOPs, from what it recorded, with P its parameters (the usual
estimate: a forward pass is 2 × P per image, forward and backward 6 × P):

    training               6 × P × training images × epochs run
    per-epoch evaluation   2 × P × test images × epochs run          (fit()'s validation)
    probe                  2 × P × probe images × points scored      (inside fit())
    gradients              6 × P × gradient images × points measured (the layers' gradients)
    final evaluation       2 × P × (training images + 2 × test images + validation images)
                           (evaluate() on both sets, predict() on the test set, and the
                           validation set of a tuned run)
    pre-training           the RBM stack's matrix products (tipsbench.pretraining), for a
                           condition with pretraining: rbm

The FLOP limit of a run of the workflow is the time all of it would take at the machine's
float32 matmul peak (measured on all cores, so it is the whole machine's limit); its wall
time, from the first training job's start to the last one's end, over that limit says how
far the run is from what the machine could do. ``cost_table`` sums it all per run, study and
condition for the report, so a reader who plans a bigger sweep can read what it will cost.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

FLOP_PARTS = (
    "training",
    "epoch_evaluation",
    "probe",
    "gradients",
    "final_evaluation",
    "pretraining",
)
COST_COLUMNS = [
    "scope",
    "name",
    "runs",
    "core_seconds",
    "core_seconds_per_run",
    "fit_core_seconds",
    "pretraining_seconds",
    "flops",
    *(f"flops_{part}" for part in FLOP_PARTS),
    "wall_seconds",
    "cpus",
    "idle_share",
    "cpu_seconds",
    "cpu_share",
    "peak_gflops",
    "flop_limit_seconds",
    "wall_over_limit",
]


def run_flops(
    parameters: int,
    train_samples: int,
    test_samples: int,
    epochs_run: int,
    validation_samples: int = 0,
    probe_images: int = 0,
    probe_points: int = 0,
    gradient_images: int = 0,
    gradient_points: int = 0,
) -> dict[str, int]:
    """One run's FLOPs by part (FLOP_PARTS but pre-training, which ``record_flops`` reads from
    the run's records), as the module docstring counts them."""
    forward = 2 * int(parameters)
    return {
        "training": 3 * forward * train_samples * epochs_run,
        "epoch_evaluation": forward * test_samples * epochs_run,
        "probe": forward * probe_images * probe_points,
        "gradients": 3 * forward * gradient_images * gradient_points,
        "final_evaluation": forward * (train_samples + 2 * test_samples + validation_samples),
    }


# A weight update's fixed cost besides its arithmetic (a call into the compiled step, the
# optimizer's bookkeeping), as the arithmetic of this many images: small batches cost more per
# image than their FLOPs say.
UPDATE_OVERHEAD_IMAGES = 100


def mlp_parameters(hidden_layers: int, units: int, inputs: int, classes: int) -> int:
    """The weights and biases of the lecture's MLP: hidden Dense layers, then the output."""
    hidden = inputs * units + units + (hidden_layers - 1) * (units * units + units)
    return hidden + units * classes + classes


def planned_cost(
    hyperparameters: dict[str, Any], inputs: int, classes: int, train_samples: int
) -> float:
    """What one run of a condition will cost before it runs: its training FLOPs, with each
    weight update's fixed cost added (``UPDATE_OVERHEAD_IMAGES``). The training jobs start
    costliest first by it (only the order matters), so the last to start are short ones."""
    parameters = mlp_parameters(
        hyperparameters["hidden_layers"], hyperparameters["units"], inputs, classes
    )
    samples = hyperparameters.get("train_size") or train_samples
    training = run_flops(parameters, samples, 0, hyperparameters["epochs"])["training"]
    cost = training * (1 + UPDATE_OVERHEAD_IMAGES / hyperparameters["batch_size"])
    if hyperparameters.get("pretraining", "none") == "rbm":
        from tipsbench.pretraining import pretraining_flops

        cost += pretraining_flops(
            inputs,
            [hyperparameters["units"]] * hyperparameters["hidden_layers"],
            samples,
            hyperparameters["pretraining_epochs"],
            hyperparameters["pretraining_batch_size"],
        )
    return cost


def record_flops(
    metrics: dict[str, Any], probe: pd.DataFrame | None, layers: pd.DataFrame | None
) -> dict[str, int]:
    """The FLOPs of a run from its records: metrics.json, probe.csv (one row per point scored)
    and layers.csv (one set of rows per update at which the gradients were measured). A run
    that failed (no numbers) cost nothing that counts here."""
    if metrics.get("status") == "failed" or metrics.get("parameters") is None:
        return dict.fromkeys(FLOP_PARTS, 0)
    return run_flops(
        parameters=int(metrics["parameters"]),
        train_samples=int(metrics["train_samples"]),
        test_samples=int(metrics["test_samples"]),
        epochs_run=int(metrics["epochs_run"]),
        validation_samples=int(metrics.get("validation_samples") or 0),
        probe_images=int(metrics.get("probe_train_samples") or 0)
        + int(metrics.get("probe_test_samples") or 0),
        probe_points=0 if probe is None else len(probe),
        gradient_images=int(metrics.get("gradient_images") or 0),
        gradient_points=0 if layers is None or not len(layers) else layers["update"].nunique(),
    ) | {"pretraining": int(metrics.get("pretraining_flops") or 0)}


def _totals(jobs: pd.DataFrame) -> dict[str, float]:
    """Core-seconds (seconds × threads) of some runs of jobs.csv, in all and inside fit(), and
    their FLOPs."""
    threads = jobs["threads"].fillna(1).astype(float)
    core = float((jobs["job_seconds"].astype(float) * threads).sum())
    flops = {f"flops_{part}": float(jobs[f"flops_{part}"].sum()) for part in FLOP_PARTS}
    return {
        "runs": len(jobs),
        "core_seconds": core,
        "core_seconds_per_run": core / len(jobs) if len(jobs) else np.nan,
        "fit_core_seconds": float((jobs["fit_seconds"].astype(float) * threads).sum()),
        "pretraining_seconds": float(jobs["pretraining_seconds"].astype(float).sum())
        if "pretraining_seconds" in jobs
        else 0.0,
        "flops": float(sum(flops.values())),
        **flops,
    }


def _cpu(jobs: pd.DataFrame, core_seconds: float) -> dict[str, float]:
    """The CPU seconds the training jobs' processes used, and their share of the core-seconds
    they were alive (``cpu_share``: near 1 on an otherwise idle machine; well below it when
    they waited for a core, i.e. the machine was shared). NaN for runs that did not record
    their CPU time."""
    if "cpu_seconds" not in jobs or jobs["cpu_seconds"].isna().any():
        return {"cpu_seconds": np.nan, "cpu_share": np.nan}
    cpu = float(jobs["cpu_seconds"].astype(float).sum())
    return {"cpu_seconds": cpu, "cpu_share": cpu / core_seconds if core_seconds else np.nan}


def cost_table(
    jobs: pd.DataFrame, runs: pd.DataFrame, peak_gflops: float | None = None
) -> pd.DataFrame:
    """What the run cost: one row for the whole run, one per study, one per condition.

    ``jobs`` is jobs.csv (a row per run, with its job seconds, threads and FLOPs), ``runs``
    runs.csv (which study arm trains which condition). A study's row counts every run of the
    conditions its arms train, so a condition two studies share counts in both (the run row
    counts it once). The run row also has the wall time (first training job's start to the
    last one's end), the share of the machine's cores without a training job in that span
    (``idle_share``: 1 − core-seconds / (wall × CPUs)), the jobs' CPU time and its share of
    their core-seconds (``cpu_share``, ``_cpu``), and, with ``peak_gflops`` (a
    measurement of this machine's float32 matmul peak), the FLOP limit and the wall time as
    a multiple of it.
    """
    rows = []
    if len(jobs):
        started = pd.to_datetime(jobs["started_at"]).min()
        finished = pd.to_datetime(jobs["finished_at"]).max()
        wall = float((finished - started).total_seconds())
        total = _totals(jobs)
        cpus = float(jobs["cpus"].max()) if "cpus" in jobs else np.nan
        limit = total["flops"] / (peak_gflops * 1e9) if peak_gflops else np.nan
        rows.append(
            {
                "scope": "run",
                "name": "",
                **total,
                "wall_seconds": wall,
                "cpus": cpus,
                "idle_share": 1 - total["core_seconds"] / (wall * cpus) if wall > 0 else np.nan,
                **_cpu(jobs, total["core_seconds"]),
                "peak_gflops": peak_gflops or np.nan,
                "flop_limit_seconds": limit,
                "wall_over_limit": wall / limit if peak_gflops else np.nan,
            }
        )
        studies = runs.groupby("study", sort=False)["condition"].unique()
        for study, conditions in studies.items():
            rows.append(
                {
                    "scope": "study",
                    "name": study,
                    **_totals(jobs[jobs["condition"].isin(conditions)]),
                }
            )
        for condition, group in jobs.groupby("condition", sort=False):
            rows.append({"scope": "condition", "name": condition, **_totals(group)})
    return pd.DataFrame(rows, columns=COST_COLUMNS)


def limit_breakdown(run: pd.Series | dict[str, Any], peak_gflops: float, cores: int) -> dict:
    """A run's wall time over its FLOP limit at ``peak_gflops``, and where the rest went.

    ``run`` is the cost table's run row, ``cores`` the cores the run had (snakemake --cores).
    ``limit_seconds`` is the run's arithmetic at the peak; the wall time (the training jobs'
    span) is that limit plus, in machine-seconds (core-seconds / cores): fit() above the
    limit of the work inside it (training, per-epoch evaluation, probe, gradients); the jobs'
    time outside fit() above the limit of the final evaluation and of any pre-training
    (start-up, data, build, evaluate/predict, writes); and cores without a training job
    (``idle``).
    """
    rate = float(peak_gflops) * 1e9
    limit = float(run["flops"]) / rate
    # Outside fit(): the final evaluation and the pre-training (RBM) that precedes it.
    final_limit = (
        float(run["flops_final_evaluation"]) + float(run.get("flops_pretraining", 0) or 0)
    ) / rate
    fit_machine = float(run["fit_core_seconds"]) / cores
    job_machine = float(run["core_seconds"]) / cores
    wall = float(run["wall_seconds"])
    parts = {
        "fit": fit_machine - (limit - final_limit),
        "outside_fit": job_machine - fit_machine - final_limit,
        "idle": wall - job_machine,
    }
    return {
        "peak_gflops": float(peak_gflops),
        "cores": cores,
        "limit_seconds": limit,
        "wall_seconds": wall,
        "figure": wall / limit if limit else np.nan,
        "parts": parts,
        "dominant": max(parts, key=parts.get),
    }

"""The tables stage: tidy tables of every study arm and seed, every epoch and every training job.

A condition shared by several studies is trained once and appears once per study arm
here: the tables are about arms, the training jobs about conditions. ``endpoints`` holds
every run's value of every endpoint its study is judged on (tipsbench.endpoints), one row
per study × arm × seed × endpoint: the statistics stage reads it, and no later stage pairs
seeds or computes an endpoint again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from tipsbench.cost import record_flops
from tipsbench.endpoints import EndpointRef, RunRecords, plain_endpoints
from tipsbench.grid import Arm
from tipsbench.tuning import tune_runs

ARM_COLUMNS = ["study", "role", "arm", "condition"]
RUN_METRICS = [
    "status",
    "last_good_epoch",
    "epochs_run",
    "updates",
    "test_accuracy",
    "test_loss",
    "train_accuracy",
    "train_loss",
    "fit_seconds",
    "samples_per_second",
]


def last_good(history: pd.DataFrame | None, epoch: Any) -> dict[str, float]:
    """Train and test accuracy of the last epoch whose loss was finite (NaN when there was none)."""
    values = {"last_good_test_accuracy": np.nan, "last_good_train_accuracy": np.nan}
    if history is None or epoch is None or not epoch:
        return values
    row = history[history["epoch"] == int(epoch)]
    if len(row):
        values.update(
            last_good_test_accuracy=float(row["test_accuracy"].iloc[0]),
            last_good_train_accuracy=float(row["train_accuracy"].iloc[0]),
        )
    return values


def runs_table(
    arms: Iterable[Arm],
    metrics: dict[tuple[str, int], dict[str, Any]],
    histories: dict[tuple[str, int], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """One row per study × arm × seed from the runs' metrics, keyed by (condition, seed).

    ``last_good_*`` are the accuracies of a run's last epoch with a finite loss, from its
    history (what a diverged run is scored by under ``diverged_score: last_good_epoch``).
    """
    histories = histories or {}
    rows = []
    for arm in arms:
        for candidate, condition in arm.candidates or ((None, arm.condition),):
            rows += _arm_rows(arm, condition, candidate, metrics, histories)
    columns = [
        *ARM_COLUMNS,
        "seed",
        *RUN_METRICS,
        "last_good_test_accuracy",
        "last_good_train_accuracy",
        "slide_accuracy",
        "validation_accuracy",
        "candidate",
        "tuned",
    ]
    return pd.DataFrame(rows, columns=columns)


def _arm_rows(arm, condition, candidate, metrics, histories) -> list[dict[str, Any]]:
    """The rows of one arm (or one tuning candidate of it): one per seed that ran."""
    rows = []
    for (run_condition, seed), run in sorted(metrics.items()):
        if run_condition == condition:
            rows.append(
                {
                    "study": arm.study,
                    "role": arm.role,
                    "arm": arm.label,
                    "condition": condition,
                    "seed": seed,
                    **{name: run.get(name) for name in RUN_METRICS},
                    **last_good(histories.get((condition, seed)), run.get("last_good_epoch")),
                    "slide_accuracy": arm.slide_accuracy,
                    "validation_accuracy": run.get("validation_accuracy"),
                    "candidate": candidate,
                    "tuned": arm.tuned,
                }
            )
    return rows


def curves_table(
    arms: Iterable[Arm], histories: dict[tuple[str, int], pd.DataFrame], step: str = "epoch"
) -> pd.DataFrame:
    """Per-step curves of every arm, one row per study × arm × seed × ``step``.

    The per-epoch learning curves (``histories``, step "epoch"), or the probe's curves
    (the runs' probe tables, step "update").
    """
    frames = []
    for arm in arms:
        for (condition, seed), history in sorted(histories.items()):
            if condition == arm.condition and len(history):
                frames.append(
                    history.assign(
                        study=arm.study,
                        role=arm.role,
                        arm=arm.label,
                        condition=condition,
                        seed=seed,
                    )
                )
    if not frames:
        return pd.DataFrame(columns=[*ARM_COLUMNS, "seed", step])
    curves = pd.concat(frames, ignore_index=True)
    leading = [*ARM_COLUMNS, "seed", step]
    return curves[leading + [column for column in curves.columns if column not in leading]]


ENDPOINT_COLUMNS = [*ARM_COLUMNS, "seed", "status", "endpoint", "value", "last_good", "censored"]


def endpoints_table(
    runs: pd.DataFrame,
    endpoints: dict[str, list[EndpointRef]],
    records: dict[tuple[str, int], RunRecords],
) -> pd.DataFrame:
    """Every run's value of every endpoint, one row per study × arm × seed × endpoint.

    ``runs`` is the runs table (one row per study arm and seed, tuned arms already reduced
    to their choice); ``endpoints`` holds, per study, the endpoints its claims are judged on,
    to which every endpoint that needs no parameters (final accuracies, losses, gap) is added;
    ``records`` holds each (condition, seed)'s metrics, history, probe and layers.
    """
    final = plain_endpoints()
    rows = []
    for run in runs.itertuples():
        run_records = records[(run.condition, int(run.seed))]
        for reference in dict.fromkeys([*final, *endpoints.get(run.study, [])]):
            value = reference.compute(run_records)
            rows.append(
                {
                    **{column: getattr(run, column) for column in ARM_COLUMNS},
                    "seed": run.seed,
                    "status": run.status,
                    "endpoint": reference.key,
                    "value": value.value,
                    "last_good": value.last_good,
                    "censored": value.censored,
                }
            )
    return pd.DataFrame(rows, columns=ENDPOINT_COLUMNS)


JOB_COLUMNS = [
    "condition",
    "seed",
    "status",
    "backend",
    "threads",
    "parameters",
    "epochs_run",
    "fit_seconds",
    "pretraining_seconds",
    "job_seconds",
    "cpu_seconds",
    "peak_rss_mb",
    "samples_per_second",
    "started_at",
    "finished_at",
    "job_seeds",
    "error",
]


def jobs_table(
    metrics: dict[tuple[str, int], dict[str, Any]],
    probes: dict[tuple[str, int], pd.DataFrame] | None = None,
    layers: dict[tuple[str, int], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """One row per run (condition × seed): where its time went and what it ran on.

    ``job_seeds`` are the seeds its training job trained one after the other in one process;
    a run's ``job_seconds`` are its share of that job (the first run's includes the job's
    start-up), so the runs of a job add up to the job's wall time. The machine, package
    versions and code commit are those the job itself recorded, so a report rebuilt later, or
    on another machine, still describes where each run ran.
    ``flops_<part>`` are the run's FLOPs by part (``cost.record_flops``, from its probe and
    layer records), ``flops`` their sum.
    """
    probes, layers = probes or {}, layers or {}
    rows = []
    for (condition, seed), run in sorted(metrics.items()):
        row = {name: run.get(name) for name in JOB_COLUMNS}
        # The seeds its job trained in one process, e.g. "0 1 2 3 4".
        seeds = run.get("job_seeds") or [seed]
        row.update(condition=condition, seed=seed, job_seeds=" ".join(map(str, seeds)))
        row.update(
            {f"version_{package}": version for package, version in run.get("versions", {}).items()}
        )
        machine, code = run.get("machine", {}), run.get("code", {})
        row.update(
            cpu=machine.get("processor"),
            cpus=machine.get("cpus"),
            platform=machine.get("platform"),
            git_commit=code.get("commit"),
            git_dirty=code.get("dirty"),
        )
        flops = record_flops(run, probes.get((condition, seed)), layers.get((condition, seed)))
        row.update({f"flops_{part}": count for part, count in flops.items()})
        row["flops"] = sum(flops.values())
        rows.append(row)
    return pd.DataFrame(rows)


def confusion_table(
    labels: np.ndarray, predictions: Iterable[np.ndarray], num_classes: int
) -> pd.DataFrame:
    """Confusion counts summed over runs: one row per true class, one column per predicted class."""
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    for predicted in predictions:
        np.add.at(counts, (labels, predicted.astype(np.int64)), 1)
    frame = pd.DataFrame(counts, columns=[f"predicted_{label}" for label in range(num_classes)])
    frame.insert(0, "true", range(num_classes))
    return frame


def test_correct_table(
    labels: np.ndarray, predictions: dict[tuple[str, int], np.ndarray]
) -> dict[str, np.ndarray]:
    """Which test images each training job got right: one row per (condition, seed).

    ``condition`` and ``seed`` name the rows of ``correct`` (1 right, 0 wrong, one column per
    test image, in the test set's order). The statistics stage reads it for the part of a
    claim's error that comes from the test images all runs share.
    """
    keys = sorted(predictions)
    correct = np.zeros((len(keys), len(labels)), dtype=np.uint8)
    for row, key in enumerate(keys):
        correct[row] = predictions[key].astype(np.int64) == labels
    return {
        "condition": np.array([condition for condition, _ in keys], dtype=str),
        "seed": np.array([seed for _, seed in keys], dtype=np.int64),
        "correct": correct,
    }


def best_arm(runs: pd.DataFrame) -> pd.Series:
    """The study arm with the highest mean test accuracy over its seeds (the first one on ties)."""
    accuracy = runs.assign(test_accuracy=runs["test_accuracy"].astype(float))
    means = accuracy.groupby(ARM_COLUMNS, sort=False)["test_accuracy"].mean()
    return pd.Series(dict(zip(ARM_COLUMNS, means.idxmax())))


def build_tables(
    arms: Iterable[Arm],
    metrics: dict[tuple[str, int], dict[str, Any]],
    histories: dict[tuple[str, int], pd.DataFrame],
    predictions: dict[tuple[str, int], np.ndarray],
    labels: np.ndarray,
    num_classes: int,
    probes: dict[tuple[str, int], pd.DataFrame] | None = None,
    endpoints: dict[str, list[EndpointRef]] | None = None,
    layers: dict[tuple[str, int], pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """The tables stage: every run's records, keyed by (condition, seed), as tidy tables.

    ``runs``, ``endpoints``, ``curves``, ``probes`` and ``layers`` (each Dense layer's gradient
    sizes and weight change during training) describe study arms, ``jobs`` the
    training jobs, ``confusion`` the test predictions of the best arm summed over its seeds.
    A tuned arm is its chosen candidate (``tuning.tune_runs``: by validation accuracy);
    ``tuning`` lists every candidate. ``endpoints`` holds the endpoints each study's
    claims are judged on (see ``endpoints_table``). ``test_correct`` (arrays, not a frame)
    holds which test images each job got right.

    A run that raised (status "failed": its job recorded the error and trained its other seeds)
    is in ``jobs`` only, with its error; every other table leaves it out, as a missing run.
    """
    probes, layers = probes or {}, layers or {}
    jobs = jobs_table(metrics, probes, layers)
    failed = {key for key, run in metrics.items() if run.get("status") == "failed"}
    metrics = {key: run for key, run in metrics.items() if key not in failed}
    predictions = {key: value for key, value in predictions.items() if key not in failed}
    runs, tuning = tune_runs(runs_table(arms, metrics, histories))
    chosen = dict(zip(zip(runs["study"], runs["role"]), runs["condition"]))
    arms = [
        replace(arm, condition=chosen.get((arm.study, arm.role), arm.condition))
        if arm.tuned
        else arm
        for arm in arms
    ]
    best = best_arm(runs)
    confusion = confusion_table(
        labels,
        [
            predicted
            for (condition, _), predicted in sorted(predictions.items())
            if condition == best["condition"]
        ],
        num_classes=num_classes,
    )
    confusion.insert(0, "arm", best["arm"])
    confusion.insert(0, "study", best["study"])
    confusion.insert(2, "condition", best["condition"])
    records = {
        key: RunRecords(run, histories.get(key), probes.get(key), layers.get(key))
        for key, run in metrics.items()
    }
    return {
        "runs": runs,
        "endpoints": endpoints_table(runs, endpoints or {}, records),
        "curves": curves_table(arms, histories),
        "probes": curves_table(arms, probes, step="update"),
        "layers": curves_table(arms, layers, step="update"),
        "jobs": jobs,
        "confusion": confusion,
        "tuning": tuning,
        "test_correct": test_correct_table(labels, predictions),
    }

"""Aggregate the runs into tidy tables: one row per study × arm × seed, per study × arm, per epoch.

A condition shared by several studies is trained once and appears once per study arm
here: the tables are about arms, the training jobs about conditions.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd

from tipsbench.grid import Arm

ARM_COLUMNS = ["study", "role", "arm", "condition"]
RUN_METRICS = [
    "status",
    "last_good_epoch",
    "epochs_run",
    "test_accuracy",
    "test_loss",
    "train_accuracy",
    "train_loss",
    "fit_seconds",
    "samples_per_second",
]


def arms_table(arms: Iterable[Arm]) -> pd.DataFrame:
    """One row per study arm: study, role (A/B), label, condition, slide accuracy."""
    return pd.DataFrame(
        [
            {
                "study": arm.study,
                "role": arm.role,
                "arm": arm.label,
                "condition": arm.condition,
                "slide_accuracy": arm.slide_accuracy,
            }
            for arm in arms
        ]
    )


def runs_table(arms: Iterable[Arm], metrics: dict[tuple[str, int], dict[str, Any]]) -> pd.DataFrame:
    """One row per study × arm × seed from the runs' metrics, keyed by (condition, seed)."""
    rows = []
    for arm in arms:
        for (condition, seed), run in sorted(metrics.items()):
            if condition != arm.condition:
                continue
            rows.append(
                {
                    "study": arm.study,
                    "role": arm.role,
                    "arm": arm.label,
                    "condition": condition,
                    "seed": seed,
                    **{name: run.get(name) for name in RUN_METRICS},
                    "slide_accuracy": arm.slide_accuracy,
                }
            )
    columns = [*ARM_COLUMNS, "seed", *RUN_METRICS, "slide_accuracy"]
    return pd.DataFrame(rows, columns=columns)


def summary_table(runs: pd.DataFrame, settings: dict[str, Any] | None = None) -> pd.DataFrame:
    """One row per study × arm: n, mean, sd, intervals, min and max of test and train accuracy."""
    from tipsbench import stats

    return stats.summary_table(runs, settings)


def curves_table(arms: Iterable[Arm], histories: dict[tuple[str, int], pd.DataFrame]) -> pd.DataFrame:
    """Per-epoch learning curves, one row per study × arm × seed × epoch."""
    frames = []
    for arm in arms:
        for (condition, seed), history in sorted(histories.items()):
            if condition == arm.condition:
                frames.append(
                    history.assign(
                        study=arm.study, role=arm.role, arm=arm.label, condition=condition, seed=seed
                    )
                )
    if not frames:
        return pd.DataFrame(columns=[*ARM_COLUMNS, "seed", "epoch"])
    curves = pd.concat(frames, ignore_index=True)
    leading = [*ARM_COLUMNS, "seed", "epoch"]
    return curves[leading + [column for column in curves.columns if column not in leading]]


JOB_COLUMNS = [
    "condition",
    "seed",
    "status",
    "backend",
    "threads",
    "parameters",
    "epochs_run",
    "fit_seconds",
    "job_seconds",
    "peak_rss_mb",
    "samples_per_second",
    "started_at",
    "finished_at",
]


def jobs_table(metrics: dict[tuple[str, int], dict[str, Any]]) -> pd.DataFrame:
    """One row per training job (condition × seed): where its time went and what it ran on."""
    rows = []
    for (condition, seed), run in sorted(metrics.items()):
        row = {name: run.get(name) for name in JOB_COLUMNS}
        row.update(condition=condition, seed=seed)
        row.update({f"version_{package}": version for package, version in run.get("versions", {}).items()})
        row["cpu"] = run.get("machine", {}).get("processor")
        rows.append(row)
    return pd.DataFrame(rows)


def confusion_table(labels: np.ndarray, predictions: Iterable[np.ndarray], num_classes: int) -> pd.DataFrame:
    """Confusion counts summed over runs: one row per true class, one column per predicted class."""
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    for predicted in predictions:
        np.add.at(counts, (labels, predicted.astype(np.int64)), 1)
    frame = pd.DataFrame(counts, columns=[f"predicted_{label}" for label in range(num_classes)])
    frame.insert(0, "true", range(num_classes))
    return frame


def best_arm(summary: pd.DataFrame) -> pd.Series:
    """The study arm with the highest mean test accuracy (the first one on ties)."""
    return summary.loc[summary["test_accuracy_mean"].idxmax()]


def aggregate_runs(
    arms: Iterable[dict[str, Any]],
    metric_paths: Iterable[str],
    history_paths: Iterable[str],
    prediction_paths: Iterable[str],
    labels: np.ndarray,
    num_classes: int,
    studies: dict[str, Any],
    settings: dict[str, Any],
    smoke: bool = False,
) -> dict[str, pd.DataFrame]:
    """The aggregate step: read every run's files and build the run's tables.

    ``runs``, ``summary``, ``findings`` and ``curves`` describe study arms (the statistics
    follow ``settings``, the config's ``statistics``); ``jobs`` the training jobs;
    ``confusion`` the test predictions of the best arm, summed over its seeds.
    """
    from tipsbench import stats
    from tipsbench.files import read_json

    arms = [Arm(**arm) for arm in arms]
    metrics, histories, predictions = {}, {}, {}
    for metric_path, history_path, prediction_path in zip(metric_paths, history_paths, prediction_paths):
        run = read_json(metric_path)
        key = (run["condition"], int(run["seed"]))
        metrics[key] = run
        histories[key] = pd.read_csv(history_path)
        with np.load(prediction_path) as archive:
            predictions[key] = archive["predicted"]
    runs = runs_table(arms, metrics)
    summary = summary_table(runs, settings)
    best = best_arm(summary)
    confusion = confusion_table(
        labels,
        [predicted for (condition, _), predicted in sorted(predictions.items()) if condition == best["condition"]],
        num_classes=num_classes,
    )
    confusion.insert(0, "arm", best["arm"])
    confusion.insert(0, "study", best["study"])
    confusion.insert(2, "condition", best["condition"])
    return {
        "runs": runs,
        "summary": summary,
        "findings": stats.findings_table(runs, studies, settings, smoke=smoke),
        "curves": curves_table(arms, histories),
        "jobs": jobs_table(metrics),
        "confusion": confusion,
    }

"""Aggregate the runs into tidy tables: one row per study × arm × seed, per study × arm, per epoch.

A condition shared by several studies is trained once and appears once per study arm
here: the tables are about arms, the training jobs about conditions.
"""

from __future__ import annotations

from typing import Any, Iterable

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
SUMMARY_STATISTICS = ("mean", "sd", "min", "max")


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


def summary_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per study × arm: n and mean, sd, min, max of test and train accuracy."""
    grouped = runs.groupby(ARM_COLUMNS, sort=False)
    summary = grouped.agg(n=("seed", "size"), slide_accuracy=("slide_accuracy", "first"))
    for metric in ("test_accuracy", "train_accuracy"):
        values = grouped[metric]
        summary[f"{metric}_mean"] = values.mean()
        summary[f"{metric}_sd"] = values.std(ddof=1)
        summary[f"{metric}_min"] = values.min()
        summary[f"{metric}_max"] = values.max()
    return summary.reset_index()


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


def aggregate_runs(
    arms: Iterable[dict[str, Any]], metric_paths: Iterable[str], history_paths: Iterable[str]
) -> dict[str, pd.DataFrame]:
    """The aggregate step: read every run's files and build runs, summary and curves tables."""
    from tipsbench.files import read_json

    arms = [Arm(**arm) for arm in arms]
    metrics, histories = {}, {}
    for metric_path, history_path in zip(metric_paths, history_paths):
        run = read_json(metric_path)
        key = (run["condition"], int(run["seed"]))
        metrics[key] = run
        histories[key] = pd.read_csv(history_path)
    runs = runs_table(arms, metrics)
    return {"runs": runs, "summary": summary_table(runs), "curves": curves_table(arms, histories)}

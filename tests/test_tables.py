"""Unit tests of tipsbench.tables on small known inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tipsbench.grid import Arm
from tipsbench.stats import summary_table
from tipsbench.tables import build_tables, curves_table, jobs_table, runs_table

ARMS = [
    Arm("loss", "A", "mse", "mse", 0.395),
    Arm("loss", "B", "cross-entropy", "base", 0.919),
    Arm("depth", "A", "3 layers", "base", 0.919),
    Arm("depth", "B", "9 layers", "deep", 0.114),
]


def run(accuracy, train=None):
    return {
        "status": "ok",
        "test_accuracy": accuracy,
        "train_accuracy": train or accuracy,
        "test_loss": 1.0,
    }


METRICS = {
    ("base", 0): run(0.90, 0.95),
    ("base", 1): run(0.92, 0.97),
    ("base", 2): run(0.94, 0.99),
    ("mse", 0): run(0.40),
    ("mse", 1): run(0.20),
    ("mse", 2): run(0.30),
    ("deep", 0): run(0.11),
    ("deep", 1): run(0.11),
    ("deep", 2): run(0.11),
}


def test_runs_table_has_one_row_per_study_arm_seed_and_shares_conditions():
    runs = runs_table(ARMS, METRICS)
    assert len(runs) == 12
    base_rows = runs[runs["condition"] == "base"]
    assert sorted(set(zip(base_rows["study"], base_rows["role"]))) == [
        ("depth", "A"),
        ("loss", "B"),
    ]
    assert (
        runs.loc[(runs["study"] == "loss") & (runs["role"] == "A"), "slide_accuracy"].tolist()
        == [0.395] * 3
    )


def test_summary_table_statistics_by_hand():
    summary = summary_table(runs_table(ARMS, METRICS)).set_index(["study", "role"])
    mse = summary.loc[("loss", "A")]
    assert mse["n"] == 3
    assert mse["test_accuracy_mean"] == pytest.approx(0.30)
    assert mse["test_accuracy_sd"] == pytest.approx(0.10)  # sqrt(((0.1)^2 + (0.1)^2 + 0) / 2)
    assert (mse["test_accuracy_min"], mse["test_accuracy_max"]) == (0.20, 0.40)
    base = summary.loc[("loss", "B")]
    assert base["train_accuracy_mean"] == pytest.approx(0.97)
    assert base["slide_accuracy"] == 0.919
    assert summary.loc[("depth", "B"), "test_accuracy_sd"] == 0.0
    assert list(summary.index.get_level_values("study").unique()) == ["loss", "depth"]


def test_summary_of_one_seed_has_undefined_sd():
    summary = summary_table(runs_table(ARMS[:1], {("mse", 0): run(0.4)}))
    assert summary.loc[0, "n"] == 1 and pd.isna(summary.loc[0, "test_accuracy_sd"])


def test_curves_table_tags_each_epoch_with_its_study_arm():
    history = pd.DataFrame(
        {
            "epoch": [1, 2],
            "train_loss": [2.0, 1.0],
            "test_loss": [2.1, 1.2],
            "train_accuracy": [0.3, 0.6],
            "test_accuracy": [0.3, 0.5],
        }
    )
    curves = curves_table(ARMS, {("base", 0): history})
    assert len(curves) == 4
    assert list(curves.columns[:6]) == ["study", "role", "arm", "condition", "seed", "epoch"]


def test_build_tables_sums_the_confusion_of_the_best_arm_only():
    history = pd.DataFrame(
        {
            "epoch": [1],
            "train_loss": [1.0],
            "test_loss": [1.0],
            "train_accuracy": [0.5],
            "test_accuracy": [0.5],
        }
    )
    labels = np.array([0, 1, 1])
    # "base" (mean 0.92) is the best arm; "mse" predicts class 0 everywhere, "deep" class 1.
    predictions = {
        key: np.array([0, 0, 0]) if key[0] == "mse" else np.array([0, 1, 0]) for key in METRICS
    }
    tables = build_tables(
        ARMS, METRICS, {key: history for key in METRICS}, predictions, labels, num_classes=2
    )
    confusion = tables["confusion"]
    assert (
        confusion["study"].iloc[0],
        confusion["arm"].iloc[0],
        confusion["condition"].iloc[0],
    ) == ("loss", "cross-entropy", "base")
    # Which test images each job got right, row by (condition, seed): base predicts [0, 1, 0]
    # against the labels [0, 1, 1].
    correct = tables["test_correct"]
    base = list(correct["condition"]).index("base")
    assert correct["correct"][base].tolist() == [1, 1, 0] and len(correct["seed"]) == len(METRICS)
    # 3 seeds of base: true 0 -> predicted 0 three times; true 1 -> 1 three times and 0 three times.
    assert confusion[["predicted_0", "predicted_1"]].to_numpy().tolist() == [[3, 0], [3, 3]]
    assert (
        set(tables)
        == {
            "runs",
            "endpoints",
            "curves",
            "probes",
            "layers",
            "jobs",
            "confusion",
            "tuning",
            "test_correct",
        }
        and tables["tuning"].empty
    )


def test_jobs_table_keeps_what_each_job_recorded_about_its_machine_and_code():
    record = {
        "status": "ok",
        "backend": "jax",
        "versions": {"keras": "3.15.1"},
        "machine": {"processor": "Xeon", "cpus": 2, "platform": "Linux-x"},
        "code": {"commit": "abc123", "dirty": False},
    }
    jobs = jobs_table(
        {("base", 0): record, ("base", 1): {**record, "code": {"commit": None, "dirty": None}}}
    )
    assert jobs.loc[
        0, ["cpu", "cpus", "platform", "git_commit", "git_dirty", "version_keras"]
    ].tolist() == ["Xeon", 2, "Linux-x", "abc123", False, "3.15.1"]
    assert pd.isna(jobs.loc[1, "git_commit"])


def test_a_failed_run_is_in_the_jobs_table_only_with_its_error():
    history = pd.DataFrame(
        {"epoch": [1], "train_loss": [1.0], "test_loss": [1.0], "train_accuracy": [0.5],
         "test_accuracy": [0.5]}
    )  # fmt: skip
    failed = {"status": "failed", "error": "MemoryError: out of memory", "job_seeds": [0, 1, 2]}
    metrics = {**METRICS, ("base", 1): failed}
    predictions = {key: np.array([0, 1, 0]) for key in metrics if key != ("base", 1)}
    tables = build_tables(
        ARMS, metrics, {key: history for key in METRICS}, predictions, np.array([0, 1, 1]), 2
    )
    runs = tables["runs"]
    assert ("base", 1) not in set(zip(runs["condition"], runs["seed"]))
    assert len(runs) == 12 - 2  # base is arm B of loss and arm A of depth
    jobs = tables["jobs"].set_index(["condition", "seed"])
    assert jobs.loc[("base", 1), "status"] == "failed"
    assert jobs.loc[("base", 1), "error"] == "MemoryError: out of memory"
    assert jobs.loc[("base", 1), "job_seeds"] == "0 1 2" and jobs.loc[("base", 1), "flops"] == 0
    assert ("base", 1) not in set(
        zip(tables["test_correct"]["condition"], tables["test_correct"]["seed"])
    )

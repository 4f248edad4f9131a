"""Unit tests of tipsbench.tables on small known inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from tipsbench.grid import Arm
from tipsbench.tables import curves_table, runs_table, summary_table

ARMS = [
    Arm("loss", "A", "mse", "mse", 0.395),
    Arm("loss", "B", "cross-entropy", "base", 0.919),
    Arm("depth", "A", "3 layers", "base", 0.919),
    Arm("depth", "B", "9 layers", "deep", 0.114),
]


def run(accuracy, train=None):
    return {"status": "ok", "test_accuracy": accuracy, "train_accuracy": train or accuracy, "test_loss": 1.0}


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
    assert sorted(set(zip(base_rows["study"], base_rows["role"]))) == [("depth", "A"), ("loss", "B")]
    assert runs.loc[(runs["study"] == "loss") & (runs["role"] == "A"), "slide_accuracy"].tolist() == [0.395] * 3


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
    history = pd.DataFrame({"epoch": [1, 2], "train_loss": [2.0, 1.0], "test_loss": [2.1, 1.2],
                            "train_accuracy": [0.3, 0.6], "test_accuracy": [0.3, 0.5]})
    curves = curves_table(ARMS, {("base", 0): history})
    assert len(curves) == 4
    assert list(curves.columns[:6]) == ["study", "role", "arm", "condition", "seed", "epoch"]

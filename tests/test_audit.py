"""Unit tests of tipsbench.audit: a rerun compared bit by bit with its original."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tipsbench.audit import compare_runs, determinism_table


def run(weights, test_accuracy=0.9, history_value=0.5):
    return {
        "metrics": {
            "condition": "base",
            "seed": 3,
            "backend": "jax",
            "train_loss": 0.1,
            "train_accuracy": 0.95,
            "test_loss": 0.2,
            "test_accuracy": test_accuracy,
            "epochs_run": 2,
        },
        "history": pd.DataFrame({"epoch": [1, 2], "test_accuracy": [0.4, history_value]}),
        "weights": weights,
    }


WEIGHTS = [np.array([[1.0, 2.0]], dtype=np.float32), np.array([0.5], dtype=np.float32)]


def test_identical_runs_are_bit_identical():
    row = compare_runs(run(WEIGHTS), run([weight.copy() for weight in WEIGHTS]))
    assert row["result"] == "bit-identical" and row["weights_bit_identical"]
    assert (row["condition"], row["seed"], row["backend"]) == ("base", 3, "jax")
    assert (
        row["weights_max_abs_diff"]
        == row["metrics_max_abs_diff"]
        == row["history_max_abs_diff"]
        == 0
    )


def test_a_difference_is_measured_not_hidden():
    changed = [WEIGHTS[0] + np.float32(0.25), WEIGHTS[1]]
    row = compare_runs(run(WEIGHTS), run(changed, test_accuracy=0.8, history_value=0.75))
    assert not row["weights_bit_identical"]
    assert row["weights_max_abs_diff"] == 0.25
    assert row["metrics_max_abs_diff"] == np.float64(0.9) - np.float64(0.8)
    assert row["history_max_abs_diff"] == 0.25
    assert row["result"] == "differs: largest difference 0.25"


def test_nan_in_the_same_place_is_agreement_and_a_shape_change_is_infinite():
    nan_weights = [np.array([np.nan, 1.0], dtype=np.float32)]
    assert compare_runs(run(nan_weights), run([nan_weights[0].copy()]))["weights_max_abs_diff"] == 0
    row = compare_runs(run(WEIGHTS), run(WEIGHTS[:1]))
    assert math.isinf(row["weights_max_abs_diff"]) and row["result"].startswith("differs")


def test_determinism_table_is_one_row():
    table = determinism_table(run(WEIGHTS), run(WEIGHTS))
    assert len(table) == 1 and table.loc[0, "result"] == "bit-identical"


def test_a_probe_that_differs_makes_the_rerun_differ():
    probe = pd.DataFrame({"update": [0, 1, 2], "train_accuracy": [0.1, 0.2, 0.3]})
    first = {**run(WEIGHTS), "probe": probe}
    same = compare_runs(first, {**run(WEIGHTS), "probe": probe.copy()})
    assert same["result"] == "bit-identical" and same["probe_max_abs_diff"] == 0
    moved = probe.assign(train_accuracy=[0.1, 0.2, 0.35])
    row = compare_runs(first, {**run(WEIGHTS), "probe": moved})
    assert row["probe_max_abs_diff"] == pytest.approx(0.05) and row["result"].startswith("differs")

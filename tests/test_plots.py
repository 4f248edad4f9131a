"""Unit tests of tipsbench.plots: each registered figure drawn from a small hand-made table."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from tipsbench.plots import (
    RUN_FIGURES,
    STUDY_FIGURES,
    confusion_figure,
    figure_spec,
    learning_curves_figure,
    robustness_figure,
    study_accuracy_figure,
    tuning_figure,
)

RUNS = pd.DataFrame(
    {
        "study": ["loss"] * 4,
        "role": ["A", "A", "B", "B"],
        "arm": ["mse", "mse", "cross-entropy", "cross-entropy"],
        "seed": [0, 1, 0, 1],
        "test_accuracy": [0.30, 0.40, 0.90, 0.92],
    }
)
SUMMARY = pd.DataFrame(
    {
        "study": ["loss", "loss"],
        "role": ["A", "B"],
        "arm": ["mse", "cross-entropy"],
        "test_accuracy_mean": [0.35, 0.91],
        "test_accuracy_ci_low": [0.0, 0.8],
        "test_accuracy_ci_high": [0.99, 1.0],
        "slide_accuracy": [0.395, np.nan],
    }
)


FINDINGS = pd.DataFrame(
    {
        "study": ["opt", "opt@lr-0.01", "opt@lr-1"],
        "origin": ["opt", "opt", "opt"],
        "axis": [None, "lr", "lr"],
        "axis_value": [None, 0.01, 1.0],
        "title": ["Optimizer"] * 3,
        "expect": ["B > A"] * 3,
        "mean_diff": [0.05, 0.2, -0.1],
        "diff_ci_low": [0.04, 0.15, -0.2],
        "diff_ci_high": [0.06, 0.25, 0.0],
        "smallest_effect": [0.01] * 3,
        "verdict": ["REPRODUCED", "REPRODUCED", "INCONCLUSIVE"],
    }
)
SWEEPS = [
    {
        "name": "lr",
        "hyperparameter": "learning_rate",
        "scale": "log",
        "slide_value": 0.1,
        "arm_overrides": "keep",
        "values": [0.01, 1.0],
    }
]
TUNING = pd.DataFrame(
    {
        "study": ["t"] * 3,
        "role": ["A"] * 3,
        "arm": ["SGD"] * 3,
        "hyperparameter": ["learning_rate"] * 3,
        "candidate": [0.01, 0.1, 1.0],
        "validation_mean": [0.8, 0.9, 0.85],
        "validation_sd": [0.01, 0.01, 0.02],
        "selected": [False, True, False],
    }
)


def test_robustness_map_puts_each_setting_on_a_log_axis_with_the_slide_marked():
    figure = robustness_figure(FINDINGS, SWEEPS)
    axes = figure.axes[0]
    assert axes.get_xscale() == "log" and axes.get_xlabel() == "learning_rate"
    assert axes.get_ylabel() == "B − A, test accuracy" and axes.get_title() == "Optimizer (B > A)"
    # The slide's setting is the dotted vertical line at 0.1.
    assert [line.get_xdata()[0] for line in axes.get_lines() if line.get_linestyle() == ":"] == [
        0.1
    ]
    # Points by verdict: two reproduced (0.01 and the slide's 0.1), one inconclusive (1.0).
    assert sorted(legend_texts(axes)) == sorted(
        ["within ±Δ", "slide", "reproduced", "inconclusive"]
    )
    plt.close(figure)


def test_tuning_curve_stars_the_chosen_value():
    figure = tuning_figure(TUNING)
    axes = figure.axes[0]
    assert axes.get_xscale() == "log" and axes.get_ylabel() == "validation accuracy"
    star = [c for c in axes.collections if c.get_label() == "chosen"][0]
    assert star.get_offsets().tolist() == [[0.1, 0.9]]
    plt.close(figure)


def legend_texts(axes) -> list[str]:
    return [text.get_text() for text in axes.get_legend().get_texts()]


def test_accuracy_figure_shows_every_seed_and_the_configured_level():
    figure = study_accuracy_figure(RUNS, SUMMARY, confidence=0.9)
    axes = figure.axes[0]
    assert [tick.get_text() for tick in axes.get_xticklabels()] == ["A: mse", "B: cross-entropy"]
    assert axes.get_ylabel() == "final test accuracy (fraction correct)"
    assert axes.get_ylim() == (0, 1.02)
    assert "90 % CI of the mean" in legend_texts(axes)
    assert "slide (one run)" in legend_texts(axes)
    # One scatter per arm for the seeds (2 points each) and one for the one slide value.
    sizes = sorted(
        len(collection.get_offsets())
        for collection in axes.collections
        if collection.get_offsets().size
    )
    assert sizes.count(2) == 2
    plt.close(figure)


def test_learning_curves_have_accuracy_and_loss_panels_per_arm():
    curves = pd.DataFrame(
        {
            "role": ["A"] * 4 + ["B"] * 4,
            "arm": ["mse"] * 4 + ["ce"] * 4,
            "seed": [0, 0, 1, 1] * 2,
            "epoch": [1, 2] * 4,
            "test_accuracy": [0.1, 0.2, 0.1, 0.3, 0.8, 0.9, 0.7, 0.9],
            "train_accuracy": [0.1, 0.2, 0.1, 0.3, 0.8, 0.9, 0.7, 0.9],
            "test_loss": [2.0, 1.9, 2.0, 1.8, 0.5, 0.3, 0.6, 0.3],
            "train_loss": [2.0, 1.9, 2.0, 1.8, 0.5, 0.3, 0.6, 0.3],
        }
    )
    figure = learning_curves_figure(curves)
    accuracy, loss = figure.axes
    assert (accuracy.get_xlabel(), accuracy.get_ylabel()) == (
        "epoch",
        "accuracy (fraction correct)",
    )
    assert loss.get_ylabel() == "loss (the arm's training loss)"
    # Test mean line and training line per arm; the test mean of A at epoch 2 is (0.2 + 0.3) / 2.
    assert len(accuracy.get_lines()) == 4
    a_test = accuracy.get_lines()[0]
    assert a_test.get_label() == "A: mse, test"
    assert a_test.get_ydata().tolist() == pytest.approx([0.1, 0.25])
    plt.close(figure)


def test_confusion_figure_names_the_datasets_classes_and_item():
    confusion = pd.DataFrame({"true": [0, 1], "predicted_0": [8, 1], "predicted_1": [2, 9]})
    figure = confusion_figure(confusion, item="garment", class_names=("Trouser", "Bag"))
    axes = figure.axes[0]
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("predicted garment", "true garment")
    assert [tick.get_text() for tick in axes.get_yticklabels()] == ["Trouser", "Bag"]
    # Row percentages: 80 % and 20 % of true class 0.
    assert axes.get_images()[0].get_array()[0].tolist() == pytest.approx([80.0, 20.0])
    plt.close(figure)


def test_every_registered_figure_draws_from_the_tables_it_names():
    curves = pd.DataFrame(
        {
            "study": "loss",
            "role": "A",
            "arm": "mse",
            "seed": 0,
            "epoch": [1, 2],
            "test_accuracy": [0.1, 0.2],
            "train_accuracy": [0.1, 0.2],
            "test_loss": [2.0, 1.0],
            "train_loss": [2.0, 1.0],
        }
    )
    confusion = pd.DataFrame({"true": [0, 1], "predicted_0": [1, 0], "predicted_1": [0, 1]})
    tables = {
        "runs": RUNS,
        "summary": SUMMARY,
        "curves": curves,
        "confusion": confusion,
        "findings": FINDINGS,
        "tuning": TUNING,
    }
    labels = {
        "study": "loss",
        "confidence": 0.95,
        "item": "digit",
        "class_names": ["0", "1"],
        "sweeps": SWEEPS,
    }
    for name, spec in {**STUDY_FIGURES, **RUN_FIGURES}.items():
        figure = spec.draw({table: tables[table] for table in spec.tables}, labels)
        assert figure.axes, name
        assert "{" not in spec.caption.format(level="95 %", item="digit", title="Loss")
        plt.close(figure)
    with pytest.raises(ValueError, match="'histogram'"):
        figure_spec("histogram")

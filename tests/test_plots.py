"""Unit tests of tipsbench.plots: each registered figure drawn from a small hand-made table."""

from __future__ import annotations

from dataclasses import asdict

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from tipsbench.endpoints import EndpointRef, references, with_references
from tipsbench.plots import (
    RUN_FIGURES,
    STUDY_FIGURES,
    confusion_figure,
    effects_figure,
    figure_spec,
    figures_of,
    forest_figure,
    layers_figure,
    learning_curves_figure,
    probe_figure,
    robustness_figure,
    speed_figure,
    tuning_figure,
)

SPEED = EndpointRef.resolve("updates_to_target", {"curve": "train_crossentropy", "target": 0.5})
CLAIMS = [
    {"name": "test_accuracy", "endpoint": EndpointRef.resolve("test_accuracy"), "expect": "B > A"},
    {"name": "faster", "endpoint": SPEED, "expect": "B > A"},
]
# Each endpoint key of the tables below with its reference (as the plot jobs find them).
REFS = {**references(), SPEED.key: SPEED}


def refs(findings: pd.DataFrame) -> pd.DataFrame:
    return with_references(findings, REFS)


def endpoint_rows(endpoint, values, censored=None):
    """Endpoints-table rows of study "loss": arm A then B, two seeds each."""
    return pd.DataFrame(
        {
            "study": "loss",
            "role": ["A", "A", "B", "B"],
            "arm": ["mse", "mse", "cross-entropy", "cross-entropy"],
            "condition": ["mse", "mse", "base", "base"],
            "seed": [0, 1, 0, 1],
            "status": "ok",
            "endpoint": endpoint,
            "value": values,
            "last_good": np.nan,
            "censored": censored or [False] * 4,
        }
    )


ENDPOINTS = pd.concat(
    [
        endpoint_rows("test_accuracy", [0.30, 0.40, 0.90, 0.92]),
        endpoint_rows(SPEED.key, [2000.0, 900.0, 40.0, 60.0], censored=[True, False, False, False]),
    ],
    ignore_index=True,
)
ARM_ENDPOINTS = pd.DataFrame(
    {
        "study": "loss",
        "role": ["A", "B", "A", "B"],
        "arm": ["mse", "cross-entropy"] * 2,
        "endpoint": ["test_accuracy", "test_accuracy", SPEED.key, SPEED.key],
        "mean": [0.35, 0.91, 1341.6, 49.0],
        "ci_low": [0.0, 0.8, 8.0, 3.0],
        "ci_high": [0.99, 1.0, 200000.0, 800.0],
    }
)
SUMMARY = pd.DataFrame(
    {
        "study": "loss",
        "role": ["A", "B"],
        "arm": ["mse", "cross-entropy"],
        "slide_accuracy": [0.395, np.nan],
    }
)
RUNS = pd.DataFrame(
    {"study": "loss", "role": ["A", "A", "B", "B"], "seed": [0, 1, 0, 1], "updates": 2000}
)
PROBES = pd.DataFrame(
    {
        "study": "loss",
        "role": ["A"] * 3 + ["B"] * 3,
        "arm": ["mse"] * 3 + ["cross-entropy"] * 3,
        "seed": 0,
        "update": [0, 10, 100] * 2,
        "epoch": [0.0, 0.5, 1.0] * 2,
        "train_accuracy": [0.1, 0.5, 0.8, 0.1, 0.8, 0.95],
        "test_accuracy": [0.1, 0.5, 0.8, 0.1, 0.8, 0.9],
        "train_crossentropy": [2.3, 1.5, 0.7, 2.3, 0.6, 0.2],
        "test_crossentropy": [2.3, 1.5, 0.8, 2.3, 0.7, 0.3],
    }
)


FINDINGS = pd.DataFrame(
    {
        "study": ["opt", "opt@lr-0.01", "opt@lr-1", "opt"],
        "claim": ["better", "better", "better", "faster"],
        "origin": ["opt", "opt", "opt", "opt"],
        "axis": [None, "lr", "lr", None],
        "axis_value": [None, 0.01, 1.0, None],
        "title": ["Optimizer"] * 4,
        "expect": ["B > A"] * 4,
        "endpoint": ["test_accuracy"] * 3 + [SPEED.key],
        "scale": ["difference"] * 3 + ["ratio"],
        "mean_diff": [0.05, 0.2, -0.1, -2.0],
        "ci_low": [0.04, 0.15, -0.2, -2.3],
        "ci_high": [0.06, 0.25, 0.0, -1.7],
        "smallest_effect": [0.01] * 3 + [1.5],
        "verdict": ["REPRODUCED", "REPRODUCED", "INCONCLUSIVE", "REPRODUCED"],
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
SENSITIVITY = pd.DataFrame(
    {"study": ["t"], "role": ["A"], "low": [0.1], "high": [0.1], "width": [1.0]}
)
LAYERS = pd.DataFrame(
    {
        "study": "loss",
        "role": ["A"] * 6 + ["B"] * 6,
        "arm": ["3 layers"] * 6 + ["9 layers"] * 6,
        "seed": 0,
        "update": [0, 0, 0, 20, 20, 20] * 2,
        "layer": [1, 2, 3] * 4,
        "bias_gradient": [1e-3, 1e-2, 1e-1, 1e-3, 1e-2, 1e-1, 1e-6, 1e-3, 1e-1, 1e-6, 1e-3, 1e-1],
        "kernel_change": [0, 0, 0, 0.01, 0.02, 0.05, 0, 0, 0, 1e-5, 1e-3, 0.05],
    }
)


def test_robustness_map_puts_each_setting_on_a_log_axis_with_the_slide_marked():
    figure = robustness_figure(refs(FINDINGS), SWEEPS)
    axes = figure.axes[0]
    assert axes.get_xscale() == "log" and axes.get_xlabel() == "learning_rate"
    assert axes.get_ylabel() == "B − A (points)"
    assert axes.get_title() == "Optimizer: better (B > A)"
    # The slide's setting is the dotted vertical line at 0.1.
    assert [line.get_xdata()[0] for line in axes.get_lines() if line.get_linestyle() == ":"] == [
        0.1
    ]
    # Points by verdict: two reproduced (0.01 and the slide's 0.1), one inconclusive (1.0).
    assert sorted(legend_texts(axes)) == sorted(
        ["too small to matter", "slide", "reproduced", "inconclusive"]
    )
    plt.close(figure)


def test_tuning_curve_stars_the_chosen_value_and_shades_the_band_within_delta():
    figure = tuning_figure(TUNING, SENSITIVITY)
    axes = figure.axes[0]
    assert axes.get_xscale() == "log" and axes.get_ylabel() == "validation accuracy"
    star = [c for c in axes.collections if c.get_label() == "chosen"][0]
    assert star.get_offsets().tolist() == [[0.1, 0.9]]
    assert "A: SGD (within Δ of its best: ×1 wide)" in legend_texts(axes)
    plt.close(figure)


def test_layers_figure_draws_gradients_at_initialisation_and_changes_at_the_end():
    figure = layers_figure(LAYERS)
    gradients, changes = figure.axes
    assert gradients.get_yscale() == changes.get_yscale() == "log"
    # One line per arm: at update 0 for the gradients, at each run's last update for the moves.
    deep = [line for line in gradients.get_lines() if line.get_label() == "B: 9 layers"][0]
    assert deep.get_ydata().tolist() == pytest.approx([1e-6, 1e-3, 1e-1])
    moved = [line for line in changes.get_lines() if line.get_label() == "B: 9 layers"][0]
    assert moved.get_ydata().tolist() == pytest.approx([1e-5, 1e-3, 0.05])
    plt.close(figure)


def legend_texts(axes) -> list[str]:
    """The legend's entries of a panel: its own, or the figure's (drawn outside the data)."""
    legend = axes.get_legend() or axes.figure.legends[0]
    return [text.get_text() for text in legend.get_texts()]


# The findings of the study "loss" above: one accuracy claim, one ratio claim (log(B / A)).
LOSS_FINDINGS = pd.DataFrame(
    {
        "study": "loss",
        "claim": ["test_accuracy", "faster"],
        "arm_a": "mse",
        "arm_b": "cross-entropy",
        "endpoint": ["test_accuracy", SPEED.key],
        "scale": ["difference", "ratio"],
        "mean_diff": [0.56, np.log(0.04)],
        "ci_low": [0.50, np.log(0.01)],
        "ci_high": [0.62, np.log(0.2)],
        "smallest_effect": [0.01, 1.5],
        "sources": ["seeds and test images", "seeds"],
        "slide_diff": [0.52, np.nan],
    }
)


def test_effects_figure_draws_each_seeds_paired_effect_in_the_readers_unit():
    figure = effects_figure(ENDPOINTS, refs(LOSS_FINDINGS), CLAIMS, confidence=0.9)
    accuracy, speed = figure.axes
    assert accuracy.get_ylabel() == "B − A (points)" and accuracy.get_yscale() == "linear"
    # The paired differences in points: 0.90 − 0.30 and 0.92 − 0.40.
    (seeds,) = [c for c in accuracy.collections if c.get_label() == "one seed"]
    assert sorted(seeds.get_offsets()[:, 1].tolist()) == pytest.approx([52.0, 60.0])
    # The ±Δ band (±1 point) and the slide's own difference (52 points) are drawn; the axis
    # resolves the effect instead of spanning 0 to 100.
    band = accuracy.patches[0].get_extents()  # display coordinates; check the data limits
    assert band.height > 0
    (slide,) = [c for c in accuracy.collections if c.get_label() == "slide (one run)"]
    assert slide.get_offsets()[0, 1] == pytest.approx(52.0)
    low, high = accuracy.get_ylim()
    assert low < -1.0 and 62.0 < high < 70.0
    # The ratio claim on a log axis: B / A per seed, 40 / 2000 and 60 / 900; A's censored seed 0
    # is an open triangle.
    assert speed.get_yscale() == "log" and speed.get_ylabel().startswith("B / A")
    (censored,) = [c for c in speed.collections if c.get_label().startswith("a run censored")]
    assert censored.get_offsets()[:, 1].tolist() == pytest.approx([40 / 2000])
    (seeds,) = [c for c in speed.collections if c.get_label() == "one seed"]
    assert seeds.get_offsets()[:, 1].tolist() == pytest.approx([60 / 900])
    texts = [text.get_text() for text in figure.legends[0].get_texts()]
    assert "mean, 90 % CI, seeds and test images" in texts and "too small to matter (±Δ)" in texts
    plt.close(figure)


def test_probe_figure_draws_updates_on_a_log_axis_with_the_claims_target():
    figure = probe_figure(PROBES, CLAIMS)
    accuracy, crossentropy = figure.axes
    assert accuracy.get_xscale() == crossentropy.get_xscale() == "log"
    assert crossentropy.get_ylabel() == "cross-entropy (nats)"
    # The initial point (update 0) cannot sit on a log axis: lines start at update 10.
    assert accuracy.get_lines()[0].get_xdata().tolist() == [10.0, 100.0]
    target = [line for line in crossentropy.get_lines() if line.get_linestyle() == ":"]
    assert len(target) == 1 and target[0].get_ydata()[0] == 0.5
    plt.close(figure)


def test_speed_figure_is_the_fraction_of_seeds_at_the_target():
    figure = speed_figure(ENDPOINTS, RUNS, CLAIMS)
    (axes,) = figure.axes
    a, b = axes.get_lines()[0], axes.get_lines()[2]
    # A: one of two seeds there (at 900), the censored one never; B: both (at 40 and 60).
    assert a.get_xdata().tolist() == [1.0, 900.0, 2000.0]
    assert a.get_ydata().tolist() == [0.0, 0.5, 0.5]
    assert b.get_ydata().tolist() == [0.0, 0.5, 1.0, 1.0]
    assert axes.get_xscale() == "log"
    plt.close(figure)


def test_forest_plot_groups_claims_by_unit_and_names_rows_by_their_arms():
    findings = pd.concat(
        [
            FINDINGS.assign(arm_a="SGD", arm_b="Adam"),
            FINDINGS.iloc[[0]].assign(study="loss", title="Loss", arm_a="mse", arm_b="ce"),
        ],
        ignore_index=True,
    )
    figure = forest_figure(refs(findings))
    points, ratios = figure.axes  # sweep points are left to the robustness map
    assert points.get_title(loc="left").startswith("accuracy claims") and "points" in (
        points.get_title(loc="left")
    )
    assert points.get_xscale() == "linear" and ratios.get_xscale() == "log"
    # Both accuracy claims share one axis, in points: the optimizer's +5 and the loss's +5.
    rows = [text.get_text() for text in points.texts if " vs " in text.get_text()]
    assert rows == [
        "Optimizer: Adam vs SGD\nfinal test accuracy",
        "Loss: ce vs mse\nfinal test accuracy",
    ]
    assert [line.get_xdata()[0] for line in points.get_lines() if line.get_marker() == "o"] == (
        pytest.approx([5.0, 5.0])
    )
    # The ratio's band is 1/1.5 to 1.5 around 1; the point is e^-2 = 0.135.
    band = ratios.collections[0].get_paths()[0].vertices[:, 0]
    assert band.min() == pytest.approx(1 / 1.5) and band.max() == pytest.approx(1.5)
    marks = [line for line in ratios.get_lines() if line.get_marker() == "o"]
    assert marks[0].get_xdata()[0] == pytest.approx(np.exp(-2.0))
    plt.close(figure)


def test_effects_figure_scores_a_diverged_run_as_the_statistics_do():
    """With diverged_score: last_good_epoch a diverged run's dot is its last good value, as
    the mean and interval beside it (stats.score_values); with exclude it is left out."""
    rows = ENDPOINTS.copy()
    first = rows.index[(rows["endpoint"] == "test_accuracy") & (rows["role"] == "A")][0]
    rows.loc[first, ["status", "value", "last_good"]] = ["diverged", 0.10, 0.35]
    claims = CLAIMS[:1]
    findings = refs(LOSS_FINDINGS.iloc[:1])

    def dots(how):
        figure = effects_figure(rows, findings, claims, diverged_score=how)
        (seeds,) = [c for c in figure.axes[0].collections if c.get_label() == "one seed"]
        plt.close(figure)
        return sorted(seeds.get_offsets()[:, 1].tolist())

    assert dots("final_weights") == pytest.approx([52.0, 80.0])  # 0.92 − 0.40, 0.90 − 0.10
    assert dots("last_good_epoch") == pytest.approx([52.0, 55.0])  # 0.90 − 0.35
    assert dots("exclude") == pytest.approx([52.0])


def test_a_loss_claim_reads_in_its_own_unit_in_the_forest_and_robustness_figures():
    """The plot jobs give each findings row its claim's own unit (labels["units"]): a loss
    claim's forest group, its effect beside the row and the robustness axis say nats, not the
    endpoint's generic unit."""
    loss = FINDINGS.iloc[:3].assign(
        study=["lr", "lr@lr-0.01", "lr@lr-1"],
        origin="lr",
        claim="loss",
        title="Learning rate",
        arm_a="0.1",
        arm_b="1",
        endpoint="train_loss",
        mean_diff=[0.067, 0.05, 0.08],
        ci_low=[0.05, 0.03, 0.06],
        ci_high=[0.08, 0.07, 0.1],
        verdict="REVERSED",
        smallest_effect=0.02,
    )
    tables = {"findings": loss}
    labels = {
        "endpoints": [],
        "units": {f"{study}/loss": "nats" for study in loss["study"]},
        "sweeps": [{**SWEEPS[0], "studies": ["lr"]}],
    }
    forest = RUN_FIGURES["forest"].draw(tables, labels)
    (axes,) = forest.axes
    assert axes.get_title(loc="left") == "loss claims: B − A in nats"
    assert "REVERSED\n+0.067 nats" in [text.get_text() for text in axes.texts]
    plt.close(forest)
    robustness = RUN_FIGURES["robustness"].draw(tables, labels)
    assert robustness.axes[0].get_ylabel() == "B − A (nats)"
    plt.close(robustness)


def test_learning_curves_read_the_probe_in_inference_mode_and_keep_losses_apart():
    curves = pd.DataFrame(
        {
            "role": ["A"] * 4 + ["B"] * 4,
            "arm": ["mse"] * 4 + ["cross-entropy"] * 4,
            "seed": [0, 0, 1, 1] * 2,
            "epoch": [1, 2] * 4,
            "test_accuracy": [0.1, 0.2, 0.1, 0.3, 0.8, 0.9, 0.7, 0.9],
            "train_accuracy": [0.1, 0.2, 0.1, 0.3, 0.8, 0.9, 0.7, 0.9],
            "test_loss": [2.0, 1.9, 2.0, 1.8, 0.5, 0.3, 0.6, 0.3],
            "train_loss": [2.0, 1.9, 2.0, 1.8, 0.5, 0.3, 0.6, 0.3],
        }
    )
    losses = {"A": "mean_squared_error", "B": "categorical_crossentropy"}
    figure = learning_curves_figure(curves, PROBES, losses)
    accuracy, mse, crossentropy = figure.axes  # one loss panel per loss
    assert (accuracy.get_xlabel(), accuracy.get_ylabel()) == (
        "epoch",
        "accuracy (fraction correct)",
    )
    assert mse.get_ylabel() == "test loss: mean squared error"
    assert crossentropy.get_ylabel() == "test loss: categorical crossentropy"
    assert len(mse.get_lines()) == len(crossentropy.get_lines()) == 1
    lines = {line.get_label(): line for line in accuracy.get_lines()}
    # The test mean of A at epoch 2 is (0.2 + 0.3) / 2; training images from the probe (its
    # points after update 0), not fit()'s running average.
    assert lines["A: mse, test"].get_ydata().tolist() == pytest.approx([0.1, 0.25])
    probe = lines["A: mse, training images (probe)"]
    assert probe.get_xdata().tolist() == [0.5, 1.0]
    assert probe.get_ydata().tolist() == pytest.approx([0.5, 0.8])
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
        "endpoints": ENDPOINTS,
        "arm_endpoints": ARM_ENDPOINTS,
        "summary": SUMMARY,
        "curves": curves,
        "probes": PROBES,
        "confusion": confusion,
        "findings": pd.concat([FINDINGS.assign(arm_a="SGD", arm_b="Adam"), LOSS_FINDINGS]),
        "tuning": TUNING,
        "sensitivity": SENSITIVITY,
        "layers": LAYERS,
    }
    labels = {
        "study": "loss",
        # As the rule hands them over: plain records.
        "claims": [{**claim, "endpoint": asdict(claim["endpoint"])} for claim in CLAIMS],
        "endpoints": [asdict(reference) for reference in REFS.values()],
        "confidence": 0.95,
        "diverged_score": "final_weights",
        "item": "digit",
        "class_names": ["0", "1"],
        "sweeps": SWEEPS,
        "arms": {"A": {"loss": "mean_squared_error"}, "B": {"loss": "categorical_crossentropy"}},
        "units": {},
    }
    for name, spec in {**STUDY_FIGURES, **RUN_FIGURES}.items():
        figure = spec.draw({table: tables[table] for table in spec.tables}, labels)
        assert figure.axes, name
        assert "{" not in spec.caption.format(level="95 %", item="digit", title="Loss")
        plt.close(figure)
    with pytest.raises(ValueError, match="'histogram'"):
        figure_spec("histogram")


def test_a_figure_exists_only_where_what_it_needs_does():
    study, run = figures_of(set())
    assert "speed" not in study and {"effects", "curves", "probe"} <= set(study)
    assert "robustness" not in run and "tuning" not in run and "forest" in run
    study, run = figures_of({"endpoint:updates_to_target", "sweeps"})
    assert "speed" in study and "robustness" in run and "tuning" not in run
    # Every run figure names the report section that shows it.
    assert all(spec.section for spec in RUN_FIGURES.values())

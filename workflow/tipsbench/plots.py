"""Figures drawn from the tables only: the claims at a glance (a forest plot), per-study dot
plots of every claim's endpoint, learning and probe curves, the speed to a target, a confusion
matrix, the robustness map and the tuning curves.

Every function returns a matplotlib ``Figure``; saving is the caller's business. Restyling
a plot never retrains a model. Colours: arm A blue, arm B orange, the slide's value red,
verdicts as in the report's badges. Units and directions come from the endpoint registry
(tipsbench.endpoints): a ratio endpoint (updates to a target) is drawn on a log axis.

``STUDY_FIGURES`` (one figure per study) and ``RUN_FIGURES`` (one per run) register every
figure with the tables it reads, its caption, what the experiment (or the study) must have
for it to exist (``needs``) and, for a run figure, the report section it belongs to: the
rules, the report and its template go through them, so a new figure is a drawing function
and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from tipsbench.endpoints import PROBE_CURVES, curve_title, describe_key, parse_key  # noqa: E402
from tipsbench.wording import (  # noqa: E402
    effect,
    effect_interval,
    effect_name,
    expect_phrase,
    level,
)

ARM_COLOURS = {"A": "#4c72b0", "B": "#dd8452"}
SLIDE_COLOUR = "#c44e52"
# SVG text stays text (selectable, sharp in the PDF) and the output is byte-stable.
matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "tipsbench", "font.size": 9})


def _endpoint_axis(axes: plt.Axes, endpoint: str) -> None:
    """Label an axis with an endpoint's unit; a log scale for a ratio endpoint, 0–1 for an
    accuracy."""
    spec, _ = parse_key(endpoint)
    if spec.scale == "ratio":
        axes.set_yscale("log")
    elif spec.unit == "fraction correct" and spec.higher_is_better:
        axes.set_ylim(0, 1.02)
    axes.set_ylabel(spec.unit)


def claims_figure(
    endpoint_rows: pd.DataFrame,
    arm_endpoints: pd.DataFrame,
    summary: pd.DataFrame,
    claims: list[dict[str, Any]],
    confidence: float = 0.95,
) -> plt.Figure:
    """One study's claims, one panel each: every seed's value of the claim's endpoint per arm.

    Every seed is a dot (an open triangle at its budget when it never reached the target),
    the arm's mean (geometric for a ratio endpoint) a black bar with its confidence
    interval, and, where the endpoint is the one the slide reports, the slide's single run a
    red cross. The tables hold one study's rows.
    """
    figure, grid = plt.subplots(
        1, len(claims), figsize=(3.4 * len(claims) + 0.6, 3.4), layout="constrained", squeeze=False
    )
    rng = np.random.default_rng(0)  # Fixed jitter: the same figure on every rebuild.
    for axes, claim in zip(grid.flat, claims):
        key = claim["endpoint"]
        spec, _ = parse_key(key)
        rows = endpoint_rows[endpoint_rows["endpoint"] == key]
        described = arm_endpoints[arm_endpoints["endpoint"] == key].sort_values("role")
        for position, arm in enumerate(described.itertuples()):
            arm_rows = rows[rows["role"] == arm.role]
            censored = arm_rows["censored"].astype(bool).to_numpy()
            values = arm_rows["value"].to_numpy(dtype=float)
            jitter = position + rng.uniform(-0.09, 0.09, len(values))
            colour = ARM_COLOURS.get(arm.role, "grey")
            axes.scatter(
                jitter[~censored],
                values[~censored],
                s=26,
                color=colour,
                alpha=0.75,
                zorder=3,
                label="one seed" if position == 0 else None,
            )
            if censored.any():
                axes.scatter(
                    jitter[censored],
                    values[censored],
                    s=34,
                    marker="^",
                    facecolors="none",
                    edgecolors=colour,
                    zorder=3,
                    label="censored (at its budget)",
                )
            if pd.notna(arm.ci_low) and pd.notna(arm.ci_high):
                axes.errorbar(
                    position + 0.2,
                    arm.mean,
                    yerr=[[arm.mean - arm.ci_low], [arm.ci_high - arm.mean]],
                    fmt="none",
                    ecolor="black",
                    capsize=3,
                    lw=1.2,
                    zorder=4,
                    label=f"{level(confidence)} CI of the mean" if position == 0 else None,
                )
            axes.hlines(
                arm.mean,
                position - 0.22,
                position + 0.22,
                color="black",
                lw=2,
                zorder=4,
                label=("geometric mean" if spec.scale == "ratio" else "mean") + " over seeds"
                if position == 0
                else None,
            )
            slide = summary.loc[summary["role"] == arm.role, "slide_accuracy"]
            if spec.slide and len(slide) and pd.notna(slide.iloc[0]):
                axes.scatter(
                    position + 0.34,
                    slide.iloc[0],
                    marker="x",
                    s=55,
                    color=SLIDE_COLOUR,
                    zorder=5,
                    label="slide (one run)" if position == 0 else None,
                )
        axes.set_xticks(
            range(len(described)), [f"{arm.role}: {arm.arm}" for arm in described.itertuples()]
        )
        axes.set_xlim(-0.6, len(described) - 0.4)
        _endpoint_axis(axes, key)
        axes.set_title(
            f"{describe_key(key)}\nclaim: {expect_phrase(claim['expect'], key)}",
            fontsize=8,
        )
        axes.grid(axis="y", alpha=0.3)
        axes.legend(fontsize=6.5, frameon=False, loc="best")
    return figure


def _arm_lines(axes: plt.Axes, solid: Any, dashed: Any, colour: str, labels: tuple) -> None:
    """One arm's two curves over its seeds (grouped by step): the mean of ``solid`` with the
    seeds' range as a band, and the mean of ``dashed`` as a dashed line."""
    steps = np.asarray(list(solid.groups), dtype=float)
    axes.plot(steps, solid.mean(), color=colour, lw=1.8, label=labels[0])
    axes.fill_between(steps, solid.min(), solid.max(), color=colour, alpha=0.2, lw=0)
    axes.plot(steps, dashed.mean(), color=colour, lw=1.2, ls="--", label=labels[1])


def learning_curves_figure(curves: pd.DataFrame) -> plt.Figure:
    """Test accuracy and loss per epoch of one study's arms.

    The line is the mean over seeds, the band spans the seeds' minimum to maximum, and the
    dashed line is the training-set value as Keras reports it during the epoch: a running
    average over the epoch's batches, with dropout active (the probe figure has the
    inference-mode training curve).
    """
    figure, (accuracy_axes, loss_axes) = plt.subplots(
        1, 2, figsize=(7.2, 2.9), layout="constrained"
    )
    for (role, arm), rows in curves.groupby(["role", "arm"], sort=True):
        colour = ARM_COLOURS.get(role, "grey")
        by_epoch = rows.groupby("epoch")
        for axes, metric in ((accuracy_axes, "accuracy"), (loss_axes, "loss")):
            _arm_lines(
                axes,
                by_epoch[f"test_{metric}"],
                by_epoch[f"train_{metric}"],
                colour,
                (f"{role}: {arm}, test", f"{role}: {arm}, train (running avg.)"),
            )
    accuracy_axes.set_ylabel("accuracy (fraction correct)")
    accuracy_axes.set_ylim(0, 1.02)
    loss_axes.set_ylabel("loss (the arm's training loss)")
    for axes in (accuracy_axes, loss_axes):
        axes.set_xlabel("epoch")
        axes.grid(alpha=0.3)
    accuracy_axes.legend(fontsize=7, frameon=False, loc="lower right")
    return figure


def confusion_figure(
    confusion: pd.DataFrame, item: str = "class", class_names: tuple[str, ...] | None = None
) -> plt.Figure:
    """Confusion matrix as row percentages (each true class sums to 100 %).

    ``item`` names what a class is ("digit"); ``class_names`` label the classes in order
    (default: the class numbers of the table).
    """
    counts = confusion.filter(like="predicted_").to_numpy(dtype=float)
    percent = 100 * counts / counts.sum(axis=1, keepdims=True).clip(min=1)
    figure, axes = plt.subplots(figsize=(4.6, 4.0), layout="constrained")
    image = axes.imshow(percent, cmap="Blues", vmin=0, vmax=100)
    for (row, column), value in np.ndenumerate(percent):
        if value >= 0.5:
            axes.text(
                column,
                row,
                f"{value:.0f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value > 60 else "black",
            )
    labels = list(class_names) if class_names else confusion["true"].astype(str).tolist()
    long_names = max(map(len, labels)) > 2
    axes.set_xticks(range(len(labels)), labels, rotation=90 if long_names else 0)
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel(f"predicted {item}")
    axes.set_ylabel(f"true {item}")
    figure.colorbar(image, ax=axes, label="% of the true class", shrink=0.8)
    return figure


def probe_figure(probes: pd.DataFrame, claims: list[dict[str, Any]]) -> plt.Figure:
    """The probe's accuracy and cross-entropy against weight updates (log axis) per arm.

    Solid: the probe's training images, dashed: its test images, both scored in inference
    mode; the line is the mean over seeds, the band the seeds' range of the training curve.
    A claim's target on a probe curve is a dotted line.
    """
    figure, panels = plt.subplots(1, 2, figsize=(7.2, 2.9), layout="constrained")
    measures = ("accuracy", "crossentropy")
    probes = probes[probes["update"] >= 1]
    for (role, arm), rows in probes.groupby(["role", "arm"], sort=True):
        colour = ARM_COLOURS.get(role, "grey")
        by_update = rows.groupby("update")
        for axes, measure in zip(panels, measures):
            _arm_lines(
                axes,
                by_update[f"train_{measure}"],
                by_update[f"test_{measure}"],
                colour,
                (f"{role}: {arm}, train", f"{role}: {arm}, test"),
            )
    for claim in claims:
        _, parameters = parse_key(claim["endpoint"])
        curve = parameters.get("curve")
        if "target" in parameters and curve in PROBE_CURVES:
            axes = panels[measures.index(curve.partition("_")[2])]
            axes.axhline(
                parameters["target"],
                color="black",
                ls=":",
                lw=1,
                label=f"target: {curve_title(curve)} {parameters['target']:g}",
            )
    panels[0].set_ylabel("accuracy (fraction correct)")
    panels[0].set_ylim(0, 1.02)
    panels[1].set_ylabel("cross-entropy (nats)")
    for axes in panels:
        axes.set_xscale("log")
        axes.set_xlabel("weight updates")
        axes.grid(alpha=0.3)
    panels[0].legend(fontsize=6.5, frameon=False, loc="lower right")
    panels[1].legend(fontsize=6.5, frameon=False, loc="upper right")
    return figure


def layers_figure(layers: pd.DataFrame) -> plt.Figure:
    """The slides' picture, measured: each Dense layer's gradient size at initialisation and
    how far its weights moved by the end, by layer from the input to the output.

    One line per arm: the mean over seeds, the band from the lowest to the highest seed; both
    axes logarithmic in size, the last point is the output layer.
    """
    figure, (gradient_axes, change_axes) = plt.subplots(
        1, 2, figsize=(7.6, 3.0), layout="constrained"
    )
    for (role, arm), rows in layers.groupby(["role", "arm"], sort=True):
        colour = ARM_COLOURS.get(role, "grey")
        last = rows.groupby("seed")["update"].transform("max")
        for axes, column, at in (
            (gradient_axes, "bias_gradient", rows["update"] == 0),
            (change_axes, "kernel_change", rows["update"] == last),
        ):
            by_layer = rows[at].groupby("layer")[column]
            index = np.asarray(list(by_layer.groups), dtype=float)
            axes.plot(
                index, by_layer.mean(), "o-", color=colour, lw=1.6, ms=3.5, label=f"{role}: {arm}"
            )
            axes.fill_between(index, by_layer.min(), by_layer.max(), color=colour, alpha=0.2, lw=0)
    gradient_axes.set_ylabel("gradient size (RMS over biases)")
    gradient_axes.set_title("at initialisation", fontsize=8.5)
    change_axes.set_ylabel("weight change ||W − W₀|| / ||W₀||")
    change_axes.set_title("at the end of training", fontsize=8.5)
    for axes in (gradient_axes, change_axes):
        axes.set_yscale("log")
        axes.set_xlabel("Dense layer (1: next to the input; last: output)")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
        axes.legend(fontsize=7, frameon=False, loc="best")
    return figure


def speed_figure(
    endpoint_rows: pd.DataFrame, runs: pd.DataFrame, claims: list[dict[str, Any]]
) -> plt.Figure:
    """For each speed claim of a study: the fraction of seeds at the target against updates.

    One step curve per arm (an empirical CDF, as COCO draws runtimes): it rises by 1/n at
    each seed's updates to the target and ends at the arm's budget (dotted); a censored seed
    never reached the target and never counts, so a curve that stays below 1 has censored
    seeds.
    """
    speed = [claim for claim in claims if parse_key(claim["endpoint"])[0].censors]
    figure, grid = plt.subplots(
        1,
        max(1, len(speed)),
        figsize=(4.2 * max(1, len(speed)), 3.0),
        layout="constrained",
        squeeze=False,
    )
    for axes, claim in zip(grid.flat, speed):
        rows = endpoint_rows[endpoint_rows["endpoint"] == claim["endpoint"]]
        for role, arm_rows in rows.groupby("role", sort=True):
            colour = ARM_COLOURS.get(role, "grey")
            budget = float(runs.loc[runs["role"] == role, "updates"].astype(float).max())
            reached = np.sort(
                arm_rows.loc[~arm_rows["censored"].astype(bool), "value"].to_numpy(dtype=float)
            )
            n = len(arm_rows)
            x = np.concatenate([[1.0], reached, [budget]])
            y = np.concatenate([[0.0], np.arange(1, len(reached) + 1) / n, [len(reached) / n]])
            axes.step(
                x, y, where="post", color=colour, lw=1.8, label=f"{role}: {arm_rows['arm'].iloc[0]}"
            )
            axes.axvline(budget, color=colour, ls=":", lw=1)
        axes.set_xscale("log")
        axes.set_ylim(-0.02, 1.05)
        axes.set_xlabel("weight updates (dotted: the arm's budget)")
        axes.set_ylabel("fraction of seeds at the target")
        axes.set_title(describe_key(claim["endpoint"]), fontsize=8)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=7, frameon=False, loc="upper left")
    return figure


def forest_figure(findings: pd.DataFrame) -> plt.Figure:
    """Every claim's effect in its own unit with its CI, the ±Δ band, the verdict as colour.

    One row per claim of the config's studies (sweep points are left to the robustness map):
    B − A for a difference, B / A on a log axis for a ratio; the grey band holds the effects
    too small to matter, the thin line marks no effect. Each row has an axis of its own (the
    units differ), and its effect and interval are written beside it.
    """
    rows = findings[findings["axis"].fillna("") == ""].reset_index(drop=True)
    count = max(1, len(rows))
    figure, grid = plt.subplots(
        count,
        1,
        figsize=(8.2, 0.62 * count + 0.25),
        squeeze=False,
        gridspec_kw={"hspace": 1.25},
    )
    figure.subplots_adjust(left=0.33, right=0.74, top=1 - 0.1 / count, bottom=0.25 / count)
    for axes, row in zip(grid.flat, rows.itertuples()):
        finding = row._asdict()
        ratio = row.scale == "ratio"
        convert = np.exp if ratio else (lambda value: value)
        centre, low, high = (convert(value) for value in (row.mean_diff, row.ci_low, row.ci_high))
        size = float(row.smallest_effect)
        band = (1 / size, size) if ratio else (-size, size)
        none = 1.0 if ratio else 0.0
        axes.axvspan(*band, color="#d0d7de", alpha=0.6, lw=0)
        axes.axvline(none, color="black", lw=0.6)
        colour = VERDICT_COLOURS.get(row.verdict, "grey")
        if pd.notna(low) and pd.notna(high):
            axes.hlines(0, low, high, color=colour, lw=2.2)
        axes.plot([centre], [0], "o", color=colour, ms=6)
        values = [value for value in (low, high, centre, none, *band) if pd.notna(value)]
        if ratio:
            axes.set_xscale("log")
            margin = (max(values) / min(values)) ** 0.1
            axes.set_xlim(min(values) / margin, max(values) * margin)
        else:
            margin = (max(values) - min(values)) * 0.1
            axes.set_xlim(min(values) - margin, max(values) + margin)
            axes.xaxis.set_major_locator(MaxNLocator(5))
        axes.set_ylim(-1, 1)
        axes.set_yticks([])
        axes.tick_params(axis="x", labelsize=6.5, pad=1, length=2)
        # A claim named after its endpoint is shown by the endpoint's words.
        name = describe_key(row.endpoint) if row.claim == row.endpoint else row.claim
        axes.text(
            -0.03,
            0.5,
            f"{row.title}: {name}\n{expect_phrase(row.expect, row.endpoint)}",
            transform=axes.transAxes,
            ha="right",
            va="center",
            fontsize=7.5,
        )
        axes.text(
            1.03,
            0.5,
            # Three lines, so that a long interval (×0.000151 to ×0.000184) stays on the page.
            f"{row.verdict}\n{effect_name(finding)} = {effect(finding, row.mean_diff)}\n"
            + effect_interval(finding, row.ci_low, row.ci_high).replace("-", "−"),
            transform=axes.transAxes,
            ha="left",
            va="center",
            fontsize=7,
            color=colour,
        )
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
    return figure


# The report's badge colours (report_templates/report.css).
VERDICT_COLOURS = {
    "REPRODUCED": "#1a7f37",
    "REVERSED": "#b42318",
    "DIRECTION ONLY": "#6f42c1",
    "NEGLIGIBLE": "#57606a",
    "INCONCLUSIVE": "#9a6700",
}


def robustness_figure(findings: pd.DataFrame, sweeps: list[dict[str, Any]]) -> plt.Figure:
    """Each claim's effect across each sweep axis it is swept on.

    One panel per claim and axis: the effect (B − A, or B / A on a log axis for a ratio
    endpoint) with its confidence interval at every setting, the marker coloured by the
    verdict there, the band of effects too small to matter shaded, and the slide's own
    setting marked with a dotted line.
    """
    panels = []
    for axis in sweeps:
        points = findings[findings["axis"].fillna("") == axis["name"]]
        for study, claim in dict.fromkeys(zip(points["origin"], points["claim"])):
            slide = findings[(findings["study"] == study) & (findings["claim"] == claim)]
            at_points = points[(points["origin"] == study) & (points["claim"] == claim)]
            rows = pd.concat(
                [slide.assign(axis_value=axis["slide_value"]), at_points], ignore_index=True
            )
            rows = rows.assign(axis_value=rows["axis_value"].astype(float))
            panels.append((axis, rows.sort_values("axis_value")))
    columns = min(3, max(1, len(panels)))
    lines = max(1, -(-len(panels) // columns))
    figure, grid = plt.subplots(
        lines, columns, figsize=(3.4 * columns, 2.8 * lines), layout="constrained", squeeze=False
    )
    for axes in grid.flat[len(panels) :]:
        axes.set_visible(False)
    for axes, (axis, rows) in zip(grid.flat, panels):
        ratio = rows["scale"].iloc[0] == "ratio"
        convert = np.exp if ratio else (lambda value: value)
        x = rows["axis_value"].to_numpy(dtype=float)
        centre = convert(rows["mean_diff"].astype(float))
        size = float(rows["smallest_effect"].iloc[0])
        axes.axhspan(
            *((1 / size, size) if ratio else (-size, size)),
            color="#d0d7de",
            alpha=0.6,
            lw=0,
            label="too small to matter",
        )
        axes.axhline(1.0 if ratio else 0.0, color="black", lw=0.6)
        axes.axvline(float(axis["slide_value"]), color=SLIDE_COLOUR, ls=":", lw=1.2, label="slide")
        axes.errorbar(
            x,
            centre,
            yerr=[
                centre - convert(rows["ci_low"].astype(float)),
                convert(rows["ci_high"].astype(float)) - centre,
            ],
            fmt="-",
            color="grey",
            lw=0.8,
            capsize=3,
            zorder=2,
        )
        for verdict, group in rows.groupby("verdict"):
            axes.scatter(
                group["axis_value"].astype(float),
                convert(group["mean_diff"].astype(float)),
                s=30,
                zorder=3,
                color=VERDICT_COLOURS.get(verdict, "grey"),
                label=verdict.lower(),
            )
        if axis.get("scale") == "log":
            axes.set_xscale("log")
        if ratio:
            axes.set_yscale("log")
        first = rows.iloc[0]
        axes.set_title(f"{first['title']}: {first['claim']} ({first['expect']})", fontsize=8.5)
        axes.set_xlabel(axis["hyperparameter"])
        axes.set_ylabel(f"{'B / A' if ratio else 'B − A'}, {parse_key(first['endpoint'])[0].unit}")
        axes.grid(alpha=0.3)
        axes.legend(fontsize=6, frameon=False, loc="best")
    return figure


def tuning_figure(tuning: pd.DataFrame, sensitivity: pd.DataFrame | None = None) -> plt.Figure:
    """Each tuned study's arms: mean validation accuracy (± sd over seeds) across the grid.

    One panel per tuned study, one line per arm, the chosen value starred. With
    ``sensitivity`` (``tuning.sensitivity_table``) each arm's band of values within Δ of its
    best is shaded in its colour and its width is in the legend: how carefully it must be set.
    """
    studies = list(tuning.groupby("study", sort=False))
    figure, grid = plt.subplots(
        1,
        max(1, len(studies)),
        figsize=(4.0 * max(1, len(studies)), 3.0),
        layout="constrained",
        squeeze=False,
    )
    bands = {}
    if sensitivity is not None and len(sensitivity):
        bands = {(row.study, row.role): row for row in sensitivity.itertuples()}
    for axes, (study, arms) in zip(grid.flat, studies):
        for role, rows in arms.groupby("role", sort=True):
            rows = rows.sort_values("candidate")
            values = rows["candidate"].astype(float)
            colour = ARM_COLOURS.get(role, "grey")
            label = f"{role}: {rows['arm'].iloc[0]}"
            band = bands.get((study, role))
            if band is not None:
                label += f" (within Δ of its best: ×{band.width:.3g} wide)"
                axes.axvspan(band.low, band.high, color=colour, alpha=0.12, lw=0)
            axes.errorbar(
                values,
                rows["validation_mean"],
                yerr=rows["validation_sd"].fillna(0),
                fmt="o-",
                color=colour,
                capsize=3,
                ms=4,
                label=label,
            )
            chosen = rows[rows["selected"].astype(bool)]
            axes.scatter(
                chosen["candidate"].astype(float),
                chosen["validation_mean"],
                marker="*",
                s=160,
                color="black",
                zorder=4,
                label="chosen" if role == "A" else None,
            )
        values = arms["candidate"].astype(float)
        if values.min() > 0 and values.max() / values.min() >= 10:
            axes.set_xscale("log")
        axes.set_title(str(study), fontsize=8.5)
        axes.set_xlabel(str(arms["hyperparameter"].iloc[0]))
        axes.set_ylabel("validation accuracy")
        axes.grid(alpha=0.3)
        axes.legend(fontsize=6.5, frameon=False, loc="lower center")
    return figure


# --- The registry: which figures exist, what they read, how the report introduces them. ---


@dataclass(frozen=True)
class FigureSpec:
    """One figure: how to draw it from tables, which tables it reads, and its caption.

    ``draw(tables, labels)`` gets the tables by name and ``labels``: ``study`` and its
    ``claims`` (per-study figures), ``confidence``, ``item``, ``class_names`` and ``sweeps``
    (the sweep axes). ``alt`` and ``caption`` may use ``{title}``, ``{level}`` and
    ``{item}``. A ``wide`` figure takes a full row in the report. ``needs`` names what the
    experiment (for a per-study figure: the study) must have for the figure to exist, as
    ``Experiment.features`` spells it: "sweeps", "tuning", "endpoint:<name>". A run figure's
    ``section`` is the report section that shows it: "headline", "final-model",
    "robustness" or "tuning".
    """

    draw: Callable[[dict[str, pd.DataFrame], dict[str, Any]], plt.Figure]
    tables: tuple[str, ...]
    alt: str
    caption: str
    wide: bool = False
    needs: str | None = None
    section: str = ""


def _rows_of(table: pd.DataFrame, study: str) -> pd.DataFrame:
    return table[table["study"] == study]


STUDY_FIGURES: dict[str, FigureSpec] = {
    "claims": FigureSpec(
        draw=lambda tables, labels: claims_figure(
            _rows_of(tables["endpoints"], labels["study"]),
            _rows_of(tables["arm_endpoints"], labels["study"]),
            _rows_of(tables["summary"], labels["study"]),
            labels["claims"],
            confidence=labels["confidence"],
        ),
        tables=("endpoints", "arm_endpoints", "summary"),
        alt="Every seed's value of each claim's endpoint, both arms of the {title} study",
        caption="Each claim's endpoint: every seed a dot (an open triangle: never reached the "
        "target, drawn at its budget), the mean a bar with its {level} CI (geometric on a log "
        "axis), the slide's value a red cross.",
        wide=True,
    ),
    "curves": FigureSpec(
        draw=lambda tables, labels: learning_curves_figure(
            _rows_of(tables["curves"], labels["study"])
        ),
        tables=("curves",),
        alt="Learning curves of the {title} study",
        caption=(
            "Per epoch: test accuracy and loss "
            "(mean line, band from the lowest to the highest seed); "
            "dashed: the training set as Keras reports it during the epoch (a running "
            "average, with dropout active)."
        ),
        wide=True,
    ),
    "probe": FigureSpec(
        draw=lambda tables, labels: probe_figure(
            _rows_of(tables["probes"], labels["study"]), labels["claims"]
        ),
        tables=("probes",),
        alt="Probe curves against weight updates of the {title} study",
        caption="The probe against weight updates (log axis): accuracy and cross-entropy of a "
        "fixed set of training images (solid, band: the seeds' range) and test images (dashed), "
        "in inference mode; dotted: a claim's target.",
        wide=True,
    ),
    "layers": FigureSpec(
        draw=lambda tables, labels: layers_figure(_rows_of(tables["layers"], labels["study"])),
        tables=("layers",),
        alt="Gradient size and weight change by layer, {title} study",
        caption="The mechanism, measured layer by layer (1 = next to the input): left, the "
        "gradient of the loss at initialisation; right, how far each layer's weights moved by "
        "the end of training (mean line, band from the lowest to the highest seed; log scales).",
        wide=True,
        needs="endpoint:gradient_ratio",
    ),
    "speed": FigureSpec(
        draw=lambda tables, labels: speed_figure(
            _rows_of(tables["endpoints"], labels["study"]),
            _rows_of(tables["runs"], labels["study"]),
            labels["claims"],
        ),
        tables=("endpoints", "runs"),
        alt="Fraction of seeds at the target against weight updates, {title} study",
        caption="How fast each arm gets there: the fraction of seeds that have reached the "
        "target after so many weight updates (log axis); a curve below 1 at its budget (dotted) "
        "has seeds that never reached it.",
        needs="endpoint:updates_to_target",
    ),
}

RUN_FIGURES: dict[str, FigureSpec] = {
    "forest": FigureSpec(
        draw=lambda tables, labels: forest_figure(tables["findings"]),
        tables=("findings",),
        alt="Every claim's effect with its confidence interval, coloured by its verdict",
        caption="Every claim's effect in its own unit (B − A, or B / A on a log axis) with its "
        "{level} CI, coloured by its verdict; grey band: too small to matter (±Δ); thin line: "
        "no effect.",
        wide=True,
        section="headline",
    ),
    "confusion": FigureSpec(
        draw=lambda tables, labels: confusion_figure(
            tables["confusion"], item=labels["item"], class_names=labels["class_names"]
        ),
        tables=("confusion",),
        alt="Confusion matrix of the best arm",
        caption="Rows: true {item}; cells: % of that {item} predicted as each column.",
        section="final-model",
    ),
    "robustness": FigureSpec(
        draw=lambda tables, labels: robustness_figure(tables["findings"], labels["sweeps"]),
        tables=("findings",),
        alt="Each claim's effect across its sweep axes",
        caption="Each claim's effect with its {level} CI at every setting of each sweep axis, "
        "coloured by the verdict there; grey band: too small to matter; dotted red line: the "
        "slide's setting.",
        wide=True,
        needs="sweeps",
        section="robustness",
    ),
    "tuning": FigureSpec(
        draw=lambda tables, labels: tuning_figure(tables["tuning"], tables["sensitivity"]),
        tables=("tuning", "sensitivity"),
        alt="Validation accuracy of each tuned arm across its grid",
        caption="Mean validation accuracy (± sd over the seeds) of every candidate, one line per "
        "arm; the star is the one chosen, the shading each arm's values within Δ of its best "
        "(how carefully it must be set). The test set plays no part in the choice.",
        wide=True,
        needs="tuning",
        section="tuning",
    ),
}
# The report sections a run figure can belong to, in page order.
SECTIONS = ("headline", "robustness", "tuning", "final-model")


def figure_spec(name: str) -> FigureSpec:
    """The registered figure ``name`` (a study figure or a run figure)."""
    spec = STUDY_FIGURES.get(name) or RUN_FIGURES.get(name)
    if spec is None:
        raise ValueError(
            f"unknown figure {name!r} (known: {', '.join([*STUDY_FIGURES, *RUN_FIGURES])})"
        )
    return spec


def figures_of(features: set[str]) -> tuple[list[str], list[str]]:
    """The study figures and run figures whose ``needs`` ``features`` satisfy, by name."""
    return (
        [name for name, spec in STUDY_FIGURES.items() if spec.needs in (None, *features)],
        [name for name, spec in RUN_FIGURES.items() if spec.needs in (None, *features)],
    )

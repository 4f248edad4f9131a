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

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter  # noqa: E402

from tipsbench.endpoints import (  # noqa: E402
    PROBE_CURVES,
    EndpointRef,
    curve_title,
    references,
    with_references,
)
from tipsbench.stats import score_values  # noqa: E402
from tipsbench.wording import (  # noqa: E402
    POINTS,
    effect,
    effect_unit,
    level,
)

ARM_COLOURS = {"A": "#4c72b0", "B": "#dd8452"}
SLIDE_COLOUR = "#c44e52"
# SVG text stays text (selectable, sharp in the PDF) and the output is byte-stable.
matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "tipsbench", "font.size": 9})


def _paired(
    endpoint_rows: pd.DataFrame, reference: EndpointRef, diverged_score: str = "final_weights"
) -> pd.DataFrame:
    """One claim's arms paired by seed: A's and B's value and whether either is censored, a
    diverged run scored as the statistics score it (``stats.score_values``)."""
    rows = endpoint_rows[endpoint_rows["endpoint"] == reference.key]
    rows = rows.assign(value=score_values(rows, diverged_score, reference.spec.censors))
    arms = {
        role: rows[rows["role"] == role].set_index("seed")[["value", "censored"]]
        for role in ("A", "B")
    }
    paired = arms["A"].add_suffix("_a").join(arms["B"].add_suffix("_b"), how="inner")
    paired["censored"] = paired["censored_a"].astype(bool) | paired["censored_b"].astype(bool)
    return paired.dropna(subset=["value_a", "value_b"])


def _effect_scale(finding: pd.Series | dict[str, Any]) -> tuple[Callable, str]:
    """How a claim's effect is drawn: a function from the analysis scale (B − A, or log(B / A))
    to the axis, and the axis label in the reader's units."""
    spec = finding["ref"].spec
    if finding["scale"] == "ratio":
        return np.exp, "B / A (log scale; 1: no effect)"
    label = f"B − A ({effect_unit(finding)})"
    if spec.reader == "percent":
        return (lambda value: np.asarray(value, dtype=float) * POINTS), label
    return (lambda value: np.asarray(value, dtype=float)), label


def effects_figure(
    endpoint_rows: pd.DataFrame,
    findings: pd.DataFrame,
    claims: list[dict[str, Any]],
    confidence: float = 0.95,
    diverged_score: str = "final_weights",
) -> plt.Figure:
    """One study's claims, one panel each: the paired effect of B over A on every seed.

    Each seed's B − A (or B / A on a log axis) is a dot (an open triangle where a run never
    reached its target), the mean a black bar with the verdict's confidence interval (over the
    seeds, and the test images where the endpoint has them), the band of effects too small to
    matter (±Δ) grey, no effect a thin line, and where the endpoint is the one the slide
    reports, the slide's own single-run difference a red cross. Axes in the reader's units
    (accuracy in percentage points), scaled to resolve the effect. The tables hold one study's
    rows; a diverged run is scored as ``diverged_score`` (the statistics setting) says.
    """
    figure, grid = plt.subplots(
        1, len(claims), figsize=(2.7 * len(claims) + 0.9, 2.7), layout="constrained", squeeze=False
    )
    rng = np.random.default_rng(0)  # Fixed jitter: the same figure on every rebuild.
    for axes, claim in zip(grid.flat, claims):
        rows = findings[findings["claim"] == claim["name"]]
        if not len(rows):
            axes.set_visible(False)
            continue
        paired = _paired(endpoint_rows, claim["endpoint"], diverged_score)
        _effect_panel(axes, rows.iloc[0], claim, paired, confidence, rng)
    _outside_legend(figure, grid, columns=3)
    return figure


def _effect_panel(
    axes: plt.Axes,
    finding: pd.Series,
    claim: dict[str, Any],
    paired: pd.DataFrame,
    confidence: float,
    rng: np.random.Generator,
) -> None:
    """One claim's panel of ``effects_figure`` (``paired``: its arms' values by seed)."""
    reference = claim["endpoint"]
    convert, label = _effect_scale({**finding.to_dict(), "unit": claim.get("unit", "")})
    ratio = finding["scale"] == "ratio"
    values = paired["value_b"].to_numpy(float)
    base = paired["value_a"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        differences = values / base if ratio else convert(values - base)
    censored = paired["censored"].to_numpy(bool)
    size = float(finding["smallest_effect"])
    band = (1 / size, size) if ratio else tuple(convert(np.array([-size, size])))
    none = 1.0 if ratio else 0.0
    axes.axhspan(*band, color="#d0d7de", alpha=0.6, lw=0, label="too small to matter (±Δ)")
    axes.axhline(none, color="black", lw=0.7)
    jitter = rng.uniform(-0.12, 0.12, len(differences))
    axes.scatter(
        jitter[~censored],
        differences[~censored],
        s=26,
        color=ARM_COLOURS["B"],
        alpha=0.8,
        zorder=3,
        label="one seed",
    )
    if censored.any():
        axes.scatter(
            jitter[censored],
            differences[censored],
            s=34,
            marker="^",
            facecolors="none",
            edgecolors=ARM_COLOURS["B"],
            zorder=3,
            label="a run censored (at its budget)",
        )
    mean = convert(float(finding["mean_diff"]))
    low, high = (convert(float(finding[end])) for end in ("ci_low", "ci_high"))
    if pd.notna(low) and pd.notna(high):
        axes.errorbar(
            0.35,
            mean,
            yerr=[[mean - low], [high - mean]],
            fmt="o",
            color="black",
            ms=4,
            capsize=3,
            lw=1.4,
            zorder=4,
            label=f"mean, {level(confidence)} CI"
            + (" (geometric)" if ratio else "")
            + (", seeds and test images" if finding["sources"] != "seeds" else ""),
        )
    slide = finding.get("slide_diff")
    slide_at = [convert(float(slide))] if pd.notna(slide) else []
    for value in slide_at:
        axes.scatter(
            0.6,
            value,
            marker="x",
            s=55,
            color=SLIDE_COLOUR,
            zorder=5,
            label="slide (one run)",
        )
    if ratio:
        _log_ratio_axis(axes.yaxis)
    shown = [value for value in (*differences, *band, none, low, high) if pd.notna(value)]
    _resolve(axes, shown + slide_at, ratio)
    axes.set_xlim(-0.45, 0.9)
    axes.set_xticks([])
    axes.set_ylabel(label, fontsize=8)
    axes.set_title(
        "\n".join(
            (
                *textwrap.wrap(reference.describe(), 34),
                f"{finding['arm_b']} vs {finding['arm_a']}",
            )
        ),
        fontsize=8,
    )
    axes.grid(axis="y", alpha=0.3)


def _ratio_tick(value: float) -> str:
    """A tick of a log axis of ratios: 1/1,000, 0.5, 1, 10, 1,000."""
    if value <= 0:
        return ""
    if value < 0.1:
        return f"1/{1 / value:,.0f}"
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def _log_ratio_axis(axis: Any) -> None:
    """A log axis of ratios B / A, labelled as a reader reads them: 1/100, 0.5, 1, 10."""
    axis.axes.set_yscale("log") if axis.axis_name == "y" else axis.axes.set_xscale("log")
    axis.set_major_formatter(FuncFormatter(lambda value, _: _ratio_tick(value)))
    axis.set_minor_formatter(NullFormatter())


def _resolve(
    axes: plt.Axes,
    values: list[float],
    log: bool = False,
    share: float = 0.08,
    flat: float | None = None,
    axis: str = "y",
) -> None:
    """Limits of ``axis`` that show every value with a margin (``share`` of their range; on a
    log axis as a factor), so the effect is resolved, not squashed; values all alike get
    ``flat`` (by default a tenth of their size, or 1) on either side."""
    low, high = min(values), max(values)
    set_limits = axes.set_xlim if axis == "x" else axes.set_ylim
    if log:
        margin = (high / low) ** share if high > low else 2.0
        set_limits(low / margin, high * margin)
    else:
        alike = flat if flat is not None else abs(high) * 0.1 or 1.0
        margin = (high - low) * share or alike
        set_limits(low - margin, high + margin)


def _arm_lines(axes: plt.Axes, solid: Any, dashed: Any, colour: str, labels: tuple) -> None:
    """One arm's two curves over its seeds (grouped by step): the mean of ``solid`` with the
    seeds' range as a band, and the mean of ``dashed`` as a dashed line."""
    steps = np.asarray(list(solid.groups), dtype=float)
    axes.plot(steps, solid.mean(), color=colour, lw=1.8, label=labels[0])
    axes.fill_between(steps, solid.min(), solid.max(), color=colour, alpha=0.2, lw=0)
    axes.plot(steps, dashed.mean(), color=colour, lw=1.2, ls="--", label=labels[1])


def _outside_legend(figure: plt.Figure, axes: Any, columns: int = 4) -> None:
    """One legend for the figure, below its panels, so that it never covers data."""
    handles: dict[str, Any] = {}
    for panel in np.ravel(axes):
        for handle, text in zip(*panel.get_legend_handles_labels()):
            handles.setdefault(text, handle)
    if handles:
        figure.legend(
            handles.values(),
            handles.keys(),
            loc="outside lower center",
            ncol=min(columns, len(handles)),
            fontsize=7,
            frameon=False,
        )


def learning_curves_figure(
    curves: pd.DataFrame, probes: pd.DataFrame, losses: dict[str, str] | None = None
) -> plt.Figure:
    """Accuracy and loss per epoch of one study's arms.

    Accuracy: the test set per epoch (evaluated in inference mode after each epoch; the line is
    the mean over seeds, the band spans the seeds' minimum to maximum) and, dashed, the
    training images as the probe scores them, also in inference mode (never fit()'s running
    average with dropout on, which makes a dropout arm look worse than it is). Loss: each arm's
    own test loss per epoch; arms that train with different losses (``losses``: role -> loss)
    get a panel each, so that mean squared error and cross-entropy never share an axis.
    """
    losses = losses or {}
    groups = list(dict.fromkeys(losses.get(role, "") for role in sorted(curves["role"].unique())))
    figure, panels = plt.subplots(
        1,
        1 + max(1, len(groups)),
        figsize=(3.6 * (1 + max(1, len(groups))), 2.9),
        layout="constrained",
        squeeze=False,
    )
    accuracy_axes, loss_panels = panels[0][0], panels[0][1:]
    shown = []
    for (role, arm), rows in curves.groupby(["role", "arm"], sort=True):
        colour = ARM_COLOURS.get(role, "grey")
        by_epoch = rows.groupby("epoch")
        epochs = np.asarray(list(by_epoch.groups), dtype=float)
        test = by_epoch["test_accuracy"]
        accuracy_axes.plot(epochs, test.mean(), color=colour, lw=1.8, label=f"{role}: {arm}, test")
        accuracy_axes.fill_between(epochs, test.min(), test.max(), color=colour, alpha=0.2, lw=0)
        shown += [test.min().min(), test.max().max()]
        trained = probes[(probes["role"] == role) & (probes["update"] >= 1)]
        if len(trained):
            by_point = trained.groupby("epoch")["train_accuracy"].mean()
            accuracy_axes.plot(
                by_point.index,
                by_point,
                color=colour,
                lw=1.2,
                ls="--",
                label=f"{role}: {arm}, training images (probe)",
            )
            shown += [by_point.min(), by_point.max()]
        axes = loss_panels[groups.index(losses.get(role, ""))]
        loss = by_epoch["test_loss"]
        axes.plot(epochs, loss.mean(), color=colour, lw=1.8)
        axes.fill_between(epochs, loss.min(), loss.max(), color=colour, alpha=0.2, lw=0)
    accuracy_axes.set_ylabel("accuracy (fraction correct)")
    if shown:
        _resolve(accuracy_axes, [min(shown), min(1.0, max(shown))], share=0.06, flat=0.01)
    for axes, loss in zip(loss_panels, groups):
        axes.set_ylabel(f"test loss: {loss.replace('_', ' ') or 'the arm' + chr(39) + 's loss'}")
    for axes in np.ravel(panels):
        axes.set_xlabel("epoch")
        axes.grid(alpha=0.3)
    _outside_legend(figure, panels, columns=2)
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
        parameters = claim["endpoint"].parameters
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
    _outside_legend(figure, panels, columns=3)
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
    _outside_legend(figure, [gradient_axes, change_axes])
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
    speed = [claim for claim in claims if claim["endpoint"].spec.censors]
    figure, grid = plt.subplots(
        1,
        max(1, len(speed)),
        figsize=(4.2 * max(1, len(speed)), 3.0),
        layout="constrained",
        squeeze=False,
    )
    for axes, claim in zip(grid.flat, speed):
        rows = endpoint_rows[endpoint_rows["endpoint"] == claim["endpoint"].key]
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
        axes.set_title(claim["endpoint"].describe(), fontsize=8)
        axes.grid(alpha=0.3)
    _outside_legend(figure, grid)
    return figure


# How the forest plot groups claims: by the reader's unit of their effect, so that claims on
# one axis compare (tipsbench.endpoints: an endpoint's reader); loss claims group by their unit.
FOREST_GROUPS = {
    "percent": "accuracy claims: B − A in percentage points",
    "count": "ratio claims: B / A (log scale)",
    "ratio": "ratio claims: B / A (log scale)",
}


def forest_figure(findings: pd.DataFrame) -> plt.Figure:
    """Every claim's effect with its CI, the ±Δ band, the verdict as colour, grouped by unit.

    One row per claim of the config's studies (sweep points are left to the robustness map),
    named by its arms and endpoint. Claims read in accuracy points share one axis, claims on a
    ratio one log axis (B / A), claims on a loss one axis per unit (a row's ``unit``, where its
    claim has one of its own); each row's band holds the effects too small to matter
    (±Δ, per claim), the thin line no effect, and its verdict and effect stand beside it.
    """
    rows = findings[findings["axis"].fillna("") == ""].reset_index(drop=True)
    readers = [reference.spec.reader for reference in rows["ref"]]
    rows = rows.assign(
        group=[
            FOREST_GROUPS.get(reader)
            # A loss: one group per unit (nats for cross-entropy).
            or f"loss claims: B − A in {getattr(row, 'unit', '') or 'the loss unit'}"
            for reader, row in zip(readers, rows.itertuples())
        ]
    )
    groups = list(dict.fromkeys(rows["group"])) or [FOREST_GROUPS["percent"]]
    heights = [max(1, int((rows["group"] == group).sum())) for group in groups]
    figure, grid = plt.subplots(
        len(groups),
        1,
        figsize=(9.0, 0.36 * sum(heights) + 0.75 * len(groups) + 0.2),
        squeeze=False,
        gridspec_kw={"height_ratios": [height + 1.2 for height in heights], "hspace": 0.55},
    )
    figure.subplots_adjust(left=0.36, right=0.76, top=0.97, bottom=0.04)
    for axes, group in zip(grid.flat, groups):
        members = rows[rows["group"] == group].reset_index(drop=True)
        ratio = members["scale"].iloc[0] == "ratio" if len(members) else False
        # One unit per group: its first claim's scale serves them all.
        convert = _effect_scale(members.iloc[0])[0] if len(members) else None
        shown = []
        for position, row in enumerate(members.itertuples()):
            y = len(members) - 1 - position
            finding = row._asdict()
            centre, low, high = (
                float(convert(value)) for value in (row.mean_diff, row.ci_low, row.ci_high)
            )
            size = float(row.smallest_effect)
            band = (1 / size, size) if ratio else (float(convert(-size)), float(convert(size)))
            axes.fill_between(band, y - 0.4, y + 0.4, color="#d0d7de", alpha=0.7, lw=0)
            colour = VERDICT_COLOURS.get(row.verdict, "grey")
            if pd.notna(low) and pd.notna(high):
                axes.hlines(y, low, high, color=colour, lw=2.2)
            axes.plot([centre], [y], "o", color=colour, ms=5.5)
            shown += [value for value in (low, high, centre, *band) if pd.notna(value)]
            noun = row.ref.describe()
            axes.text(
                -0.02,
                y,
                f"{row.title}: {row.arm_b} vs {row.arm_a}\n{noun}",
                transform=axes.get_yaxis_transform(),
                ha="right",
                va="center",
                fontsize=7,
            )
            axes.text(
                1.02,
                y,
                f"{row.verdict}\n{effect(finding, row.mean_diff)}",
                transform=axes.get_yaxis_transform(),
                ha="left",
                va="center",
                fontsize=7,
                color=colour,
            )
        axes.axvline(1.0 if ratio else 0.0, color="black", lw=0.7)
        if ratio:
            _log_ratio_axis(axes.xaxis)
        if shown:
            _resolve(axes, shown, ratio, share=0.05, flat=1.0, axis="x")
        axes.set_ylim(-0.7, max(1, len(members)) - 0.3)
        axes.set_yticks([])
        axes.set_title(group, fontsize=8, loc="left")
        axes.tick_params(axis="x", labelsize=7)
        axes.grid(axis="x", alpha=0.3)
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
        first = rows.iloc[0]
        ratio = first["scale"] == "ratio"
        convert, label = _effect_scale(first)
        x = rows["axis_value"].to_numpy(dtype=float)
        centre = convert(rows["mean_diff"].astype(float))
        size = float(first["smallest_effect"])
        axes.axhspan(
            *((1 / size, size) if ratio else convert(np.array([-size, size]))),
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
            _log_ratio_axis(axes.yaxis)
        axes.set_title(f"{first['title']}: {first['claim']} ({first['expect']})", fontsize=8.5)
        axes.set_xlabel(axis["hyperparameter"])
        axes.set_ylabel(label)
        axes.grid(alpha=0.3)
    _outside_legend(figure, grid)
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
    ``claims`` (per-study figures), ``endpoints`` (every claim's endpoint), ``units`` (a
    claim's own unit), ``confidence``, ``diverged_score``, ``item``, ``class_names`` and
    ``sweeps`` (the sweep axes). ``alt`` and ``caption`` may
    use ``{title}``, ``{level}`` and ``{item}``. A ``wide`` figure takes a full row in the
    report. ``needs`` names what the experiment (for a per-study figure: the study) must have
    for the figure to exist, as
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


def _findings(tables: dict[str, pd.DataFrame], labels: dict[str, Any]) -> pd.DataFrame:
    """The findings table with each row's endpoint reference (``ref``) and the unit its claim
    reads in where that is its own (``unit``: nats for a cross-entropy loss), from the
    labels."""
    findings = with_references(tables["findings"], references(labels["endpoints"]))
    units = labels["units"]
    return findings.assign(
        unit=[
            units.get(f"{study}/{claim}", "")
            for study, claim in zip(findings["study"], findings["claim"])
        ]
    )


def _claims(labels: dict[str, Any]) -> list[dict[str, Any]]:
    """The study's claims (plain records) with each endpoint as its reference."""
    return [
        {**claim, "endpoint": EndpointRef.from_record(claim["endpoint"])}
        for claim in labels["claims"]
    ]


STUDY_FIGURES: dict[str, FigureSpec] = {
    "effects": FigureSpec(
        draw=lambda tables, labels: effects_figure(
            _rows_of(tables["endpoints"], labels["study"]),
            _rows_of(_findings(tables, labels), labels["study"]),
            _claims(labels),
            confidence=labels["confidence"],
            diverged_score=labels["diverged_score"],
        ),
        tables=("endpoints", "findings"),
        alt="The paired effect of each claim on every seed, {title} study",
        caption="Each claim's effect of B over A per seed (dots; open triangles: a run that never "
        "reached the target), its mean and {level} CI (black), ±Δ (grey: too small to matter), "
        "the slide's single run (red ×).",
        wide=True,
    ),
    "curves": FigureSpec(
        draw=lambda tables, labels: learning_curves_figure(
            _rows_of(tables["curves"], labels["study"]),
            _rows_of(tables["probes"], labels["study"]),
            {role: arm["loss"] for role, arm in labels["arms"].items()},
        ),
        tables=("curves", "probes"),
        alt="Learning curves of the {title} study",
        caption="Per epoch, in inference mode: test accuracy (solid; band from the lowest to "
        "the highest seed) and the probe's training images (dashed); right, each arm's own "
        "test loss (arms with different losses on panels of their own).",
        wide=True,
    ),
    "probe": FigureSpec(
        draw=lambda tables, labels: probe_figure(
            _rows_of(tables["probes"], labels["study"]), _claims(labels)
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
            _claims(labels),
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
        draw=lambda tables, labels: forest_figure(_findings(tables, labels)),
        tables=("findings",),
        alt="Every claim's effect with its confidence interval, coloured by its verdict",
        caption="Every claim's effect with its {level} CI, coloured by its verdict, claims on one "
        "unit on one axis (accuracy in percentage points; ratios B / A on a log axis); grey "
        "band: too small to matter (±Δ); thin line: no effect.",
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
        draw=lambda tables, labels: robustness_figure(_findings(tables, labels), labels["sweeps"]),
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

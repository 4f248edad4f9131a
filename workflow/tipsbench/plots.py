"""Figures drawn from the tables only: per-study dot plots and learning curves, a confusion matrix.

Every function returns a matplotlib ``Figure``; saving is the caller's business. Restyling
a plot never retrains a model. Colours: arm A blue, arm B orange, the slide's value red.

``STUDY_FIGURES`` (one figure per study) and ``RUN_FIGURES`` (one per run) register every
figure with the tables it reads and its caption: the rules, the report and its template
go through them, so a new figure is a drawing function and one entry here.
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

from tipsbench.wording import level  # noqa: E402

ARM_COLOURS = {"A": "#4c72b0", "B": "#dd8452"}
SLIDE_COLOUR = "#c44e52"
# SVG text stays text (selectable, sharp in the PDF) and the output is byte-stable.
matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "tipsbench", "font.size": 9})


def study_accuracy_figure(
    runs: pd.DataFrame, summary: pd.DataFrame, confidence: float = 0.95, title: str = ""
) -> plt.Figure:
    """Final test accuracy of one study's arms.

    Every seed is a dot, the mean a black bar with its confidence interval (the level the
    summary's intervals were computed at), the slide's single run a red cross. ``runs``
    and ``summary`` hold one study's rows.
    """
    figure, axes = plt.subplots(figsize=(4.6, 3.3), layout="constrained")
    rng = np.random.default_rng(0)  # Fixed jitter: the same figure on every rebuild.
    arms = summary.sort_values("role")
    for position, arm in enumerate(arms.itertuples()):
        values = runs.loc[runs["role"] == arm.role, "test_accuracy"].to_numpy(dtype=float)
        axes.scatter(
            position + rng.uniform(-0.09, 0.09, len(values)),
            values,
            s=26,
            color=ARM_COLOURS.get(arm.role, "grey"),
            alpha=0.75,
            zorder=3,
            label="one seed" if position == 0 else None,
        )
        low = getattr(arm, "test_accuracy_ci_low", np.nan)
        high = getattr(arm, "test_accuracy_ci_high", np.nan)
        if pd.notna(low) and pd.notna(high):
            axes.errorbar(
                position + 0.2,
                arm.test_accuracy_mean,
                yerr=[[arm.test_accuracy_mean - low], [high - arm.test_accuracy_mean]],
                fmt="none",
                ecolor="black",
                capsize=3,
                lw=1.2,
                zorder=4,
                label=f"{level(confidence)} CI of the mean" if position == 0 else None,
            )
        axes.hlines(
            arm.test_accuracy_mean,
            position - 0.22,
            position + 0.22,
            color="black",
            lw=2,
            zorder=4,
            label="mean over seeds" if position == 0 else None,
        )
        if pd.notna(arm.slide_accuracy):
            axes.scatter(
                position + 0.34,
                arm.slide_accuracy,
                marker="x",
                s=55,
                color=SLIDE_COLOUR,
                zorder=5,
                label="slide (one run)" if position == 0 else None,
            )
    axes.set_xticks(range(len(arms)), [f"{arm.role}: {arm.arm}" for arm in arms.itertuples()])
    axes.set_xlim(-0.6, len(arms) - 0.4)
    axes.set_ylim(0, 1.02)
    axes.set_ylabel("final test accuracy (fraction correct)")
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="lower center", fontsize=7.5, frameon=False, ncols=2, bbox_to_anchor=(0.5, 1.0))
    if title:
        axes.set_title(title, fontsize=9, pad=36)
    return figure


def learning_curves_figure(curves: pd.DataFrame) -> plt.Figure:
    """Test accuracy and loss per epoch of one study's arms.

    The line is the mean over seeds, the band spans the seeds' minimum to maximum, and the
    dashed line is the training-set value as Keras reports it during the epoch.
    """
    figure, (accuracy_axes, loss_axes) = plt.subplots(
        1, 2, figsize=(7.2, 2.9), layout="constrained"
    )
    for (role, arm), rows in curves.groupby(["role", "arm"], sort=True):
        colour = ARM_COLOURS.get(role, "grey")
        by_epoch = rows.groupby("epoch")
        for axes, metric in ((accuracy_axes, "accuracy"), (loss_axes, "loss")):
            test = by_epoch[f"test_{metric}"]
            epochs = np.asarray(list(test.groups))
            axes.plot(epochs, test.mean(), color=colour, lw=1.8, label=f"{role}: {arm}, test")
            axes.fill_between(epochs, test.min(), test.max(), color=colour, alpha=0.2, lw=0)
            axes.plot(
                epochs,
                by_epoch[f"train_{metric}"].mean(),
                color=colour,
                lw=1.2,
                ls="--",
                label=f"{role}: {arm}, train",
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


VERDICT_COLOURS = {
    "REPRODUCED": "#1a7f37",
    "REVERSED": "#b42318",
    "NEGLIGIBLE": "#57606a",
    "INCONCLUSIVE": "#9a6700",
}


def robustness_figure(findings: pd.DataFrame, sweeps: list[dict[str, Any]]) -> plt.Figure:
    """Each claim's paired difference B − A across each sweep axis it is swept on.

    One panel per claim and axis: the mean difference with its confidence interval at every
    setting, the marker coloured by the verdict there, the ±Δ band of differences too small
    to matter shaded, and the slide's own setting marked with a dotted line.
    """
    panels = []
    for axis in sweeps:
        points = findings[findings["axis"].fillna("") == axis["name"]]
        for claim in dict.fromkeys(points["origin"]):
            slide = findings[findings["study"] == claim].assign(axis_value=axis["slide_value"])
            rows = pd.concat([slide, points[points["origin"] == claim]], ignore_index=True)
            rows = rows.assign(axis_value=rows["axis_value"].astype(float))
            panels.append((axis, rows.sort_values("axis_value")))
    columns = min(3, max(1, len(panels)))
    lines = max(1, -(-len(panels) // columns))
    figure, grid = plt.subplots(
        lines, columns, figsize=(3.4 * columns, 2.7 * lines), layout="constrained", squeeze=False
    )
    for axes in grid.flat[len(panels) :]:
        axes.set_visible(False)
    for axes, (axis, rows) in zip(grid.flat, panels):
        x = rows["axis_value"].to_numpy(dtype=float)
        delta = float(rows["smallest_effect"].iloc[0])
        axes.axhspan(-delta, delta, color="#d0d7de", alpha=0.6, lw=0, label="within ±Δ")
        axes.axhline(0, color="black", lw=0.6)
        axes.axvline(float(axis["slide_value"]), color=SLIDE_COLOUR, ls=":", lw=1.2, label="slide")
        low = rows["mean_diff"] - rows["diff_ci_low"]
        high = rows["diff_ci_high"] - rows["mean_diff"]
        axes.errorbar(
            x,
            rows["mean_diff"],
            yerr=[low, high],
            fmt="-",
            color="grey",
            lw=0.8,
            capsize=3,
            zorder=2,
        )
        for verdict, group in rows.groupby("verdict"):
            axes.scatter(
                group["axis_value"].astype(float),
                group["mean_diff"],
                s=30,
                zorder=3,
                color=VERDICT_COLOURS.get(verdict, "grey"),
                label=verdict.lower(),
            )
        if axis.get("scale") == "log":
            axes.set_xscale("log")
        axes.set_title(f"{rows['title'].iloc[0]} ({rows['expect'].iloc[0]})", fontsize=8.5)
        axes.set_xlabel(axis["hyperparameter"])
        axes.set_ylabel("B − A, test accuracy")
        axes.grid(alpha=0.3)
        axes.legend(fontsize=6, frameon=False, loc="best")
    return figure


def tuning_figure(tuning: pd.DataFrame) -> plt.Figure:
    """Each tuned arm's mean validation accuracy (± sd over seeds) across its grid.

    The chosen value is starred.
    """
    arms = list(tuning.groupby(["study", "role"], sort=False))
    figure, grid = plt.subplots(
        1,
        max(1, len(arms)),
        figsize=(3.6 * max(1, len(arms)), 2.8),
        layout="constrained",
        squeeze=False,
    )
    for axes, ((_, role), rows) in zip(grid.flat, arms):
        rows = rows.sort_values("candidate")
        values = rows["candidate"].astype(float)
        axes.errorbar(
            values,
            rows["validation_mean"],
            yerr=rows["validation_sd"].fillna(0),
            fmt="o-",
            color=ARM_COLOURS.get(role, "grey"),
            capsize=3,
            ms=4,
        )
        chosen = rows[rows["selected"].astype(bool)]
        axes.scatter(
            chosen["candidate"].astype(float),
            chosen["validation_mean"],
            marker="*",
            s=160,
            color="black",
            zorder=4,
            label="chosen",
        )
        if values.min() > 0 and values.max() / values.min() >= 10:
            axes.set_xscale("log")
        axes.set_title(f"{role}: {rows['arm'].iloc[0]}", fontsize=8.5)
        axes.set_xlabel(str(rows["hyperparameter"].iloc[0]))
        axes.set_ylabel("validation accuracy")
        axes.grid(alpha=0.3)
        axes.legend(fontsize=7, frameon=False)
    return figure


# --- The registry: which figures exist, what they read, how the report introduces them. ---


@dataclass(frozen=True)
class FigureSpec:
    """One figure: how to draw it from tables, which tables it reads, and its caption.

    ``draw(tables, labels)`` gets the tables by name and ``labels``: ``study`` (per-study
    figures), ``confidence``, ``item`` and ``class_names``. ``alt`` and ``caption`` may use
    ``{title}``, ``{level}`` and ``{item}``. A ``wide`` figure takes a full row in the report.
    ``needs`` names what the experiment must have for the figure to exist ("sweeps",
    "tuning"); ``labels`` then also hold ``sweeps``, the sweep axes.
    """

    draw: Callable[[dict[str, pd.DataFrame], dict[str, Any]], plt.Figure]
    tables: tuple[str, ...]
    alt: str
    caption: str
    wide: bool = False
    needs: str | None = None


def _rows_of(table: pd.DataFrame, study: str) -> pd.DataFrame:
    return table[table["study"] == study]


STUDY_FIGURES: dict[str, FigureSpec] = {
    "accuracy": FigureSpec(
        draw=lambda tables, labels: study_accuracy_figure(
            _rows_of(tables["runs"], labels["study"]),
            _rows_of(tables["summary"], labels["study"]),
            confidence=labels["confidence"],
        ),
        tables=("runs", "summary"),
        alt="Final test accuracy of every seed of both arms of the {title} study",
        caption="Final test accuracy: every seed a dot, the mean a bar with its {level} CI, "
        "the slide's value a red cross.",
    ),
    "curves": FigureSpec(
        draw=lambda tables, labels: learning_curves_figure(
            _rows_of(tables["curves"], labels["study"])
        ),
        tables=("curves",),
        alt="Learning curves of the {title} study",
        caption=(
            "Per epoch: test accuracy and loss "
            "(mean line, band from the lowest to the highest seed), "
            "training set dashed."
        ),
        wide=True,
    ),
}

RUN_FIGURES: dict[str, FigureSpec] = {
    "confusion": FigureSpec(
        draw=lambda tables, labels: confusion_figure(
            tables["confusion"], item=labels["item"], class_names=labels["class_names"]
        ),
        tables=("confusion",),
        alt="Confusion matrix of the best arm",
        caption="Rows: true {item}; cells: % of that {item} predicted as each column.",
    ),
    "robustness": FigureSpec(
        draw=lambda tables, labels: robustness_figure(tables["findings"], labels["sweeps"]),
        tables=("findings",),
        alt="Each claim's difference B − A across its sweep axes",
        caption="B − A with its {level} CI at every setting of each sweep axis, coloured by the "
        "verdict there; grey band: within ±Δ, too small to matter; dotted red line: the slide's "
        "setting.",
        wide=True,
        needs="sweeps",
    ),
    "tuning": FigureSpec(
        draw=lambda tables, labels: tuning_figure(tables["tuning"]),
        tables=("tuning",),
        alt="Validation accuracy of each tuned arm across its grid",
        caption="Mean validation accuracy (± sd over the seeds) of every candidate; the star is "
        "the one chosen. The test set plays no part in the choice.",
        wide=True,
        needs="tuning",
    ),
}


def figure_spec(name: str) -> FigureSpec:
    """The registered figure ``name`` (a study figure or a run figure)."""
    spec = STUDY_FIGURES.get(name) or RUN_FIGURES.get(name)
    if spec is None:
        raise ValueError(
            f"unknown figure {name!r} (known: {', '.join([*STUDY_FIGURES, *RUN_FIGURES])})"
        )
    return spec

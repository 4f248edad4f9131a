"""Figures drawn from the tables only: per-study dot plots and learning curves, a confusion matrix.

Every function returns a matplotlib ``Figure``; saving is the caller's business. Restyling
a plot never retrains a model. Colours: arm A blue, arm B orange, the slide's value red.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ARM_COLOURS = {"A": "#4c72b0", "B": "#dd8452"}
SLIDE_COLOUR = "#c44e52"
# SVG text stays text (selectable, sharp in the PDF) and the output is byte-stable.
matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "tipsbench", "font.size": 9})


def study_accuracy_figure(runs: pd.DataFrame, summary: pd.DataFrame, title: str = "") -> plt.Figure:
    """Final test accuracy of one study's arms.

    Every seed is a dot, the mean a black bar with its 95 % confidence interval, the
    slide's single run a red cross. ``runs`` and ``summary`` hold one study's rows.
    """
    figure, axes = plt.subplots(figsize=(4.6, 3.3), layout="constrained")
    rng = np.random.default_rng(0)  # Fixed jitter: the same figure on every rebuild.
    arms = summary.sort_values("role")
    for position, arm in enumerate(arms.itertuples()):
        values = runs.loc[runs["role"] == arm.role, "test_accuracy"].to_numpy(dtype=float)
        axes.scatter(position + rng.uniform(-0.09, 0.09, len(values)), values, s=26,
                     color=ARM_COLOURS.get(arm.role, "grey"), alpha=0.75, zorder=3,
                     label="one seed" if position == 0 else None)
        low = getattr(arm, "test_accuracy_ci_low", np.nan)
        high = getattr(arm, "test_accuracy_ci_high", np.nan)
        if pd.notna(low) and pd.notna(high):
            axes.errorbar(position + 0.2, arm.test_accuracy_mean,
                          yerr=[[arm.test_accuracy_mean - low], [high - arm.test_accuracy_mean]],
                          fmt="none", ecolor="black", capsize=3, lw=1.2, zorder=4,
                          label="95 % CI of the mean" if position == 0 else None)
        axes.hlines(arm.test_accuracy_mean, position - 0.22, position + 0.22, color="black", lw=2,
                    zorder=4, label="mean over seeds" if position == 0 else None)
        if pd.notna(arm.slide_accuracy):
            axes.scatter(position + 0.34, arm.slide_accuracy, marker="x", s=55, color=SLIDE_COLOUR,
                         zorder=5, label="slide (one run)" if position == 0 else None)
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
    figure, (accuracy_axes, loss_axes) = plt.subplots(1, 2, figsize=(7.2, 2.9), layout="constrained")
    for (role, arm), rows in curves.groupby(["role", "arm"], sort=True):
        colour = ARM_COLOURS.get(role, "grey")
        by_epoch = rows.groupby("epoch")
        for axes, metric in ((accuracy_axes, "accuracy"), (loss_axes, "loss")):
            test = by_epoch[f"test_{metric}"]
            epochs = np.asarray(list(test.groups))
            axes.plot(epochs, test.mean(), color=colour, lw=1.8, label=f"{role}: {arm}, test")
            axes.fill_between(epochs, test.min(), test.max(), color=colour, alpha=0.2, lw=0)
            axes.plot(epochs, by_epoch[f"train_{metric}"].mean(), color=colour, lw=1.2, ls="--",
                      label=f"{role}: {arm}, train")
    accuracy_axes.set_ylabel("accuracy (fraction correct)")
    accuracy_axes.set_ylim(0, 1.02)
    loss_axes.set_ylabel("loss (the arm's training loss)")
    for axes in (accuracy_axes, loss_axes):
        axes.set_xlabel("epoch")
        axes.grid(alpha=0.3)
    accuracy_axes.legend(fontsize=7, frameon=False, loc="lower right")
    return figure


def confusion_figure(confusion: pd.DataFrame) -> plt.Figure:
    """Confusion matrix as row percentages (each true class sums to 100 %)."""
    counts = confusion.filter(like="predicted_").to_numpy(dtype=float)
    percent = 100 * counts / counts.sum(axis=1, keepdims=True).clip(min=1)
    figure, axes = plt.subplots(figsize=(4.6, 4.0), layout="constrained")
    image = axes.imshow(percent, cmap="Blues", vmin=0, vmax=100)
    for (row, column), value in np.ndenumerate(percent):
        if value >= 0.5:
            axes.text(column, row, f"{value:.0f}", ha="center", va="center", fontsize=7,
                      color="white" if value > 60 else "black")
    labels = confusion["true"].astype(str).tolist()
    axes.set_xticks(range(len(labels)), labels)
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted digit")
    axes.set_ylabel("true digit")
    figure.colorbar(image, ax=axes, label="% of the true class", shrink=0.8)
    return figure

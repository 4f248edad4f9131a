"""Figures drawn from the tables only: a per-study dot plot of final test accuracy.

Every function returns a matplotlib ``Figure``; saving is the caller's business. Restyling
a plot never retrains a model.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ARM_COLOURS = {"A": "#4c72b0", "B": "#dd8452"}
SLIDE_COLOUR = "#c44e52"


def study_accuracy_figure(runs: pd.DataFrame, title: str = "") -> plt.Figure:
    """Test accuracy of one study's arms: every seed a dot, the mean a bar, the slide's value a cross.

    ``runs`` holds one study's rows of ``runs.csv``.
    """
    figure, axes = plt.subplots(figsize=(4.8, 3.4), layout="constrained")
    arms = runs.drop_duplicates("role").sort_values("role")
    rng = np.random.default_rng(0)  # Fixed jitter: the figure is the same on every rebuild.
    for position, arm in enumerate(arms.itertuples()):
        values = runs.loc[runs["role"] == arm.role, "test_accuracy"].to_numpy(dtype=float)
        jitter = rng.uniform(-0.08, 0.08, size=len(values))
        axes.scatter(
            position + jitter,
            values,
            s=28,
            color=ARM_COLOURS.get(arm.role, "grey"),
            alpha=0.8,
            zorder=3,
            label="one seed" if position == 0 else None,
        )
        if len(values):
            axes.hlines(np.nanmean(values), position - 0.25, position + 0.25, color="black", lw=2,
                        zorder=4, label="mean over seeds" if position == 0 else None)
        if pd.notna(arm.slide_accuracy):
            axes.scatter(position + 0.32, arm.slide_accuracy, marker="x", s=60, color=SLIDE_COLOUR,
                         zorder=5, label="slide (one run)" if position == 0 else None)
    axes.set_xticks(range(len(arms)), [f"{arm.role}: {arm.arm}" for arm in arms.itertuples()])
    axes.set_xlim(-0.6, len(arms) - 0.4)
    axes.set_ylim(0, 1.02)
    axes.set_ylabel("test accuracy (fraction correct)")
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="lower center", fontsize=8, frameon=False, ncols=3, bbox_to_anchor=(0.5, 1.0))
    if title:
        figure.suptitle(title, fontsize=10)
    return figure

"""Choose each tuned arm's hyperparameter on the validation set, never on the test set.

A tuned arm trains one candidate condition per value of its grid, with every seed. The
candidate whose mean validation accuracy over the seeds is highest becomes the arm; its
runs, and only its runs, go on to the runs table and the comparison on the test set.
``select`` sees nothing but the validation column: the test set cannot take part.
A choice at the smallest or largest value of a numeric grid is flagged: the best value may
lie beyond the grid, and the tuned arm may then be weaker than it could be. How sharply the
validation accuracy falls off around the best value (``sensitivity_table``: the band of values
within Δ of the best) says how carefully the value must be set.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

# The only columns the choice may read.
SELECTION_COLUMNS = ["study", "role", "candidate", "seed", "validation_accuracy"]
TUNING_COLUMNS = [
    "study",
    "role",
    "arm",
    "hyperparameter",
    "candidate",
    "condition",
    "n",
    "validation_mean",
    "validation_sd",
    "selected",
    "chosen_at_edge",
    "fit_seconds",
]


def select(validation: pd.DataFrame) -> dict[tuple[str, str], float]:
    """The chosen candidate of each tuned (study, role) from validation accuracies alone.

    ``validation`` holds exactly ``SELECTION_COLUMNS``; the highest mean over the seeds
    wins, the first candidate in grid order on ties. A candidate without any validation
    accuracy cannot win; an arm none of whose candidates has one is a ValueError.
    """
    extra = sorted(set(validation.columns) - set(SELECTION_COLUMNS))
    if extra:
        raise ValueError(f"the selection may read only {SELECTION_COLUMNS}, got also {extra}")
    chosen = {}
    for (study, role), group in validation.groupby(["study", "role"], sort=False):
        means = group.groupby("candidate", sort=False)["validation_accuracy"].mean()
        if means.isna().all():
            raise ValueError(
                f"study {study!r} arm {role}: no candidate has a validation accuracy "
                "(is data.validation_size above 0?)"
            )
        chosen[(study, role)] = means.idxmax()
    return chosen


def edge(values: list[Any], chosen: Any) -> str:
    """``"lowest"`` or ``"highest"`` when ``chosen`` is the grid's smallest or largest value.

    Empty for a choice inside the grid, a grid of one value, or values that are not numbers.
    """
    try:
        numbers = [float(value) for value in values]
        chosen = float(chosen)
    except (TypeError, ValueError):
        return ""
    if len(set(numbers)) < 2:
        return ""
    if chosen == min(numbers):
        return "lowest"
    return "highest" if chosen == max(numbers) else ""


def tune_runs(runs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a runs table with every tuning candidate into the selected runs and the tuning table.

    Rows with a ``candidate`` (tuned arms) are reduced to the chosen candidate; other rows
    pass unchanged. The tuning table has one row per tuned arm and candidate: mean and sd
    of its validation accuracy, whether it was chosen, whether the choice lies at the edge of
    the arm's grid (``chosen_at_edge``, on every row of the arm) and the fit seconds it cost.
    """
    tuned = runs["candidate"].notna() if "candidate" in runs else pd.Series(False, runs.index)
    if not tuned.any():
        return runs, pd.DataFrame(columns=TUNING_COLUMNS)
    candidates = runs[tuned]
    chosen = select(candidates[SELECTION_COLUMNS])
    keep = [
        not is_tuned or chosen[(row.study, row.role)] == row.candidate
        for is_tuned, row in zip(tuned, runs.itertuples())
    ]
    # Per tuned arm: is its choice the smallest or largest value of its grid?
    grids = candidates.groupby(["study", "role"], sort=False)["candidate"].unique()
    edges = {arm: edge(list(values), chosen[arm]) for arm, values in grids.items()}
    rows = []
    for (study, role, value), group in candidates.groupby(
        ["study", "role", "candidate"], sort=False
    ):
        accuracy = group["validation_accuracy"].astype(float)
        rows.append(
            {
                "study": study,
                "role": role,
                "arm": group["arm"].iloc[0],
                "hyperparameter": group["tuned"].iloc[0],
                "candidate": value,
                "condition": group["condition"].iloc[0],
                "n": int(accuracy.notna().sum()),
                "validation_mean": float(accuracy.mean()),
                "validation_sd": float(accuracy.std(ddof=1))
                if accuracy.notna().sum() > 1
                else np.nan,
                "selected": bool(chosen[(study, role)] == value),
                "chosen_at_edge": edges[(study, role)],
                "fit_seconds": float(group["fit_seconds"].astype(float).sum()),
            }
        )
    return runs[keep].reset_index(drop=True), pd.DataFrame(rows, columns=TUNING_COLUMNS)


SENSITIVITY_COLUMNS = [
    "study",
    "role",
    "arm",
    "hyperparameter",
    "best",
    "best_validation",
    "smallest_effect",
    "within",
    "low",
    "high",
    "width",
    "reaches_edge",
]


def sensitivity_table(tuning: pd.DataFrame, smallest_effect: float) -> pd.DataFrame:
    """How carefully each tuned arm's value must be set: the band of its grid within Δ of the best.

    One row per tuned arm (``tuning`` as ``tune_runs`` writes it): the best value by mean
    validation accuracy, the values whose mean lies within ``smallest_effect`` of the best
    (``within``, ";"-joined in grid order), the band's lowest and highest value and its
    ``width`` (highest / lowest: 1 means only the best value will do). A band that reaches the
    grid's smallest or largest value (``reaches_edge``) may be wider than the grid shows.
    """
    rows = []
    for (study, role), arm in tuning.groupby(["study", "role"], sort=False):
        values = arm["candidate"].astype(float)
        means = arm["validation_mean"].astype(float)
        best = int(means.idxmax())
        close = arm[means >= means[best] - smallest_effect]
        inside = close["candidate"].astype(float)
        rows.append(
            {
                "study": study,
                "role": role,
                "arm": arm["arm"].iloc[0],
                "hyperparameter": arm["hyperparameter"].iloc[0],
                "best": float(arm.loc[best, "candidate"]),
                "best_validation": float(means[best]),
                "smallest_effect": float(smallest_effect),
                "within": ";".join(f"{value:g}" for value in inside),
                "low": float(inside.min()),
                "high": float(inside.max()),
                "width": float(inside.max() / inside.min()) if inside.min() > 0 else np.nan,
                "reaches_edge": bool(inside.min() == values.min() or inside.max() == values.max()),
            }
        )
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)

"""Put several runs' findings side by side: per claim, the verdict and its numbers under each run.

The runs are e.g. the slides' protocol, the lecturer's 2017 demo and Fashion-MNIST. Claims
are matched by study name; a study a run does not have is shown as absent, not guessed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tipsbench.wording import VERDICT_CLASSES, fmt, fmt_interval, level, p_phrase

COLUMNS = [
    "study",
    "run",
    "title",
    "arm_a",
    "arm_b",
    "expect",
    "n_pairs",
    "mean_a",
    "mean_b",
    "mean_diff",
    "diff_ci_low",
    "diff_ci_high",
    "p_holm",
    "verdict",
    "evidence",
    "confidence",
]


def verdict_table(findings: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per study × run from each run's findings table, studies in first-seen order."""
    frames = [table.assign(run=run)[COLUMNS] for run, table in findings.items()]
    table = pd.concat(frames, ignore_index=True)
    order = {study: index for index, study in enumerate(dict.fromkeys(table["study"]))}
    runs = {run: index for index, run in enumerate(findings)}
    return table.sort_values(
        ["study", "run"], key=lambda column: column.map(order if column.name == "study" else runs)
    ).reset_index(drop=True)


def comparison_context(table: pd.DataFrame, runs: list[str]) -> dict[str, Any]:
    """Rows per claim with one formatted cell per run, for the comparison template."""
    rows = []
    for study, group in table.groupby("study", sort=False):
        by_run = {row.run: row for row in group.itertuples()}
        cells = []
        for run in runs:
            row = by_run.get(run)
            cells.append(
                None
                if row is None
                else {
                    "verdict": row.verdict,
                    "verdict_class": VERDICT_CLASSES.get(row.verdict, "inconclusive"),
                    "evidence": bool(row.evidence),
                    "arms": f"{row.arm_a} {fmt(row.mean_a)} → {row.arm_b} {fmt(row.mean_b)}",
                    "diff": fmt(row.mean_diff, signed=True),
                    "ci": fmt_interval(row.diff_ci_low, row.diff_ci_high, signed=True),
                    "p": p_phrase(row.p_holm, "adj. p"),
                    "n": int(row.n_pairs),
                    "expect": row.expect,
                }
            )
        rows.append({"study": study, "title": group["title"].iloc[0], "cells": cells})
    # A claim agrees when it is in more than one run and every run that has it gives one verdict.
    agree = sum(
        1
        for row in rows
        if sum(cell is not None for cell in row["cells"]) > 1
        and len({cell["verdict"] for cell in row["cells"] if cell}) == 1
    )
    shared = sum(1 for row in rows if sum(cell is not None for cell in row["cells"]) > 1)
    levels = ", ".join(level(value) for value in dict.fromkeys(table["confidence"]))
    return {"runs": runs, "rows": rows, "n_agree": agree, "n_shared": shared, "level": levels}

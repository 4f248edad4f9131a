"""Put several runs' findings side by side: per claim, the verdict and its numbers under each run.

The runs are e.g. the slides' protocol, the lecturer's 2017 demo and Fashion-MNIST. Claims
are matched by their ``claim_id`` from the config, never by study name (the slides' dropout
0.2 on a clean test set and the lecturer's Dropout 0.7 on a noisy one are different claims
unless a config says they are the same); a claim a run does not test is shown as absent.
Smoke runs are shown but never count towards agreement: they are not evidence.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tipsbench.wording import VERDICT_CLASSES, fmt, fmt_interval, level, p_phrase

COLUMNS = [
    "claim_id",
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
    """One row per claim × run from each run's findings table, claims in first-seen order."""
    # A run's sweep points are settings of its claims, not claims of their own: the
    # comparison takes each claim at the run's own (slide's) setting.
    frames = [
        table[table["axis"].fillna("") == ""].assign(run=run)[COLUMNS]
        if "axis" in table
        else table.assign(run=run)[COLUMNS]
        for run, table in findings.items()
    ]
    table = pd.concat(frames, ignore_index=True)
    order = {claim: index for index, claim in enumerate(dict.fromkeys(table["claim_id"]))}
    runs = {run: index for index, run in enumerate(findings)}
    return table.sort_values(
        ["claim_id", "run"],
        key=lambda column: column.map(order if column.name == "claim_id" else runs),
    ).reset_index(drop=True)


def comparison_context(table: pd.DataFrame, runs: list[str]) -> dict[str, Any]:
    """Rows per claim with one formatted cell per run, for the comparison template."""
    rows = []
    for claim, group in table.groupby("claim_id", sort=False):
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
                    "study": row.study,
                }
            )
        rows.append({"claim_id": claim, "title": group["title"].iloc[0], "cells": cells})
    # A claim agrees when more than one run that is evidence (not a smoke run) tests it and
    # all of those give one verdict.
    evidence = [[cell for cell in row["cells"] if cell and cell["evidence"]] for row in rows]
    shared = sum(1 for cells in evidence if len(cells) > 1)
    agree = sum(
        1 for cells in evidence if len(cells) > 1 and len({c["verdict"] for c in cells}) == 1
    )
    levels = ", ".join(level(value) for value in dict.fromkeys(table["confidence"]))
    return {"runs": runs, "rows": rows, "n_agree": agree, "n_shared": shared, "level": levels}

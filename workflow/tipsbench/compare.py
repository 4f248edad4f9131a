"""Put several runs' findings side by side: per claim, the verdict and its numbers under each run.

The runs are e.g. the slides' protocol, the lecturer's 2017 demo and Fashion-MNIST. Claims
are matched by their study's ``claim_id`` from the config and by the endpoint they are
judged on, never by study name (the slides' dropout 0.2 on a clean test set and the
lecturer's Dropout 0.7 on a noisy one are different claims unless a config says they are
the same; "Adam is faster" and "Adam is better" are two claims of one study); a claim a run
does not test is shown as absent. Smoke runs are shown but never count towards agreement:
they are not evidence. A findings table from before claims had endpoints judged every study
on its ``metric`` column.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tipsbench import wording
from tipsbench.endpoints import EndpointRef

COLUMNS = [
    "claim_id",
    "endpoint",
    "study",
    "claim",
    "run",
    "title",
    "arm_a",
    "arm_b",
    "expect",
    "scale",
    "n_pairs",
    "mean_a",
    "mean_b",
    "mean_diff",
    "ci_low",
    "ci_high",
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
        _with_endpoints(table[table["axis"].fillna("") == ""] if "axis" in table else table).assign(
            run=run
        )[COLUMNS]
        for run, table in findings.items()
    ]
    table = pd.concat(frames, ignore_index=True)
    table["key"] = table["claim_id"] + " · " + table["endpoint"]
    order = {key: index for index, key in enumerate(dict.fromkeys(table["key"]))}
    runs = {run: index for index, run in enumerate(findings)}
    table = table.sort_values(
        ["key", "run"], key=lambda column: column.map(order if column.name == "key" else runs)
    )
    return table.drop(columns="key").reset_index(drop=True)


def _with_endpoints(table: pd.DataFrame) -> pd.DataFrame:
    """A findings table with its endpoint, claim, scale and verdict interval columns (an older
    table has one claim per study, on its ``metric``, and only the seeds' interval)."""
    if "ci_low" not in table:
        table = table.assign(ci_low=table["diff_ci_low"], ci_high=table["diff_ci_high"])
    if "endpoint" in table:
        return table
    endpoint = table["metric"] if "metric" in table else "test_accuracy"
    return table.assign(endpoint=endpoint, claim=endpoint, scale="difference")


def comparison_context(
    table: pd.DataFrame, runs: list[str], refs: dict[str, EndpointRef]
) -> dict[str, Any]:
    """Rows per claim (claim id and endpoint) with one formatted cell per run, for the
    comparison template; ``refs`` holds the reference of every endpoint key of the runs'
    findings (their statistics stage's ``endpoint_references``)."""
    rows = []
    for (claim, key), group in table.groupby(["claim_id", "endpoint"], sort=False):
        endpoint = refs[key]
        by_run = {row.run: row for row in group.itertuples()}
        cells = []
        for run in runs:
            row = by_run.get(run)
            if row is None:
                cells.append(None)
                continue
            finding = {**row._asdict(), "ref": endpoint}
            cells.append(
                {
                    "verdict": row.verdict,
                    "verdict_class": wording.VERDICT_CLASSES.get(row.verdict, "inconclusive"),
                    "evidence": bool(row.evidence),
                    "arms": f"{row.arm_a} {wording.value(endpoint, row.mean_a)} → "
                    f"{row.arm_b} {wording.value(endpoint, row.mean_b)}",
                    "effect_name": wording.effect_name(finding),
                    "diff": wording.effect(finding, row.mean_diff, plain=True),
                    "ci": wording.effect_interval(finding, row.ci_low, row.ci_high),
                    "p": wording.p_phrase(row.p_holm, "adj. p"),
                    "n": int(row.n_pairs),
                    "expect": wording.expect_phrase(row.expect, endpoint),
                    "study": row.study,
                }
            )
        rows.append(
            {
                "claim_id": claim,
                "endpoint": endpoint.describe(),
                "title": group["title"].iloc[0],
                "cells": cells,
            }
        )
    # A claim agrees when more than one run that is evidence (not a smoke run) tests it and
    # all of those give one verdict.
    evidence = [[cell for cell in row["cells"] if cell and cell["evidence"]] for row in rows]
    shared = sum(1 for cells in evidence if len(cells) > 1)
    agree = sum(
        1 for cells in evidence if len(cells) > 1 and len({c["verdict"] for c in cells}) == 1
    )
    levels = ", ".join(wording.level(value) for value in dict.fromkeys(table["confidence"]))
    return {"runs": runs, "rows": rows, "n_agree": agree, "n_shared": shared, "level": levels}

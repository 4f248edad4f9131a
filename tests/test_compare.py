"""Unit tests of tipsbench.compare: claims matched by study across runs, absent ones kept absent."""

from __future__ import annotations

import pandas as pd

from tipsbench.compare import COLUMNS, comparison_context, verdict_table


def findings(rows):
    base = {column: 0 for column in COLUMNS if column not in ("run",)}
    return pd.DataFrame(
        [
            {
                **base,
                "title": row[0].title(),
                "arm_a": "A",
                "arm_b": "B",
                "expect": "B > A",
                "study": row[0],
                "verdict": row[1],
                "mean_a": 0.1,
                "mean_b": row[2],
                "mean_diff": row[2] - 0.1,
                "diff_ci_low": 0.0,
                "diff_ci_high": 0.5,
                "p_holm": 0.01,
                "n_pairs": 5,
                "evidence": True,
                "confidence": 0.95,
            }
            for row in rows
        ]
    )


def test_verdicts_side_by_side_with_absent_studies():
    table = verdict_table(
        {
            "slides": findings([("loss", "REPRODUCED", 0.9), ("final", "INCONCLUSIVE", 0.5)]),
            "lee2017": findings([("loss", "REPRODUCED", 0.8), ("scaling", "REPRODUCED", 0.9)]),
        }
    )
    assert list(zip(table["study"], table["run"])) == [
        ("loss", "slides"),
        ("loss", "lee2017"),
        ("final", "slides"),
        ("scaling", "lee2017"),
    ]
    context = comparison_context(table, ["slides", "lee2017"])
    rows = {row["study"]: row["cells"] for row in context["rows"]}
    assert rows["final"][1] is None and rows["scaling"][0] is None
    assert rows["loss"][1]["arms"] == "A 0.100 → B 0.800"
    assert rows["loss"][0]["diff"] == "+0.800" and rows["loss"][0]["ci"] == "[+0.000, +0.500]"
    assert rows["loss"][0]["p"] == "adj. p = 0.0100" and context["level"] == "95 %"
    assert (
        context["n_shared"] == 1 and context["n_agree"] == 1
    )  # "loss" is in both runs, with one verdict

"""Unit tests of tipsbench.compare.

Claims are matched by claim id across runs; absent ones are kept absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from tipsbench.compare import COLUMNS, comparison_context, verdict_table
from tipsbench.endpoints import EndpointRef, references

# The plain endpoints' references (as each run's endpoint_references record holds them).
REFS = references()


def findings(rows, evidence=True):
    """Findings rows (study, claim id, verdict, mean of B) with fixed other numbers."""
    base = {column: 0 for column in COLUMNS if column not in ("run",)}
    return pd.DataFrame(
        [
            {
                **base,
                "title": study.title(),
                "arm_a": "A",
                "arm_b": "B",
                "expect": "B > A",
                "endpoint": "test_accuracy",
                "claim": "test_accuracy",
                "scale": "difference",
                "study": study,
                "claim_id": claim,
                "verdict": verdict,
                "mean_a": 0.1,
                "mean_b": mean_b,
                "mean_diff": mean_b - 0.1,
                "ci_low": 0.0,
                "ci_high": 0.5,
                "p_holm": 0.01,
                "n_pairs": 5,
                "evidence": evidence,
                "confidence": 0.95,
            }
            for study, claim, verdict, mean_b in rows
        ]
    )


def test_claims_side_by_side_by_claim_id_not_study_name():
    table = verdict_table(
        {
            "slides": findings(
                [
                    ("loss", "ce-beats-mse", "REPRODUCED", 0.9),
                    ("dropout", "dropout-0.2-clean", "REVERSED", 0.5),
                ]
            ),
            "lee2017": findings(
                [
                    ("loss", "ce-beats-mse", "REPRODUCED", 0.8),
                    ("dropout", "dropout-0.7-noisy", "REPRODUCED", 0.9),
                ]
            ),
        }
    )
    assert list(zip(table["claim_id"], table["run"])) == [
        ("ce-beats-mse", "slides"),
        ("ce-beats-mse", "lee2017"),
        ("dropout-0.2-clean", "slides"),
        ("dropout-0.7-noisy", "lee2017"),
    ]
    context = comparison_context(table, ["slides", "lee2017"], REFS)
    rows = {row["claim_id"]: row["cells"] for row in context["rows"]}
    # Two studies named "dropout" are two claims: each is absent from the other run.
    assert rows["dropout-0.2-clean"][1] is None and rows["dropout-0.7-noisy"][0] is None
    assert rows["ce-beats-mse"][1]["arms"] == "A 10.0 % → B 80.0 %"
    assert rows["ce-beats-mse"][0]["diff"] == "+80.0"  # points
    assert rows["ce-beats-mse"][0]["ci"] == "+0.0 to +50.0 points"
    assert rows["ce-beats-mse"][0]["p"] == "adj. p = 0.0100" and context["level"] == "95 %"
    # Only the shared claim counts, and it agrees.
    assert (context["n_shared"], context["n_agree"]) == (1, 1)


def test_smoke_runs_are_shown_but_never_count_towards_agreement():
    table = verdict_table(
        {
            "slides": findings([("loss", "ce-beats-mse", "REPRODUCED", 0.9)]),
            "smoke": findings([("loss", "ce-beats-mse", "INCONCLUSIVE", 0.2)], evidence=False),
            "fashion": findings([("loss", "ce-beats-mse", "REPRODUCED", 0.8)]),
        }
    )
    context = comparison_context(table, ["slides", "smoke", "fashion"], REFS)
    (row,) = context["rows"]
    assert row["cells"][1]["verdict"] == "INCONCLUSIVE" and not row["cells"][1]["evidence"]
    assert (context["n_shared"], context["n_agree"]) == (1, 1)  # the smoke run's verdict is ignored
    alone = comparison_context(
        verdict_table(
            {
                "slides": findings([("loss", "ce-beats-mse", "REPRODUCED", 0.9)]),
                "smoke": findings([("loss", "ce-beats-mse", "REPRODUCED", 0.2)], evidence=False),
            }
        ),
        ["slides", "smoke"],
        REFS,
    )
    assert (alone["n_shared"], alone["n_agree"]) == (0, 0)


def test_two_claims_of_one_study_are_two_rows_and_an_older_table_reads_as_its_metric():
    speed = EndpointRef.resolve("updates_to_target", {"curve": "train_crossentropy", "target": 0.5})
    slides = findings([("optimizer", "adam-beats-sgd", "REPRODUCED", 0.94)])
    faster = slides.assign(
        claim="faster",
        endpoint=speed.key,
        scale="ratio",
        mean_a=800.0,
        mean_b=100.0,
        mean_diff=-2.0,
        ci_low=-2.3,
        ci_high=-1.7,
    )
    # A findings table from before claims had endpoints: one claim per study, on "metric",
    # and only the seeds' interval.
    older = findings([("optimizer", "adam-beats-sgd", "INCONCLUSIVE", 0.9)]).drop(
        columns=["endpoint", "claim", "scale", "ci_low", "ci_high"]
    )
    older = older.assign(metric="test_accuracy", diff_ci_low=0.0, diff_ci_high=0.5)
    table = verdict_table({"slides": pd.concat([faster, slides]), "lee2017": older})
    assert list(zip(table["endpoint"], table["run"])) == [
        (speed.key, "slides"),
        ("test_accuracy", "slides"),
        ("test_accuracy", "lee2017"),
    ]
    context = comparison_context(table, ["slides", "lee2017"], {**REFS, speed.key: speed})
    speed_row, accuracy_row = context["rows"]
    assert speed_row["cells"][1] is None  # the older run has no speed claim
    assert speed_row["cells"][0]["diff"] == "7.4× fewer" and speed_row["cells"][0]["arms"] == (
        "A 800 updates → B 100 updates"
    )
    assert speed_row["cells"][0]["effect_name"] == "B / A"
    assert accuracy_row["endpoint"] == "final test accuracy"
    assert accuracy_row["cells"][1]["ci"] == "+0.0 to +50.0 points"  # the older table's own CI
    assert (context["n_shared"], context["n_agree"]) == (1, 0)


def test_the_comparison_page_finds_its_styles_in_the_shared_sheet():
    """compare.html.j2 reads report.css: the classes it styles its table and the claimed
    direction with are defined there (the report's own rewrite once dropped them)."""
    root = Path(__file__).resolve().parents[1] / "report_templates"
    template = (root / "compare.html.j2").read_text()
    css = (root / "report.css").read_text()
    for name in ("headline", "expect", "badge", "not-evidence", "ci", "lead"):
        assert f'class="{name}' in template or f" {name}" in template, name
        assert re.search(rf"\.{name}\b[^{{]*\{{", css), name

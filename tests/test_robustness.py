"""Unit tests of tipsbench.robustness: verdicts per claim across a sweep axis."""

from __future__ import annotations

import pandas as pd

from tipsbench.robustness import robustness_table


def test_holds_at_k_of_m_settings_and_where_it_breaks():
    findings = pd.DataFrame(
        [
            {
                "study": "opt",
                "title": "Optimizer",
                "origin": "opt",
                "axis": "",
                "axis_value": None,
                "claim": "better",
                "endpoint": "test_accuracy",
                "verdict": "REPRODUCED",
            },
            {
                "study": "opt@lr-0.01",
                "title": "Optimizer",
                "origin": "opt",
                "axis": "lr",
                "axis_value": 0.01,
                "claim": "better",
                "endpoint": "test_accuracy",
                "verdict": "REPRODUCED",
            },
            {
                "study": "opt@lr-1",
                "title": "Optimizer",
                "origin": "opt",
                "axis": "lr",
                "axis_value": 1.0,
                "claim": "better",
                "endpoint": "test_accuracy",
                "verdict": "REVERSED",
            },
            {
                "study": "drop",
                "title": "Dropout",
                "origin": "drop",
                "axis": "",
                "axis_value": None,
                "claim": "better",
                "endpoint": "test_accuracy",
                "verdict": "NEGLIGIBLE",
            },
        ]
    )
    axes = [
        {
            "name": "lr",
            "hyperparameter": "learning_rate",
            "arm_overrides": "keep",
            "slide_value": 0.1,
        }
    ]
    (row,) = robustness_table(findings, axes).to_dict("records")
    assert (row["study"], row["claim"], row["endpoint"]) == ("opt", "better", "test_accuracy")
    assert row["values"] == "0.01;0.1 (slide);1"
    assert row["verdicts"] == "REPRODUCED;REPRODUCED;REVERSED"
    assert (row["n_settings"], row["n_reproduced"]) == (3, 2)
    assert row["holds_at_slide"] and not row["holds_across"]
    assert row["where_it_breaks"] == "1: REVERSED" and row["arm_overrides"] == "keep"


def test_no_sweeps_no_rows():
    findings = pd.DataFrame(
        [
            {
                "study": "opt",
                "title": "O",
                "origin": "opt",
                "axis": "",
                "axis_value": None,
                "claim": "better",
                "endpoint": "test_accuracy",
                "verdict": "REPRODUCED",
            }
        ]
    )
    assert robustness_table(findings, []).empty

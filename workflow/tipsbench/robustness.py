"""Where does each claim hold? The findings of a claim across the settings of its sweep axes.

Every sweep point is a study of its own in the findings table (``origin`` names the claim's
study, ``axis`` and ``axis_value`` the setting); the slide's own study is the point at the
slide's value. This module reads those rows and counts, per claim (a study's claim on one
endpoint) and axis, at how many settings the claim is reproduced and where it is not.
Numbers only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

ROBUSTNESS_COLUMNS = [
    "study",
    "claim",
    "endpoint",
    "title",
    "axis",
    "hyperparameter",
    "arm_overrides",
    "slide_value",
    "values",
    "verdicts",
    "n_settings",
    "n_reproduced",
    "holds_at_slide",
    "holds_across",
    "where_it_breaks",
]


def _text(value: Any) -> str:
    """An axis value as the config writes it: 400 rather than 400.0 (tables hold floats)."""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def _value_key(value: Any) -> tuple[int, Any]:
    """Numbers in numeric order, then anything else in text order."""
    try:
        return (0, float(value))
    except (TypeError, ValueError):
        return (1, str(value))


def robustness_table(findings: pd.DataFrame, axes: list[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per claim and sweep axis: its verdict at every setting, the slide's included.

    ``axes`` describe the sweep axes: ``name``, ``hyperparameter``, ``arm_overrides`` and
    ``slide_value`` (the base condition's value, where the slide's study sits). The claim
    *holds* at a setting when its verdict there is REPRODUCED; ``where_it_breaks`` lists the
    settings where it does not, with their verdicts.
    """
    rows = []
    for axis in axes:
        points = findings[findings["axis"] == axis["name"]]
        for study, claim in dict.fromkeys(zip(points["origin"], points["claim"])):
            slide = findings[(findings["study"] == study) & (findings["claim"] == claim)].iloc[0]
            at_points = points[(points["origin"] == study) & (points["claim"] == claim)]
            settings = [(axis["slide_value"], "slide", slide["verdict"])] + [
                (row.axis_value, "", row.verdict) for row in at_points.itertuples()
            ]
            settings.sort(key=lambda item: _value_key(item[0]))
            names = [
                f"{_text(value)} (slide)" if tag else _text(value) for value, tag, _ in settings
            ]
            verdicts = [verdict for _, _, verdict in settings]
            reproduced = [verdict == "REPRODUCED" for verdict in verdicts]
            rows.append(
                {
                    "study": study,
                    "claim": claim,
                    "endpoint": slide["endpoint"],
                    "title": slide["title"],
                    "axis": axis["name"],
                    "hyperparameter": axis["hyperparameter"],
                    "arm_overrides": axis["arm_overrides"],
                    "slide_value": axis["slide_value"],
                    "values": ";".join(names),
                    "verdicts": ";".join(verdicts),
                    "n_settings": len(settings),
                    "n_reproduced": sum(reproduced),
                    "holds_at_slide": slide["verdict"] == "REPRODUCED",
                    "holds_across": all(reproduced),
                    "where_it_breaks": ";".join(
                        f"{name}: {verdict}"
                        for name, verdict, holds in zip(names, verdicts, reproduced)
                        if not holds
                    ),
                }
            )
    return pd.DataFrame(rows, columns=ROBUSTNESS_COLUMNS)

"""Determinism audit: compare a run retrained from scratch with the original, bit by bit.

A rerun of the same (condition, seed) on the same machine and backend should give the
same bits; where it does not, the table says by how much instead of hiding it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

COMPARED_METRICS = ("train_loss", "train_accuracy", "test_loss", "test_accuracy", "epochs_run")


def _largest_difference(first: np.ndarray, second: np.ndarray) -> float:
    if first.shape != second.shape:
        return float("inf")
    with np.errstate(invalid="ignore"):
        difference = np.abs(first.astype(np.float64) - second.astype(np.float64))
    # NaN in the same place in both is agreement, not a difference.
    same_nan = np.isnan(first) & np.isnan(second) if first.dtype.kind == "f" else False
    difference = np.where(same_nan, 0.0, difference)
    return float(np.nanmax(difference, initial=0.0)) if difference.size else 0.0


def compare_runs(
    original: dict[str, Any],
    rerun: dict[str, Any],
) -> dict[str, Any]:
    """Compare two runs.

    Each run is given as a dict of ``metrics``, ``history`` and ``probe`` (DataFrames) and
    ``weights`` (list); a run without a probe may leave it out.

    Returns one row: whether metrics, per-epoch history, probe curve and final weights are
    bit-identical, and the largest absolute difference of each.
    """
    metric_difference = max(
        _largest_difference(
            np.asarray(original["metrics"][name], float), np.asarray(rerun["metrics"][name], float)
        )
        for name in COMPARED_METRICS
    )
    history_difference = _largest_difference(
        original["history"].to_numpy(dtype=float), rerun["history"].to_numpy(dtype=float)
    )
    probe_difference = _largest_difference(
        *(run.get("probe", pd.DataFrame()).to_numpy(dtype=float) for run in (original, rerun))
    )
    if len(original["weights"]) != len(rerun["weights"]):
        weight_difference = float("inf")
    else:
        weight_difference = max(
            (_largest_difference(a, b) for a, b in zip(original["weights"], rerun["weights"])),
            default=0.0,
        )
    weights_identical = len(original["weights"]) == len(rerun["weights"]) and all(
        a.shape == b.shape and a.tobytes() == b.tobytes()
        for a, b in zip(original["weights"], rerun["weights"])
    )
    identical = (
        weights_identical
        and metric_difference == 0
        and history_difference == 0
        and probe_difference == 0
    )
    largest = max(metric_difference, history_difference, probe_difference, weight_difference)
    return {
        "condition": original["metrics"]["condition"],
        "seed": int(original["metrics"]["seed"]),
        "backend": original["metrics"].get("backend"),
        "rerun_backend": rerun["metrics"].get("backend"),
        "metrics_max_abs_diff": metric_difference,
        "history_max_abs_diff": history_difference,
        "probe_max_abs_diff": probe_difference,
        "weights_max_abs_diff": weight_difference,
        "weights_bit_identical": bool(weights_identical),
        "result": "bit-identical" if identical else f"differs: largest difference {largest:.3g}",
    }


def determinism_table(original: dict[str, Any], rerun: dict[str, Any]) -> pd.DataFrame:
    """The audit as a one-row table."""
    return pd.DataFrame([compare_runs(original, rerun)])

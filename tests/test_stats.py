"""Unit tests of tipsbench.stats, every number checked against arithmetic done here by hand.

The t quantiles and p-values come from the closed forms of Student's t for 1, 2 and 4
degrees of freedom, the normal CDF from math.erf, Wilcoxon p-values from enumerating every
sign assignment, so no expected value is computed by the scipy call under test.
"""

from __future__ import annotations

import itertools
import json
import math
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from tipsbench import effects, stats, wording
from tipsbench.endpoints import EndpointRef
from tipsbench.experiment import Claim, Study
from tipsbench.grid import Arm
from tipsbench.stats import (
    compare_arms,
    describe,
    findings_table,
    holm,
    holm_levels,
    resolve_settings,
    summary_table,
)

NAN = float("nan")


def codes(notes) -> list[str]:
    """The codes of a findings row's notes (a JSON list) or of compare_arms' notes (a list)."""
    records = json.loads(notes) if isinstance(notes, str) else notes
    return [record["code"] for record in records]


# --- Closed forms of Student's t, so expected values do not come from scipy. ---


def t_quantile(p: float, df: int) -> float:
    """The p-quantile of Student's t with df = 1, 2 or 4, in closed form."""
    if df == 1:  # Cauchy: F(t) = 1/2 + atan(t)/pi.
        return math.tan(math.pi * (p - 0.5))
    if df == 2:  # F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    if df == 4:  # Inverse of F(t) = 1/2 + x (1 + (1 - x^2)/2) / 2 with x = t / sqrt(4 + t^2).
        a = 4 * p * (1 - p)
        q = math.cos(math.acos(math.sqrt(a)) / 3) / math.sqrt(a)
        return math.copysign(2 * math.sqrt(q - 1), p - 0.5)
    raise NotImplementedError(df)


def t_two_sided_p(t: float, df: int) -> float:
    """Two-sided p-value of a t statistic with df = 1, 2 or 4, in closed form."""
    t = abs(t)
    if df == 1:
        return 1 - 2 / math.pi * math.atan(t)
    x = t / math.sqrt(df + t * t)
    if df == 2:
        return 1 - x
    if df == 4:
        return 1 - x * (1 + (1 - x * x) / 2)
    raise NotImplementedError(df)


def normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def wilcoxon_exact_p(differences: list[float]) -> float:
    """Two-sided signed-rank p by enumerating all 2^k signs of the k non-zero |differences|,
    with average ranks for ties (what scipy does exactly for small samples)."""
    d = [x for x in differences if x != 0]
    magnitudes = sorted(abs(x) for x in d)
    ranks = {}
    for value in set(magnitudes):
        positions = [i + 1 for i, m in enumerate(magnitudes) if m == value]
        ranks[value] = sum(positions) / len(positions)
    r = [ranks[abs(x)] for x in d]
    observed = sum(rank for rank, x in zip(r, d) if x > 0)
    sums = [
        sum(rank for rank, s in zip(r, signs) if s)
        for signs in itertools.product([0, 1], repeat=len(d))
    ]
    greater = sum(s >= observed - 1e-12 for s in sums) / len(sums)
    less = sum(s <= observed + 1e-12 for s in sums) / len(sums)
    return min(1.0, 2 * min(greater, less))


def test_the_closed_forms_match_printed_t_tables():
    # Guards the helpers themselves against the usual printed table values.
    assert t_quantile(0.975, 1) == pytest.approx(12.706, abs=1e-3)
    assert t_quantile(0.975, 2) == pytest.approx(4.303, abs=1e-3)
    assert t_quantile(0.975, 4) == pytest.approx(2.776, abs=1e-3)
    assert t_quantile(0.95, 2) == pytest.approx(2.920, abs=1e-3)
    assert t_two_sided_p(4.303, 2) == pytest.approx(0.05, abs=1e-4)
    assert t_two_sided_p(2.776, 4) == pytest.approx(0.05, abs=1e-4)
    assert t_two_sided_p(12.706, 1) == pytest.approx(0.05, abs=1e-4)


# --- Settings. ---


def test_default_settings_are_the_schemas_documented_ones():
    settings = resolve_settings()
    # The reason for Δ travels with it into the report's words.
    reason = settings.pop("smallest_effect_reason")
    assert reason.startswith("One point is 100 of the 10,000 test images")
    assert settings == {
        "alpha": 0.05,
        "confidence": 0.95,
        "test": "paired_t",
        "metric": "test_accuracy",
        "bootstrap_resamples": 10000,
        "bootstrap_seed": 0,
        "trained_threshold": 0.2,
        "smallest_effect": 0.01,
        "power": 0.8,
        "diverged_score": "final_weights",
    }


def test_resolve_settings_fills_defaults_and_keeps_given_values():
    settings = resolve_settings({"alpha": 0.01, "test": "wilcoxon"})
    assert settings["alpha"] == 0.01 and settings["test"] == "wilcoxon"
    assert settings["confidence"] == 0.95 and settings["metric"] == "test_accuracy"


def test_an_unknown_setting_is_refused_by_name():
    with pytest.raises(ValueError, match="'alhpa'"):
        resolve_settings({"alhpa": 0.05})


DEFAULT_SETTINGS = resolve_settings()


# --- describe. ---


def test_describe_three_values_by_hand():
    result = describe([0.1, 0.2, 0.3], 0.95)
    # mean 0.2; sd = sqrt((0.01 + 0 + 0.01) / 2) = 0.1;
    # t(0.975, 2) = 0.95 / sqrt(2 * 0.975 * 0.025) = 4.30265.
    t = t_quantile(0.975, 2)
    assert t == pytest.approx(4.30265, abs=1e-5)
    assert result["n"] == 3
    assert result["mean"] == pytest.approx(0.2)
    assert result["sd"] == pytest.approx(0.1)
    # CI half-width t * sd / sqrt(3) = 0.248414; PI half-width t * sd * sqrt(1 + 1/3) = 0.496828.
    assert result["ci_low"] == pytest.approx(0.2 - 0.248414, abs=1e-6)
    assert result["ci_high"] == pytest.approx(0.2 + 0.248414, abs=1e-6)
    assert result["pi_low"] == pytest.approx(0.2 - 0.496828, abs=1e-6)
    assert result["pi_high"] == pytest.approx(0.2 + 0.496828, abs=1e-6)
    assert (result["min"], result["max"]) == (0.1, 0.3)


def test_describe_uses_the_confidence_level():
    # t(0.95, 2) = 0.9 / sqrt(2 * 0.95 * 0.05) = 2.91999:
    # the 90 % CI half-width is 2.92 * 0.1 / sqrt(3).
    result = describe([0.1, 0.2, 0.3], 0.90)
    half = t_quantile(0.95, 2) * 0.1 / math.sqrt(3)
    assert half == pytest.approx(0.168586, abs=1e-6)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((0.2 - half, 0.2 + half))


def test_describe_two_values_uses_one_degree_of_freedom():
    # mean 0.5, sd = sqrt(2 * 0.1^2 / 1) = 0.141421; t(0.975, 1) = tan(0.475 pi) = 12.7062.
    result = describe([0.4, 0.6], 0.95)
    assert result["sd"] == pytest.approx(math.sqrt(0.02))
    assert result["ci_high"] - result["mean"] == pytest.approx(
        12.7062 * 0.141421 / math.sqrt(2), rel=1e-4
    )
    assert result["pi_high"] - result["mean"] == pytest.approx(
        12.7062 * 0.141421 * math.sqrt(1.5), rel=1e-4
    )
    assert result["ci_high"] - result["mean"] == pytest.approx(1.27062, abs=1e-4)


def test_describe_one_value_has_no_spread_and_warns_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = describe([0.4], 0.95)
    assert (
        result["n"] == 1 and result["mean"] == 0.4 and (result["min"], result["max"]) == (0.4, 0.4)
    )
    for key in ("sd", "ci_low", "ci_high", "pi_low", "pi_high"):
        assert math.isnan(result[key]), key


def test_describe_no_value_is_all_nan_and_warns_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = describe([], 0.95)
    assert result["n"] == 0
    assert all(math.isnan(result[key]) for key in stats.DESCRIBE_KEYS)


def test_describe_zero_variance_collapses_the_intervals_onto_the_mean():
    result = describe([0.11, 0.11, 0.11], 0.95)
    assert result["sd"] == 0.0
    assert (
        result["ci_low"]
        == result["ci_high"]
        == result["pi_low"]
        == result["pi_high"]
        == result["mean"]
    )
    assert result["mean"] == pytest.approx(0.11)


def test_describe_leaves_out_values_that_are_not_available():
    result = describe([0.1, NAN, 0.3], 0.95)
    # n counts available values only: mean 0.2, sd = sqrt(2 * 0.1^2 / 1).
    assert (
        result["n"] == 2
        and result["mean"] == pytest.approx(0.2)
        and result["sd"] == pytest.approx(math.sqrt(0.02))
    )


@pytest.mark.parametrize("confidence", [0, 1, 95, -0.5])
def test_describe_refuses_a_bad_confidence(confidence):
    with pytest.raises(ValueError, match="confidence"):
        describe([0.1, 0.2], confidence)


def test_describe_refuses_a_table():
    with pytest.raises(ValueError, match="one-dimensional"):
        describe([[0.1, 0.2], [0.3, 0.4]], 0.95)


# --- compare_arms. ---


def test_compare_arms_three_pairs_by_hand():
    a, b = [0.1, 0.2, 0.3], [0.3, 0.5, 0.4]
    result = compare_arms(a, b, DEFAULT_SETTINGS)
    # d = b - a = [0.2, 0.3, 0.1]: mean 0.2, sd 0.1, t = 0.2 / (0.1 / sqrt(3)) = 2 sqrt(3) = 3.4641.
    t = 2 * math.sqrt(3)
    assert result["n_pairs"] == result["n"] == 3
    assert result["mean_diff"] == pytest.approx(0.2)
    assert result["sd_diff"] == pytest.approx(0.1)
    half = t_quantile(0.975, 2) * 0.1 / math.sqrt(3)  # 0.248414
    assert (result["diff_ci_low"], result["diff_ci_high"]) == pytest.approx(
        (0.2 - half, 0.2 + half)
    )
    # Two-sided p with 2 df: 1 - t / sqrt(2 + t^2) = 1 - 3.4641 / 3.7417 = 0.074180.
    assert result["p_ttest"] == pytest.approx(t_two_sided_p(t, 2))
    assert result["p_ttest"] == pytest.approx(0.074180, abs=1e-6)
    # All three differences positive: the most extreme of 2^3 sign patterns on each side, p = 2 / 8.
    assert result["p_wilcoxon"] == pytest.approx(0.25)
    assert result["cohen_dz"] == pytest.approx(2.0)
    # Predictive, not the plug-in normal_cdf(2.0) = 0.977: a new difference is
    # mean + sd sqrt(1 + 1/n) times a t with 2 df, so
    # P(> 0) = F_2(2 / sqrt(4/3)) = 1/2 + 1.7321 / (2 sqrt(5)) = 0.887298.
    assert result["prob_b_beats_a"] == pytest.approx(0.5 + math.sqrt(3) / (2 * math.sqrt(5)))
    assert result["prob_b_beats_a"] < normal_cdf(2.0)
    # Prediction interval of one paired run's difference: 0.2 +- t(0.975, 2) * 0.1 * sqrt(4/3).
    pi_half = t_quantile(0.975, 2) * 0.1 * math.sqrt(4 / 3)
    assert (result["diff_pi_low"], result["diff_pi_high"]) == pytest.approx(
        (0.2 - pi_half, 0.2 + pi_half)
    )
    # Hedges' g_z = d_z * J(2), J(2) = Gamma(1) / (sqrt(1) Gamma(1/2)) = 1 / sqrt(pi).
    assert result["hedges_gz"] == pytest.approx(2.0 / math.sqrt(math.pi))
    assert result["effect_sign"] == 1 and result["smallest_effect"] == 0.01
    assert (result["wins_b"], result["ties"]) == (3, 0)
    assert (result["mean_a"], result["mean_b"]) == pytest.approx((0.2, 0.4))
    assert result["notes"] == []


def test_compare_arms_five_pairs_p_value_with_four_degrees_of_freedom():
    a = np.array([0.90, 0.91, 0.92, 0.93, 0.94])
    d = np.array([0.01, 0.03, -0.02, 0.04, 0.02])
    result = compare_arms(a, a + d)
    # mean 0.016; deviations -0.006, 0.014, -0.036, 0.024, 0.004;
    # sum of squares 0.00212; sd = sqrt(0.00053).
    sd = math.sqrt(0.00212 / 4)
    t = 0.016 / (sd / math.sqrt(5))
    assert result["sd_diff"] == pytest.approx(sd)
    assert result["p_ttest"] == pytest.approx(t_two_sided_p(t, 4))
    assert result["diff_ci_high"] == pytest.approx(0.016 + t_quantile(0.975, 4) * sd / math.sqrt(5))
    # Ranks of |d|: 0.01 -> 1, 0.02 -> 2.5, 0.02 -> 2.5, 0.03 -> 4, 0.04 -> 5;
    # negative rank sum 2.5.
    assert result["p_wilcoxon"] == pytest.approx(wilcoxon_exact_p(d.tolist()))
    assert (result["wins_b"], result["ties"]) == (4, 0)


def test_wilcoxon_p_by_enumeration_without_ties():
    # d = [1, 2, -3, 4, 5]: T- = 3; sign patterns with negative rank sum <= 3 are
    # {}, {1}, {2}, {3}, {1, 2}: p = 2 * 5 / 32 = 0.3125.
    result = compare_arms([0, 0, 0, 0, 0], [1, 2, -3, 4, 5])
    assert result["p_wilcoxon"] == pytest.approx(0.3125)
    assert wilcoxon_exact_p([1, 2, -3, 4, 5]) == pytest.approx(0.3125)


def test_wilcoxon_with_ties_and_a_zero_difference():
    # d = [1, 1, 2, -3, 0]: the zero is dropped; ranks 1.5, 1.5, 3, 4; T- = 4. Sign patterns with
    # negative rank sum <= 4 out of 16: {}, {1.5}, {1.5'}, {3}, {1.5, 1.5'}, {4}
    # -> p = 2 * 6 / 16 = 0.75.
    result = compare_arms([0, 0, 0, 0, 0], [1, 1, 2, -3, 0])
    assert result["p_wilcoxon"] == pytest.approx(0.75)
    assert wilcoxon_exact_p([1, 1, 2, -3, 0]) == pytest.approx(0.75)
    assert (result["wins_b"], result["ties"]) == (3, 1)


def test_compare_arms_two_pairs_uses_one_degree_of_freedom():
    result = compare_arms([0.5, 0.5], [0.6, 0.8])
    # d = [0.1, 0.3]: mean 0.2, sd = sqrt(2 * 0.1^2) = 0.141421, t = 0.2 / (0.141421 / sqrt(2)) = 2.
    assert result["p_ttest"] == pytest.approx(1 - 2 / math.pi * math.atan(2.0))  # 0.295167
    assert result["p_ttest"] == pytest.approx(0.295167, abs=1e-6)
    assert result["p_wilcoxon"] == pytest.approx(0.5)  # 2 * 1 / 4
    assert result["cohen_dz"] == pytest.approx(0.2 / math.sqrt(0.02))


def test_compare_arms_one_pair_gives_clear_nans():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = compare_arms([0.1], [0.3])
    assert (
        result["n_pairs"] == 1
        and result["mean_diff"] == pytest.approx(0.2)
        and result["wins_b"] == 1
    )
    for key in (
        "sd_diff",
        "diff_ci_low",
        "diff_ci_high",
        "boot_ci_low",
        "boot_ci_high",
        "p_ttest",
        "p_wilcoxon",
        "cohen_dz",
        "prob_b_beats_a",
    ):
        assert math.isnan(result[key]), key
    assert codes(result["notes"]) == ["one_pair"]


def test_compare_arms_no_pairs():
    result = compare_arms([], [])
    assert (
        result["n_pairs"] == 0
        and math.isnan(result["mean_diff"])
        and codes(result["notes"]) == ["no_pairs"]
    )


def test_all_equal_arms_are_the_limit_of_no_difference():
    values = [0.90, 0.92, 0.94]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = compare_arms(values, values)
    assert result["mean_diff"] == 0.0 and result["sd_diff"] == 0.0
    assert result["diff_ci_low"] == result["diff_ci_high"] == 0.0
    assert result["boot_ci_low"] == result["boot_ci_high"] == 0.0
    # No difference at all: t-test p 1, equivalent within any smallest effect, a new seed ties.
    assert result["p_ttest"] == 1.0 and result["p_equivalence"] == 0.0
    assert result["prob_b_beats_a"] == 0.5 and result["effect_sign"] == 0
    # No pair differs: the Wilcoxon test's limit is p = 1 too, not "not available".
    assert result["p_wilcoxon"] == 1.0 and math.isnan(result["cohen_dz"])
    assert (result["wins_b"], result["ties"]) == (0, 3)
    assert codes(result["notes"]) == ["zero_difference"]


def test_a_constant_difference_is_judged_like_a_nearly_constant_one():
    # b - a is 0.1 on every seed, up to float noise (0.3 - 0.2 != 0.2 - 0.1 in floating point).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = compare_arms([0.1, 0.2, 0.3], [0.2, 0.3, 0.4])
    assert result["sd_diff"] == 0.0
    assert result["diff_ci_low"] == result["diff_ci_high"] == pytest.approx(0.1)
    assert result["boot_ci_low"] == result["boot_ci_high"] == pytest.approx(0.1)
    # The limit of t -> infinity: p = 0, and nearly constant differences approach it.
    assert result["p_ttest"] == 0.0
    nearly = compare_arms([0.1, 0.2, 0.3], [0.2, 0.3 + 1e-6, 0.4 - 1e-6])
    assert nearly["p_ttest"] < 1e-4 and nearly["effect_sign"] == result["effect_sign"] == 1
    assert result["cohen_dz"] == math.inf
    assert result["prob_b_beats_a"] == 1.0
    assert result["p_equivalence"] == 1.0  # 0.1 is outside +-0.01
    assert compare_arms([0.1, 0.2, 0.3], [0.2, 0.3, 0.4], smallest_effect=0.2)["p_equivalence"] == 0
    assert result["p_wilcoxon"] == pytest.approx(2 / 8)  # Three positive differences.
    (constant,) = result["notes"]
    assert constant["code"] == "constant_difference"
    assert constant["difference"] == pytest.approx(0.1)
    assert compare_arms([0.2, 0.3, 0.4], [0.1, 0.2, 0.3])["cohen_dz"] == -math.inf


def test_compare_arms_drops_pairs_with_a_value_not_available():
    result = compare_arms([0.1, NAN, 0.3, 0.2], [0.3, 0.9, 0.4, 0.5])
    # Pairs left: d = [0.2, 0.1, 0.3], as in the three-pair example.
    assert result["n_pairs"] == 3 and result["mean_diff"] == pytest.approx(0.2)
    assert result["notes"] == [{"code": "dropped_pairs", "count": 1}]


def test_compare_arms_refuses_unpaired_arrays():
    with pytest.raises(ValueError, match="3 and 2"):
        compare_arms([0.1, 0.2, 0.3], [0.1, 0.2])


def test_bootstrap_interval_of_two_pairs_by_hand():
    # d = [0, 1]: a resample's mean is 0, 0.5 or 1 with probability 1/4, 1/2, 1/4. The 2.5 % and
    # 97.5 % quantiles of 10,000 such means are 0 and 1; the 30 % and 70 % quantiles are both 0.5.
    result = compare_arms([0.0, 0.0], [0.0, 1.0])
    assert (result["boot_ci_low"], result["boot_ci_high"]) == (0.0, 1.0)
    narrow = compare_arms([0.0, 0.0], [0.0, 1.0], {"confidence": 0.4})
    assert (narrow["boot_ci_low"], narrow["boot_ci_high"]) == (0.5, 0.5)


def test_bootstrap_is_the_seeded_resampling_of_the_differences():
    a, b = np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.15, 0.35, 0.3, 0.6])
    settings = {"bootstrap_resamples": 500, "bootstrap_seed": 7}
    result = compare_arms(a, b, settings)
    # The same computation spelled out: resample the 4 pairs with replacement 500 times.
    d = b - a
    means = d[np.random.default_rng(7).integers(0, 4, size=(500, 4))].mean(axis=1)
    assert result["boot_ci_low"] == pytest.approx(np.quantile(means, 0.025))
    assert result["boot_ci_high"] == pytest.approx(np.quantile(means, 0.975))
    assert min(d) <= result["boot_ci_low"] < result["boot_ci_high"] <= max(d)
    assert compare_arms(a, b, settings) == result  # The same seed gives the same interval.


# --- Holm. ---


def test_holm_by_hand():
    # Sorted: 0.005 x 4 = 0.02; 0.01 x 3 = 0.03; 0.03 x 2 = 0.06; 0.04 x 1 = 0.04 -> raised to 0.06
    # by the running maximum. In input order: 0.03, 0.06, 0.06, 0.02.
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_passes_nans_through_and_does_not_count_them():
    adjusted = holm([0.01, NAN, 0.04, 0.03, 0.005])
    assert math.isnan(adjusted[1])
    assert adjusted[[0, 2, 3, 4]] == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one_and_handles_ties_and_edges():
    assert holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])  # 2 x 0.5 = 1.0; max(1.0, 0.6) = 1.0.
    assert holm([0.02, 0.02]) == pytest.approx([0.04, 0.04])  # 2 x 0.02; max(0.04, 1 x 0.02).
    assert holm([0.3]) == pytest.approx([0.3])
    assert holm([]).size == 0
    assert np.isnan(holm([NAN, NAN])).all()


def test_holm_refuses_a_p_value_outside_zero_one():
    with pytest.raises(ValueError, match="1.5"):
        holm([0.01, 1.5])


# --- verdict. ---


# --- Tables on a hand-made runs table. ---

STUDIES = {
    "loss": {
        "title": "Loss function",
        "expect": "B > A",
        "arms": [
            {"label": "mse", "slide_accuracy": 0.395},
            {"label": "cross-entropy", "slide_accuracy": 0.919},
        ],
    },
    "depth": {
        "title": "Depth with sigmoid",
        "expect": "A > B",
        "arms": [
            {"label": "3 layers", "slide_accuracy": 0.919},
            {"label": "9 layers", "slide_accuracy": 0.114},
        ],
    },
    "dropout": {
        "title": "Dropout",
        "expect": "B > A",
        "arms": [
            {"label": "no dropout", "slide_accuracy": 0.906},
            {"label": "dropout 0.2", "slide_accuracy": 0.918},
        ],
    },
    "optimizer": {
        "title": "Optimizer",
        "expect": "B > A",
        "arms": [
            {"label": "SGD", "slide_accuracy": 0.922},
            {"label": "Adam", "slide_accuracy": None},
        ],
    },
}
ACCURACY = {
    # (study, role): test accuracy by seed. mse seeds 0 and 2 are at chance (<= 0.2).
    ("loss", "A"): {0: 0.10, 1: 0.30, 2: 0.20},
    ("loss", "B"): {0: 0.90, 1: 0.92, 2: 0.94},
    ("depth", "A"): {0: 0.90, 1: 0.92, 2: 0.94},
    ("depth", "B"): {0: 0.11, 1: 0.11, 2: 0.11},
    ("dropout", "A"): {0: 0.90, 1: 0.92, 2: 0.94},
    ("dropout", "B"): {0: 0.91, 1: 0.91},  # Seed 2 never ran.
    ("optimizer", "A"): {0: 0.90, 1: 0.92, 2: 0.94},
    ("optimizer", "B"): {0: 0.50, 1: 0.60, 2: 0.55},
}


def accuracy_claim(expect: str, smallest_effect: float = 0.01) -> tuple[Claim, ...]:
    """A study's one claim on final test accuracy, as a config without ``claims`` gives it."""
    return (Claim("test_accuracy", EndpointRef.resolve("test_accuracy"), expect, smallest_effect),)


def studies(*names: str) -> list[Study]:
    """The hand-made studies (all, or those named) as the experiment resolves them."""
    return [
        Study(
            name=name,
            title=spec["title"],
            claim="",
            claim_zh="",
            note="",
            arms=tuple(
                Arm(name, role, arm["label"], f"{name}-{role}", arm["slide_accuracy"])
                for role, arm in zip("AB", spec["arms"])
            ),
            claims=accuracy_claim(spec["expect"]),
        )
        for name, spec in STUDIES.items()
        if not names or name in names
    ]


def as_endpoints(runs: pd.DataFrame, names=("test_accuracy", "train_accuracy")) -> pd.DataFrame:
    """A runs table as the endpoints table the tables stage would make of it (final
    accuracies; ``last_good_<name>`` columns, where present, give the last-good values)."""
    rows = []
    for run in runs.to_dict("records"):
        for name in names:
            rows.append(
                {
                    **{key: run[key] for key in ("study", "role", "arm", "condition", "seed")},
                    "status": run["status"],
                    "endpoint": name,
                    "value": run[name],
                    "last_good": run.get(f"last_good_{name}", NAN),
                    "censored": False,
                }
            )
    return pd.DataFrame(rows)


def findings_of(runs: pd.DataFrame, studies: list[Study], settings=None, smoke=False):
    """findings_table of a hand-made runs table."""
    return findings_table(as_endpoints(runs), studies, settings, smoke=smoke)


def hand_runs() -> pd.DataFrame:
    rows = []
    for study, spec in STUDIES.items():
        for role, arm in zip("AB", spec["arms"]):
            for seed, accuracy in ACCURACY[(study, role)].items():
                diverged = (study, role, seed) == ("loss", "A", 0)
                rows.append(
                    {
                        "study": study,
                        "role": role,
                        "arm": arm["label"],
                        "condition": f"{study}-{role}",
                        "seed": seed,
                        "status": "diverged" if diverged else "ok",
                        "last_good_epoch": 3 if diverged else 20,
                        "epochs_run": 20,
                        "test_accuracy": accuracy,
                        "test_loss": NAN if diverged else 0.3,
                        "train_accuracy": accuracy + 0.05,
                        "train_loss": NAN if diverged else 0.2,
                        "fit_seconds": 10.0,
                        "samples_per_second": 1000.0,
                        "slide_accuracy": arm["slide_accuracy"],
                    }
                )
    return pd.DataFrame(rows)


def p_two_df(d: list[float]) -> float:
    """Paired t-test p of three differences by the closed form with 2 degrees of freedom."""
    mean = sum(d) / 3
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / 2)
    return t_two_sided_p(mean / (sd / math.sqrt(3)), 2)


def test_summary_table_by_hand():
    summary = summary_table(hand_runs(), DEFAULT_SETTINGS)
    # What a reader of summary.csv looks up, written out here.
    for column in ("n_trained", "n_at_chance", "n_diverged", "test_accuracy_pi_low", "slide_in_pi"):
        assert column in summary.columns, column
    assert list(summary["study"].unique()) == ["loss", "depth", "dropout", "optimizer"]
    summary = summary.set_index(["study", "role"])
    mse = summary.loc[("loss", "A")]
    assert (mse["n"], mse["n_trained"], mse["n_diverged"], mse["n_missing"]) == (3, 1, 1, 0)
    # [0.10, 0.30, 0.20]: mean 0.2, sd 0.1, PI 0.2 +- 4.30265 * 0.1 * sqrt(4/3) = 0.2 +- 0.496828.
    assert mse["test_accuracy_pi_high"] == pytest.approx(0.696828, abs=1e-6)
    assert mse["train_accuracy_mean"] == pytest.approx(0.25)
    assert mse["slide_in_pi"] == True  # noqa: E712 (0.395 lies in [-0.297, 0.697])
    ce = summary.loc[("loss", "B")]
    # [0.90, 0.92, 0.94]: sd 0.02; CI 0.92 +- 4.30265 * 0.02 / sqrt(3) = 0.92 +- 0.049683.
    assert (ce["test_accuracy_ci_low"], ce["test_accuracy_ci_high"]) == pytest.approx(
        (0.870317, 0.969683), abs=1e-6
    )
    assert (ce["test_accuracy_pi_low"], ce["test_accuracy_pi_high"]) == pytest.approx(
        (0.820634, 1.019366), abs=1e-6
    )
    assert ce["slide_in_pi"] == True  # noqa: E712
    deep = summary.loc[("depth", "B")]
    assert deep["test_accuracy_sd"] == 0.0 and deep["n_trained"] == 0
    assert deep["test_accuracy_pi_low"] == deep["test_accuracy_pi_high"] == pytest.approx(0.11)
    assert deep["slide_in_pi"] == False  # noqa: E712 (0.114 is not the single point 0.11)
    assert summary.loc[("dropout", "B"), "n"] == 2
    assert pd.isna(summary.loc[("optimizer", "B"), "slide_in_pi"])  # No slide value.


def test_summary_of_one_seed_has_no_prediction_interval():
    runs = hand_runs()
    one = runs[(runs["study"] == "loss") & (runs["role"] == "A") & (runs["seed"] == 1)]
    row = summary_table(one).iloc[0]
    assert row["n"] == 1 and pd.isna(row["test_accuracy_pi_low"]) and pd.isna(row["slide_in_pi"])


def test_summary_counts_an_accuracy_that_is_not_available():
    runs = hand_runs()
    runs["test_accuracy"] = runs["test_accuracy"].astype(object)
    runs.loc[
        (runs["study"] == "loss") & (runs["role"] == "B") & (runs["seed"] == 2), "test_accuracy"
    ] = None
    row = summary_table(runs).set_index(["study", "role"]).loc[("loss", "B")]
    assert (row["n"], row["n_missing"], row["n_trained"]) == (3, 1, 2)
    assert row["test_accuracy_mean"] == pytest.approx(0.91)  # (0.90 + 0.92) / 2


def test_summary_table_of_no_runs_is_empty_with_its_columns():
    empty = summary_table(hand_runs().iloc[0:0])
    assert empty.empty
    assert {"study", "role", "test_accuracy_mean", "train_accuracy_sd"} <= set(empty.columns)


def test_findings_table_by_hand():
    findings = findings_of(hand_runs(), studies(), DEFAULT_SETTINGS)
    # The columns the report and the comparison read, written out here.
    for column in (
        "claim",
        "endpoint",
        "ci_low",
        "ci_high",
        "diff_ci_low",
        "p_holm",
        "p_beyond_holm",
        "p_equivalence_holm",
        "verdict",
        "notes",
    ):
        assert column in findings.columns, column
    assert findings["study"].tolist() == ["loss", "depth", "dropout", "optimizer"]
    rows = findings.set_index("study")

    # loss: d = [0.80, 0.62, 0.74]; mean 0.72; sum of squares 0.0064 + 0.01 + 0.0004 = 0.0168;
    # sd = sqrt(0.0084) = 0.091652; t = 0.72 / (0.091652 / sqrt(3)) = 13.6067.
    p_loss = p_two_df([0.80, 0.62, 0.74])
    assert p_loss == pytest.approx(0.005358, abs=1e-6)  # 1 - 13.6067 / sqrt(2 + 185.142)
    # depth: d = [-0.79, -0.81, -0.83]; mean -0.81, sd 0.02, t = -70.15.
    p_depth = p_two_df([-0.79, -0.81, -0.83])
    # dropout: seed 2 missing in B, so d = [0.01, -0.01]: mean 0, t = 0, p = 1 - (2/pi) atan(0) = 1.
    p_dropout = 1.0
    # optimizer: d = [-0.40, -0.32, -0.39]; mean -0.37, sd sqrt(0.0019), t = -14.70.
    p_optimizer = p_two_df([-0.40, -0.32, -0.39])
    assert p_depth < p_optimizer < p_loss < p_dropout
    # Holm over m = 4, smallest first: 4 p_depth; max(that, 3 p_optimizer);
    # max(that, 2 p_loss); max(that, 1).
    holm_depth = 4 * p_depth
    holm_optimizer = max(holm_depth, 3 * p_optimizer)
    holm_loss = max(holm_optimizer, 2 * p_loss)
    assert rows["p_value"].tolist() == pytest.approx(
        [p_loss, p_depth, p_dropout, p_optimizer], abs=1e-9
    )
    assert rows["p_holm"].tolist() == pytest.approx(
        [holm_loss, holm_depth, 1.0, holm_optimizer], abs=1e-9
    )
    assert rows["verdict"].tolist() == ["REPRODUCED", "REPRODUCED", "INCONCLUSIVE", "REVERSED"]

    loss = rows.loc["loss"]
    assert (loss["arm_a"], loss["arm_b"], loss["expect"], loss["title"]) == (
        "mse",
        "cross-entropy",
        "B > A",
        "Loss function",
    )
    assert (loss["n_pairs"], loss["n_a"], loss["n_b"], loss["trained_a"], loss["trained_b"]) == (
        3,
        3,
        3,
        1,
        3,
    )
    assert (loss["mean_a"], loss["mean_b"], loss["mean_diff"]) == pytest.approx((0.2, 0.92, 0.72))
    half = t_quantile(0.975, 2) * math.sqrt(0.0084) / math.sqrt(3)  # 0.227675
    assert (loss["diff_ci_low"], loss["diff_ci_high"]) == pytest.approx((0.72 - half, 0.72 + half))
    assert loss["p_wilcoxon"] == pytest.approx(0.25)
    assert loss["cohen_dz"] == pytest.approx(0.72 / math.sqrt(0.0084))
    # Predictive: F_2(d_z / sqrt(4/3)), with F_2(t) = 1/2 + t / (2 sqrt(2 + t^2)).
    t_new = 0.72 / math.sqrt(0.0084) / math.sqrt(4 / 3)
    assert loss["prob_b_beats_a"] == pytest.approx(0.5 + t_new / (2 * math.sqrt(2 + t_new**2)))
    assert (loss["wins_b"], loss["ties"]) == (3, 0)
    assert loss["evidence"] == True and loss["test"] == "paired_t" and loss["alpha"] == 0.05  # noqa: E712
    # The diverged seed 0 is not counted among those that never left chance: of seeds 1 and 2
    # (0.30 and 0.20) only seed 2 is at or below 0.2.
    assert json.loads(loss["notes"]) == [
        {
            "code": "at_chance",
            "role": "A",
            "label": "mse",
            "count": 1,
            "of": 2,
            "diverged": 1,
            "threshold": 0.2,
        },
        {
            "code": "diverged",
            "role": "A",
            "label": "mse",
            "count": 1,
            "of": 3,
            "score": "final_weights",
        },
    ]
    # The slide's difference 0.919 - 0.395 = 0.524 against one run's PI
    # 0.72 +- t(0.975, 2) * sqrt(0.0084) * sqrt(4/3) = 0.72 +- 0.45534.
    pi_half = t_quantile(0.975, 2) * math.sqrt(0.0084) * math.sqrt(4 / 3)
    assert (loss["diff_pi_low"], loss["diff_pi_high"]) == pytest.approx(
        (0.72 - pi_half, 0.72 + pi_half)
    )
    assert loss["slide_diff"] == pytest.approx(0.524) and loss["slide_diff_in_pi"] == True  # noqa: E712
    assert pd.isna(rows.loc["optimizer", "slide_diff_in_pi"])  # Adam has no slide value
    # 0.72 is far outside +-0.01: the equivalence test cannot be passed, and the effect is
    # shown to exceed 0.01: the one-sided t-test of the differences against 0.01.
    assert loss["p_equivalence"] > 0.5 and loss["verdict_case"] == "beyond"
    t_beyond = (0.72 - 0.01) / (math.sqrt(0.0084) / math.sqrt(3))
    assert loss["p_beyond"] == pytest.approx(t_two_sided_p(t_beyond, 2) / 2)
    assert loss["sources"] == "seeds" and math.isnan(loss["se_images"])

    depth = rows.loc["depth"]
    assert (
        depth["mean_diff"] == pytest.approx(-0.81)
        and depth["trained_b"] == 0
        and depth["wins_b"] == 0
    )
    assert codes(depth["notes"]) == ["at_chance"]

    dropout = rows.loc["dropout"]
    assert (dropout["n_pairs"], dropout["n_a"], dropout["n_b"]) == (2, 3, 2)
    # Means over the paired seeds 0 and 1 only: A (0.90 + 0.92) / 2, B 0.91.
    assert (dropout["mean_a"], dropout["mean_b"]) == pytest.approx((0.91, 0.91))
    assert dropout["mean_diff"] == pytest.approx(0.0, abs=1e-12)
    assert (dropout["wins_b"], dropout["ties"]) == (1, 0)
    assert json.loads(dropout["notes"]) == [
        {"code": "missing_seeds", "role": "B", "label": "dropout 0.2", "seeds": [2]}
    ]
    # d = [0.01, -0.01], sd 0.014142, se 0.01: TOST against +-0.01 has t = 1 on each side with
    # 1 df, p = 1 - (1/2 + atan(1) / pi) = 0.25; Holm over the four studies keeps it >= 0.25.
    assert dropout["p_equivalence"] == pytest.approx(0.25)
    assert dropout["verdict_case"] == "neither" and dropout["verdict"] == "INCONCLUSIVE"
    # An estimate at the Holm correction's strictest level over the four claims.
    assert dropout["seeds_to_decide"] == effects.seeds_to_decide(
        0.0, math.sqrt(0.0002), 0.01, 0.05 / 4, 0.8
    )
    assert (
        rows.loc["loss", "seeds_to_decide"] != rows.loc["loss", "seeds_to_decide"]
    )  # decided: NaN


def test_findings_with_the_wilcoxon_test_says_five_pairs_cannot_be_significant():
    runs = hand_runs()
    findings = findings_of(runs, studies("loss"), {"test": "wilcoxon"}).iloc[0]
    # Three positive differences: p = 2 / 2^3 = 0.25, the smallest possible, so never below 0.05.
    assert findings["p_value"] == pytest.approx(0.25) and findings["p_holm"] == pytest.approx(0.25)
    assert findings["test"] == "wilcoxon"
    # The difference test cannot decide, but the effect is shown to exceed delta by the
    # minimum-effect test (a t-test), so the claim is reproduced all the same.
    assert findings["verdict"] == "REPRODUCED"
    assert json.loads(findings["notes"])[-1] == {
        "code": "wilcoxon_floor",
        "nonzero": 3,
        "alpha": 0.05,
    }
    # The Hodges-Lehmann estimate: the median of the Walsh averages of [0.80, 0.62, 0.74],
    # [0.62, 0.68, 0.71, 0.74, 0.77, 0.80]: (0.71 + 0.74) / 2.
    assert findings["hodges_lehmann"] == pytest.approx(0.725)


def test_findings_leave_out_an_accuracy_that_is_not_available_and_say_so():
    runs = hand_runs()
    runs.loc[
        (runs["study"] == "optimizer") & (runs["role"] == "B") & (runs["seed"] == 1),
        "test_accuracy",
    ] = NAN
    row = findings_of(runs, studies("optimizer")).iloc[0]
    # Pairs left: seeds 0 and 2, d = [-0.40, -0.39].
    assert row["n_pairs"] == 2 and row["mean_diff"] == pytest.approx(-0.395)
    assert json.loads(row["notes"]) == [
        {
            "code": "unavailable",
            "role": "B",
            "label": "Adam",
            "seeds": [1],
            "endpoint": "test_accuracy",
        }
    ]


def test_findings_of_a_smoke_run_are_not_evidence():
    findings = findings_of(hand_runs(), studies(), DEFAULT_SETTINGS, smoke=True)
    assert not findings["evidence"].any()


def test_findings_of_a_study_without_runs():
    batch = Study(
        "batch",
        "Mini-batch",
        "",
        "",
        "",
        (Arm("batch", "A", "x", "c1", None), Arm("batch", "B", "y", "c2", None)),
        accuracy_claim("B > A"),
    )
    row = findings_of(hand_runs(), [batch]).iloc[0]
    assert row["n_pairs"] == 0 and row["verdict"] == "INCONCLUSIVE"
    assert codes(row["notes"])[:3] == ["no_runs", "no_runs", "no_pairs"]


def test_wilcoxon_of_all_zero_differences_is_the_limit_of_no_difference():
    # scipy warns when every difference is zero; there is no evidence of a difference, p = 1
    # (as the t-test's limit), so that the claim stays in every Holm family.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert stats._wilcoxon_p(np.zeros(3)) == 1.0
    assert math.isnan(stats._wilcoxon_p(np.zeros(1)))
    assert stats._wilcoxon_p(np.array([0.0, 0.0, 0.5])) == pytest.approx(
        1.0
    )  # One non-zero pair: 2 * 1/2.


# --- Verdicts that combine significance with the smallest effect that matters. ---


def one_study_runs(
    a: list[float], b: list[float], status_a: list[str] | None = None
) -> pd.DataFrame:
    """A runs table of one study "tip" (claim B > A) with the given accuracies per seed."""
    rows = []
    for role, values in (("A", a), ("B", b)):
        for seed, value in enumerate(values):
            status = (status_a or ["ok"] * len(a))[seed] if role == "A" else "ok"
            rows.append(
                {
                    "study": "tip",
                    "role": role,
                    "arm": role.lower(),
                    "condition": f"c{role}",
                    "seed": seed,
                    "status": status,
                    "test_accuracy": value,
                    "train_accuracy": value,
                    "last_good_test_accuracy": 0.9,
                    "last_good_train_accuracy": 0.95,
                    "slide_accuracy": None,
                }
            )
    return pd.DataFrame(rows)


TIP = Study(
    "tip",
    "Tip",
    "",
    "",
    "",
    (Arm("tip", "A", "a", "cA", None), Arm("tip", "B", "b", "cB", None)),
    accuracy_claim("B > A"),
)


def test_wilcoxon_verdict_takes_its_direction_from_the_signed_ranks_not_the_mean():
    # 12 seeds favour B by +0.002 ... +0.013, one favours A by -0.5: the mean is negative, but
    # the signed ranks are R+ = 1 + ... + 12 = 78 against R- = 13.
    gains = [0.002 + 0.001 * k for k in range(12)]
    a = [0.9] * 13
    b = [0.9 + gain for gain in gains] + [0.4]
    row = findings_of(
        one_study_runs(a, b), [TIP], {"test": "wilcoxon", "smallest_effect": 0.001}
    ).iloc[0]
    assert row["mean_diff"] < 0 and row["effect_sign"] == 1
    # Exact signed-rank p by enumeration would take 2^13 patterns; scipy's exact p is below 0.05.
    assert row["p_value"] < 0.05
    # The ranks show the direction; the mean cannot show an effect beyond delta: direction only,
    # not reproduced (the sentence says the mean and the ranks disagree).
    assert row["verdict"] == "DIRECTION ONLY" and row["hodges_lehmann"] > 0


def test_a_significant_but_tiny_difference_is_negligible_not_reversed():
    # Dropout-like: B is 0.006 worse on every seed with a tiny spread;
    # significant, but inside +-0.01.
    a = [0.900, 0.902, 0.904, 0.906, 0.908]
    b = [0.8941, 0.8959, 0.8982, 0.8998, 0.9021]
    row = findings_of(one_study_runs(a, b), [TIP]).iloc[0]
    assert row["p_holm"] < 0.05 and row["mean_diff"] == pytest.approx(-0.00598)
    assert row["p_equivalence_holm"] < 0.05
    assert (row["verdict_case"], row["verdict"]) == ("small", "NEGLIGIBLE")
    # With a smallest effect of 0.005 the same numbers reverse the claim
    strict = findings_of(
        one_study_runs(a, b), [replace(TIP, claims=accuracy_claim("B > A", 0.005))]
    ).iloc[0]
    # (B is worse by more than 0.005, shown by the minimum-effect test against the claim.)
    assert (strict["verdict_case"], strict["verdict"]) == ("against", "REVERSED")


def test_diverged_runs_are_scored_as_the_config_says():
    a = [0.0980, 0.88, 0.89]
    b = [0.95, 0.95, 0.96]
    runs = one_study_runs(a, b, status_a=["diverged", "ok", "ok"])
    final = findings_of(runs, [TIP], {"diverged_score": "final_weights"}).iloc[0]
    good = findings_of(runs, [TIP], {"diverged_score": "last_good_epoch"}).iloc[0]
    left_out = findings_of(runs, [TIP], {"diverged_score": "exclude"}).iloc[0]
    # Seed 0 of A: 0.098 as evaluated on NaN weights, 0.9 at its last finite epoch, or left out.
    assert final["mean_a"] == pytest.approx((0.098 + 0.88 + 0.89) / 3)
    assert good["mean_a"] == pytest.approx((0.9 + 0.88 + 0.89) / 3)
    assert left_out["n_pairs"] == 2 and left_out["mean_a"] == pytest.approx(0.885)
    for row, how in (
        (final, "final"),
        (good, "last epoch with a finite loss"),
        (left_out, "left out"),
    ):
        text = wording.notes_text(row["notes"], EndpointRef.resolve("test_accuracy"))
        assert "1 of 3 seeds of arm A (a) diverged" in text and how in text
        assert "never left chance" not in text  # diverged is its own outcome
    summary = summary_table(runs, {"diverged_score": "exclude"}).set_index("role")
    assert (summary.loc["A", "n_diverged"], summary.loc["A", "n_missing"]) == (1, 1)


def test_an_accuracy_claims_error_includes_the_test_images_every_run_shares():
    # Two seeds of one claim, each arm scored on the same 8 test images. B − A per image:
    # seed 0 [1, 1, 0, 0, 0, 0, 0, -1], seed 1 [1, 0, 1, 0, 0, 0, 0, 0]: accuracies differ by
    # 1/8 and 2/8 (B − A = 0.125, 0.25).
    a0, b0 = [0, 0, 1, 1, 1, 0, 0, 1], [1, 1, 1, 1, 1, 0, 0, 0]
    a1, b1 = [0, 1, 0, 1, 1, 0, 0, 1], [1, 1, 1, 1, 1, 0, 0, 1]
    runs = one_study_runs([np.mean(a0), np.mean(a1)], [np.mean(b0), np.mean(b1)])
    test_correct = {
        "condition": np.array(["cA", "cA", "cB", "cB"]),
        "seed": np.array([0, 1, 0, 1]),
        "correct": np.array([a0, a1, b0, b1], dtype=np.uint8),
    }
    row = findings_table(as_endpoints(runs), [TIP], None, test_correct=test_correct).iloc[0]
    assert row["sources"] == "seeds and test images"
    # The two-way ANOVA of the 2 × 8 matrix, by hand. Seeds: means 0.125 and 0.25 (grand mean
    # 0.1875), MS_seed = 8 × 2 × 0.0625² = 0.0625. Images: means over seeds
    # [1, 0.5, 0.5, 0, 0, 0, 0, −0.5], MS_image = 2 × (0.8125² + 2 × 0.3125² + 4 × 0.1875² +
    # 0.6875²) / 7 = 2 × 1.46875 / 7. Residuals D − row mean − column mean + 0.1875: ±0.0625 on
    # five images, ±0.5625 on one, ±0.4375 on two, MS_residual = 2 × 0.71875 / 7.
    ms_seed, ms_image, ms_residual = 0.0625, 2 * 1.46875 / 7, 2 * 0.71875 / 7
    combination = ms_seed + ms_image - ms_residual
    assert row["se"] == pytest.approx(math.sqrt(combination / 16))
    # The images' part, which more seeds cannot shrink, and the seeds' (s² / n = 0.0078125 / 2).
    assert row["se_images"] == pytest.approx(math.sqrt((ms_image - ms_residual) / 16))
    assert row["se_seeds"] == pytest.approx(math.sqrt(0.0078125 / 2))
    # Satterthwaite's df of the combination of the three mean squares.
    assert row["df"] == pytest.approx(
        combination**2 / (ms_seed**2 / 1 + ms_image**2 / 7 + ms_residual**2 / 7)
    )
    # The verdict's tests read it; the seeds-only figures stay beside it.
    half = sps.t.ppf(0.975, row["df"]) * row["se"]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.1875 - half, 0.1875 + half))
    assert row["p_value"] != row["p_value_seeds"] == pytest.approx(row["p_ttest"])
    assert row["se"] > row["se_seeds"]  # more error than the seeds alone show
    # Without the images' scores the verdict is the seeds' alone.
    alone = findings_table(as_endpoints(runs), [TIP]).iloc[0]
    assert alone["sources"] == "seeds" and alone["p_value"] == alone["p_value_seeds"]


@pytest.mark.parametrize("seed", range(5))
def test_holm_levels_agree_with_the_holm_decision(seed):
    # A test's own p below its Holm level exactly when its Holm-adjusted p is below alpha,
    # including where the step-down's running maximum lifts an adjusted p.
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(0, 0.03, 6), rng.uniform(0, 1, 6), [np.nan, 0.0]])
    for alpha in (0.01, 0.05, 0.1):
        levels = holm_levels(p, alpha)
        present = ~np.isnan(p)
        assert np.array_equal(holm(p)[present] < alpha, p[present] < levels[present])
        assert np.isnan(levels[~present]).all()
        # Never more lenient than alpha, never stricter than alpha / m.
        assert (levels[present] <= alpha + 1e-15).all()
        assert (levels[present] >= alpha / present.sum() - 1e-15).all()


def test_holm_levels_by_hand():
    # p = 0.01, 0.04, 0.03 at alpha 0.05: Holm factors 3, 1 (lifted to 0.06 / 0.04 by the
    # running maximum: 1.5), 2.
    levels = holm_levels([0.01, 0.04, 0.03], 0.05)
    assert levels == pytest.approx([0.05 / 3, 0.05 / 1.5, 0.05 / 2])

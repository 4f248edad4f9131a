"""Unit tests of tipsbench.effects, each number checked by a route other than the code's.

p-values come from closed forms of Student's t (2 and 4 degrees of freedom) or from
scipy's one-sided tests, powers from integrating the normal tail over the chi-square
distribution of the sample variance (not from the noncentral t the code uses), the Hedges
factor from the Gamma function at half-integers, and the verdicts from a written-out table.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from scipy import integrate
from scipy import stats as sps

from tipsbench import effects
from tipsbench.effects import (
    VERDICTS,
    combined_verdict,
    direction,
    hedges_gz,
    minimum_detectable_difference,
    paired_t_p,
    prob_new_seed_favours_b,
    seeds_to_decide,
    single_run_difference_interval,
    tost_p,
    verdict_case,
)

NAN = float("nan")
# A non-trivial sample of five paired differences (accuracy fractions); mean 0.0008.
SAMPLE = [0.001, -0.002, 0.003, 0.0005, 0.0015]
# Twelve small gains and one large loss: the mean is negative, the signed ranks positive.
OUTLIER = [0.002 + 0.001 * i for i in range(12)] + [-0.5]


def mean_sd(values: list[float]) -> tuple[float, float]:
    """Mean and sample sd with the standard library, not numpy."""
    return statistics.fmean(values), statistics.stdev(values)


def t2_two_sided_p(t: float) -> float:
    """Two-sided p of Student's t with 2 degrees of freedom, closed form: 1 − |t| / sqrt(2 + t²)."""
    return 1 - abs(t) / math.sqrt(2 + t * t)


def t4_cdf(t: float) -> float:
    """CDF of Student's t with 4 degrees of freedom, closed form in x = t / sqrt(4 + t²)."""
    x = t / math.sqrt(4 + t * t)
    return 0.5 + 0.75 * x * (1 - x * x / 3)


def t2_quantile(p: float) -> float:
    """Quantile of Student's t with 2 degrees of freedom, closed form."""
    return (2 * p - 1) / math.sqrt(2 * p * (1 - p))


def tail_probability(effect: float, n: int, critical: float, upper: bool) -> float:
    """P(T' > c) (upper) or P(T' < −c) of the t statistic with n pairs and true standardised effect.

    T' = (Z + effect·sqrt(n)) / sqrt(V / df) with Z normal and V chi-square(df): conditioning
    on V leaves a normal tail, averaged here over V by integrating over its quantiles u in (0, 1).
    """
    df = n - 1
    shift = effect * math.sqrt(n)

    def tail_given(u: float) -> float:
        scale = critical * math.sqrt(sps.chi2.ppf(u, df) / df)
        return sps.norm.sf(scale - shift) if upper else sps.norm.cdf(-scale - shift)

    value, _ = integrate.quad(tail_given, 0, 1, epsabs=1e-11, epsrel=1e-10, limit=500)
    return value


def power_two_sided(effect: float, n: int, alpha: float) -> float:
    """Power of the two-sided one-sample t-test: P(|T'| > t_{1−α/2, n−1})."""
    critical = sps.t.ppf(1 - alpha / 2, n - 1)
    return tail_probability(effect, n, critical, True) + tail_probability(
        effect, n, critical, False
    )


def power_one_sided(effect: float, n: int, alpha: float) -> float:
    """Power of the one-sided ("larger") one-sample t-test: P(T' > t_{1−α, n−1})."""
    return tail_probability(effect, n, sps.t.ppf(1 - alpha, n - 1), True)


def test_power_by_integration_agrees_with_the_noncentral_t():
    # The test's own power route, checked against scipy's noncentral t where that is well behaved.
    for effect, n, alpha in [(0.5, 10, 0.05), (1.3, 5, 0.05), (2.0, 3, 0.01)]:
        critical = sps.t.ppf(1 - alpha / 2, n - 1)
        nc = effect * math.sqrt(n)
        expected = sps.nct.sf(critical, n - 1, nc) + sps.nct.cdf(-critical, n - 1, nc)
        assert power_two_sided(effect, n, alpha) == pytest.approx(expected, abs=1e-9)
    # At effect 0 the power is the level.
    assert power_two_sided(0.0, 5, 0.05) == pytest.approx(0.05, abs=1e-10)
    assert power_one_sided(0.0, 5, 0.05) == pytest.approx(0.05, abs=1e-10)


# --- paired_t_p ---


def test_paired_t_p_closed_form_with_two_degrees_of_freedom():
    values = [0.004, 0.001, 0.0025]
    mean, sd = mean_sd(values)
    t = mean / (sd / math.sqrt(3))
    assert paired_t_p(values) == pytest.approx(t2_two_sided_p(t), rel=1e-12)
    assert paired_t_p([-v for v in values]) == pytest.approx(t2_two_sided_p(t), rel=1e-12)


def test_paired_t_p_equals_the_paired_t_test_of_the_two_arms():
    a = np.array([0.9712, 0.9698, 0.9731, 0.9705, 0.9720])
    b = a + np.array(SAMPLE)
    assert paired_t_p(b - a) == pytest.approx(sps.ttest_rel(b, a).pvalue, rel=1e-9)


def test_paired_t_p_limits_follow_a_vanishing_spread():
    assert math.isnan(paired_t_p([]))
    assert math.isnan(paired_t_p([0.01]))
    assert paired_t_p([0.002] * 5) == 0.0
    assert paired_t_p([-0.002] * 5) == 0.0
    # Equal up to the noise of float subtraction still counts as zero spread.
    assert paired_t_p([0.3 - 0.2, 0.2 - 0.1, 0.1]) == 0.0
    assert paired_t_p([0.0] * 5) == 1.0
    # The limit is approached continuously: a tiny spread around 0.002 gives a tiny p.
    assert paired_t_p([0.002, 0.002 + 1e-7, 0.002 - 1e-7]) < 1e-4


def test_paired_t_p_rejects_bad_differences():
    with pytest.raises(ValueError, match="differences"):
        paired_t_p([0.1, NAN, 0.2])
    with pytest.raises(ValueError, match="differences"):
        paired_t_p([[0.1, 0.2], [0.3, 0.4]])
    with pytest.raises(ValueError, match="differences"):
        paired_t_p(["a", "b"])


# --- tost_p ---


def one_sided_ps_by_hand(values: list[float], delta: float) -> tuple[float, float]:
    """p of H0: mean <= −delta and of H0: mean >= +delta, from the t statistics by hand."""
    mean, sd = mean_sd(values)
    se = sd / math.sqrt(len(values))
    df = len(values) - 1
    return float(sps.t.sf((mean + delta) / se, df)), float(sps.t.cdf((mean - delta) / se, df))


@pytest.mark.parametrize("shift", [0.0, 0.003, -0.004])
def test_tost_p_is_the_larger_of_two_one_sided_t_tests(shift):
    values = [v + shift for v in SAMPLE]
    delta = 0.005
    low, high = one_sided_ps_by_hand(values, delta)
    assert tost_p(values, delta) == pytest.approx(max(low, high), rel=1e-9)
    # The same two tests through scipy's one-sided one-sample t-tests.
    greater = sps.ttest_1samp(values, -delta, alternative="greater").pvalue
    less = sps.ttest_1samp(values, delta, alternative="less").pvalue
    assert tost_p(values, delta) == pytest.approx(max(greater, less), rel=1e-9)


def test_tost_p_takes_the_bound_the_mean_is_near():
    # Mean 0.0038 near +0.005: the upper one-sided test decides and equivalence is not shown.
    near_upper = [v + 0.003 for v in SAMPLE]
    low, high = one_sided_ps_by_hand(near_upper, 0.005)
    assert high > 0.05 > low
    assert tost_p(near_upper, 0.005) == pytest.approx(high, rel=1e-9)
    # Mirrored, the lower bound decides with the same p.
    assert tost_p([-v for v in near_upper], 0.005) == pytest.approx(high, rel=1e-9)
    # The centred sample is equivalent at 5 %.
    assert tost_p(SAMPLE, 0.005) < 0.05


def test_tost_p_limits():
    assert math.isnan(tost_p([], 0.005))
    assert math.isnan(tost_p([0.001], 0.005))
    assert tost_p([0.003] * 5, 0.005) == 0.0
    assert tost_p([-0.003] * 5, 0.005) == 0.0
    assert tost_p([0.0] * 5, 0.005) == 0.0
    assert tost_p([0.006] * 5, 0.005) == 1.0
    assert tost_p([-0.006] * 5, 0.005) == 1.0
    assert tost_p([0.005] * 5, 0.005) == 1.0


@pytest.mark.parametrize("delta", [0, -0.005, NAN, math.inf, "0.005", True])
def test_tost_p_rejects_bad_delta(delta):
    with pytest.raises(ValueError, match="delta"):
        tost_p(SAMPLE, delta)


# --- direction ---


def test_direction_wilcoxon_follows_the_signed_ranks_not_the_mean():
    assert statistics.fmean(OUTLIER) < 0
    # Ranks by hand: the twelve gains take ranks 1..12 (sum 78), the loss rank 13.
    assert direction(OUTLIER, "wilcoxon") == 1
    assert direction(OUTLIER, "paired_t") == -1


def test_direction_wilcoxon_drops_zeros_and_averages_tied_ranks():
    # Zeros dropped: |−1|, |−2|, |3| rank 1, 2, 3, so R+ = R− = 3. Ranking the zeros too
    # (Pratt) would give R+ = 5, R− = 7.
    assert direction([0.0, 0.0, 3.0, -1.0, -2.0], "wilcoxon") == 0
    # Tied |d| share the average rank 1.5, so R+ = R−; ranking them in order would not tie.
    assert direction([0.01, -0.01], "wilcoxon") == 0
    assert direction([-0.01, 0.01, 0.03], "wilcoxon") == 1
    assert direction([0.0, 0.0], "wilcoxon") == 0
    assert direction([], "wilcoxon") == 0


def test_direction_wilcoxon_agrees_with_scipys_signed_rank_statistic():
    rng = np.random.default_rng(7)
    for _ in range(50):
        values = np.round(rng.normal(0.0, 0.01, size=int(rng.integers(2, 12))), 3)
        nonzero = int(np.count_nonzero(values))
        if nonzero == 0:
            continue
        r_plus = sps.wilcoxon(values, alternative="greater").statistic
        expected = int(np.sign(2 * r_plus - nonzero * (nonzero + 1) / 2))
        assert direction(values, "wilcoxon") == expected


def test_direction_paired_t_is_the_sign_of_the_mean():
    assert direction(SAMPLE, "paired_t") == 1
    assert direction([-v for v in SAMPLE], "paired_t") == -1
    assert direction([0.0, 0.0, 0.0], "paired_t") == 0
    assert direction([], "paired_t") == 0


def test_direction_rejects_an_unknown_test():
    with pytest.raises(ValueError, match="test"):
        direction(SAMPLE, "sign")


# --- hedges_gz ---


def test_hedges_gz_exact_factor_for_five_pairs():
    # J(4) = Γ(2) / (sqrt(2) Γ(3/2)) = 1 / (sqrt(2) · sqrt(π) / 2) = sqrt(2 / π).
    mean, sd = mean_sd(SAMPLE)
    assert hedges_gz(SAMPLE) == pytest.approx(math.sqrt(2 / math.pi) * mean / sd, rel=1e-12)


@pytest.mark.parametrize(
    ("n", "factor"),
    [
        (4, math.sqrt(math.pi / 6)),  # Γ(3/2) / (sqrt(3/2) Γ(1))
        (7, 8 / (3 * math.sqrt(3 * math.pi))),  # Γ(3) / (sqrt(3) Γ(5/2))
    ],
)
def test_hedges_gz_exact_factors(n, factor):
    values = [0.001 * (i + 1) ** 1.5 - 0.002 for i in range(n)]
    mean, sd = mean_sd(values)
    assert hedges_gz(values) == pytest.approx(factor * mean / sd, rel=1e-12)


@pytest.mark.parametrize("n", [7, 8, 10, 20, 50, 200])
def test_hedges_gz_factor_close_to_the_usual_approximation(n):
    values = [math.sin(i + 1.0) for i in range(n)]
    mean, sd = mean_sd(values)
    df = n - 1
    assert hedges_gz(values) / (mean / sd) == pytest.approx(1 - 3 / (4 * df - 1), abs=1e-3)
    assert hedges_gz(values) / (mean / sd) < 1


def test_hedges_gz_limits():
    assert math.isnan(hedges_gz([]))
    assert math.isnan(hedges_gz([0.01]))
    # With one degree of freedom the exact factor is 0 (1/sd has no mean): no corrected effect.
    assert math.isnan(hedges_gz([0.01, 0.02]))
    assert hedges_gz([0.002] * 5) == math.inf
    assert hedges_gz([-0.002] * 5) == -math.inf
    assert math.isnan(hedges_gz([0.0] * 5))


# --- prob_new_seed_favours_b ---


def test_prob_new_seed_uses_the_t_prediction_distribution():
    # Mean 2, sd 1 over five seeds.
    deviations = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
    values = list(2 + deviations / statistics.stdev(deviations))
    mean, sd = mean_sd(values)
    assert (mean, sd) == (pytest.approx(2), pytest.approx(1))
    probability = prob_new_seed_favours_b(values)
    assert probability == pytest.approx(t4_cdf(2 / math.sqrt(1.2)), rel=1e-12)
    assert probability == pytest.approx(0.93, abs=0.002)
    # Less sure than the plug-in normal Φ(2) = 0.977, which ignores the uncertainty of mean and sd.
    assert probability < 0.5 * (1 + math.erf(2 / math.sqrt(2))) - 0.04
    assert prob_new_seed_favours_b([-v for v in values]) == pytest.approx(
        1 - probability, rel=1e-12
    )


def test_prob_new_seed_limits():
    assert math.isnan(prob_new_seed_favours_b([]))
    assert math.isnan(prob_new_seed_favours_b([0.01]))
    assert prob_new_seed_favours_b([0.002] * 5) == 1.0
    assert prob_new_seed_favours_b([-0.002] * 5) == 0.0
    assert prob_new_seed_favours_b([0.0] * 5) == 0.5


# --- minimum_detectable_difference ---


@pytest.mark.parametrize(
    ("n", "alpha", "power"),
    [
        (5, 0.05, 0.8),
        (3, 0.05, 0.8),
        (10, 0.05, 0.9),
        (30, 0.01, 0.8),
        (1000, 0.05, 0.8),
        (2, 0.05, 0.8),
    ],
)
def test_minimum_detectable_difference_has_the_requested_power(n, alpha, power):
    sd = 0.004
    mde = minimum_detectable_difference(n, sd, alpha, power)
    assert power_two_sided(mde / sd, n, alpha) == pytest.approx(power, abs=1e-6)


@pytest.mark.parametrize(("n", "alpha"), [(2, 0.01), (3, 0.001), (5, 0.001)])
def test_minimum_detectable_difference_where_statsmodels_solver_is_wrong(n, alpha):
    # statsmodels' TTestPower.solve_power returns its start value (10 or 5.5) or a value of too
    # little power here; the answer must still have the requested power.
    mde = minimum_detectable_difference(n, 1.0, alpha)
    assert power_two_sided(mde, n, alpha) == pytest.approx(0.8, abs=1e-6)


def test_minimum_detectable_difference_scales_with_sd_and_shrinks_with_n():
    assert minimum_detectable_difference(5, 0.01, 0.05) == pytest.approx(
        10 * minimum_detectable_difference(5, 0.001, 0.05), rel=1e-9
    )
    sizes = [minimum_detectable_difference(n, 0.01, 0.05) for n in (3, 5, 10, 30)]
    assert sizes == sorted(sizes, reverse=True)
    # Large n: the normal approximation (z_{0.975} + z_{0.8}) · sd / sqrt(n).
    assert minimum_detectable_difference(10_000, 1.0, 0.05) == pytest.approx(
        (1.959964 + 0.841621) / 100, rel=1e-3
    )


def test_minimum_detectable_difference_limits():
    assert math.isnan(minimum_detectable_difference(1, 0.01, 0.05))
    assert math.isnan(minimum_detectable_difference(0, 0.01, 0.05))
    assert math.isnan(minimum_detectable_difference(5, NAN, 0.05))
    assert minimum_detectable_difference(5, 0.0, 0.05) == 0.0


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        ((5.5, 0.01, 0.05), "n"),
        ((True, 0.01, 0.05), "n"),
        ((5, -0.01, 0.05), "sd"),
        ((5, 0.01, 0.0), "alpha"),
        ((5, 0.01, 1.0), "alpha"),
        ((5, 0.01, 0.05, 1.0), "power"),
        ((5, 0.01, 0.05, 0.05), "power"),
    ],
)
def test_minimum_detectable_difference_rejects_bad_arguments(arguments, name):
    with pytest.raises(ValueError, match=name):
        minimum_detectable_difference(*arguments)


# --- seeds_to_decide ---


def assert_smallest_sufficient(seeds: float, power_at) -> None:
    """seeds is a whole number >= 2 with power >= 0.8, and one seed fewer (if >= 2) falls short."""
    assert seeds == int(seeds) >= 2
    assert power_at(int(seeds)) >= 0.8
    if seeds >= 3:
        assert power_at(int(seeds) - 1) < 0.8


@pytest.mark.parametrize(
    ("mean_diff", "sd"), [(0.01, 0.01), (-0.01, 0.01), (0.006, 0.004), (0.05, 0.03)]
)
def test_seeds_to_decide_a_difference(mean_diff, sd):
    delta = 0.005
    seeds = seeds_to_decide(mean_diff, sd, delta, 0.05)
    assert_smallest_sufficient(seeds, lambda n: power_two_sided(abs(mean_diff) / sd, n, 0.05))


@pytest.mark.parametrize(
    ("mean_diff", "sd"), [(0.001, 0.01), (-0.002, 0.004), (0.0, 0.003), (0.0049, 0.01)]
)
def test_seeds_to_decide_an_equivalence(mean_diff, sd):
    delta = 0.005
    seeds = seeds_to_decide(mean_diff, sd, delta, 0.05)
    assert_smallest_sufficient(
        seeds, lambda n: power_one_sided((delta - abs(mean_diff)) / sd, n, 0.05)
    )


def test_seeds_to_decide_large_effects_where_statsmodels_solver_fails():
    # Effect 10: statsmodels solves nobs = 2.0 although two seeds have power 0.73.
    seeds = seeds_to_decide(0.1, 0.01, 0.005, 0.05)
    assert seeds == 3.0
    assert_smallest_sufficient(seeds, lambda n: power_two_sided(10.0, n, 0.05))
    # Effect 8: statsmodels does not converge; effect 50 needs the minimum of two seeds.
    assert_smallest_sufficient(
        seeds_to_decide(0.08, 0.01, 0.005, 0.05), lambda n: power_two_sided(8.0, n, 0.05)
    )
    assert seeds_to_decide(0.5, 0.01, 0.005, 0.05) == 2.0


def test_seeds_to_decide_at_the_boundary_uses_the_difference_test():
    # |mean| == delta: the equivalence test has no power at any n, the difference test has.
    seeds = seeds_to_decide(0.005, 0.01, 0.005, 0.05)
    assert_smallest_sufficient(seeds, lambda n: power_two_sided(0.5, n, 0.05))


def test_seeds_to_decide_more_for_stricter_alpha_and_higher_power():
    loose = seeds_to_decide(0.01, 0.01, 0.005, 0.05)
    assert seeds_to_decide(0.01, 0.01, 0.005, 0.01) > loose
    assert seeds_to_decide(0.01, 0.01, 0.005, 0.05, power=0.95) > loose


def test_seeds_to_decide_limits():
    assert math.isnan(seeds_to_decide(0.01, NAN, 0.005, 0.05))
    assert math.isnan(seeds_to_decide(0.01, 0.0, 0.005, 0.05))
    assert math.isnan(seeds_to_decide(NAN, 0.01, 0.005, 0.05))
    # An effect too small for any practical number of seeds.
    assert math.isnan(seeds_to_decide(0.0049999999999, 1.0, 0.005, 0.05))


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        (("0.01", 0.01, 0.005, 0.05), "mean_diff"),
        ((0.01, -0.01, 0.005, 0.05), "sd"),
        ((0.01, 0.01, 0.0, 0.05), "delta"),
        ((0.01, 0.01, NAN, 0.05), "delta"),
        ((0.01, 0.01, 0.005, 1.5), "alpha"),
        ((0.01, 0.01, 0.005, 0.05, 0.01), "power"),
    ],
)
def test_seeds_to_decide_rejects_bad_arguments(arguments, name):
    with pytest.raises(ValueError, match=name):
        seeds_to_decide(*arguments)


# --- verdict_case and combined_verdict ---

SIGNIFICANT, NOT_SIGNIFICANT = 0.001, 0.2


@pytest.mark.parametrize(
    ("p_difference", "p_equivalence", "case"),
    [
        (SIGNIFICANT, NOT_SIGNIFICANT, "different"),
        (SIGNIFICANT, NAN, "different"),
        (SIGNIFICANT, SIGNIFICANT, "small"),
        (NOT_SIGNIFICANT, SIGNIFICANT, "equivalent"),
        (NAN, SIGNIFICANT, "equivalent"),
        (NOT_SIGNIFICANT, NOT_SIGNIFICANT, "neither"),
        (NAN, NAN, "neither"),
        (0.05, 0.05, "neither"),  # p == alpha is not significant
    ],
)
def test_verdict_case(p_difference, p_equivalence, case):
    assert verdict_case(p_difference, p_equivalence, 0.05) == case
    assert case in effects.VERDICT_CASES


@pytest.mark.parametrize(
    ("expect", "sign", "p_difference", "p_equivalence", "verdict"),
    [
        ("B > A", 1, SIGNIFICANT, NOT_SIGNIFICANT, "REPRODUCED"),
        ("B > A", -1, SIGNIFICANT, NOT_SIGNIFICANT, "REVERSED"),
        ("A > B", -1, SIGNIFICANT, NOT_SIGNIFICANT, "REPRODUCED"),
        ("A > B", 1, SIGNIFICANT, NOT_SIGNIFICANT, "REVERSED"),
        ("B > A", 1, SIGNIFICANT, NAN, "REPRODUCED"),
        ("A > B", 1, SIGNIFICANT, NAN, "REVERSED"),
        ("B > A", 0, SIGNIFICANT, NOT_SIGNIFICANT, "INCONCLUSIVE"),
        ("B > A", 1, SIGNIFICANT, SIGNIFICANT, "NEGLIGIBLE"),
        ("A > B", 1, SIGNIFICANT, SIGNIFICANT, "NEGLIGIBLE"),
        ("B > A", -1, NOT_SIGNIFICANT, SIGNIFICANT, "NEGLIGIBLE"),
        ("A > B", 0, NAN, SIGNIFICANT, "NEGLIGIBLE"),
        ("B > A", 1, NOT_SIGNIFICANT, NOT_SIGNIFICANT, "INCONCLUSIVE"),
        ("A > B", -1, NOT_SIGNIFICANT, NAN, "INCONCLUSIVE"),
        ("B > A", 1, NAN, NAN, "INCONCLUSIVE"),
        ("B > A", 1, 0.05, 0.5, "INCONCLUSIVE"),
        # A claim of no practical difference: equivalence reproduces it, a difference not
        # shown to be small reverses it.
        ("A ≈ B", 1, NOT_SIGNIFICANT, SIGNIFICANT, "REPRODUCED"),
        ("A ≈ B", -1, SIGNIFICANT, SIGNIFICANT, "REPRODUCED"),
        ("A ≈ B", 1, SIGNIFICANT, NOT_SIGNIFICANT, "REVERSED"),
        ("A ≈ B", -1, SIGNIFICANT, NAN, "REVERSED"),
        ("A ≈ B", 1, NOT_SIGNIFICANT, NOT_SIGNIFICANT, "INCONCLUSIVE"),
    ],
)
def test_combined_verdict_truth_table(expect, sign, p_difference, p_equivalence, verdict):
    # The claimed sign of an endpoint where higher is better: "B > A" +1, "A > B" -1, "A ≈ B" 0.
    claimed = {"B > A": 1, "A > B": -1, "A ≈ B": 0}[expect]
    assert combined_verdict(claimed, sign, p_difference, p_equivalence, 0.05) == verdict
    assert verdict in VERDICTS


def test_combined_verdict_accepts_numpy_signs():
    assert combined_verdict(np.int64(1), np.int64(1), SIGNIFICANT, NAN, 0.05) == "REPRODUCED"


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        ((2, 1, 0.01, 0.5, 0.05), "claimed_sign"),
        (("B > A", 1, 0.01, 0.5, 0.05), "claimed_sign"),
        ((1, 2, 0.01, 0.5, 0.05), "effect_sign"),
        ((1, 0.5, 0.01, 0.5, 0.05), "effect_sign"),
        ((1, True, 0.01, 0.5, 0.05), "effect_sign"),
        ((1, 1, 1.5, 0.5, 0.05), "p_difference"),
        ((1, 1, 0.01, -0.1, 0.05), "p_equivalence"),
        ((1, 1, 0.01, 0.5, 0.0), "alpha"),
        ((1, 1, 0.01, 0.5, 1.0), "alpha"),
        ((1, 1, 0.01, 0.5, NAN), "alpha"),
    ],
)
def test_combined_verdict_rejects_bad_arguments(arguments, name):
    with pytest.raises(ValueError, match=name):
        combined_verdict(*arguments)


def test_verdict_case_rejects_bad_alpha():
    with pytest.raises(ValueError, match="alpha"):
        verdict_case(0.01, 0.5, 1.2)


# --- single_run_difference_interval ---


def test_single_run_interval_closed_form_with_two_degrees_of_freedom():
    values = [0.004, 0.001, 0.0025]
    mean, sd = mean_sd(values)
    half = t2_quantile(0.975) * sd * math.sqrt(1 + 1 / 3)
    low, high = single_run_difference_interval(values, 0.95)
    assert (low, high) == (
        pytest.approx(mean - half, rel=1e-12),
        pytest.approx(mean + half, rel=1e-12),
    )
    # 4.30265 is the tabled t_{0.975, 2}.
    assert t2_quantile(0.975) == pytest.approx(4.302653, abs=1e-6)


def test_single_run_interval_is_wider_than_the_confidence_interval_of_the_mean():
    mean, sd = mean_sd(SAMPLE)
    low, high = single_run_difference_interval(SAMPLE, 0.9)
    ci_half = sps.t.ppf(0.95, 4) * sd / math.sqrt(5)
    assert (high - low) / 2 == pytest.approx(ci_half * math.sqrt(5 + 1), rel=1e-12)
    assert low < mean < high


def test_single_run_interval_limits():
    assert all(math.isnan(x) for x in single_run_difference_interval([], 0.95))
    assert all(math.isnan(x) for x in single_run_difference_interval([0.01], 0.95))
    assert single_run_difference_interval([0.002] * 4, 0.95) == (
        pytest.approx(0.002),
        pytest.approx(0.002),
    )


@pytest.mark.parametrize("confidence", [0, 1, 95, -0.5, NAN])
def test_single_run_interval_rejects_bad_confidence(confidence):
    with pytest.raises(ValueError, match="confidence"):
        single_run_difference_interval(SAMPLE, confidence)

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
    difference_p,
    direction,
    equivalence_p,
    estimate_interval,
    hedges_gz,
    hodges_lehmann,
    mean_squares,
    minimum_detectable_difference,
    minimum_effect_p,
    paired_t_p,
    prediction_interval,
    prob_new_seed_favours_b,
    seed_and_image_estimate,
    seed_estimate,
    seeds_to_decide,
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
    # On the boundary the limit is 1/2, from inside as from outside.
    assert tost_p([0.005] * 5, 0.005) == 0.5


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
def test_seeds_to_decide_an_effect_beyond_delta(mean_diff, sd):
    # Deciding it means the minimum-effect test: one-sided, effect (|mean| − delta) / sd.
    delta = 0.005
    seeds = seeds_to_decide(mean_diff, sd, delta, 0.05)
    assert_smallest_sufficient(
        seeds, lambda n: power_one_sided((abs(mean_diff) - delta) / sd, n, 0.05)
    )


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
    # Effect 9.5 beyond delta: checked by the exact power, whatever statsmodels solves.
    seeds = seeds_to_decide(0.1, 0.01, 0.005, 0.05)
    assert_smallest_sufficient(seeds, lambda n: power_one_sided(9.5, n, 0.05))
    assert_smallest_sufficient(
        seeds_to_decide(0.08, 0.01, 0.005, 0.05), lambda n: power_one_sided(7.5, n, 0.05)
    )
    assert seeds_to_decide(0.5, 0.01, 0.005, 0.05) == 2.0


def test_seeds_to_decide_on_the_boundary_is_never():
    # |mean| == delta: neither the minimum-effect nor the equivalence test has power there.
    assert math.isnan(seeds_to_decide(0.005, 0.01, 0.005, 0.05))


def test_seeds_to_decide_with_the_test_images_error_that_seeds_cannot_shrink():
    alone = seeds_to_decide(0.012, 0.004, 0.01, 0.05)
    more = seeds_to_decide(0.012, 0.004, 0.01, 0.05, image_variance=0.0005**2)
    assert more > alone
    # An image error as large as the effect beyond delta: no number of seeds gets there.
    assert math.isnan(seeds_to_decide(0.012, 0.004, 0.01, 0.05, image_variance=0.002**2))
    # Planning for the Holm correction's strictest level asks for more seeds.
    assert seeds_to_decide(0.012, 0.004, 0.01, 0.05 / 11) > alone


def test_seeds_to_decide_more_for_stricter_alpha_and_higher_power():
    loose = seeds_to_decide(0.01, 0.01, 0.005, 0.05)
    assert seeds_to_decide(0.01, 0.01, 0.005, 0.01) > loose
    assert seeds_to_decide(0.01, 0.01, 0.005, 0.05, power=0.95) > loose


def test_seeds_to_decide_limits():
    assert math.isnan(seeds_to_decide(0.01, NAN, 0.005, 0.05))
    assert math.isnan(seeds_to_decide(0.01, 0.0, 0.005, 0.05))  # no spread at all
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
    ("p_difference", "p_equivalence", "p_beyond", "p_against", "case"),
    [
        (SIGNIFICANT, NOT_SIGNIFICANT, SIGNIFICANT, NOT_SIGNIFICANT, "beyond"),
        (SIGNIFICANT, NOT_SIGNIFICANT, NOT_SIGNIFICANT, SIGNIFICANT, "against"),
        (SIGNIFICANT, NOT_SIGNIFICANT, NOT_SIGNIFICANT, NOT_SIGNIFICANT, "different"),
        (SIGNIFICANT, NAN, NAN, NAN, "different"),
        (SIGNIFICANT, SIGNIFICANT, NOT_SIGNIFICANT, NOT_SIGNIFICANT, "small"),
        (NOT_SIGNIFICANT, SIGNIFICANT, NOT_SIGNIFICANT, NAN, "equivalent"),
        (NAN, SIGNIFICANT, NAN, NAN, "equivalent"),
        (NOT_SIGNIFICANT, NOT_SIGNIFICANT, NOT_SIGNIFICANT, NOT_SIGNIFICANT, "neither"),
        (NAN, NAN, NAN, NAN, "neither"),
        (0.05, 0.05, 0.05, 0.05, "neither"),  # p == alpha is not significant
    ],
)
def test_verdict_case(p_difference, p_equivalence, p_beyond, p_against, case):
    assert verdict_case(p_difference, p_equivalence, p_beyond, 0.05, p_against) == case
    assert case in effects.VERDICT_CASES


S, N = SIGNIFICANT, NOT_SIGNIFICANT


@pytest.mark.parametrize(
    ("expect", "sign", "p_difference", "p_equivalence", "p_beyond", "p_against", "verdict"),
    [
        # Reproduced only when the effect is shown to exceed delta the claimed way.
        ("B > A", 1, S, N, S, N, "REPRODUCED"),
        ("A > B", -1, S, N, S, N, "REPRODUCED"),
        ("B > A", 1, S, NAN, S, NAN, "REPRODUCED"),
        # Reversed when shown to exceed it the other way.
        ("B > A", -1, S, N, N, S, "REVERSED"),
        ("A > B", 1, S, N, N, S, "REVERSED"),
        # A real difference whose size is shown neither way: direction only, either way.
        ("B > A", 1, S, N, N, N, "DIRECTION ONLY"),
        ("B > A", -1, S, N, N, N, "DIRECTION ONLY"),
        ("B > A", 0, S, N, N, N, "INCONCLUSIVE"),
        # Within ±delta: negligible, significant or not.
        ("B > A", 1, S, S, N, N, "NEGLIGIBLE"),
        ("A > B", 1, S, S, N, N, "NEGLIGIBLE"),
        ("B > A", -1, N, S, N, N, "NEGLIGIBLE"),
        ("A > B", 0, NAN, S, NAN, NAN, "NEGLIGIBLE"),
        ("B > A", 1, N, N, N, N, "INCONCLUSIVE"),
        ("A > B", -1, N, NAN, N, N, "INCONCLUSIVE"),
        ("B > A", 1, NAN, NAN, NAN, NAN, "INCONCLUSIVE"),
        ("B > A", 1, 0.05, 0.5, 0.05, 0.5, "INCONCLUSIVE"),
        # A claim of no practical difference: equivalence reproduces it, a difference shown to
        # exceed delta reverses it, a real one of unknown size is direction only.
        ("A ≈ B", 1, N, S, N, NAN, "REPRODUCED"),
        ("A ≈ B", -1, S, S, N, NAN, "REPRODUCED"),
        ("A ≈ B", 1, S, N, S, NAN, "REVERSED"),
        ("A ≈ B", -1, S, NAN, N, NAN, "DIRECTION ONLY"),
        ("A ≈ B", 1, N, N, N, NAN, "INCONCLUSIVE"),
    ],
)
def test_combined_verdict_truth_table(
    expect, sign, p_difference, p_equivalence, p_beyond, p_against, verdict
):
    # The claimed sign of an endpoint where higher is better: "B > A" +1, "A > B" -1, "A ≈ B" 0.
    claimed = {"B > A": 1, "A > B": -1, "A ≈ B": 0}[expect]
    assert (
        combined_verdict(claimed, sign, p_difference, p_equivalence, p_beyond, 0.05, p_against)
        == verdict
    )
    assert verdict in VERDICTS


def test_combined_verdict_accepts_numpy_signs():
    verdict = combined_verdict(np.int64(1), np.int64(1), S, NAN, S, 0.05)
    assert verdict == "REPRODUCED"


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        ((2, 1, 0.01, 0.5, 0.01, 0.05), "claimed_sign"),
        (("B > A", 1, 0.01, 0.5, 0.01, 0.05), "claimed_sign"),
        ((1, 2, 0.01, 0.5, 0.01, 0.05), "effect_sign"),
        ((1, 0.5, 0.01, 0.5, 0.01, 0.05), "effect_sign"),
        ((1, True, 0.01, 0.5, 0.01, 0.05), "effect_sign"),
        ((1, 1, 1.5, 0.5, 0.01, 0.05), "p_difference"),
        ((1, 1, 0.01, -0.1, 0.01, 0.05), "p_equivalence"),
        ((1, 1, 0.01, 0.5, 2.0, 0.05), "p_beyond"),
        ((1, 1, 0.01, 0.5, 0.01, 0.0), "alpha"),
        ((1, 1, 0.01, 0.5, 0.01, 1.0), "alpha"),
        ((1, 1, 0.01, 0.5, 0.01, NAN), "alpha"),
    ],
)
def test_combined_verdict_rejects_bad_arguments(arguments, name):
    with pytest.raises(ValueError, match=name):
        combined_verdict(*arguments)


def test_verdict_case_rejects_bad_alpha():
    with pytest.raises(ValueError, match="alpha"):
        verdict_case(0.01, 0.5, 0.5, 1.2)


# --- The rule's error rates, by simulation. ---


def simulated_verdicts(true_effect: float, sd: float, delta: float, runs: int, seed: int):
    """Verdicts of ``runs`` simulated 5-seed studies of one claim (B > A) with normal
    differences of this mean and sd, decided by the rule's own tests over the seeds."""
    rng = np.random.default_rng(seed)
    verdicts = []
    for differences in rng.normal(true_effect, sd, size=(runs, 5)):
        estimate = seed_estimate(differences)
        verdicts.append(
            combined_verdict(
                1,
                int(np.sign(estimate.mean)),
                paired_t_p(differences),
                equivalence_p(estimate, delta),
                minimum_effect_p(estimate, delta, 1),
                0.05,
                minimum_effect_p(estimate, delta, -1),
            )
        )
    return np.array(verdicts)


def test_an_effect_below_delta_is_reproduced_at_most_alpha_of_the_time():
    # 0.9 delta with a spread that makes it clearly significant: under the rule of significance
    # and "not shown to be within delta" this read as REPRODUCED about three times in four.
    verdicts = simulated_verdicts(0.009, 0.002, 0.01, runs=4000, seed=1)
    rate = float(np.mean(verdicts == "REPRODUCED"))
    # At most alpha (0.05), with room for the simulation's own error (4000 runs: sd 0.0034).
    assert rate <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / 4000), rate
    assert np.mean(verdicts == "DIRECTION ONLY") > 0.5  # real, and not shown to matter


def test_no_effect_is_reproduced_or_reversed_at_most_alpha_of_the_time():
    for sd in (0.002, 0.01, 0.05):
        verdicts = simulated_verdicts(0.0, sd, 0.01, runs=4000, seed=2)
        rate = float(np.mean(np.isin(verdicts, ["REPRODUCED", "REVERSED"])))
        assert rate <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / 4000), (sd, rate)


def test_an_effect_well_beyond_delta_is_reproduced():
    verdicts = simulated_verdicts(0.05, 0.005, 0.01, runs=500, seed=3)
    assert np.mean(verdicts == "REPRODUCED") > 0.95


# --- Estimates: over seeds, and over seeds and test images. ---


def test_seed_estimate_tests_equal_scipy_and_statsmodels():
    values = np.array(SAMPLE)
    estimate = seed_estimate(values)
    assert estimate.df == 4 and estimate.sources == "seeds"
    assert difference_p(estimate) == pytest.approx(sps.ttest_1samp(values, 0.0).pvalue)
    assert equivalence_p(estimate, 0.002) == pytest.approx(tost_p(values, 0.002))
    # The minimum-effect test: scipy's one-sided test of the mean against delta.
    assert minimum_effect_p(estimate, 0.0005, 1) == pytest.approx(
        sps.ttest_1samp(values, 0.0005, alternative="greater").pvalue
    )
    assert minimum_effect_p(estimate, 0.0005, -1) == pytest.approx(
        sps.ttest_1samp(values, -0.0005, alternative="less").pvalue
    )
    both = minimum_effect_p(estimate, 0.0005, 0)
    assert both == pytest.approx(2 * min(minimum_effect_p(estimate, 0.0005, s) for s in (1, -1)))
    low, high = estimate_interval(estimate, 0.95)
    mean, sd = mean_sd(SAMPLE)
    half = sps.t.ppf(0.975, 4) * sd / math.sqrt(5)
    assert (low, high) == (pytest.approx(mean - half), pytest.approx(mean + half))


def anova_mean_squares(matrix: np.ndarray) -> dict[str, float]:
    """Seed, image and residual mean squares of a seeds × images matrix from statsmodels' two-way
    ANOVA (an ordinary least squares fit of y ~ C(seed) + C(image)), not from the code."""
    import pandas as pd
    from statsmodels.formula.api import ols
    from statsmodels.stats.anova import anova_lm

    seeds, images = matrix.shape
    frame = pd.DataFrame(
        {
            "seed": np.repeat(np.arange(seeds), images),
            "image": np.tile(np.arange(images), seeds),
            "y": matrix.ravel(),
        }
    )
    table = anova_lm(ols("y ~ C(seed) + C(image)", data=frame).fit())
    squares = table["sum_sq"] / table["df"]
    return {
        "seed": squares["C(seed)"],
        "image": squares["C(image)"],
        "residual": squares["Residual"],
    }


# A hand-made matrix of paired differences per test image (rows: 4 seeds, columns: 6 images):
# correct − correct, so −1, 0 or +1.
HAND_MADE = np.array(
    [
        [1, 1, 0, -1, 1, 0],
        [0, 0, 0, -1, 0, 0],
        [1, 1, 1, -1, 1, 1],
        [1, 1, 0, 0, 1, 0],
    ],
    dtype=float,
)


def test_mean_squares_equal_statsmodels_two_way_anova():
    squares = mean_squares(HAND_MADE.mean(axis=1), HAND_MADE)
    expected = anova_mean_squares(HAND_MADE)
    assert (squares.seeds, squares.images) == (4, 6)
    assert squares.seed == pytest.approx(expected["seed"])
    assert squares.image == pytest.approx(expected["image"])
    assert squares.residual == pytest.approx(expected["residual"])


def test_crossed_estimate_counts_the_residual_once():
    # Var(mean) = (MS_seed + MS_image − MS_residual) / (n·I) with Satterthwaite's df, from the
    # ANOVA's mean squares; the sum of the seeds' and the images' variances (the formula
    # before) counts MS_residual / (n·I) twice.
    expected = anova_mean_squares(HAND_MADE)
    assert expected["seed"] > expected["residual"] and expected["image"] > expected["residual"]
    cells, n, images = HAND_MADE.size, 4, 6
    combination = expected["seed"] + expected["image"] - expected["residual"]
    df = combination**2 / (
        expected["seed"] ** 2 / (n - 1)
        + expected["image"] ** 2 / (images - 1)
        + expected["residual"] ** 2 / ((n - 1) * (images - 1))
    )
    estimate = seed_and_image_estimate(HAND_MADE.mean(axis=1), HAND_MADE)
    assert estimate.se**2 == pytest.approx(combination / cells)
    assert estimate.df == pytest.approx(df)
    assert estimate.image_variance == pytest.approx(
        (expected["image"] - expected["residual"]) / cells
    )
    assert estimate.seed_variance + estimate.image_variance == pytest.approx(estimate.se**2)
    assert estimate.sources == "seeds and test images"


def test_a_component_below_zero_stays_in_the_unbiased_combination():
    # Every seed has the same mean (the seeds' mean square is 0, below the residual's): the
    # combination MS_seed + MS_image − MS_residual is still positive and is used as it is
    # (setting the seed component to zero would bias the variance upwards).
    matrix = np.array([[1, 0, 0, 1, -1, 1], [0, 1, 1, 0, -1, 1], [1, 1, 0, 0, -1, 1]], float)
    expected = anova_mean_squares(matrix)
    assert expected["seed"] == pytest.approx(0) and expected["image"] > expected["residual"]
    combination = expected["image"] - expected["residual"]
    df = combination**2 / (expected["image"] ** 2 / 5 + expected["residual"] ** 2 / 10)
    estimate = seed_and_image_estimate(matrix.mean(axis=1), matrix)
    assert estimate.se**2 == pytest.approx(combination / matrix.size)
    assert estimate.df == pytest.approx(df)


def test_components_are_set_to_zero_only_where_the_combination_is_not_positive():
    # No seed and no image effect: MS_seed + MS_image − MS_residual < 0. Each component below
    # zero is then set to zero, leaving the residual alone with its own df.
    flat = np.array([[1, 0, 0, 1], [0, 1, 1, 0]], float)
    expected = anova_mean_squares(flat)
    assert expected["seed"] + expected["image"] < expected["residual"]
    estimate = seed_and_image_estimate(flat.mean(axis=1), flat)
    assert estimate.se**2 == pytest.approx(expected["residual"] / flat.size)
    assert estimate.df == pytest.approx(3) and estimate.image_variance == 0.0


def test_a_per_seed_term_moves_only_the_seed_mean_square():
    # The gap adds each seed's training-accuracy difference to (minus) the test images' part:
    # a seed effect, which leaves the image and residual mean squares of the matrix alone.
    shifts = np.array([0.01, -0.02, 0.0, 0.03])
    gap = shifts - HAND_MADE.mean(axis=1)
    squares = mean_squares(gap, HAND_MADE)
    expected = anova_mean_squares(shifts[:, None] - HAND_MADE)
    assert squares.seed == pytest.approx(expected["seed"])
    assert squares.image == pytest.approx(expected["image"])
    assert squares.residual == pytest.approx(expected["residual"])


def crossed_coverage(
    sd_seed: float, sd_image: float, sd_residual: float, runs: int, seed: int
) -> float:
    """How often the 95 % interval of ``seed_and_image_estimate`` covers the true mean under a
    crossed random-effects model: 5 seeds × 300 images, seed effect + image effect + residual."""
    rng = np.random.default_rng(seed)
    seeds, images, truth = 5, 300, 0.01
    covered = 0
    for _ in range(runs):
        matrix = (
            truth
            + rng.normal(0, sd_seed, (seeds, 1))
            + rng.normal(0, sd_image, (1, images))
            + rng.normal(0, sd_residual, (seeds, images))
        )
        low, high = estimate_interval(seed_and_image_estimate(matrix.mean(axis=1), matrix), 0.95)
        covered += low <= truth <= high
    return covered / runs


@pytest.mark.parametrize(
    "sd_seed, sd_image, sd_residual",
    [
        (0.002, 0.02, 0.1),  # the seeds' spread mostly each image's own noise (dropout-like)
        (0.004, 0.05, 0.06),  # all three of a size
        (0.01, 0.03, 0.03),  # the seeds' own effect dominates
    ],
)
def test_the_crossed_interval_covers_95_percent_under_a_crossed_model(
    sd_seed, sd_image, sd_residual
):
    # 2,000 simulated studies per setting: the coverage's own sd is 0.5 points.
    coverage = crossed_coverage(sd_seed, sd_image, sd_residual, runs=2000, seed=17)
    assert 0.935 <= coverage <= 0.965, coverage


def test_image_part_makes_the_verdicts_tests_more_cautious():
    # Images on which B beats A (or loses) under every seed, and a few that flip per seed: an
    # image effect that every seed shares.
    rng = np.random.default_rng(0)
    per_image = rng.choice([-1.0, 0.0, 1.0], size=10000, p=[0.03, 0.925, 0.045])
    flips = rng.random((5, 10000)) < 0.02
    matrix = np.where(flips, -per_image, per_image)
    differences = matrix.mean(axis=1)
    assert differences.mean() > 0.01  # an effect beyond delta
    seeds = seed_estimate(differences)
    both = seed_and_image_estimate(differences, matrix)
    assert both.mean == seeds.mean and both.se > seeds.se
    assert minimum_effect_p(both, 0.01, 1) > minimum_effect_p(seeds, 0.01, 1)


def test_zero_spread_limits_do_not_depend_on_float_noise():
    # 0.11 − 0.10 and 0.91 − 0.90 are both one point, though not in binary: at delta 0.01 the
    # limit of the equivalence and minimum-effect tests is 1/2 for both.
    for a, b in ((0.10, 0.11), (0.90, 0.91)):
        difference = np.array([b - a] * 4)
        estimate = seed_estimate(difference)
        assert estimate.se == 0.0
        assert equivalence_p(estimate, 0.01) == 0.5 and tost_p(difference, 0.01) == 0.5
        assert minimum_effect_p(estimate, 0.01, 1) == 0.5
    inside = seed_estimate(np.array([0.004] * 3))
    assert equivalence_p(inside, 0.01) == 0.0 and minimum_effect_p(inside, 0.01, 1) == 1.0
    assert difference_p(inside) == 0.0 and difference_p(seed_estimate(np.zeros(3))) == 1.0


def test_hodges_lehmann_is_the_median_of_the_walsh_averages():
    import itertools

    walsh = [(x + y) / 2 for x, y in itertools.combinations_with_replacement(OUTLIER, 2)]
    assert hodges_lehmann(OUTLIER) == pytest.approx(statistics.median(walsh))
    assert hodges_lehmann(OUTLIER) > 0 > statistics.fmean(OUTLIER)  # ranks and mean disagree
    assert math.isnan(hodges_lehmann([]))


# --- prediction_interval ---


def test_prediction_interval_closed_form_with_two_degrees_of_freedom():
    values = [0.004, 0.001, 0.0025]
    mean, sd = mean_sd(values)
    half = t2_quantile(0.975) * sd * math.sqrt(1 + 1 / 3)
    low, high = prediction_interval(mean, sd, 3, 0.95)
    assert (low, high) == (
        pytest.approx(mean - half, rel=1e-12),
        pytest.approx(mean + half, rel=1e-12),
    )
    # 4.30265 is the tabled t_{0.975, 2}.
    assert t2_quantile(0.975) == pytest.approx(4.302653, abs=1e-6)


def test_prediction_interval_is_wider_than_the_confidence_interval_of_the_mean():
    mean, sd = mean_sd(SAMPLE)
    low, high = prediction_interval(mean, sd, 5, 0.9)
    ci_half = sps.t.ppf(0.95, 4) * sd / math.sqrt(5)
    assert (high - low) / 2 == pytest.approx(ci_half * math.sqrt(5 + 1), rel=1e-12)
    assert low < mean < high


def test_prediction_interval_limits():
    assert all(math.isnan(x) for x in prediction_interval(0.01, NAN, 1, 0.95))
    assert all(math.isnan(x) for x in prediction_interval(0.01, 0.0, 1, 0.95))
    assert prediction_interval(0.002, 0.0, 4, 0.95) == (0.002, 0.002)


@pytest.mark.parametrize("confidence", [0, 1, 95, -0.5, NAN])
def test_prediction_interval_rejects_bad_confidence(confidence):
    with pytest.raises(ValueError, match="confidence"):
        prediction_interval(0.001, 0.002, 5, confidence)


# --- The interval that agrees with the deciding test. ---


@pytest.mark.parametrize("seed", range(6))
def test_the_decision_interval_clears_its_boundary_exactly_when_its_test_rejects(seed):
    # Random estimates and levels: each test's p below the level (its Holm-adjusted p below
    # alpha) if and only if the interval at that level clears the test's boundary.
    rng = np.random.default_rng(seed)
    delta = 0.01
    for _ in range(300):
        estimate = effects.Estimate(
            rng.normal(0.0, 0.02), rng.uniform(0.0005, 0.01), float(rng.integers(2, 30))
        )
        level = rng.uniform(0.001, 0.05)
        sign = int(rng.choice([-1, 1]))
        low, high, _ = effects.decision_interval(estimate, "beyond", sign, level)
        shown = low > delta if sign > 0 else high < -delta
        assert (minimum_effect_p(estimate, delta, sign) < level) == shown
        low, high, _ = effects.decision_interval(estimate, "against", sign, level)
        shown = high < -delta if sign > 0 else low > delta
        assert (minimum_effect_p(estimate, delta, -sign) < level) == shown
        low, high, confidence = effects.decision_interval(estimate, "equivalence", sign, level)
        assert confidence == pytest.approx(1 - 2 * level)
        assert (equivalence_p(estimate, delta) < level) == (-delta < low and high < delta)
        low, high, confidence = effects.decision_interval(estimate, "difference", sign, level)
        assert confidence == pytest.approx(1 - level)
        assert (difference_p(estimate) < level) == (low > 0 or high < 0)
        # A claim of no difference shown to differ by more than delta, either way.
        low, high, _ = effects.decision_interval(estimate, "beyond", 0, level)
        assert (minimum_effect_p(estimate, delta, 0) < level) == (low > delta or high < -delta)


def test_no_decision_interval_when_nothing_was_shown():
    estimate = effects.Estimate(0.001, 0.002, 4.0)
    assert all(map(math.isnan, effects.decision_interval(estimate, "none", 1, 0.01)))
    with pytest.raises(ValueError, match="test must be one of"):
        effects.decision_interval(estimate, "bogus", 1, 0.01)
    assert effects.deciding_test("small") == "equivalence"
    assert effects.deciding_test("neither") == "none"

"""Effect size, equivalence and power of a study's paired differences B − A, and its verdict.

Given the per-seed differences of one study and its smallest effect of interest ``delta``,
these pure functions decide whether the claim is reproduced, reversed, negligible (the
difference lies within ±delta) or still inconclusive, and say how large the effect is,
how a single new run would come out and how many seeds would settle an open study.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from scipy import optimize, special
from scipy import stats as sps
from statsmodels.stats.power import TTestPower
from statsmodels.stats.weightstats import ttost_paired

VERDICTS = ("REPRODUCED", "REVERSED", "NEGLIGIBLE", "INCONCLUSIVE")
CLAIM_DIRECTIONS = ("B > A", "A > B", "A ≈ B")
TESTS = ("paired_t", "wilcoxon")
VERDICT_CASES = ("different", "small", "equivalent", "neither")

# Differences whose spread is below this (relative to their size) count as all equal: it only
# absorbs the last-bit noise of float subtraction, e.g. 0.3 - 0.2 != 0.2 - 0.1.
ZERO_SPREAD = 1e-9
# A power solved by statsmodels is accepted when it is this close to the requested power;
# otherwise the root is found again with scipy (see _solve_effect).
POWER_TOLERANCE = 1e-8
# The most seeds seeds_to_decide looks for; beyond it the answer is "no finite number".
MAX_SEEDS = 1e15


def as_vector(values: Any, name: str) -> np.ndarray:
    """A 1-D float array; a ValueError names the argument when it is not one."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numbers, got {values!r}") from error
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


def _differences(values: Any) -> np.ndarray:
    """The differences as a 1-D array of finite floats; a ValueError names the argument if not."""
    array = as_vector(values, "differences")
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"differences must be finite (drop unavailable pairs first), got {array.tolist()}"
        )
    return array


def _number(value: Any, name: str) -> float:
    """A real number (NaN allowed) as float; a ValueError names the argument otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        # ValueError, not TypeError: every bad argument here is reported the same way, by name.
        raise ValueError(f"{name} must be a number, got {value!r}")
    return float(value)


def _probability(value: Any, name: str) -> float:
    """A number strictly between 0 and 1 (alpha, power, confidence)."""
    number = _number(value, name)
    if not 0 < number < 1:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {value!r}")
    return number


def _p_value(value: Any, name: str) -> float:
    """A p-value in [0, 1], or NaN for one that is not available."""
    number = _number(value, name)
    if not (math.isnan(number) or 0 <= number <= 1):
        raise ValueError(f"{name} must be a p-value in [0, 1] or NaN, got {value!r}")
    return number


def _positive(value: Any, name: str) -> float:
    """A finite number > 0 (delta)."""
    number = _number(value, name)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return number


def _spread(value: Any, name: str) -> float:
    """A standard deviation: >= 0 or NaN (not available)."""
    number = _number(value, name)
    if number < 0 or number == math.inf:
        raise ValueError(f"{name} must be >= 0 (or NaN), got {value!r}")
    return number


def _all_equal(values: np.ndarray) -> bool:
    """Whether the (non-empty) values are equal up to float noise, i.e. their sd counts as 0."""
    return bool(np.ptp(values) <= ZERO_SPREAD * max(1.0, float(np.max(np.abs(values)))))


def _mean_sd(differences: np.ndarray) -> tuple[float, float]:
    """Mean and sd (ddof=1) of at least two differences; sd is exactly 0 when they are all equal."""
    mean = float(np.mean(differences))
    sd = 0.0 if _all_equal(differences) else float(np.std(differences, ddof=1))
    return mean, sd


def paired_t_p(differences: Any) -> float:
    """Two-sided p of the t-test of the differences against 0 (the paired t-test of b and a).

    NaN for fewer than two differences. With zero spread the t statistic tends to ±inf, so
    p is 0.0 when the common difference is not 0 and 1.0 when every difference is exactly 0.
    """
    values = _differences(differences)
    if values.size < 2:
        return math.nan
    if _all_equal(values):
        return 1.0 if not np.any(values) else 0.0
    return float(sps.ttest_1samp(values, 0.0).pvalue)


def tost_p(differences: Any, delta: float) -> float:
    """p of the paired equivalence test (TOST): the larger one-sided t p against −delta and +delta.

    NaN for fewer than two differences. With zero spread both one-sided statistics tend to
    ±inf: p is 0.0 when the common difference lies strictly within ±delta, else 1.0.
    """
    values = _differences(differences)
    delta = _positive(delta, "delta")
    if values.size < 2:
        return math.nan
    mean, sd = _mean_sd(values)
    if sd == 0.0:
        return 0.0 if abs(mean) < delta else 1.0
    # ttost_paired(x1, x2, low, upp) tests low < x1 - x2 < upp, so x1 are the differences, x2 zeros.
    p_value, _, _ = ttost_paired(values, np.zeros_like(values), -delta, delta)
    return float(p_value)


def direction(differences: Any, test: str) -> int:
    """The sign (+1, −1, 0) of B − A as the deciding test sees it.

    ``paired_t``: the sign of the mean difference. ``wilcoxon``: the sign of R+ − R−, the
    sums of the signed ranks of |difference| (zeros dropped, ties given their average rank),
    which can differ from the sign of the mean when one large difference opposes many small.
    """
    values = _differences(differences)
    if test not in TESTS:
        raise ValueError(f"test must be one of {TESTS}, got {test!r}")
    if values.size == 0:
        return 0
    if test == "paired_t":
        return int(np.sign(np.mean(values)))
    nonzero = values[values != 0]
    if nonzero.size == 0:
        return 0
    ranks = sps.rankdata(np.abs(nonzero), method="average")
    return int(np.sign(ranks[nonzero > 0].sum() - ranks[nonzero < 0].sum()))


def _hedges_correction(df: int) -> float:
    """J(df) = Γ(df/2) / (sqrt(df/2) Γ((df − 1)/2)), the factor that makes d_z unbiased."""
    return math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(df / 2)


def hedges_gz(differences: Any) -> float:
    """Bias-corrected standardised mean difference of paired data: g_z = J(n − 1) · mean / sd.

    NaN for fewer than three differences: with one degree of freedom J is 0 (the expected
    1/sd is infinite), so no corrected effect is defined. With zero spread: ±inf for a
    non-zero common difference, NaN when every difference is 0.
    """
    values = _differences(differences)
    if values.size < 3:
        return math.nan
    mean, sd = _mean_sd(values)
    if sd == 0.0:
        return math.nan if mean == 0 else math.copysign(math.inf, mean)
    return _hedges_correction(values.size - 1) * mean / sd


def prob_new_seed_favours_b(differences: Any) -> float:
    """Predictive probability that one new seed's difference is > 0.

    T_{n−1}(mean / (sd · sqrt(1 + 1/n))): the t prediction interval read as a distribution,
    so it accounts for the uncertainty of mean and sd. NaN for fewer than two differences;
    with zero spread 1.0, 0.0 or 0.5 for a positive, negative or zero common difference.
    """
    values = _differences(differences)
    n = values.size
    if n < 2:
        return math.nan
    mean, sd = _mean_sd(values)
    if sd == 0.0:
        return 0.5 if mean == 0 else float(mean > 0)
    return float(sps.t.cdf(mean / (sd * math.sqrt(1 + 1 / n)), n - 1))


def _power(effect: float, nobs: float, alpha: float, two_sided: bool) -> float:
    """Power of the one-sample t-test with nobs pairs against a standardised effect >= 0.

    Computed from the noncentral t rather than with statsmodels' TTestPower.power: scipy's
    noncentral t CDF returns NaN far in the lower tail (below 1e-15), which makes the
    two-sided power of a large effect NaN there; that tail is counted as 0.
    """
    df = nobs - 1
    noncentrality = effect * math.sqrt(nobs)
    if not two_sided:
        return float(sps.nct.sf(sps.t.ppf(1 - alpha, df), df, noncentrality))
    critical = sps.t.ppf(1 - alpha / 2, df)
    lower = float(sps.nct.cdf(-critical, df, noncentrality))
    return float(sps.nct.sf(critical, df, noncentrality)) + (lower if math.isfinite(lower) else 0.0)


def _statsmodels_solve(**arguments: Any) -> float:
    """TTestPower().solve_power, NaN where it raises or fails to converge."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            solution = float(np.squeeze(TTestPower().solve_power(**arguments)))
        except (ValueError, ArithmeticError):
            return math.nan
    return solution if math.isfinite(solution) else math.nan


def _solve_effect(n: int, alpha: float, power: float) -> float:
    """The standardised effect a two-sided t-test with n pairs detects with this power at alpha.

    statsmodels' answer is kept when its power checks out; for few pairs or small alpha its
    solver returns a wrong value (e.g. its starting value 10 for n = 2, alpha = 0.01, power
    0.18) or none, and the root is then bracketed and found with scipy's brentq.
    """
    effect = _statsmodels_solve(
        effect_size=None, nobs=n, alpha=alpha, power=power, alternative="two-sided"
    )
    if (
        math.isfinite(effect)
        and effect > 0
        and abs(_power(effect, n, alpha, True) - power) <= POWER_TOLERANCE
    ):
        return effect
    high = 1.0
    while _power(high, n, alpha, True) < power:
        high *= 2
        if high > 1e12:
            return math.nan
    return float(
        optimize.brentq(
            lambda e: _power(e, n, alpha, True) - power, 0.0, high, xtol=1e-14, rtol=1e-14
        )
    )


def minimum_detectable_difference(n: int, sd: float, alpha: float, power: float = 0.8) -> float:
    """Smallest |mean difference| a two-sided paired t-test detects with this power at level alpha.

    With n pairs whose differences have this sd: sd times the standardised effect solved for
    with statsmodels' TTestPower (checked, and re-solved with scipy where statsmodels is
    wrong). NaN for n < 2 or a NaN sd; 0.0 for sd 0.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ValueError(f"n must be an integer number of pairs, got {n!r}")
    sd = _spread(sd, "sd")
    alpha = _probability(alpha, "alpha")
    power = _probability(power, "power")
    if power <= alpha:
        raise ValueError(f"power must exceed alpha (the power against no effect), got {power!r}")
    if n < 2 or math.isnan(sd):
        return math.nan
    if sd == 0.0:
        return 0.0
    return sd * _solve_effect(int(n), alpha, power)


def seeds_to_decide(
    mean_diff: float, sd: float, delta: float, alpha: float, power: float = 0.8
) -> float:
    """Seeds (pairs) that decide an open study with this power, its mean and sd taken as true.

    If |mean_diff| >= delta the difference test must detect the effect |mean_diff| / sd
    (two-sided); otherwise the equivalence test must show it, approximated by the one-sided
    test of the effect (delta − |mean_diff|) / sd at level alpha, its dominating bound. The
    answer is the smallest whole number >= 2 whose power reaches ``power``: statsmodels'
    solved nobs rounded up, checked, and searched for with the exact power where its solver
    fails. At |mean_diff| == delta the equivalence test has power alpha at every n, so the
    difference test is the one that can decide. NaN when mean_diff or sd is NaN or sd is 0
    (no t statistic, so no power at any n) or when over MAX_SEEDS seeds would be needed:
    no finite number of seeds is expected to decide then.
    """
    mean_diff = _number(mean_diff, "mean_diff")
    sd = _spread(sd, "sd")
    delta = _positive(delta, "delta")
    alpha = _probability(alpha, "alpha")
    power = _probability(power, "power")
    if power <= alpha:
        raise ValueError(f"power must exceed alpha (the power against no effect), got {power!r}")
    if math.isnan(mean_diff) or math.isnan(sd) or sd == 0.0 or math.isinf(mean_diff):
        return math.nan
    size = abs(mean_diff)
    two_sided = size >= delta
    effect = (size if two_sided else delta - size) / sd
    if effect == 0 or not math.isfinite(effect):
        return math.nan
    alternative = "two-sided" if two_sided else "larger"
    solved = _statsmodels_solve(
        effect_size=effect, nobs=None, alpha=alpha, power=power, alternative=alternative
    )
    return _smallest_seeds(lambda n: _power(effect, n, alpha, two_sided) >= power, solved)


def _smallest_seeds(reaches: Any, hint: float) -> float:
    """The smallest whole n >= 2 for which reaches(n) holds (power grows with n); hint: a guess."""
    if reaches(2):
        return 2.0
    if math.isfinite(hint) and hint <= MAX_SEEDS:
        guess = max(3, math.ceil(hint))
        if reaches(guess) and not reaches(guess - 1):
            return float(guess)
    low, high = 2, 4  # reaches(low) is false throughout
    while not reaches(high):
        low, high = high, high * 2
        if high > MAX_SEEDS:
            return math.nan
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if reaches(middle) else (middle, high)
    return float(high)


def verdict_case(p_difference: float, p_equivalence: float, alpha: float) -> str:
    """Which of the four outcomes holds: "different", "small", "equivalent" or "neither".

    "different": the difference is significant and equivalence is not shown; "small": both
    (a real difference within ±delta); "equivalent": only equivalence; "neither": none.
    A NaN p-value counts as not significant.
    """
    p_difference = _p_value(p_difference, "p_difference")
    p_equivalence = _p_value(p_equivalence, "p_equivalence")
    alpha = _probability(alpha, "alpha")
    significant = p_difference < alpha  # False for NaN
    equivalent = p_equivalence < alpha
    if significant:
        return "small" if equivalent else "different"
    return "equivalent" if equivalent else "neither"


def combined_verdict(
    claimed_sign: int, effect_sign: int, p_difference: float, p_equivalence: float, alpha: float
) -> str:
    """The claim's verdict from both tests: REPRODUCED, REVERSED, NEGLIGIBLE or INCONCLUSIVE.

    ``claimed_sign`` is the sign of B − A the claim predicts (+1 or −1,
    ``endpoints.claimed_sign``), or 0 for a claim of no practical difference (A ≈ B).

    A directional claim: a significant difference without equivalence is REPRODUCED when
    effect_sign goes the claimed way, REVERSED when it goes against it and INCONCLUSIVE when
    it is 0; shown equivalence, significant or not, is NEGLIGIBLE; neither is INCONCLUSIVE.
    A claim of no difference: shown equivalence is REPRODUCED, a significant difference
    without equivalence REVERSED, neither INCONCLUSIVE. NaN p-values count as not
    significant.
    """
    for name, value in (("claimed_sign", claimed_sign), ("effect_sign", effect_sign)):
        whole = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
        if not whole or value not in (-1, 0, 1):
            raise ValueError(f"{name} must be -1, 0 or +1, got {value!r}")
    case = verdict_case(p_difference, p_equivalence, alpha)
    if claimed_sign == 0:
        return {"small": "REPRODUCED", "equivalent": "REPRODUCED", "different": "REVERSED"}.get(
            case, "INCONCLUSIVE"
        )
    if case in ("small", "equivalent"):
        return "NEGLIGIBLE"
    if case == "neither" or effect_sign == 0:
        return "INCONCLUSIVE"
    return "REPRODUCED" if effect_sign == claimed_sign else "REVERSED"


def single_run_difference_interval(differences: Any, confidence: float) -> tuple[float, float]:
    """Prediction interval of ONE new paired run's difference.

    mean ± t_{(1+c)/2, n−1} · sd · sqrt(1 + 1/n); (NaN, NaN) for fewer than two differences,
    (mean, mean) when they have zero spread.
    """
    values = _differences(differences)
    confidence = _probability(confidence, "confidence")
    n = values.size
    if n < 2:
        return math.nan, math.nan
    mean, sd = _mean_sd(values)
    if sd == 0.0:
        return mean, mean
    half = float(sps.t.ppf((1 + confidence) / 2, n - 1)) * sd * math.sqrt(1 + 1 / n)
    return mean - half, mean + half

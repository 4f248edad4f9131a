"""Effect size, equivalence, minimum effect and power of a claim's paired differences B − A, and
its verdict.

Given the per-seed differences of one claim and its smallest effect of interest ``delta``,
these pure functions decide whether the claim is reproduced (the effect is shown to exceed
delta the claimed way), reversed (shown to exceed it the other way), negligible (shown to lie
within ±delta), shown only in its direction (a real difference whose size is not shown either
way) or still inconclusive, and say how large the effect is, how a single new run would come
out and how many seeds would settle an open claim.

The t-based tests read an ``Estimate`` (mean, standard error, degrees of freedom): over the
seeds alone, or over the seeds and the test images together when the claim's endpoint is
scored on a test set that every run shares (``seed_and_image_estimate``; Bouthillier et al.
2021, "Accounting for variance in machine learning benchmarks", MLSys).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, special
from scipy import stats as sps
from statsmodels.stats.power import TTestPower
from statsmodels.stats.weightstats import ttost_paired

VERDICTS = ("REPRODUCED", "REVERSED", "DIRECTION ONLY", "NEGLIGIBLE", "INCONCLUSIVE")
CLAIM_DIRECTIONS = ("B > A", "A > B", "A ≈ B")
TESTS = ("paired_t", "wilcoxon")
# "beyond": shown to exceed delta the claimed way (for a claim of no difference: either way);
# "against": shown to exceed it against the claim; "small": significant and shown within
# ±delta; "equivalent": shown within ±delta only; "different": significant, its size shown
# neither way; "neither": nothing shown.
VERDICT_CASES = ("beyond", "against", "small", "equivalent", "different", "neither")

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


def all_equal(values: np.ndarray) -> bool:
    """Whether the (non-empty) values are equal up to float noise, i.e. their sd counts as 0."""
    return bool(np.ptp(values) <= ZERO_SPREAD * max(1.0, float(np.max(np.abs(values)))))


def _mean_sd(differences: np.ndarray) -> tuple[float, float]:
    """Mean and sd (ddof=1) of at least two differences; sd is exactly 0 when they are all equal."""
    mean = float(np.mean(differences))
    sd = 0.0 if all_equal(differences) else float(np.std(differences, ddof=1))
    return mean, sd


@dataclass(frozen=True)
class Estimate:
    """A mean difference with its standard error and the degrees of freedom of its t statistic.

    ``se`` 0 is a difference without spread (every t statistic is then ±inf or undefined, and
    the tests give their limits); ``df`` NaN (fewer than two seeds) makes every test NaN.
    ``sources`` names what its error covers: "seeds", or "seeds and test images".
    ``seed_variance`` is the part of se² that more seeds shrink (as 1 / n) and
    ``image_variance`` the part they cannot (the test images every run shares; 0 over seeds
    alone): se² = seed_variance + image_variance.
    """

    mean: float
    se: float
    df: float
    sources: str = "seeds"
    seed_variance: float = math.nan
    image_variance: float = 0.0


def seed_estimate(differences: Any) -> Estimate:
    """The mean of the per-seed differences, its standard error sd/√n and n − 1 df."""
    values = _differences(differences)
    if values.size < 2:
        mean = float(values[0]) if values.size else math.nan
        return Estimate(mean, math.nan, math.nan)
    mean, sd = _mean_sd(values)
    se = sd / math.sqrt(values.size)
    return Estimate(mean, se, float(values.size - 1), seed_variance=se**2)


@dataclass(frozen=True)
class MeanSquares:
    """The two-way ANOVA mean squares of a seeds × test images matrix of paired differences.

    ``seed`` is the images' count times the variance of the per-seed differences (n − 1 df),
    ``image`` the seeds' count times the variance of the per-image means (I − 1 df) and
    ``residual`` the seed-by-image interaction, i.e. each image's own seed-to-seed noise
    ((n − 1)(I − 1) df).
    """

    seeds: int
    images: int
    seed: float
    image: float
    residual: float


def mean_squares(differences: Any, differences_by_image: Any) -> MeanSquares:
    """The mean squares of a crossed seeds × images design, without interaction replicates.

    ``differences_by_image`` holds one row per seed and one column per test image: B's score
    minus A's on that image (for an accuracy, correct − correct: −1, 0 or +1).
    ``differences`` are the per-seed differences of the endpoint; for an accuracy they are
    the rows' means, and for an endpoint that adds a per-seed term to them (the gap: training
    accuracy minus this) the term is a seed effect, so the seed mean square is read from
    them and the image and residual mean squares from the matrix, whose row and column
    structure they do not change.
    """
    values = _differences(differences)
    matrix = np.atleast_2d(np.asarray(differences_by_image, dtype=float))
    seeds, images = matrix.shape
    if seeds != values.size:
        raise ValueError(
            f"differences_by_image must have one row per seed ({values.size}), got {seeds}"
        )
    if seeds < 2 or images < 2:
        return MeanSquares(seeds, images, math.nan, math.nan, math.nan)
    columns = matrix.mean(axis=0)
    rows = matrix.mean(axis=1, keepdims=True)
    residuals = matrix - rows - columns + matrix.mean()
    return MeanSquares(
        seeds,
        images,
        seed=0.0 if all_equal(values) else images * float(np.var(values, ddof=1)),
        image=0.0 if all_equal(columns) else seeds * float(np.var(columns, ddof=1)),
        residual=float(np.sum(residuals**2)) / ((seeds - 1) * (images - 1)),
    )


def seed_and_image_estimate(differences: Any, differences_by_image: Any) -> Estimate:
    """The mean over seeds with an error that counts the test images as a second source.

    Every run is scored on the same test images, so seeds and images are crossed: a paired
    difference on image i under seed s is seed effect + image effect + residual (the image's
    own seed-to-seed noise). The variance of the grand mean over n seeds and I images is
    σ²_seed / n + σ²_image / I + σ²_residual / (n·I); from the two-way ANOVA mean squares
    (``mean_squares``) its unbiased estimate is (MS_seed + MS_image − MS_residual) / (n·I),
    with Satterthwaite's degrees of freedom for that combination (Searle, Casella &
    McCulloch, *Variance Components*, 1992). The residual is counted once: the seeds' spread
    holds it, and so does the spread of the per-image means.

    The combination is used as it is, also when one component alone would be estimated below
    zero: setting such a component to zero biases the variance upwards (simulated here, a
    95 % interval then covers up to 97 % when the seeds' own effect is near zero, against
    95 % for the combination; tests/test_effects.py). Only where the combination itself is
    not positive are the components set to zero, the textbook way: then
    (max(MS_seed, MS_res) + max(MS_image, MS_res) − MS_res) / (n·I).

    ``image_variance`` is the part that more seeds cannot shrink, σ²_image / I =
    max(0, MS_image − MS_residual) / (n·I), and ``seed_variance`` the rest (the seed
    component and each image's seed-to-seed noise, both shrinking as 1 / n): a reader wants
    the tip to hold for images like these, not for these 10,000 (Bouthillier et al. 2021,
    MLSys).
    """
    values = _differences(differences)
    squares = mean_squares(values, differences_by_image)
    mean = float(np.mean(values)) if values.size else math.nan
    if math.isnan(squares.residual):
        return Estimate(mean, math.nan, math.nan, "seeds and test images")
    cells = squares.seeds * squares.images
    # Each mean square with its degrees of freedom and its coefficient in the variance.
    coefficients = (1.0, 1.0, -1.0)
    if squares.seed + squares.image - squares.residual <= 0:
        # Components set to zero: a component below zero drops its mean square, and the
        # residual's coefficient makes up what the others then leave.
        with_seed = squares.seed > squares.residual
        with_image = squares.image > squares.residual
        coefficients = (float(with_seed), float(with_image), 1.0 - with_seed - with_image)
    terms = zip(
        (squares.seed, squares.image, squares.residual),
        (squares.seeds - 1, squares.images - 1, (squares.seeds - 1) * (squares.images - 1)),
        coefficients,
    )
    terms = [(square, freedom, coefficient) for square, freedom, coefficient in terms]
    combination = sum(coefficient * square for square, _, coefficient in terms)
    if combination <= 0.0:
        return Estimate(mean, 0.0, float(squares.seeds - 1), "seeds and test images", 0.0, 0.0)
    df = combination**2 / sum(
        (coefficient * square) ** 2 / freedom
        for square, freedom, coefficient in terms
        if coefficient
    )
    image_part = max(0.0, squares.image - squares.residual) / cells
    total = combination / cells
    return Estimate(
        mean,
        math.sqrt(total),
        float(df),
        "seeds and test images",
        seed_variance=total - image_part,
        image_variance=image_part,
    )


def _excess_p(excess: float, estimate: Estimate, scale: float) -> float:
    """One-sided p of H0: the true difference is at most a boundary, from mean − boundary.

    With zero spread the t statistic is ±inf (p 0 or 1); a mean on the boundary, up to float
    noise relative to ``scale``, is the limit p = 1/2 from either side.
    """
    if math.isnan(estimate.df) or math.isnan(excess):
        return math.nan
    if estimate.se == 0.0:
        if abs(excess) <= ZERO_SPREAD * max(1.0, scale):
            return 0.5
        return 0.0 if excess > 0 else 1.0
    return float(sps.t.sf(excess / estimate.se, estimate.df))


def difference_p(estimate: Estimate) -> float:
    """Two-sided t p of H0: no difference."""
    scale = abs(estimate.mean)
    return min(
        1.0,
        2
        * min(
            _excess_p(estimate.mean, estimate, scale), _excess_p(-estimate.mean, estimate, scale)
        ),
    )


def equivalence_p(estimate: Estimate, delta: float) -> float:
    """TOST p: the larger of the one-sided t p's against −delta and +delta (within ±delta?)."""
    delta = _positive(delta, "delta")
    scale = max(abs(estimate.mean), delta)
    return max(
        _excess_p(estimate.mean + delta, estimate, scale),
        _excess_p(delta - estimate.mean, estimate, scale),
    )


def minimum_effect_p(estimate: Estimate, delta: float, sign: int) -> float:
    """One-sided t p of H0: sign × difference <= delta, i.e. that the effect does not exceed
    delta the ``sign`` way (+1: B − A > delta, −1: B − A < −delta); 0 tests both ways at once
    (|B − A| > delta, the smaller one-sided p doubled).

    The minimum-effect test that completes the equivalence test: together they tell an
    effect shown to matter from one shown not to, and leave the rest open.
    """
    delta = _positive(delta, "delta")
    if sign not in (-1, 0, 1):
        raise ValueError(f"sign must be -1, 0 or +1, got {sign!r}")
    if sign == 0:
        return min(1.0, 2 * min(minimum_effect_p(estimate, delta, s) for s in (1, -1)))
    scale = max(abs(estimate.mean), delta)
    return _excess_p(sign * estimate.mean - delta, estimate, scale)


def estimate_interval(estimate: Estimate, confidence: float) -> tuple[float, float]:
    """The t confidence interval of the mean: mean ± t_{(1+c)/2, df} · se."""
    confidence = _probability(confidence, "confidence")
    if math.isnan(estimate.df) or math.isnan(estimate.se):
        return math.nan, math.nan
    half = float(sps.t.ppf((1 + confidence) / 2, estimate.df)) * estimate.se
    return estimate.mean - half, estimate.mean + half


def hodges_lehmann(differences: Any) -> float:
    """The Hodges–Lehmann estimate that goes with the Wilcoxon signed-rank test: the median of
    the Walsh averages (d_i + d_j) / 2 over all i <= j. NaN without differences."""
    values = _differences(differences)
    if not values.size:
        return math.nan
    i, j = np.triu_indices(values.size)
    return float(np.median((values[i] + values[j]) / 2))


def paired_t_p(differences: Any) -> float:
    """Two-sided p of the t-test of the differences against 0 (the paired t-test of b and a).

    NaN for fewer than two differences. With zero spread the t statistic tends to ±inf, so
    p is 0.0 when the common difference is not 0 and 1.0 when every difference is exactly 0.
    """
    values = _differences(differences)
    if values.size < 2:
        return math.nan
    if all_equal(values):
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
        # The limit of a vanishing spread: 0 inside ±delta, 1 outside, 1/2 on the boundary
        # (up to float noise: 0.91 − 0.90 and 0.11 − 0.10 are both a difference of 0.01).
        return equivalence_p(seed_estimate(values), delta)
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
    mean_diff: float,
    sd: float,
    delta: float,
    alpha: float,
    power: float = 0.8,
    image_variance: float = 0.0,
) -> float:
    """Seeds (pairs) expected to decide an open claim with this power, an estimate that takes
    its mean and sd as the truth.

    Deciding means the verdict rule's own tests: if |mean_diff| > delta the minimum-effect
    test (one-sided, effect |mean_diff| − delta) must reject; otherwise the equivalence test,
    approximated by its dominating one-sided test of delta − |mean_diff|. ``alpha`` is the
    level the test must reach: pass the Holm correction's strictest level (alpha / claims) to
    plan for it. ``sd`` is one seed's share of the error (for a claim over seeds alone, the
    sd of the differences; over seeds and test images, sqrt(n · ``Estimate.seed_variance``),
    which holds the seed component and each image's seed-to-seed noise, both shrinking with
    more seeds) and ``image_variance`` the part that more seeds cannot shrink (σ²_image / I,
    ``Estimate.image_variance``): the standard error at n seeds is
    sqrt(sd² / n + image_variance), and no number of seeds decides a claim whose effect is
    too small against the second part. The answer is the smallest whole number >= 2 whose
    power reaches ``power``, from the noncentral t. NaN when mean_diff or sd is NaN, when
    there is no spread at all, when |mean_diff| == delta (neither test can have power), or
    when over MAX_SEEDS seeds would be needed.
    """
    mean_diff = _number(mean_diff, "mean_diff")
    sd = _spread(sd, "sd")
    delta = _positive(delta, "delta")
    alpha = _probability(alpha, "alpha")
    power = _probability(power, "power")
    image_variance = _spread(image_variance, "image_variance")
    if power <= alpha:
        raise ValueError(f"power must exceed alpha (the power against no effect), got {power!r}")
    if math.isnan(mean_diff) or math.isnan(sd) or math.isinf(mean_diff):
        return math.nan
    if sd == 0.0 and not image_variance > 0:
        return math.nan
    size = abs(abs(mean_diff) - delta)
    if size == 0:
        return math.nan
    if not image_variance > 0:
        effect = size / sd
        solved = _statsmodels_solve(
            effect_size=effect, nobs=None, alpha=alpha, power=power, alternative="larger"
        )
        return _smallest_seeds(lambda n: _power(effect, n, alpha, False) >= power, solved)
    # The floor the image error puts under the standard error: more seeds cannot beat it.
    if sps.norm.sf(sps.norm.isf(alpha) - size / math.sqrt(image_variance)) < power:
        return math.nan

    def reaches(n: int) -> bool:
        seed_part = sd**2 / n
        se = math.sqrt(seed_part + image_variance)
        df = (n - 1) * (1 + image_variance / seed_part) ** 2 if seed_part else math.inf
        df = min(df, 1e7)
        critical = sps.t.isf(alpha, df)
        return float(sps.nct.sf(critical, df, size / se)) >= power

    return _smallest_seeds(reaches, math.nan)


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


def verdict_case(
    p_difference: float,
    p_equivalence: float,
    p_beyond: float,
    alpha: float,
    p_against: float = math.nan,
) -> str:
    """Which outcome the tests show (VERDICT_CASES), each p already adjusted for the family.

    "beyond" when the minimum-effect test in the claimed direction rejects (for a claim of no
    difference: either way), "against" when the one against the claim does, then "small"
    (significant and shown within ±delta), "equivalent", "different" (significant only) and
    "neither". A NaN p-value counts as not significant.
    """
    p_difference = _p_value(p_difference, "p_difference")
    p_equivalence = _p_value(p_equivalence, "p_equivalence")
    p_beyond = _p_value(p_beyond, "p_beyond")
    p_against = _p_value(p_against, "p_against")
    alpha = _probability(alpha, "alpha")
    significant = p_difference < alpha  # False for NaN
    if p_beyond < alpha:
        return "beyond"
    if p_against < alpha:
        return "against"
    if p_equivalence < alpha:
        return "small" if significant else "equivalent"
    return "different" if significant else "neither"


def combined_verdict(
    claimed_sign: int,
    effect_sign: int,
    p_difference: float,
    p_equivalence: float,
    p_beyond: float,
    alpha: float,
    p_against: float = math.nan,
) -> str:
    """The claim's verdict (VERDICTS) from its tests, each p already adjusted for the family.

    ``claimed_sign`` is the sign of B − A the claim predicts (+1 or −1,
    ``endpoints.claimed_sign``), or 0 for a claim of no practical difference (A ≈ B).
    ``p_beyond`` is the minimum-effect test in the claimed direction (both ways for A ≈ B),
    ``p_against`` the one against it (directional claims only); ``effect_sign`` the direction
    the difference test sees.

    A directional claim is REPRODUCED only when its effect is shown to exceed delta the
    claimed way, REVERSED when shown to exceed it the other way, NEGLIGIBLE when shown to lie
    within ±delta, DIRECTION ONLY when the difference is significant but its size is shown
    neither way, else INCONCLUSIVE. A claim of no difference is REPRODUCED by equivalence,
    REVERSED when the arms are shown to differ by more than delta, DIRECTION ONLY when they
    differ by an amount not shown to matter, else INCONCLUSIVE.
    """
    for name, value in (("claimed_sign", claimed_sign), ("effect_sign", effect_sign)):
        whole = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
        if not whole or value not in (-1, 0, 1):
            raise ValueError(f"{name} must be -1, 0 or +1, got {value!r}")
    case = verdict_case(p_difference, p_equivalence, p_beyond, alpha, p_against)
    if claimed_sign == 0:
        return {
            "beyond": "REVERSED",
            "small": "REPRODUCED",
            "equivalent": "REPRODUCED",
            "different": "DIRECTION ONLY",
        }.get(case, "INCONCLUSIVE")
    if case == "different" and effect_sign == 0:
        return "INCONCLUSIVE"
    return {
        "beyond": "REPRODUCED",
        "against": "REVERSED",
        "small": "NEGLIGIBLE",
        "equivalent": "NEGLIGIBLE",
        "different": "DIRECTION ONLY",
    }.get(case, "INCONCLUSIVE")


# The test a verdict rests on, by the case the tests show (``verdict_case``): the
# minimum-effect test the claimed way ("beyond"; for A ≈ B: either way) or against it, the
# equivalence test, the difference test, or none (nothing shown).
DECIDING_TESTS = {
    "beyond": "beyond",
    "against": "against",
    "small": "equivalence",
    "equivalent": "equivalence",
    "different": "difference",
    "neither": "none",
}


def deciding_test(case: str) -> str:
    """The test whose (Holm-adjusted) rejection a verdict of this case rests on."""
    if case not in DECIDING_TESTS:
        raise ValueError(f"case must be one of {VERDICT_CASES}, got {case!r}")
    return DECIDING_TESTS[case]


def decision_interval(
    estimate: Estimate, test: str, sign: int, level: float
) -> tuple[float, float, float]:
    """The interval that agrees with a test at the level its p had to reach, and its confidence.

    ``level`` is that test's own level after the Holm correction (``stats.holm_levels``): its
    Holm-adjusted p is below alpha exactly when its own p is below ``level``. A one-sided test
    against a boundary (the minimum-effect test the claimed way or against it, each of the
    equivalence test's two) rejects exactly when the one-sided bound at 1 − level clears the
    boundary: the two-sided interval at 1 − 2 · level has those bounds as its ends. A two-sided
    test (the difference test; the minimum-effect test of a claim of no difference, either
    way) rejects exactly when the interval at 1 − level excludes its boundary. Returns
    (low, high, confidence); NaNs for "none" (nothing was shown) or an undefined level.
    """
    if test not in set(DECIDING_TESTS.values()):
        raise ValueError(
            f"test must be one of {sorted(set(DECIDING_TESTS.values()))}, got {test!r}"
        )
    two_sided = test == "difference" or (test == "beyond" and sign == 0)
    confidence = 1 - level if two_sided else 1 - 2 * level
    if test == "none" or math.isnan(confidence) or not 0 < confidence < 1:
        return math.nan, math.nan, math.nan
    low, high = estimate_interval(estimate, confidence)
    return low, high, confidence


def prediction_interval(mean: float, sd: float, n: int, confidence: float) -> tuple[float, float]:
    """Prediction interval of ONE new value (one new paired run's difference, or one new seed
    of an arm) from n values with this mean and sd: mean ± t_{(1+c)/2, n−1} · sd · sqrt(1 + 1/n).

    (NaN, NaN) for fewer than two values or a NaN sd; (mean, mean) for zero spread.
    """
    confidence = _probability(confidence, "confidence")
    if n < 2 or math.isnan(sd):
        return math.nan, math.nan
    half = float(sps.t.ppf((1 + confidence) / 2, n - 1)) * sd * math.sqrt(1 + 1 / n)
    return mean - half, mean + half

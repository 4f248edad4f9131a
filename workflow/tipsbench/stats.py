"""Statistics of the runs and endpoints tables: per-arm descriptions, paired comparisons of
each claim's two arms, and verdicts. Numbers only: the words are the report's
(``tipsbench.wording``), and a findings row's notes are codes with their numbers.

Every function here is pure: it reads tables (``tables.runs_table``,
``tables.endpoints_table``, the test images each run got right) and the config's
``statistics`` settings and returns numbers or a table. The two arms of a study share their
seeds, so they are compared pair by pair (difference B − A per seed, or log(B / A)). The
difference test, the equivalence test against ±Δ and the minimum-effect tests beyond Δ are
each Holm-adjusted across every claim of the run, and the verdict (``effects.VERDICTS``;
``effects.combined_verdict``) follows from them and from the direction the deciding test sees.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from tipsbench import effects, endpoints
from tipsbench.experiment import Claim, Study
from tipsbench.schema import defaults
from tipsbench.tables import ENDPOINT_COLUMNS

VERDICTS = effects.VERDICTS
CLAIM_DIRECTIONS = effects.CLAIM_DIRECTIONS

ARM_COLUMNS = ["study", "role", "arm", "condition"]
SUMMARY_METRICS = ("test_accuracy", "train_accuracy")
DESCRIBE_KEYS = ("mean", "sd", "ci_low", "ci_high", "pi_low", "pi_high", "min", "max")
SUMMARY_COLUMNS = [
    *ARM_COLUMNS,
    "n",
    "n_trained",
    "n_at_chance",
    "n_diverged",
    "n_missing",
    "slide_accuracy",
    *[f"{metric}_{key}" for metric in SUMMARY_METRICS for key in DESCRIBE_KEYS],
    "slide_in_pi",
]
# The findings table, one row per claim: every column and what it holds, declared once (the
# README's column list is this, checked by a test). For a ratio endpoint (updates to a target,
# gradient and weight-change ratios) every effect column is on the log scale, log(B / A).
FINDINGS: dict[str, str] = {
    "study": "the study (a sweep point: <study>@<axis>-<value>)",
    "claim_id": "the study's claim_id, matching claims across runs",
    "origin": "the config study a sweep point replicates (its own name otherwise)",
    "axis": "the sweep axis of a sweep point (empty otherwise)",
    "axis_value": "the axis' value at a sweep point",
    "title": "the study's title",
    "arm_a": "arm A's label",
    "arm_b": "arm B's label",
    "claim": "the claim's name within its study",
    "expect": "what the claim expects: B > A, A > B or A ≈ B",
    "endpoint": "the quantity the claim is judged on (registry key with its parameters)",
    "primary": "whether it is its study's primary claim",
    "scale": "difference (B − A) or ratio (log(B / A))",
    "higher_is_better": "whether a higher value of the endpoint is better",
    "claimed_sign": "the sign of B − A the claim expects (+1, −1; 0 for A ≈ B)",
    "n_pairs": "seeds with a value in both arms (the paired differences)",
    "mean_a": "arm A's mean over the paired seeds (geometric for a ratio endpoint)",
    "mean_b": "arm B's mean over the paired seeds (geometric for a ratio endpoint)",
    "mean_diff": "the mean paired effect B − A (log(B / A) for a ratio endpoint)",
    "sd_diff": "sd of the paired effects over the seeds",
    "diff_ci_low": "t interval of the effect over the seeds alone, lower end",
    "diff_ci_high": "t interval of the effect over the seeds alone, upper end",
    "boot_ci_low": "percentile-bootstrap interval over the seeds, lower end",
    "boot_ci_high": "percentile-bootstrap interval over the seeds, upper end",
    "p_ttest": "paired t-test p over the seeds",
    "p_wilcoxon": "Wilcoxon signed-rank p over the seeds",
    "p_value_seeds": "the configured test's p over the seeds",
    "p_equivalence_seeds": "TOST p within ±Δ over the seeds (statsmodels ttost_paired)",
    "hodges_lehmann": "Hodges–Lehmann estimate of the effect (median of Walsh averages)",
    "sources": "what the verdict's error counts: seeds, or seeds and test images",
    "se": "standard error of the effect the verdict reads",
    "df": "its degrees of freedom (Satterthwaite with test images)",
    "se_seeds": "the seeds' part of the standard error",
    "se_images": "the test images' part of the standard error (empty without them)",
    "ci_low": "the verdict's interval at the confidence level, lower end",
    "ci_high": "the verdict's interval at the confidence level, upper end",
    "p_value": "p of any difference (the verdict's error)",
    "p_holm": "p_value, Holm-adjusted over all claims of the run",
    "smallest_effect": "Δ as configured (a ratio for a ratio endpoint)",
    "delta": "Δ on the analysis scale (log(Δ) for a ratio endpoint)",
    "p_equivalence": "p that the effect lies within ±Δ (two one-sided tests)",
    "p_equivalence_holm": "p_equivalence, Holm-adjusted",
    "p_beyond": "p that the effect exceeds Δ the claimed way (minimum-effect test)",
    "p_beyond_holm": "p_beyond, Holm-adjusted",
    "p_against": "p that the effect exceeds Δ against the claim",
    "p_against_holm": "p_against, Holm-adjusted",
    "effect_sign": "the sign of the effect as the deciding error sees it",
    "verdict_case": "which case holds: beyond, against, different, equivalent, small, neither",
    "deciding_test": "the test that decided the verdict (beyond, against, equivalence, "
    "difference, none)",
    "p_deciding": "its Holm-adjusted p",
    "decision_level": "the confidence of the interval at that test's Holm level",
    "decision_low": "that interval's lower end",
    "decision_high": "that interval's upper end",
    "beyond_bound": "the minimum-effect test's one-sided bound at its Holm level",
    "beyond_confidence": "that bound's one-sided confidence",
    "diff_pi_low": "prediction interval of one new paired run's effect, lower end",
    "diff_pi_high": "prediction interval of one new paired run's effect, upper end",
    "slide_diff": "the slide's own single-run difference B − A (where it reports both arms)",
    "slide_diff_in_pi": "whether the slide's difference lies in that prediction interval",
    "mde": "the smallest effect these seeds detect at α and the configured power",
    "power": "the configured power of mde (not a power achieved)",
    "seeds_to_decide": "for an open claim, the seeds expected to decide it",
    "cohen_dz": "Cohen's d_z: mean effect over its sd",
    "hedges_gz": "Hedges' g_z: d_z corrected for few seeds",
    "prob_b_beats_a": "predictive probability that B is better on a new seed",
    "wins_b": "seeds on which B was better",
    "ties": "seeds on which the arms tied",
    "trained_a": "arm A's seeds that left chance",
    "trained_b": "arm B's seeds that left chance",
    "n_a": "arm A's seeds with a run",
    "n_b": "arm B's seeds with a run",
    "censored_a": "arm A's runs that never reached a target (counted at their budget)",
    "censored_b": "arm B's runs that never reached a target",
    "verdict": "REPRODUCED, REVERSED, DIRECTION ONLY, NEGLIGIBLE or INCONCLUSIVE",
    "censoring_blocked": "whether censored runs blocked a verdict",
    "evidence": "false for a smoke run",
    "test": "the configured difference test (paired_t or wilcoxon)",
    "alpha": "the family-wise α",
    "confidence": "the confidence level of the intervals",
    "diverged_score": "how a diverged run is scored",
    "notes": "notes as JSON codes with their numbers (tipsbench.wording words them)",
}
FINDINGS_COLUMNS = list(FINDINGS)


def findings_columns_markdown() -> str:
    """The findings table's columns and their meanings as the README's Markdown table."""
    lines = ["| column | what it holds |", "|---|---|"]
    lines += [f"| `{column}` | {meaning} |" for column, meaning in FINDINGS.items()]
    return "\n".join(lines)


# The notes a findings row can carry, by code; each note is {"code": ..., <its numbers>} and
# tipsbench.wording.note_text words it.
NOTE_CODES = (
    "no_runs",
    "missing_seeds",
    "unavailable",
    "at_chance",
    "diverged",
    "censored",
    "dropped_pairs",
    "no_pairs",
    "one_pair",
    "zero_difference",
    "constant_difference",
    "wilcoxon_floor",
)


def resolve_settings(settings: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The config's ``statistics`` settings with the schema's defaults under them.

    The schema validated the values; this only fills what a caller (a unit test, a
    notebook) left out, and refuses a key the schema does not know.
    """
    merged = defaults("statistics")
    unknown = sorted(set(settings or {}) - set(merged))
    if unknown:
        raise ValueError(f"unknown statistics setting {unknown[0]!r}; known: {sorted(merged)}")
    return {**merged, **(settings or {})}


def _t_quantile(confidence: float, n: int) -> float:
    """The two-sided t critical value for a mean of n values (n - 1 degrees of freedom)."""
    return float(sps.t.ppf((1 + confidence) / 2, n - 1))


def describe(values: Any, confidence: float) -> dict[str, float]:
    """Describe values: n, mean, sd, min, max and two intervals.

    The intervals are the t confidence interval of the mean and the prediction interval
    for one new value.

    NaN values are results that are not available: they are left out and not counted in n.
    With fewer than two values there is no spread, so sd and both intervals are NaN; when
    every value is the same the spread is zero and both intervals collapse onto the mean.
    """
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, (int, float))
        or not 0 < confidence < 1
    ):
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    array = effects.as_vector(values, "values")
    array = array[~np.isnan(array)]
    n = int(array.size)
    nan = float("nan")
    result = {"n": n, **{key: nan for key in DESCRIBE_KEYS}}
    if n == 0:
        # Nothing to describe; returning NaNs early avoids numpy's empty-slice warnings.
        return result
    mean = float(np.mean(array))
    result.update(mean=mean, min=float(np.min(array)), max=float(np.max(array)))
    if n == 1:
        return result
    # Equal values give exactly zero rather than float noise, so the intervals have width 0.
    sd = 0.0 if effects.all_equal(array) else float(np.std(array, ddof=1))
    ci_half = _t_quantile(confidence, n) * sd / math.sqrt(n)
    pi_low, pi_high = effects.prediction_interval(mean, sd, n, confidence)
    result.update(
        sd=sd,
        ci_low=mean - ci_half,
        ci_high=mean + ci_half,
        pi_low=pi_low,
        pi_high=pi_high,
    )
    return result


def _require_columns(table: pd.DataFrame, columns: list[str], name: str = "runs") -> None:
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise ValueError(f"the {name} table lacks the column(s) {missing}")


def _numeric(column: pd.Series) -> pd.Series:
    """A runs-table column as floats: None (a value the run did not report) becomes NaN."""
    return column.astype(float)


def score_diverged(runs: pd.DataFrame, how: str) -> pd.DataFrame:
    """The runs table with diverged runs' accuracies scored as the ``diverged_score`` setting says.

    ``final_weights`` keeps what ``evaluate()`` gave on the final, non-finite weights (a
    NaN network predicts one class); ``last_good_epoch`` takes the accuracies of the last
    epoch whose loss was finite (the ``last_good_*`` columns; NaN when none was);
    ``exclude`` makes them not available, so they leave the statistics and the note says so.
    """
    if how == "final_weights" or "status" not in runs or not (runs["status"] == "diverged").any():
        return runs
    if how not in ("last_good_epoch", "exclude"):
        raise ValueError(
            f"diverged_score must be final_weights, last_good_epoch or exclude, got {how!r}"
        )
    runs = runs.copy()
    diverged = runs["status"] == "diverged"
    for metric in SUMMARY_METRICS:
        runs[metric] = runs[metric].astype(float)
        replacement = (
            runs.get(f"last_good_{metric}", pd.Series(np.nan, index=runs.index)).astype(float)
            if how == "last_good_epoch"
            else np.nan
        )
        runs.loc[diverged, metric] = (
            replacement[diverged] if isinstance(replacement, pd.Series) else replacement
        )
    return runs


def summary_table(runs: pd.DataFrame, settings: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """One row per study × arm, in order of first appearance.

    Each row holds counts, and test and train accuracy described.

    ``n`` counts the arm's runs; ``n_missing`` those whose test accuracy is not available
    (NaN), which the accuracy statistics leave out. ``n_trained`` counts runs whose test
    accuracy is above ``trained_threshold``; ``n_at_chance`` runs that finished (their loss
    stayed finite) at or below it; ``n_diverged`` runs whose status is "diverged", an outcome
    counted apart (their accuracy is still a result). ``slide_in_pi`` says whether the slide's
    value lies inside the test-accuracy prediction interval for one new seed (NA when either is
    missing).
    """
    settings = resolve_settings(settings)
    _require_columns(runs, [*ARM_COLUMNS, "seed", "status", "slide_accuracy", *SUMMARY_METRICS])
    runs = score_diverged(runs, settings["diverged_score"])
    rows = []
    # sort=False keeps the order of first appearance, which is the config's order of studies.
    for keys, group in runs.groupby(ARM_COLUMNS, sort=False):
        test_accuracy = _numeric(group["test_accuracy"])
        slide = _numeric(group["slide_accuracy"]).iloc[0]
        row: dict[str, Any] = dict(zip(ARM_COLUMNS, keys))
        row.update(
            n=len(group),
            n_trained=int((test_accuracy > settings["trained_threshold"]).sum()),
            n_at_chance=int(
                (
                    (test_accuracy <= settings["trained_threshold"])
                    & (group["status"] != "diverged")
                ).sum()
            ),
            n_diverged=int((group["status"] == "diverged").sum()),
            n_missing=int(test_accuracy.isna().sum()),
            slide_accuracy=slide,
        )
        for metric in SUMMARY_METRICS:
            description = describe(_numeric(group[metric]), settings["confidence"])
            row.update({f"{metric}_{key}": description[key] for key in DESCRIBE_KEYS})
        low, high = row["test_accuracy_pi_low"], row["test_accuracy_pi_high"]
        row["slide_in_pi"] = (
            pd.NA if any(map(math.isnan, (slide, low, high))) else bool(low <= slide <= high)
        )
        rows.append(row)
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    summary["slide_in_pi"] = summary["slide_in_pi"].astype("boolean")
    return summary


ARM_ENDPOINT_COLUMNS = [
    *ARM_COLUMNS,
    "endpoint",
    "scale",
    "n",
    "n_diverged",
    "n_censored",
    "n_missing",
    *DESCRIBE_KEYS,
]


def arm_endpoints_table(
    endpoint_rows: pd.DataFrame,
    refs: Mapping[str, endpoints.EndpointRef],
    settings: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """One row per study × arm × endpoint: every endpoint described over the arm's seeds.

    Diverged runs are scored as ``diverged_score`` says (``score_values``). A ratio endpoint
    is described on the log scale and shown back on its own: ``mean`` is the geometric mean,
    the intervals and min/max are in updates, ``sd`` is that of the natural log. Censored runs
    count at their budget and in ``n_censored``.
    """
    settings = resolve_settings(settings)
    _require_columns(endpoint_rows, ENDPOINT_COLUMNS, "endpoints")
    rows = []
    for keys, group in endpoint_rows.groupby([*ARM_COLUMNS, "endpoint"], sort=False):
        spec = refs[keys[-1]].spec
        values = score_values(group, settings["diverged_score"], spec.censors)
        values = values.to_numpy(dtype=float)
        ratio = spec.scale == "ratio"
        if ratio:
            with np.errstate(divide="ignore", invalid="ignore"):
                values = np.log(values)
        description = describe(values, settings["confidence"])
        if ratio:
            description.update(
                {
                    key: math.exp(description[key])
                    for key in DESCRIBE_KEYS
                    if key != "sd" and not math.isnan(description[key])
                }
            )
        rows.append(
            {
                **dict(zip([*ARM_COLUMNS, "endpoint"], keys)),
                "scale": spec.scale,
                "n": len(group),
                "n_diverged": int((group["status"] == "diverged").sum()),
                "n_censored": int(group["censored"].astype(bool).sum()),
                "n_missing": int(np.isnan(values).sum()),
                **{key: description[key] for key in DESCRIBE_KEYS},
            }
        )
    return pd.DataFrame(rows, columns=ARM_ENDPOINT_COLUMNS)


def _bootstrap_ci(differences: np.ndarray, settings: Mapping[str, Any]) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean difference, resampling the seeds' pairs."""
    rng = np.random.default_rng(settings["bootstrap_seed"])
    n = differences.size
    indices = rng.integers(0, n, size=(settings["bootstrap_resamples"], n))
    means = differences[indices].mean(axis=1)
    tail = (1 - settings["confidence"]) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


def _wilcoxon_p(differences: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p of paired differences (NaN for fewer than two).

    When no difference is non-zero, scipy drops them all and warns; there is no evidence of a
    difference, and p = 1 is the limit the t-test gives too, so that both Holm families keep
    every claim. Otherwise scipy's exact null distribution (or, with ties or zeros, its exact
    sign-flip permutation for up to 13 pairs) gives the p-value.
    """
    if differences.size < 2:
        return float("nan")
    if not np.any(differences != 0):
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            return float(sps.wilcoxon(differences).pvalue)
        except ValueError:
            return float("nan")


def compare_arms(
    a: Any,
    b: Any,
    settings: Mapping[str, Any] | None = None,
    smallest_effect: float | None = None,
    higher_is_better: bool = True,
) -> dict[str, Any]:
    """Paired comparison of two arms' values over shared seeds: the difference B − A = b − a.

    Besides the difference test it gives the equivalence test against ±``smallest_effect``
    (default: the settings' ``smallest_effect``), the sign of the effect as the configured
    test sees it, standardised effects, the prediction interval of one new paired run's
    difference, the predictive probability that a new seed favours B and the smallest
    difference this many seeds with this spread detect (``mde``, at α and ``power``).

    ``wins_b`` and ``prob_b_beats_a`` count B as better where its value is the higher one,
    or with ``higher_is_better`` False (a count of updates), the lower one.

    Pairs where either value is NaN (not available) are dropped, and the note says so.
    With fewer than two pairs nothing but the mean difference and the win counts is defined.
    With zero variance (every seed gives the same difference) every number is the limit of
    a vanishing spread, so that a constant difference is judged like a nearly constant one:
    the intervals collapse onto the difference, the t-test p is 0 (1 when the difference is
    0), d_z is ±inf and a new seed repeats the difference; the note says so.
    """
    settings = resolve_settings(settings)
    delta = settings["smallest_effect"] if smallest_effect is None else smallest_effect
    a, b = effects.as_vector(a, "a"), effects.as_vector(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must be paired (same length), got {a.size} and {b.size} values")
    notes = []
    available = ~(np.isnan(a) | np.isnan(b))
    dropped = int((~available).sum())
    if dropped:
        notes.append(note("dropped_pairs", count=dropped))
    a, b = a[available], b[available]
    differences = b - a
    n = int(differences.size)
    nan = float("nan")
    description = describe(differences, settings["confidence"])
    result: dict[str, Any] = {
        "n_pairs": n,
        "mean_a": float(np.mean(a)) if n else nan,
        "mean_b": float(np.mean(b)) if n else nan,
        "mean_diff": description["mean"],
        "sd_diff": description["sd"],
        "diff_ci_low": description["ci_low"],
        "diff_ci_high": description["ci_high"],
        "diff_pi_low": description["pi_low"],
        "diff_pi_high": description["pi_high"],
        "boot_ci_low": nan,
        "boot_ci_high": nan,
        "p_ttest": nan,
        "p_wilcoxon": nan,
        "smallest_effect": float(delta),
        "p_equivalence": nan,
        "effect_sign": 0,
        "mde": nan,
        "power": settings["power"],
        "cohen_dz": nan,
        "hedges_gz": nan,
        "prob_b_beats_a": nan,
        "wins_b": int((b > a).sum() if higher_is_better else (b < a).sum()),
        "ties": int((b == a).sum()),
        "n": n,
        "hodges_lehmann": effects.hodges_lehmann(differences) if n else nan,
        "notes": [],
    }
    if n:
        result["effect_sign"] = effects.direction(differences, settings["test"])
    if n == 0:
        notes.append(note("no_pairs"))
    elif n == 1:
        notes.append(note("one_pair"))
    else:
        result["p_ttest"] = effects.paired_t_p(differences)
        result["p_wilcoxon"] = _wilcoxon_p(differences)
        result["p_equivalence"] = effects.tost_p(differences, delta)
        result["hedges_gz"] = effects.hedges_gz(differences)
        favours_b = effects.prob_new_seed_favours_b(differences)
        result["prob_b_beats_a"] = favours_b if higher_is_better else 1 - favours_b
        result["mde"] = effects.minimum_detectable_difference(
            n, description["sd"], settings["alpha"], settings["power"]
        )
        if description["sd"] == 0.0:
            mean_diff = description["mean"]
            result["boot_ci_low"] = result["boot_ci_high"] = mean_diff
            if abs(mean_diff) <= effects.ZERO_SPREAD:
                notes.append(note("zero_difference"))
            else:
                result["cohen_dz"] = math.copysign(math.inf, mean_diff)
                notes.append(note("constant_difference", difference=mean_diff))
        else:
            result["boot_ci_low"], result["boot_ci_high"] = _bootstrap_ci(differences, settings)
            result["cohen_dz"] = description["mean"] / description["sd"]
    result["notes"] = notes
    return result


def holm(pvalues: Any) -> np.ndarray:
    """Holm–Bonferroni adjusted p-values in the input order.

    NaNs pass through and do not count in m.

    The i-th smallest of m p-values is multiplied by (m - i + 1); a running maximum keeps
    the adjusted values in the order of the raw ones (step-down), and they are capped at 1.
    """
    p = effects.as_vector(pvalues, "pvalues")
    present = ~np.isnan(p)
    bad = p[present & ((p < 0) | (p > 1))]
    if bad.size:
        raise ValueError(f"p-values must lie in [0, 1], got {bad.tolist()}")
    adjusted = np.full(p.shape, np.nan)
    values = p[present]
    m = values.size
    order = np.argsort(values, kind="stable")
    scaled = values[order] * (m - np.arange(m))
    stepped = np.minimum(np.maximum.accumulate(scaled), 1.0)
    ranked = np.empty(m)
    ranked[order] = stepped
    adjusted[present] = ranked
    return adjusted


def holm_levels(pvalues: Any, alpha: float) -> np.ndarray:
    """Each test's own level after the Holm correction: its Holm-adjusted p is below ``alpha``
    exactly when its own p is below this level.

    That is alpha over the test's effective Holm factor, adjusted p / p (its rank's factor
    m − i + 1, or more where the step-down's running maximum lifted it); for a p of 0 the
    rank's factor. NaNs pass through. An interval at this level agrees with the decision
    (``effects.decision_interval``).
    """
    p = effects.as_vector(pvalues, "pvalues")
    adjusted = holm(p)
    levels = np.full(p.shape, np.nan)
    present = ~np.isnan(p)
    m = int(present.sum())
    ranks = np.empty(m, dtype=int)
    ranks[np.argsort(p[present], kind="stable")] = np.arange(m)
    factors = np.where(
        p[present] > 0,
        np.divide(adjusted[present], p[present], where=p[present] > 0, out=np.ones(m)),
        m - ranks,
    )
    levels[present] = alpha / factors
    return levels


def score_values(rows: pd.DataFrame, how: str, censors: bool) -> pd.Series:
    """One endpoint's values with diverged runs scored as the ``diverged_score`` setting says.

    ``rows`` are endpoints-table rows of one endpoint. ``final_weights`` keeps the value the
    run's final, non-finite weights gave; ``last_good_epoch`` takes the value at the run's
    last epoch with a finite loss (``last_good``; NaN where the endpoint has none); ``exclude``
    makes it not available. An endpoint that can be censored (``censors``: updates to a
    target) is never rescored: a diverged run either reached its target before it diverged or
    is censored.
    """
    values = _numeric(rows["value"])
    if how not in ("final_weights", "last_good_epoch", "exclude"):
        raise ValueError(
            f"diverged_score must be final_weights, last_good_epoch or exclude, got {how!r}"
        )
    if how == "final_weights" or rows.empty:
        return values
    if censors:
        return values
    diverged = rows["status"] == "diverged"
    replacement = _numeric(rows["last_good"]) if how == "last_good_epoch" else np.nan
    return values.where(~diverged, replacement)


def note(code: str, **numbers: Any) -> dict[str, Any]:
    """One note of a findings row: a code (NOTE_CODES) and the numbers it needs."""
    if code not in NOTE_CODES:
        raise ValueError(f"unknown note code {code!r} (known: {', '.join(NOTE_CODES)})")
    return {"code": code, **numbers}


def _arm_notes(
    role: str,
    label: str,
    arm_rows: pd.DataFrame,
    values: pd.Series,
    other_seeds: set[int],
    claim: Claim,
    chance: pd.Series,
    settings: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """The notes about one arm of a claim: missing seeds, unavailable values, runs that
    never left chance and, counted apart from them, diverged and censored runs.

    ``arm_rows`` are the arm's endpoints-table rows of the claim's endpoint, ``values`` their
    scored values, ``chance`` the arm's final test accuracies by seed (whether a run left
    chance).
    """
    arm = {"role": role, "label": label}
    notes = []
    missing = sorted(other_seeds - set(arm_rows["seed"]))
    if missing:
        notes.append(note("missing_seeds", **arm, seeds=missing))
    unavailable = sorted(int(seed) for seed in arm_rows.loc[values.isna(), "seed"])
    if unavailable:
        notes.append(note("unavailable", **arm, seeds=unavailable, endpoint=claim.endpoint.key))
    # A diverged run is its own outcome, never counted as one that "never left chance".
    diverged = int((arm_rows["status"] == "diverged").sum())
    finished = arm_rows.loc[arm_rows["status"] != "diverged", "seed"]
    accuracy = chance.reindex(finished).dropna()
    threshold = settings["trained_threshold"]
    at_chance = int((accuracy <= threshold).sum())
    if at_chance:
        notes.append(
            note(
                "at_chance",
                **arm,
                count=at_chance,
                of=len(accuracy),
                diverged=diverged,
                threshold=threshold,
            )
        )
    if diverged:
        notes.append(
            note(
                "diverged",
                **arm,
                count=diverged,
                of=len(arm_rows),
                score=settings["diverged_score"],
            )
        )
    censored = int(arm_rows["censored"].astype(bool).sum())
    if censored:
        notes.append(note("censored", **arm, count=censored, of=len(arm_rows)))
    return notes


def _favoured_arms(verdict: str, sign: int, effect_sign: int, higher_is_better: bool) -> str:
    """Which arms a verdict speaks in favour of: "A", "B", "AB" (both: equivalence) or ""."""
    if verdict == "INCONCLUSIVE":
        return ""
    if verdict == "NEGLIGIBLE" or (sign == 0 and verdict == "REPRODUCED"):
        return "AB"
    if sign == 0:  # a claim of no difference shown to differ: neither arm is favoured
        return ""
    better = effect_sign if higher_is_better else -effect_sign
    return "B" if better > 0 else "A" if better < 0 else ""


def findings_table(
    endpoint_rows: pd.DataFrame,
    studies: list[Study],
    settings: Mapping[str, Any] | None = None,
    smoke: bool = False,
    test_correct: Mapping[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """One row per claim (each study's claims in order, studies in the config's order).

    Each row is the paired comparison of arm B with arm A on the claim's endpoint, read from
    the endpoints table (``tables.endpoints_table``), and its verdict.

    Arms are paired by seed; a seed present in only one arm, or whose value is not
    available, is left out of the pairs and named in the notes. A ratio endpoint (updates to
    a target) is compared on the log scale: ``mean_diff`` and its intervals are of
    log(B / A), ``mean_a`` and ``mean_b`` are geometric means and Δ a ratio. Otherwise
    ``mean_diff`` = ``mean_b`` − ``mean_a`` over the paired seeds.

    Two sets of figures: over the seeds alone (``diff_ci_*``, ``p_value_seeds``,
    ``p_equivalence_seeds``), and the verdict's (``sources``, ``se``, ``df``, ``ci_*``,
    ``p_value``, ``p_equivalence``, ``p_beyond``, ``p_against``). For an endpoint scored on
    the test set that every run shares (``test_correct``: which images each run got right),
    the verdict's error includes the test images as a second source
    (``effects.seed_and_image_estimate``); otherwise it is the seeds' alone. ``p_value`` is
    then the configured test over the seeds. The verdict (``effects.combined_verdict``) reads
    the Holm-adjusted p's, each adjusted across every row (every claim of every study, sweep
    points included). ``censored_*`` count runs that never reached the endpoint's target
    (their value is their budget, which flatters them): a verdict in favour of an arm with a
    censored run does not stand (INCONCLUSIVE, ``censoring_blocked``). ``seeds_to_decide``
    (open claims only) is an estimate that takes this run's mean and spread as the truth, at
    the strictest Holm level α / claims. ``notes`` is a JSON list of note codes and numbers
    (NOTE_CODES); ``evidence`` is False for a smoke run.
    """
    settings = resolve_settings(settings)
    _require_columns(endpoint_rows, ENDPOINT_COLUMNS, "endpoints")
    nan = float("nan")
    rows = []
    images = _image_scores(test_correct)
    for spec in studies:
        study_rows = endpoint_rows[endpoint_rows["study"] == spec.name]
        chance_rows = study_rows[study_rows["endpoint"] == endpoints.CHANCE_ENDPOINT]
        chance = {
            role: _numeric(chance_rows[chance_rows["role"] == role].set_index("seed")["value"])
            for role in ("A", "B")
        }
        for claim in spec.claims:
            rows.append(_claim_row(spec, claim, study_rows, chance, settings, smoke, images))
    findings = pd.DataFrame(rows, columns=FINDINGS_COLUMNS)
    findings["slide_diff_in_pi"] = findings["slide_diff_in_pi"].astype("boolean")
    for column in ("p_value", "p_equivalence", "p_beyond", "p_against"):
        adjusted = "p_holm" if column == "p_value" else f"{column}_holm"
        findings[adjusted] = holm(findings[column].to_numpy(dtype=float))
    alpha, power = settings["alpha"], settings["power"]
    findings["verdict_case"] = [
        effects.verdict_case(
            row.p_holm, row.p_equivalence_holm, row.p_beyond_holm, alpha, row.p_against_holm
        )
        for row in findings.itertuples()
    ]
    verdicts, blocked = [], []
    for row in findings.itertuples():
        verdict = effects.combined_verdict(
            int(row.claimed_sign),
            int(row.effect_sign),
            row.p_holm,
            row.p_equivalence_holm,
            row.p_beyond_holm,
            alpha,
            row.p_against_holm,
        )
        censored = {"A": int(row.censored_a), "B": int(row.censored_b)}
        favoured = _favoured_arms(
            verdict, int(row.claimed_sign), int(row.effect_sign), bool(row.higher_is_better)
        )
        # A censored value is a budget that flatters its arm: no verdict may rest on it.
        stops = any(censored[role] for role in favoured)
        verdicts.append("INCONCLUSIVE" if stops else verdict)
        blocked.append(stops)
    findings["verdict"] = verdicts
    findings["censoring_blocked"] = blocked
    _decision_columns(findings, alpha)
    claims = int(findings["p_value"].notna().sum())
    findings["seeds_to_decide"] = [
        effects.seeds_to_decide(
            row.mean_diff,
            # One seed's share of the verdict's error (the sd over seeds alone, or with the test
            # images the part of the error that more seeds shrink), and the part they cannot.
            row.se_seeds * math.sqrt(row.n_pairs),
            row.delta,
            alpha / max(1, claims),
            power,
            0.0 if math.isnan(row.se_images) else row.se_images**2,
        )
        if row.verdict in ("INCONCLUSIVE", "DIRECTION ONLY")
        and row.n_pairs >= 2
        and not row.censoring_blocked
        else nan
        for row in findings.itertuples()
    ]
    return findings


# The Holm-adjusted p column of each deciding test (effects.DECIDING_TESTS).
DECIDING_P = {
    "beyond": "p_beyond",
    "against": "p_against",
    "equivalence": "p_equivalence",
    "difference": "p_value",
}


def _decision_columns(findings: pd.DataFrame, alpha: float) -> None:
    """Which test each verdict rests on, its Holm-adjusted p, and the interval that agrees
    with it at its own level after the Holm correction (``effects.decision_interval``), in
    place.

    The difference test's interval is a t interval: where a rank test decided (Wilcoxon over
    the seeds), none is given.
    """
    levels = {test: holm_levels(findings[column], alpha) for test, column in DECIDING_P.items()}
    tests, p_deciding, intervals, bounds = [], [], [], []
    for index, row in enumerate(findings.itertuples()):
        # The minimum-effect test's one-sided bound the claimed way, at its own Holm level: what
        # a directional claim's effect is shown to exceed, whatever the verdict.
        sign, level = int(row.claimed_sign), levels["beyond"][index]
        if sign and not (math.isnan(level) or math.isnan(row.se)):
            estimate = effects.Estimate(row.mean_diff, row.se, row.df)
            low, high, _ = effects.decision_interval(estimate, "beyond", sign, level)
            bounds.append((low if sign > 0 else high, 1 - level))
        else:
            bounds.append((math.nan, math.nan))
        test = effects.deciding_test(row.verdict_case)
        tests.append(test)
        column = DECIDING_P.get(test)
        p_deciding.append(
            getattr(row, "p_holm" if column == "p_value" else f"{column}_holm")
            if column
            else math.nan
        )
        rank_test = test == "difference" and row.test == "wilcoxon" and row.sources == "seeds"
        level = levels[test][index] if column and not rank_test else math.nan
        estimate = effects.Estimate(row.mean_diff, row.se, row.df)
        intervals.append(
            effects.decision_interval(estimate, test, int(row.claimed_sign), level)
            if not (math.isnan(level) or math.isnan(row.se))
            else (math.nan, math.nan, math.nan)
        )
    findings["deciding_test"] = tests
    findings["p_deciding"] = p_deciding
    columns = ["decision_low", "decision_high", "decision_level"]
    findings[columns] = pd.DataFrame(intervals, index=findings.index, columns=columns)
    columns = ["beyond_bound", "beyond_confidence"]
    findings[columns] = pd.DataFrame(bounds, index=findings.index, columns=columns)


def _image_scores(test_correct: Mapping[str, np.ndarray] | None) -> dict[tuple[str, int], Any]:
    """Which test images each (condition, seed) got right, from the tables stage's arrays."""
    if test_correct is None:
        return {}
    return {
        (str(condition), int(seed)): row
        for condition, seed, row in zip(
            test_correct["condition"], test_correct["seed"], test_correct["correct"]
        )
    }


@dataclass(frozen=True)
class _Paired:
    """One claim's two arms paired by seed: the arms' rows, the seeds both have a value for,
    their values on the analysis scale (log for a ratio endpoint), the conditions each seed
    trained, and the notes the arms raised."""

    arm_rows: dict[str, pd.DataFrame]
    seeds: list[int]
    a: np.ndarray
    b: np.ndarray
    conditions: dict[str, dict[int, str]]
    notes: list[dict[str, Any]]


def _pair(
    spec: Study,
    claim: Claim,
    study_rows: pd.DataFrame,
    chance: dict[str, pd.Series],
    settings: Mapping[str, Any],
    ratio: bool,
) -> _Paired:
    """Step 1: validate and pair the arms by seed; a ratio endpoint goes to the log scale."""
    labels = [arm.label for arm in spec.arms]
    rows = study_rows[study_rows["endpoint"] == claim.endpoint.key]
    arm_rows = {role: rows[rows["role"] == role] for role in ("A", "B")}
    for role, frame in arm_rows.items():
        if frame["seed"].duplicated().any():
            raise ValueError(
                f"study {spec.name!r} arm {role} has a seed more than once for "
                f"{claim.endpoint.key}: {frame['seed'].tolist()}"
            )
    values = {
        role: score_values(frame, settings["diverged_score"], claim.endpoint.spec.censors)
        for role, frame in arm_rows.items()
    }
    notes = []
    for role, label, other in (("A", labels[0], "B"), ("B", labels[1], "A")):
        if arm_rows[role].empty:
            notes.append(note("no_runs", role=role, label=label))
            continue
        notes += _arm_notes(
            role,
            label,
            arm_rows[role],
            values[role],
            set(arm_rows[other]["seed"]),
            claim,
            chance[role],
            settings,
        )
    # Only seeds both arms ran, with a value in both, can be compared. (The arm notes already
    # name seeds whose value is not available, so compare_arms sees none.)
    by_seed = {
        role: pd.Series(values[role].to_numpy(), index=arm_rows[role]["seed"].to_numpy())
        for role in ("A", "B")
    }
    seeds = [
        seed
        for seed in sorted(set(by_seed["A"].index) & set(by_seed["B"].index))
        if not (np.isnan(by_seed["A"][seed]) or np.isnan(by_seed["B"][seed]))
    ]
    a = by_seed["A"].reindex(seeds).to_numpy(dtype=float)
    b = by_seed["B"].reindex(seeds).to_numpy(dtype=float)
    if ratio:
        with np.errstate(divide="ignore", invalid="ignore"):
            a, b = np.log(a), np.log(b)
    conditions = {
        role: dict(zip(arm_rows[role]["seed"], arm_rows[role]["condition"])) for role in "AB"
    }
    return _Paired(arm_rows, seeds, a, b, conditions, notes)


def _estimate(
    paired: _Paired, endpoint: Any, images: dict[tuple[str, int], Any]
) -> tuple[effects.Estimate, float, bool]:
    """Step 3: the verdict's error: the seeds', and the test images' where every run of the
    pair is scored on them (the crossed seeds × images estimate); with it the images' part
    of the standard error (NaN without them) and whether they count."""
    differences = paired.b - paired.a
    scored = [
        (
            images.get((paired.conditions["A"][seed], seed)),
            images.get((paired.conditions["B"][seed], seed)),
        )
        for seed in paired.seeds
    ]
    by_image = (
        endpoint.image_scored
        and len(paired.seeds) >= 2
        and all(x is not None and y is not None for x, y in scored)
    )
    if not by_image:
        return effects.seed_estimate(differences), float("nan"), False
    matrix = np.array([y.astype(float) - x.astype(float) for x, y in scored])
    estimate = effects.seed_and_image_estimate(differences, matrix)
    return estimate, math.sqrt(estimate.image_variance), True


def _tests(
    estimate: effects.Estimate, delta: float, sign: int, confidence: float, enough: bool
) -> dict[str, float]:
    """Step 4: the verdict's interval and its three tests, before the Holm correction
    (``enough``: two seeds or more)."""
    nan = float("nan")
    ci_low, ci_high = effects.estimate_interval(estimate, confidence)
    return {
        "ci_low": ci_low,
        "ci_high": ci_high,
        "p_equivalence": effects.equivalence_p(estimate, delta) if enough else nan,
        "p_beyond": effects.minimum_effect_p(estimate, delta, sign) if enough else nan,
        "p_against": effects.minimum_effect_p(estimate, delta, -sign) if sign and enough else nan,
    }


def _slide_check(spec: Study, endpoint: Any, comparison: dict[str, Any]) -> dict[str, Any]:
    """The slide's own single-run difference, and whether one run of this protocol could give
    it (its prediction interval)."""
    slides = [arm.slide_accuracy for arm in spec.arms]
    slide_diff = (
        slides[1] - slides[0]
        if endpoint.slide and None not in slides and not any(map(math.isnan, slides))
        else float("nan")
    )
    low, high = comparison["diff_pi_low"], comparison["diff_pi_high"]
    inside = (
        pd.NA if any(map(math.isnan, (slide_diff, low, high))) else bool(low <= slide_diff <= high)
    )
    return {"slide_diff": slide_diff, "slide_diff_in_pi": inside}


def _claim_row(
    spec: Study,
    claim: Claim,
    study_rows: pd.DataFrame,
    chance: dict[str, pd.Series],
    settings: Mapping[str, Any],
    smoke: bool,
    images: dict[tuple[str, int], Any],
) -> dict[str, Any]:
    """The findings row of one claim, before the Holm correction and the verdict (step 5,
    ``findings_table``): pair (``_pair``), compare over the seeds (``compare_arms``), estimate
    the verdict's error (``_estimate``) and test (``_tests``)."""
    endpoint = claim.endpoint.spec
    ratio = endpoint.scale == "ratio"
    paired = _pair(spec, claim, study_rows, chance, settings, ratio)
    delta = math.log(claim.smallest_effect) if ratio else claim.smallest_effect
    # Step 2: over the seeds alone, oriented so that "B wins" means B is the better arm.
    comparison = compare_arms(paired.a, paired.b, settings, delta, endpoint.higher_is_better)
    notes = paired.notes + comparison["notes"]
    nonzero = int(np.count_nonzero(paired.b - paired.a))
    if settings["test"] == "wilcoxon" and nonzero >= 1 and 2 / 2**nonzero >= settings["alpha"]:
        # With k non-zero pairs the most extreme two-sided Wilcoxon p is 2 / 2^k.
        notes.append(note("wilcoxon_floor", nonzero=nonzero, alpha=settings["alpha"]))
    p_seeds = comparison["p_ttest" if settings["test"] == "paired_t" else "p_wilcoxon"]
    estimate, se_images, with_images = _estimate(paired, endpoint, images)
    sign = endpoints.claimed_sign(claim.expect, endpoint.higher_is_better)
    threshold = settings["trained_threshold"]
    arm_rows, labels = paired.arm_rows, [arm.label for arm in spec.arms]
    # The arms' means on the endpoint's own scale (geometric for a ratio endpoint).
    back = math.exp if ratio else float
    return {
        "study": spec.name,
        "claim": claim.name,
        "claim_id": spec.claim_id,
        "origin": spec.origin or spec.name,
        "axis": spec.axis,
        "axis_value": spec.axis_value,
        "title": spec.title,
        "arm_a": labels[0],
        "arm_b": labels[1],
        "expect": claim.expect,
        "endpoint": claim.endpoint.key,
        "primary": claim.primary,
        "scale": endpoint.scale,
        "higher_is_better": endpoint.higher_is_better,
        "claimed_sign": sign,
        # The paired comparison's numbers that the findings table keeps.
        **{
            key: value
            for key, value in comparison.items()
            if key in FINDINGS and key not in ("smallest_effect", "effect_sign")
        },
        "mean_a": back(comparison["mean_a"]),
        "mean_b": back(comparison["mean_b"]),
        "effect_sign": int(np.sign(estimate.mean)) if with_images else comparison["effect_sign"],
        "p_value_seeds": p_seeds,
        "p_equivalence_seeds": comparison["p_equivalence"],
        "sources": estimate.sources,
        "se": estimate.se,
        "df": estimate.df,
        "se_seeds": math.sqrt(estimate.seed_variance),
        "se_images": se_images,
        "p_value": effects.difference_p(estimate) if with_images else p_seeds,
        **_tests(estimate, delta, sign, settings["confidence"], len(paired.seeds) >= 2),
        "smallest_effect": claim.smallest_effect,
        "delta": delta,
        **_slide_check(spec, endpoint, comparison),
        "trained_a": int((chance["A"] > threshold).sum()),
        "trained_b": int((chance["B"] > threshold).sum()),
        "n_a": len(arm_rows["A"]),
        "n_b": len(arm_rows["B"]),
        "censored_a": int(arm_rows["A"]["censored"].astype(bool).sum()),
        "censored_b": int(arm_rows["B"]["censored"].astype(bool).sum()),
        "evidence": not smoke,
        "test": settings["test"],
        "alpha": settings["alpha"],
        "confidence": settings["confidence"],
        "diverged_score": settings["diverged_score"],
        "notes": json.dumps(notes),
    }

"""Statistics of the runs table.

Per-arm descriptions, paired comparisons of a study's two arms, and verdicts.

Every function here is pure: it reads a ``runs`` table (``tables.runs_table``) and the
config's ``statistics`` settings and returns numbers or a table (the words of a findings
row's notes come from ``tipsbench.wording``). The two arms of a study share their seeds,
so they are compared pair by pair (difference B − A per seed). The configured difference
test and the equivalence test against ±Δ (the study's smallest effect that matters) are
each Holm-adjusted across the run's studies, and the verdict (REPRODUCED, REVERSED,
NEGLIGIBLE, INCONCLUSIVE; ``effects.combined_verdict``) follows from both and from the
direction the deciding test sees.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from tipsbench import effects, endpoints, wording
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
    "n_diverged",
    "n_missing",
    "slide_accuracy",
    *[f"{metric}_{key}" for metric in SUMMARY_METRICS for key in DESCRIBE_KEYS],
    "slide_in_pi",
]
FINDINGS_COLUMNS = [
    "study",
    "claim_id",
    "origin",
    "axis",
    "axis_value",
    "title",
    "arm_a",
    "arm_b",
    "claim",
    "expect",
    "endpoint",
    "primary",
    "scale",
    "higher_is_better",
    "claimed_sign",
    "n_pairs",
    "mean_a",
    "mean_b",
    "mean_diff",
    "diff_ci_low",
    "diff_ci_high",
    "boot_ci_low",
    "boot_ci_high",
    "p_ttest",
    "p_wilcoxon",
    "p_value",
    "p_holm",
    "smallest_effect",
    "delta",
    "p_equivalence",
    "p_equivalence_holm",
    "effect_sign",
    "verdict_case",
    "sd_diff",
    "diff_pi_low",
    "diff_pi_high",
    "slide_diff",
    "slide_diff_in_pi",
    "mde",
    "power",
    "seeds_to_decide",
    "cohen_dz",
    "hedges_gz",
    "prob_b_beats_a",
    "wins_b",
    "ties",
    "trained_a",
    "trained_b",
    "n_a",
    "n_b",
    "censored_a",
    "censored_b",
    "verdict",
    "censoring_blocked",
    "evidence",
    "test",
    "alpha",
    "confidence",
    "diverged_score",
    "note",
]

# Values whose spread is below this (relative to their size) count as all equal. Accuracies
# have a resolution of 1/test_size (1e-4 on the full test set), so this only absorbs the
# last-bit noise of float subtraction, e.g. 0.3 - 0.2 != 0.2 - 0.1.
ZERO_SPREAD = 1e-9


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


def _all_equal(values: np.ndarray) -> bool:
    """Whether the (non-empty) values are equal up to float noise."""
    return bool(np.ptp(values) <= ZERO_SPREAD * max(1.0, float(np.max(np.abs(values)))))


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
    sd = 0.0 if _all_equal(array) else float(np.std(array, ddof=1))
    t = _t_quantile(confidence, n)
    ci_half = t * sd / math.sqrt(n)
    pi_half = t * sd * math.sqrt(1 + 1 / n)
    result.update(
        sd=sd,
        ci_low=mean - ci_half,
        ci_high=mean + ci_half,
        pi_low=mean - pi_half,
        pi_high=mean + pi_half,
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
    accuracy is above ``trained_threshold``; ``n_diverged`` runs whose status is "diverged"
    (their accuracy is still a result). ``slide_in_pi`` says whether the slide's value lies
    inside the test-accuracy prediction interval for one new seed (NA when either is missing).
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
    endpoint_rows: pd.DataFrame, settings: Mapping[str, Any] | None = None
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
        spec, _ = endpoints.parse_key(str(keys[-1]))
        values = score_values(group, settings["diverged_score"]).to_numpy(dtype=float)
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
    """Two-sided Wilcoxon signed-rank p of paired differences; NaN when no difference is non-zero.

    scipy drops zero differences and answers 1.0 with a warning when none is left; that is
    no evidence either way, so it is reported as not available. Otherwise scipy's exact null
    distribution (or, with ties or zeros, its exact sign-flip permutation for up to 13 pairs)
    gives the p-value.
    """
    if differences.size < 2 or not np.any(differences != 0):
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            return float(sps.wilcoxon(differences).pvalue)
        except ValueError:
            return float("nan")


def compare_arms(
    a: Any, b: Any, settings: Mapping[str, Any] | None = None, smallest_effect: float | None = None
) -> dict[str, Any]:
    """Paired comparison of two arms' values over shared seeds: the difference B − A = b − a.

    Besides the difference test it gives the equivalence test against ±``smallest_effect``
    (default: the settings' ``smallest_effect``), the sign of the effect as the configured
    test sees it, standardised effects, the prediction interval of one new paired run's
    difference, the predictive probability that a new seed favours B and the smallest
    difference this many seeds with this spread detect (``mde``, at α and ``power``).

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
        notes.append(wording.note_dropped_pairs(dropped))
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
        "wins_b": int((b > a).sum()),
        "ties": int((b == a).sum()),
        "n": n,
        "note": "",
    }
    if n:
        result["effect_sign"] = effects.direction(differences, settings["test"])
    if n == 0:
        notes.append(wording.NOTE_NO_PAIRS)
    elif n == 1:
        notes.append(wording.NOTE_ONE_PAIR)
    else:
        result["p_ttest"] = effects.paired_t_p(differences)
        result["p_wilcoxon"] = _wilcoxon_p(differences)
        result["p_equivalence"] = effects.tost_p(differences, delta)
        result["hedges_gz"] = effects.hedges_gz(differences)
        result["prob_b_beats_a"] = effects.prob_new_seed_favours_b(differences)
        result["mde"] = effects.minimum_detectable_difference(
            n, description["sd"], settings["alpha"], settings["power"]
        )
        if description["sd"] == 0.0:
            mean_diff = description["mean"]
            result["boot_ci_low"] = result["boot_ci_high"] = mean_diff
            if abs(mean_diff) <= ZERO_SPREAD:
                notes.append(wording.NOTE_ZERO_DIFFERENCE)
            else:
                result["cohen_dz"] = math.copysign(math.inf, mean_diff)
                notes.append(wording.note_constant_difference(mean_diff))
        else:
            result["boot_ci_low"], result["boot_ci_high"] = _bootstrap_ci(differences, settings)
            result["cohen_dz"] = description["mean"] / description["sd"]
    result["note"] = "; ".join(notes)
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


def score_values(rows: pd.DataFrame, how: str) -> pd.Series:
    """One endpoint's values with diverged runs scored as the ``diverged_score`` setting says.

    ``rows`` are endpoints-table rows of one endpoint. ``final_weights`` keeps the value the
    run's final, non-finite weights gave; ``last_good_epoch`` takes the value at the run's
    last epoch with a finite loss (``last_good``; NaN where the endpoint has none); ``exclude``
    makes it not available. An endpoint that can be censored (updates to a target) is never
    rescored: a diverged run either reached its target before it diverged or is censored.
    """
    values = _numeric(rows["value"])
    if how not in ("final_weights", "last_good_epoch", "exclude"):
        raise ValueError(
            f"diverged_score must be final_weights, last_good_epoch or exclude, got {how!r}"
        )
    if how == "final_weights" or rows.empty:
        return values
    spec, _ = endpoints.parse_key(str(rows["endpoint"].iloc[0]))
    if spec.censors:
        return values
    diverged = rows["status"] == "diverged"
    replacement = _numeric(rows["last_good"]) if how == "last_good_epoch" else np.nan
    return values.where(~diverged, replacement)


def _arm_notes(
    role: str,
    label: str,
    arm_rows: pd.DataFrame,
    values: pd.Series,
    other_seeds: set[int],
    claim: Claim,
    chance: pd.Series,
    settings: Mapping[str, Any],
) -> list[str]:
    """What the note says about one arm of a claim: missing seeds, unavailable values, runs
    that never left chance and, apart from them, diverged and censored runs.

    ``arm_rows`` are the arm's endpoints-table rows of the claim's endpoint, ``values`` their
    scored values, ``chance`` the arm's final test accuracies by seed (whether a run left
    chance).
    """
    notes = []
    missing = sorted(other_seeds - set(arm_rows["seed"]))
    if missing:
        notes.append(wording.note_missing_seeds(role, label, missing))
    unavailable = sorted(arm_rows.loc[values.isna(), "seed"].tolist())
    if unavailable:
        notes.append(wording.note_unavailable(role, label, unavailable, claim.endpoint))
    # A diverged run is its own outcome, never counted as one that "never left chance".
    finished = arm_rows.loc[arm_rows["status"] != "diverged", "seed"]
    accuracy = chance.reindex(finished).dropna()
    threshold = settings["trained_threshold"]
    at_chance = int((accuracy <= threshold).sum())
    if at_chance:
        notes.append(wording.note_at_chance(role, label, at_chance, len(accuracy), threshold))
    diverged = int((arm_rows["status"] == "diverged").sum())
    if diverged:
        notes.append(
            wording.note_diverged(role, label, diverged, len(arm_rows), settings["diverged_score"])
        )
    censored = int(arm_rows["censored"].astype(bool).sum())
    if censored:
        notes.append(wording.note_censored(role, label, censored, len(arm_rows)))
    return notes


def _favoured_arms(verdict: str, sign: int, effect_sign: int, higher_is_better: bool) -> str:
    """Which arms a verdict speaks in favour of: "A", "B", "AB" (both: equivalence) or ""."""
    if verdict == "INCONCLUSIVE":
        return ""
    if verdict == "NEGLIGIBLE" or (sign == 0 and verdict == "REPRODUCED"):
        return "AB"
    better = effect_sign if higher_is_better else -effect_sign
    if sign == 0:  # a claim of no difference, REVERSED: the arms differ, neither is favoured
        return ""
    return "B" if better > 0 else "A"


def findings_table(
    endpoint_rows: pd.DataFrame,
    studies: list[Study],
    settings: Mapping[str, Any] | None = None,
    smoke: bool = False,
) -> pd.DataFrame:
    """One row per claim (each study's claims in order, studies in the config's order).

    Each row is the paired comparison of arm B with arm A on the claim's endpoint, read from
    the endpoints table (``tables.endpoints_table``), and its verdict.

    Arms are paired by seed; a seed present in only one arm, or whose value is not
    available, is left out of the pairs and named in the note. A ratio endpoint (updates to
    a target) is compared on the log scale: ``mean_diff`` and its intervals are of
    log(B / A), ``mean_a`` and ``mean_b`` are geometric means and Δ a ratio. Otherwise
    ``mean_diff`` = ``mean_b`` − ``mean_a`` over the paired seeds. ``trained_*`` count runs
    whose final test accuracy is above ``trained_threshold``, ``n_*`` all runs of the arm,
    ``censored_*`` runs that never reached the endpoint's target (their value is their
    budget, which flatters them, so a verdict in favour of an arm with a censored run is
    not supported: it becomes INCONCLUSIVE and ``censoring_blocked`` says so).
    ``p_holm`` and ``p_equivalence_holm`` adjust the configured test's ``p_value`` and the
    equivalence test's ``p_equivalence`` across every row (every claim of every study, sweep
    points included); ``seeds_to_decide`` is given for INCONCLUSIVE rows only; ``evidence``
    is False for a smoke run, whose verdicts only exercise the pipeline.
    """
    settings = resolve_settings(settings)
    _require_columns(endpoint_rows, ENDPOINT_COLUMNS, "endpoints")
    p_column = "p_ttest" if settings["test"] == "paired_t" else "p_wilcoxon"
    nan = float("nan")
    rows = []
    for spec in studies:
        study = spec.name
        labels = [arm.label for arm in spec.arms]
        study_rows = endpoint_rows[endpoint_rows["study"] == study]
        chance_rows = study_rows[study_rows["endpoint"] == endpoints.CHANCE_ENDPOINT]
        chance = {
            role: _numeric(chance_rows[chance_rows["role"] == role].set_index("seed")["value"])
            for role in ("A", "B")
        }
        for claim in spec.claims:
            rows.append(
                _claim_row(spec, claim, study_rows, chance, labels, settings, smoke, p_column)
            )
    findings = pd.DataFrame(rows, columns=FINDINGS_COLUMNS)
    findings["slide_diff_in_pi"] = findings["slide_diff_in_pi"].astype("boolean")
    # Both tests are corrected over the same family: every claim of this run.
    findings["p_holm"] = holm(findings["p_value"].to_numpy(dtype=float))
    findings["p_equivalence_holm"] = holm(findings["p_equivalence"].to_numpy(dtype=float))
    alpha, power = settings["alpha"], settings["power"]
    findings["verdict_case"] = [
        effects.verdict_case(row.p_holm, row.p_equivalence_holm, alpha)
        for row in findings.itertuples()
    ]
    verdicts, blocked = [], []
    for row in findings.itertuples():
        verdict = effects.combined_verdict(
            int(row.claimed_sign), int(row.effect_sign), row.p_holm, row.p_equivalence_holm, alpha
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
    findings["seeds_to_decide"] = [
        effects.seeds_to_decide(row.mean_diff, row.sd_diff, row.delta, alpha, power)
        if row.verdict == "INCONCLUSIVE" and row.n_pairs >= 2 and not row.censoring_blocked
        else nan
        for row in findings.itertuples()
    ]
    return findings


def _claim_row(
    spec: Study,
    claim: Claim,
    study_rows: pd.DataFrame,
    chance: dict[str, pd.Series],
    labels: list[str],
    settings: Mapping[str, Any],
    smoke: bool,
    p_column: str,
) -> dict[str, Any]:
    """The findings row of one claim, before the Holm correction and the verdict."""
    endpoint, _ = endpoints.parse_key(claim.endpoint)
    ratio = endpoint.scale == "ratio"
    rows = study_rows[study_rows["endpoint"] == claim.endpoint]
    arm_rows = {role: rows[rows["role"] == role] for role in ("A", "B")}
    for role, frame in arm_rows.items():
        if frame["seed"].duplicated().any():
            raise ValueError(
                f"study {spec.name!r} arm {role} has a seed more than once for "
                f"{claim.endpoint}: {frame['seed'].tolist()}"
            )
    values = {
        role: score_values(frame, settings["diverged_score"]) for role, frame in arm_rows.items()
    }
    notes = []
    for role, label, other in (("A", labels[0], "B"), ("B", labels[1], "A")):
        if arm_rows[role].empty:
            notes.append(wording.note_no_runs(role, label))
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
    # Pair by seed: only seeds both arms ran can be compared.
    by_seed = {
        role: pd.Series(values[role].to_numpy(), index=arm_rows[role]["seed"].to_numpy())
        for role in ("A", "B")
    }
    seeds = sorted(set(by_seed["A"].index) & set(by_seed["B"].index))
    a = by_seed["A"].reindex(seeds).to_numpy(dtype=float)
    b = by_seed["B"].reindex(seeds).to_numpy(dtype=float)
    # The arm notes already name seeds whose value is not available, so drop them here
    # rather than let compare_arms report them a second time.
    available = ~(np.isnan(a) | np.isnan(b))
    a, b = a[available], b[available]
    if ratio:
        with np.errstate(divide="ignore", invalid="ignore"):
            a, b = np.log(a), np.log(b)
    delta = math.log(claim.smallest_effect) if ratio else claim.smallest_effect
    comparison = compare_arms(a, b, settings, delta)
    if comparison["note"]:
        notes.append(comparison["note"])
    nonzero = int(np.count_nonzero(b - a))
    if settings["test"] == "wilcoxon" and nonzero >= 1 and 2 / 2**nonzero >= settings["alpha"]:
        # With k non-zero pairs the most extreme two-sided Wilcoxon p is 2 / 2^k.
        notes.append(wording.note_wilcoxon_floor(nonzero, settings["alpha"]))
    threshold = settings["trained_threshold"]
    trained = {role: int((chance[role] > threshold).sum()) for role in ("A", "B")}
    slides = [arm.slide_accuracy for arm in spec.arms]
    slide_diff = (
        slides[1] - slides[0]
        if endpoint.slide and None not in slides and not any(map(math.isnan, slides))
        else float("nan")
    )
    low, high = comparison["diff_pi_low"], comparison["diff_pi_high"]
    slide_in_pi = (
        pd.NA if any(map(math.isnan, (slide_diff, low, high))) else bool(low <= slide_diff <= high)
    )
    if ratio:  # the arms' geometric means
        comparison["mean_a"], comparison["mean_b"] = (
            math.exp(comparison["mean_a"]),
            math.exp(comparison["mean_b"]),
        )
    if not endpoint.higher_is_better:
        # B wins a seed, or a new seed, where its value is the lower one.
        comparison["wins_b"] = int((b < a).sum())
        comparison["prob_b_beats_a"] = 1 - comparison["prob_b_beats_a"]
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
        "endpoint": claim.endpoint,
        "primary": claim.primary,
        "scale": endpoint.scale,
        "higher_is_better": endpoint.higher_is_better,
        "claimed_sign": endpoints.claimed_sign(claim.expect, endpoint.higher_is_better),
        # The paired comparison's numbers that the findings table keeps (not its note:
        # the claim's notes, which include it, are joined below).
        **{
            key: value
            for key, value in comparison.items()
            if key in FINDINGS_COLUMNS and key not in ("note", "smallest_effect")
        },
        "smallest_effect": claim.smallest_effect,
        "delta": delta,
        "p_value": comparison[p_column],
        "slide_diff": slide_diff,
        "slide_diff_in_pi": slide_in_pi,
        "trained_a": trained["A"],
        "trained_b": trained["B"],
        "n_a": len(arm_rows["A"]),
        "n_b": len(arm_rows["B"]),
        "censored_a": int(arm_rows["A"]["censored"].astype(bool).sum()),
        "censored_b": int(arm_rows["B"]["censored"].astype(bool).sum()),
        "evidence": not smoke,
        "test": settings["test"],
        "alpha": settings["alpha"],
        "confidence": settings["confidence"],
        "diverged_score": settings["diverged_score"],
        "note": "; ".join(notes),
    }

"""Every word and formatted number the pages show.

This is the one module the report and the comparison share.

Numbers come in from the tables; this module decides how they read: digits, signs, p-values,
intervals, test names, the verdict sentence of a study and the notes a findings row carries.
Nothing here computes a statistic.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from tipsbench.endpoints import EndpointRef
from tipsbench.grid import HYPERPARAMETER_SLUGS

# The configured test's key and how a sentence names it.
TEST_NAMES: dict[str, str] = {"paired_t": "paired t-test", "wilcoxon": "Wilcoxon signed-rank test"}
# CSS class of each verdict's badge.
VERDICT_CLASSES = {
    "REPRODUCED": "reproduced",
    "REVERSED": "reversed",
    "DIRECTION ONLY": "direction",
    "NEGLIGIBLE": "negligible",
    "INCONCLUSIVE": "inconclusive",
}
# How the report explains each verdict, once, for a student (Δ: the smallest effect that
# matters, per claim).
VERDICT_RULES = {
    "REPRODUCED": "the claim holds, by enough to matter: the effect is shown to exceed Δ, the "
    "smallest effect that matters, the claimed way (for a claim of no difference, A ≈ B: the "
    "difference is shown to stay within ±Δ)",
    "REVERSED": "the opposite holds: the effect is shown to exceed Δ against the claim (for "
    "A ≈ B: the arms are shown to differ by more than Δ)",
    "DIRECTION ONLY": "a real difference whose size these seeds cannot pin down: it is shown "
    "not to be zero, but neither shown to exceed Δ nor to stay within ±Δ",
    "NEGLIGIBLE": "too small to matter: the effect is shown to stay within ±Δ, whichever way it "
    "leans",
    "INCONCLUSIVE": "nothing is shown, neither a difference nor its absence (more seeds may "
    "decide), or the verdict would rest on runs that never reached a speed target (counted at "
    "their budget, which flatters them)",
}
# What a sweep axis does to an arm that sets the swept hyperparameter itself.
ARM_OVERRIDES = {
    "keep": "an arm that sets it itself keeps its own value; only the other arm moves",
    "sweep": "every arm takes the swept value, also one that sets it itself",
}
# Below this share of their lifetime on a CPU, the training jobs waited for cores: the machine
# was shared, and the wall time says little about the tool.
SHARED_MACHINE = 0.85
# How a sentence names the way a diverged run was scored (statistics.diverged_score).
DIVERGED_SCORES = {
    "final_weights": "scored with their final, non-finite weights",
    "last_good_epoch": "scored at their last epoch with a finite loss",
    "exclude": "left out of the statistics",
}


def missing(value: Any) -> bool:
    """Whether a table value is not available (None, NaN or pandas' NA)."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def fmt(value: Any, digits: int = 3, signed: bool = False) -> str:
    """A number for a table cell: fixed digits, an en dash for missing values."""
    if missing(value):
        return "–"
    return f"{float(value):{'+' if signed else ''}.{digits}f}"


def signed(value: float, digits: int = 3) -> str:
    """A difference with its sign and a true minus sign: +0.809, −0.012."""
    return f"{value:+.{digits}f}".replace("-", "−")


def fmt_p(value: Any) -> str:
    """A p-value for a table cell: four decimals, "< 0.0001" when tiny, an en dash when missing."""
    if missing(value):
        return "–"
    return "< 0.0001" if value < 1e-4 else f"{value:.4f}"


def p_phrase(value: Any, name: str = "p") -> str:
    """A p-value in a sentence, with the same digits as the tables: "p = 0.0123", "p < 0.0001"."""
    if missing(value):
        return f"{name} not available"
    text = fmt_p(value)
    return f"{name} {text}" if text.startswith("<") else f"{name} = {text}"


def fmt_interval(low: Any, high: Any, digits: int = 3, signed: bool = False) -> str:
    """``[low, high]``, or an en dash when either end is undefined."""
    if missing(low) or missing(high):
        return "–"
    return f"[{fmt(low, digits, signed)}, {fmt(high, digits, signed)}]"


def mean_sd(mean: Any, sd: Any) -> str:
    """``mean ± sd``, with the sd left out when it is undefined (one seed)."""
    return fmt(mean) if missing(sd) else f"{fmt(mean)} ± {fmt(sd)}"


def count(number: int, noun: str, plural: str = "") -> str:
    """A count with its noun: "1 claim", "7 claims", "2 studies" (``plural`` where not +s)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def level(confidence: float) -> str:
    """A confidence level as a reader writes it: 0.95 -> "95 %"."""
    return f"{float(confidence) * 100:g} %"


def duration(seconds: Any) -> str:
    """Seconds as "3 min 05 s" or "1 h 02 min"; an en dash when missing."""
    if missing(seconds):
        return "–"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


def flops(count: Any) -> str:
    """A FLOP count as a reader reads it: "70.1 TFLOP", "512 GFLOP"."""
    if missing(count):
        return "–"
    count = float(count)
    for unit, size in (("PFLOP", 1e15), ("TFLOP", 1e12), ("GFLOP", 1e9)):
        if count >= size:
            return f"{count / size:,.1f} {unit}"
    return f"{count / 1e6:,.1f} MFLOP"


def cost_sentences(row: Mapping[str, Any]) -> list[str]:
    """What the whole run cost (the cost table's run row), in plain sentences."""
    parts = ", ".join(
        f"{name} {flops(row[f'flops_{part}'])}"
        for part, name in (
            ("training", "training"),
            ("epoch_evaluation", "per-epoch test evaluation"),
            ("probe", "probe"),
            ("gradients", "layer gradients"),
            ("final_evaluation", "final evaluation"),
        )
        if float(row[f"flops_{part}"]) > 0
    )
    sentences = [
        f"The {int(row['runs'])} training runs took {duration(row['core_seconds'])} of one core "
        f"in all ({duration(row['fit_core_seconds'])} of it inside fit()), for "
        f"{flops(row['flops'])} of arithmetic ({parts}).",
        f"From the first training job's start to the last one's end took "
        f"{duration(row['wall_seconds'])} on {int(row['cpus'])} CPUs, and "
        f"{float(row['idle_share']) * 100:.0f} % of that CPU time had no training job on it "
        "(start-up, the data step, the determinism audit, or a core waiting at the end).",
    ]
    if missing(row["peak_gflops"]):
        sentences.append(
            "How far that is from what the machine could do is not stated: no matmul peak was "
            "given (measure it with python benchmarks/peak.py, then rerun with --config "
            "peak_gflops=<GFLOP/s>; only the tables and report are rebuilt)."
        )
    else:
        sentences.append(
            f"At this machine's measured float32 matmul peak of {float(row['peak_gflops']):,.1f} "
            f"GFLOP/s that arithmetic alone would take {duration(row['flop_limit_seconds'])} "
            f"(its FLOP limit): the run took {float(row['wall_over_limit']):.2f}× as long."
        )
    return sentences


def machine_note(row: Mapping[str, Any]) -> str:
    """Whether the training jobs had the machine to themselves (the cost table's run row): their
    CPU time against the core-seconds they were alive, and against cores × wall time."""
    share = row.get("cpu_share")
    if missing(share):
        return ""
    busy = float(row["cpu_seconds"]) / (float(row["wall_seconds"]) * float(row["cpus"]))
    cores = f"they kept the {int(row['cpus'])} CPUs {busy * 100:.0f} % busy"
    if float(share) < SHARED_MACHINE:
        return (
            f"a shared machine: the training jobs ran only {float(share) * 100:.0f} % of the time "
            f"they were alive (CPU time against wall time × threads) and {cores}; other work "
            "slowed them, so this is not the tool's speed"
        )
    return (
        f"the training jobs ran {float(share) * 100:.0f} % of the time they were alive (CPU time "
        f"against wall time × threads), so the machine was not shared; {cores}"
    )


def note_tuning_edge(arm: str, hyperparameter: str, value: Any, side: str) -> str:
    """Why a tuned arm whose choice lies at the edge of its grid may not be tuned yet."""
    bound, beyond = ("smallest", "smaller") if side == "lowest" else ("largest", "larger")
    return (
        f"{arm}: the chosen {hyperparameter} {float(value):g} is the {bound} value of its grid, "
        f"so a {beyond} one might do better still; widen the grid before reading this arm as "
        "fully tuned."
    )


def sensitivity_sentence(row: Mapping[str, Any]) -> str:
    """How carefully a tuned arm's value must be set: its band of values within Δ of the best."""
    # A single value reads back from the table as a number.
    within = row["within"]
    within = f"{within:g}" if isinstance(within, float) else str(within).replace(";", ", ")
    edge = (
        "; the band reaches the edge of the grid, so it may be wider still"
        if bool(row["reaches_edge"])
        else ""
    )
    return (
        f"{arm_name(row['role'], row['arm'])} ({row['study']}): best {row['hyperparameter']} "
        f"{float(row['best']):g} (validation {float(row['best_validation']):.3f}); within "
        f"{float(row['smallest_effect']):g} of it: {within}, a band ×{float(row['width']):.3g} "
        f"wide{edge}."
    )


def describe_changes(hyperparameters: Mapping[str, Any], base: Mapping[str, Any]) -> str:
    """How a condition differs from the base, e.g. ``batch_size = 10000``."""
    changes = [
        f"{key} = {hyperparameters[key]}"
        for key in HYPERPARAMETER_SLUGS
        if hyperparameters.get(key) != base.get(key)
    ]
    return ", ".join(changes) or "the base condition"


def describe_base(base: Mapping[str, Any], num_classes: int) -> str:
    """The base condition in one line."""
    dropout = f", Dropout({base['dropout_rate']}) after each" if base["dropout_rate"] else ""
    return (
        f"{base['hidden_layers']} × Dense({base['units']}, {base['activation']}){dropout} → "
        f"Dense({num_classes}, softmax); loss {base['loss']}; {base['optimizer']}(learning_rate="
        f"{base['learning_rate']}); batch {base['batch_size']}; {base['epochs']} epochs"
    )


# --- The notes of a findings row. ---


def seed_list(seeds: list[int]) -> str:
    """``seed 3`` or ``seeds 1, 4``."""
    return ("seed " if len(seeds) == 1 else "seeds ") + ", ".join(str(seed) for seed in seeds)


def arm_name(role: str, label: str) -> str:
    return f"arm {role} ({label})"


def note_no_runs(role: str, label: str) -> str:
    return f"{arm_name(role, label)} has no runs"


def note_missing_seeds(role: str, label: str, seeds: list[int]) -> str:
    return f"{seed_list(seeds)} missing in {arm_name(role, label)}"


def note_unavailable(role: str, label: str, seeds: list[int], endpoint: EndpointRef) -> str:
    return (
        f"{seed_list(seeds)} of {arm_name(role, label)}: "
        f"{endpoint.describe()} not available, left out"
    )


def note_at_chance(
    role: str, label: str, at_chance: int, total: int, threshold: float, diverged: int = 0
) -> str:
    """Runs that finished (their loss stayed finite) but never left chance; diverged runs are
    counted apart, so ``total`` is the arm's seeds that did not diverge."""
    where = f"test accuracy ≤ {threshold:g}"
    if diverged:
        seeds = f"{count(total, 'seed')} of {arm_name(role, label)} that did not diverge"
        if at_chance == total:
            every = "the only" if total == 1 else f"all {total}"
            return f"{every} {seeds.split(' ', 1)[1]} stayed at chance ({where})"
        return f"of the {seeds}, {at_chance} never left chance ({where})"
    if at_chance == total:
        return f"all {total} seeds of {arm_name(role, label)} stayed at chance ({where})"
    return f"{at_chance} of {total} seeds of {arm_name(role, label)} never left chance ({where})"


def note_diverged(role: str, label: str, diverged: int, total: int, score: str) -> str:
    return (
        f"{diverged} of {total} seeds of {arm_name(role, label)} diverged (loss not finite), "
        f"{DIVERGED_SCORES[score]}"
    )


def note_censored(role: str, label: str, censored: int, total: int) -> str:
    return (
        f"{censored} of {total} seeds of {arm_name(role, label)} never reached the target "
        "(censored: counted at the updates they were given, which flatters them)"
    )


def note_dropped_pairs(dropped: int) -> str:
    return f"{dropped} pair(s) dropped: a value is not available"


NOTE_NO_PAIRS = "no paired seeds: nothing to compare"
NOTE_ONE_PAIR = "n too small: 1 paired seed, and a spread, an interval or a test needs at least 2"
NOTE_ZERO_DIFFERENCE = (
    "zero variance: both arms agree on every seed (difference 0); judged as the limit of a "
    "vanishing spread: no difference (t-test p = 1), equivalent within any smallest effect"
)


def note_constant_difference(mean_diff: float) -> str:
    return (
        f"zero variance: every seed gives the same difference ({signed(mean_diff)}); judged as "
        "the limit of a vanishing spread, like a nearly constant difference: t-test p = 0, "
        "d_z infinite, a new seed repeats the difference"
    )


def note_wilcoxon_floor(nonzero: int, alpha: float) -> str:
    """The Wilcoxon test with k non-zero pairs cannot go below p = 2 / 2^k."""
    return (
        f"with {nonzero} non-zero paired differences the Wilcoxon test cannot reach "
        f"p < {alpha:g} (its smallest two-sided p is {2 / 2**nonzero:.4g})"
    )


def note_text(record: Mapping[str, Any], endpoint: EndpointRef) -> str:
    """One note of a findings row (its code and numbers, ``stats.NOTE_CODES``) in words;
    ``endpoint`` is the row's (the claim's) endpoint."""
    code = record["code"]
    arm = (record.get("role"), record.get("label"))
    words = {
        "no_runs": lambda: note_no_runs(*arm),
        "missing_seeds": lambda: note_missing_seeds(*arm, record["seeds"]),
        "unavailable": lambda: note_unavailable(*arm, record["seeds"], endpoint),
        "at_chance": lambda: note_at_chance(
            *arm, record["count"], record["of"], record["threshold"], record.get("diverged", 0)
        ),
        "diverged": lambda: note_diverged(*arm, record["count"], record["of"], record["score"]),
        "censored": lambda: note_censored(*arm, record["count"], record["of"]),
        "dropped_pairs": lambda: note_dropped_pairs(record["count"]),
        "no_pairs": lambda: NOTE_NO_PAIRS,
        "one_pair": lambda: NOTE_ONE_PAIR,
        "zero_difference": lambda: NOTE_ZERO_DIFFERENCE,
        "constant_difference": lambda: note_constant_difference(record["difference"]),
        "wilcoxon_floor": lambda: note_wilcoxon_floor(record["nonzero"], record["alpha"]),
    }
    if code not in words:
        raise ValueError(f"unknown note code {code!r}")
    return words[code]()


def notes_text(notes: Any, endpoint: EndpointRef) -> str:
    """A findings row's notes (a JSON list, or a list of records) as one sentence-like line;
    ``endpoint`` is the row's."""
    if missing(notes) or notes == "":
        return ""
    records = json.loads(notes) if isinstance(notes, str) else notes
    return "; ".join(note_text(record, endpoint) for record in records)


# --- Units a reader thinks in: every value, effect and Δ of an endpoint, in one place. ---
#
# An endpoint's ``reader`` (tipsbench.endpoints) says how a reader reads it: an accuracy as a
# percentage and its differences in percentage points; a loss in its own unit (nats for
# cross-entropy); a count of updates as a number and an effect on it as "9.0× fewer"; a ratio of
# gradient sizes as 0.244 or 1/24,700 and an effect on it as ×2,700 or ×1/6,020. The tables keep
# fractions and log ratios; only the words change.

# An accuracy difference of 0.01 is one percentage point.
POINTS = 100


# A row: a findings row (or a record of one) with its endpoint's reference as ``ref``
# (tipsbench.endpoints.with_references).
Row = Mapping[str, Any] | pd.Series


def _ref(row_or_ref: Row | EndpointRef) -> EndpointRef:
    return row_or_ref if isinstance(row_or_ref, EndpointRef) else row_or_ref["ref"]


def _spec(row_or_ref: Row | EndpointRef) -> Any:
    return _ref(row_or_ref).spec


def unit_word(row_or_ref: Row | EndpointRef, unit: str | None = None) -> str:
    """The unit a reader reads an endpoint's values in: "%", "nats", "updates", "" (a ratio).

    ``unit`` is a claim's own (``Claim.unit``: nats for cross-entropy, resolved from its arms);
    a row may carry it as ``unit``.
    """
    if unit is None and not isinstance(row_or_ref, EndpointRef):
        unit = row_or_ref.get("unit") or None
    spec = _spec(row_or_ref)
    if spec.reader == "percent":
        return "%"
    if spec.reader == "ratio":
        return ""
    return unit or spec.unit


def ratio_text(number: Any) -> str:
    """A positive ratio as a reader reads it: 1/24,700 below 0.1, 0.244, 12.3, 2,700."""
    if missing(number):
        return "–"
    number = float(number)
    if number <= 0 or not math.isfinite(number):
        return f"{number:g}"
    if number < 0.1:
        inverse = 1 / number
        return f"1/{_significant(inverse)}"
    return _significant(number)


def _significant(number: float, digits: int = 3) -> str:
    """Three significant digits, with thousands separators and no exponent: 24,700, 0.244."""
    if number == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(number)))
    decimals = max(0, digits - 1 - magnitude)
    rounded = round(number, digits - 1 - magnitude)
    return f"{rounded:,.{decimals}f}"


def value(endpoint: EndpointRef, number: Any, unit: str | None = None) -> str:
    """One value of an endpoint with its unit: 93.7 %, 0.312 nats, 1,234 updates, 1/24,700."""
    if missing(number):
        return "–"
    text, word = value_number(endpoint, number), unit_word(endpoint, unit)
    return f"{text} {word}" if word else text


def value_number(endpoint: EndpointRef, number: Any) -> str:
    """A value without its unit, for a table whose header gives it: 93.7, 0.312, 1,234."""
    if missing(number):
        return "–"
    spec = _spec(endpoint)
    number = float(number)
    if spec.reader == "percent":
        return f"{number * POINTS:.1f}"
    if spec.reader == "ratio":
        return ratio_text(number)
    if spec.reader == "count":
        return f"{number:,.0f}"
    return f"{number:.{max(3, spec.digits - 1)}f}"


def value_interval(endpoint: EndpointRef, low: Any, high: Any) -> str:
    """``low–high`` of an endpoint's values without the unit, an en dash when undefined."""
    if missing(low) or missing(high):
        return "–"
    return f"{value_number(endpoint, low)}–{value_number(endpoint, high)}"


def _points(number: float, size: float) -> str:
    """An accuracy difference in points with a true minus sign, with enough digits to tell it
    from ±Δ: +5.0, −0.93 (Δ 1 point)."""
    points, size_points = number * POINTS, size * POINTS
    return signed(points, near_delta(points, size_points, 1))


def _factor(number: float) -> str:
    """How many times: 9.0, 12.3, 1,234 (two significant digits below 10, else three)."""
    return _significant(number, 2 if number < 10 else 3)


def _ratio_effect(row: Row, ratio: float, words: bool) -> str:
    """B / A of a ratio endpoint: "9.0× fewer updates" for a count, "×1/6,020" otherwise."""
    if _spec(row).reader == "count":
        noun = f" {unit_word(row)}" if words else ""
        if ratio < 1:
            return f"{_factor(1 / ratio)}× fewer{noun}"
        if ratio > 1:
            return f"{_factor(ratio)}× more{noun}"
        return f"as many{noun}"
    return f"×{ratio_text(ratio)}"


def effect(row: Row, number: Any, plain: bool = False) -> str:
    """An effect of a findings row as a reader reads it: +5.0 points, +0.102 nats, 9.0× fewer
    updates, ×2,700, ×1/6,020.

    ``number`` is on the analysis scale (log(B / A) for a ratio endpoint). ``plain`` leaves the
    unit out, for a table whose header gives it.
    """
    if missing(number):
        return "–"
    spec = _spec(row)
    number = float(number)
    if row["scale"] == "ratio":
        return _ratio_effect(row, math.exp(number), words=not plain)
    size = float(row["smallest_effect"]) if "smallest_effect" in row else math.nan
    if spec.reader == "percent":
        text = _points(number, size)
    else:
        text = signed(number, near_delta(number, size, max(3, spec.digits - 1)))
    return text if plain else f"{text} {effect_unit(row)}"


def effect_unit(row: Row) -> str:
    """The unit of a difference B − A as a reader reads it: "points" for an accuracy, else
    the unit of the values ("nats")."""
    return "points" if _spec(row).reader == "percent" else unit_word(row)


def effect_interval(row: Row, low: Any, high: Any) -> str:
    """``low to high`` of an effect as a reader reads it, the unit once: +4.5 to +5.4 points,
    8.7× to 9.3× fewer updates, ×1/6,620 to ×1/5,430; each end of a difference with enough
    digits to tell it from ±Δ."""
    if missing(low) or missing(high):
        return "–"
    spec = _spec(row)
    if row["scale"] == "ratio" and spec.reader == "count":
        # B / A at each end; a reader counts how many times fewer (or more) updates B needs.
        low_ratio, high_ratio = math.exp(float(low)), math.exp(float(high))
        noun = unit_word(row)
        if high_ratio < 1:
            return f"{_factor(1 / high_ratio)}× to {_factor(1 / low_ratio)}× fewer {noun}"
        if low_ratio > 1:
            return f"{_factor(low_ratio)}× to {_factor(high_ratio)}× more {noun}"
        return f"{_factor(1 / low_ratio)}× fewer to {_factor(high_ratio)}× more {noun}"
    ends = [effect(row, end, plain=True) for end in (low, high)]
    unit = "" if row["scale"] == "ratio" else f" {effect_unit(row)}"
    return f"{ends[0]} to {ends[1]}{unit}"


def effect_name(row: Row) -> str:
    """What the effect of a findings row is: "B − A" or "B / A"."""
    return "B / A" if row["scale"] == "ratio" else "B − A"


def delta_size(row: Row) -> str:
    """Δ of a findings row as a size in the effect's unit: "1 point", "0.03 nats", "×1.5"."""
    size = float(row["smallest_effect"])
    spec = _spec(row)
    if row["scale"] == "ratio":
        return f"×{size:g}"
    if spec.reader == "percent":
        points = size * POINTS
        return f"{points:g} point{'' if points == 1 else 's'}"
    return f"{size:g} {unit_word(row)}"


def delta(row: Row) -> str:
    """Δ of a findings row as a band: "±1 point", "±0.03 nats", "×1.5 either way"."""
    text = delta_size(row)
    return f"{text} either way" if row["scale"] == "ratio" else f"±{text}"


def expect_phrase(expect: str, endpoint: EndpointRef) -> str:
    """The claimed direction on an endpoint in words: "B better (fewer updates)"."""
    if expect == "A ≈ B":
        return "A ≈ B (no practical difference)"
    spec = endpoint.spec
    better = "B" if expect == "B > A" else "A"
    higher, lower = spec.better_words
    return f"{better} better ({higher if spec.higher_is_better else lower})"


def updates_sentence(updates: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """The number of weight updates each arm got, when the arms differ in it; else ""."""
    if any(missing(updates.get(role)) for role in ("A", "B")):
        return ""
    a, b = int(updates["A"]), int(updates["B"])
    if a == b or min(a, b) == 0:
        return ""
    more, fewer = ("B", "A") if b > a else ("A", "B")
    factor = max(a, b) / min(a, b)
    return (
        f"The arms train for the same epochs but not the same number of weight updates: "
        f"{labels['A']} (A) gets {a:,}, {labels['B']} (B) {b:,}, so {labels[more]} ({more}) "
        f"takes {factor:,.3g}× as many steps as {labels[fewer]} ({fewer})."
    )


# --- The verdict sentence of a study. ---

VERDICTS = tuple(VERDICT_CLASSES)


def near_delta(number: float, size: float, digits: int) -> int:
    """Digits that keep an interval end from reading as ±Δ when it is not: an end that would
    round to ±Δ but lies inside or beyond it gets more digits (up to 6)."""

    def ambiguous(places: int) -> bool:
        # Reads as ±Δ, or as 0 (with a sign that then says nothing), when it is neither.
        near = not math.isnan(size) and abs(number) != size
        near = near and round(abs(number), places) == round(size, places)
        return near or (number != 0 and round(number, places) == 0)

    while digits < 6 and ambiguous(digits):
        digits += 1
    return digits


def leaning(row: Row) -> str:
    """Which way a claim's difference leans, in words: "B is better", "B is worse"."""
    sign = int(row["effect_sign"])
    if sign == 0:
        return "the arms are level"
    higher = bool(row.get("higher_is_better", True))
    better = sign > 0 if higher else sign < 0
    return f"{row['arm_b']} (B) is {'better' if better else 'worse'}"


def claimed_way(row: Row) -> bool:
    """Whether the difference goes the way the claim says (a directional claim)."""
    return int(row["effect_sign"]) * int(row["claimed_sign"]) > 0


def verdict_tooltip(row: Row) -> str:
    """A verdict in a few words for its badge's tooltip, with the direction where it matters."""
    verdict = row["verdict"]
    if verdict == "NEGLIGIBLE":
        return f"the effect is negligible (within {delta(row)}), and if anything {leaning(row)}"
    if verdict == "DIRECTION ONLY":
        way = "the claimed way" if claimed_way(row) else "against the claim"
        if row["expect"] == "A ≈ B":
            way = f"{leaning(row)}"
        return f"a real difference, {way}, not shown to reach {delta(row)}"
    return VERDICT_RULES[verdict].split(";")[0]


def confidence_words(confidence: Any) -> str:
    """A confidence level with two significant digits of what it leaves out: 95 %, 99.67 %."""
    if missing(confidence):
        return "–"
    share = 100 * (1 - float(confidence))
    digits = max(0, 1 - math.floor(math.log10(share))) if share > 0 else 0
    text = f"{100 * float(confidence):.{digits}f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + " %"


def signed_delta(row: Row, sign: int) -> str:
    """Δ on one side of no effect: "+1 point", "−0.03 nats", "1.5× fewer updates", "×1/10"."""
    if row["scale"] == "ratio":
        return effect(row, sign * float(row["delta"]))
    return ("+" if sign > 0 else "−") + delta_size(row)


# How a table cell names the test that decided a verdict (effects.DECIDING_TESTS).
DECIDING_NAMES = {
    "beyond": "minimum-effect test",
    "against": "minimum-effect test against the claim",
    "equivalence": "equivalence test",
    "difference": "difference test",
    "none": "no test reached α",
}


def deciding_cell(row: Row) -> str:
    """The deciding test and its Holm-adjusted p, for a table cell."""
    test = row.get("deciding_test")
    test = "none" if missing(test) else str(test)
    if test == "none":
        return DECIDING_NAMES[test]
    return f"{DECIDING_NAMES[test]}, Holm p {fmt_p(row.get('p_deciding'))}"


def test_phrase(row: Row, test: str) -> str:
    """The test that decided a verdict (``effects.DECIDING_TESTS``), in words."""
    over = (
        "over seeds and test images"
        if row.get("sources") == "seeds and test images"
        else ("over seeds")
    )
    of = " of log(B / A)" if row["scale"] == "ratio" else ""
    size = delta_size(row)
    if test == "beyond" and int(row["claimed_sign"]) == 0:
        return (
            f"the minimum-effect test either way (two one-sided t-tests{of} {over}: is the "
            f"difference beyond ±{size}?)"
        )
    one_sided = f"a one-sided t-test{of} {over} that the effect exceeds {size}"
    return {
        "beyond": f"the minimum-effect test ({one_sided} the claimed way)",
        "against": f"the minimum-effect test against the claim ({one_sided} the other way)",
        "equivalence": f"the equivalence test (two one-sided t-tests{of} {over} against ±{size})",
        "difference": "the difference test ("
        + (
            f"a t-test{of} {over}"
            if row.get("sources") == "seeds and test images"
            else TEST_NAMES[row["test"]] + of
        )
        + ")",
    }[test]


def decision_phrase(row: Row) -> str:
    """Which test decided the verdict, its Holm-adjusted p, and the interval at that test's own
    Holm level, which agrees with the decision: it clears Δ exactly when the verdict says the
    effect was shown to."""
    test = row.get("deciding_test", "none")
    size, alpha = delta_size(row), f"α = {float(row['alpha']):g}"
    if missing(test) or test == "none":
        parts = [p_phrase(row["p_holm"], "any difference: Holm-adjusted p")]
        parts.append(p_phrase(row.get("p_equivalence_holm"), f"within ±{size}: p"))
        if int(row["claimed_sign"]):
            parts.append(p_phrase(row.get("p_beyond_holm"), f"beyond {size} the claimed way: p"))
        return f"No test reaches {alpha} after the Holm correction ({'; '.join(parts)})"
    text = (
        f"Decided by {test_phrase(row, test)}: {p_phrase(row.get('p_deciding'), 'Holm-adjusted p')}"
    )
    low, high, level = row.get("decision_low"), row.get("decision_high"), row.get("decision_level")
    if any(map(missing, (low, high, level))):
        return text
    sign = int(row["claimed_sign"])
    one_sided = confidence_words((1 + float(level)) / 2)
    if test == "beyond" and sign:
        end = low if sign > 0 else high
        return (
            f"{text}; at that test's Holm level the one-sided {one_sided} bound of the effect is "
            f"{effect(row, end)}, beyond {signed_delta(row, sign)}"
        )
    if test == "against":
        end = high if sign > 0 else low
        return (
            f"{text}; at that test's Holm level the one-sided {one_sided} bound of the effect is "
            f"{effect(row, end)}, beyond {signed_delta(row, -sign)}"
        )
    interval = f"the {confidence_words(level)} interval {effect_interval(row, low, high)}"
    if test == "equivalence":
        return f"{text}; at that test's Holm level {interval} lies within ±{size}"
    if test == "beyond":
        return f"{text}; at that test's Holm level {interval} lies beyond ±{size}"
    text = f"{text}; at that test's Holm level {interval} excludes no difference"
    bound, confidence = row.get("beyond_bound"), row.get("beyond_confidence")
    if sign and not missing(bound):
        text += (
            f", but the minimum-effect test does not show the effect exceeds {size} "
            f"({p_phrase(row.get('p_beyond_holm'), 'Holm-adjusted p')}; its one-sided "
            f"{confidence_words(confidence)} bound at its Holm level, {effect(row, bound)}, "
            f"does not clear {signed_delta(row, sign)})"
        )
    elif not sign:
        text += (
            f", but the equivalence test does not show it lies within ±{size} "
            f"({p_phrase(row.get('p_equivalence_holm'), 'Holm-adjusted p')})"
        )
    return text


def finding_sentence(row: Row) -> str:
    """The verdict of one claim in full, built only from its row of the findings table: the
    arms' means, the effect with its plain interval, the test that decided the verdict with
    its Holm-adjusted p and the interval at that test's Holm level, and what follows."""
    expect = row["expect"]
    smoke_tail = "; this smoke run is not evidence." if not bool(row["evidence"]) else "."
    n = int(row["n_pairs"])
    if n == 0:
        return (
            f"No seed has results for both {row['arm_a']} (A) and {row['arm_b']} (B), "
            f"so the claim {expect} cannot be tested{smoke_tail}"
        )
    endpoint = _ref(row)
    ratio_scale = row["scale"] == "ratio"
    name = effect_name(row)
    images = row.get("sources") == "seeds and test images"
    interval = f"{level(row['confidence'])} CI"
    low, high = row.get("ci_low", row["diff_ci_low"]), row.get("ci_high", row["diff_ci_high"])
    if missing(low) or missing(high):
        interval = f"no {interval} from {n} seed" if n == 1 else f"{interval} not available"
    else:
        interval = f"{interval} {effect_interval(row, low, high)}"
        interval += " over seeds and test images" if images else " over seeds"
    if row["verdict"] not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}, got {row['verdict']!r}")
    within, size = f"within {delta(row)}", delta_size(row)
    case = row.get("verdict_case", "neither")
    verdict = row["verdict"]
    if bool(row.get("censoring_blocked", False)):
        both = int(row.get("censored_a", 0) or 0) and int(row.get("censored_b", 0) or 0)
        outcome = f"but the claim {expect} is inconclusive: " + (
            "runs of both arms never reached the target, and a run counted at its budget is a "
            "bound, not a value, so no verdict can rest on them"
            if both
            else "the tests side with an arm some of whose runs never reached the target, and "
            "the budget they are counted at flatters them"
        )
    elif expect == "A ≈ B":
        outcome = {
            "REPRODUCED": f"so the claim {expect} is reproduced: the difference is shown to lie "
            f"{within}, too small to matter",
            "REVERSED": f"so the claim {expect} is reversed: the arms are shown to differ by "
            f"more than {size}",
            "DIRECTION ONLY": f"so the claim {expect} is shown only in part: the arms differ "
            f"({leaning(row)}), by an amount shown neither to exceed {size} nor to lie "
            f"{within}",
            "INCONCLUSIVE": f"so the claim {expect} is inconclusive: the difference is shown "
            f"neither to exceed {size} nor to lie {within}",
        }.get(verdict, "")
    else:
        outcome = {
            "REPRODUCED": f"so the claim {expect} is reproduced: the effect is shown to be "
            f"larger than {size}, the smallest effect that matters, the claimed way",
            "REVERSED": f"so the claim {expect} is reversed: the effect is shown to be larger "
            f"than {size} the other way",
            "DIRECTION ONLY": f"so the claim {expect} holds in direction only: the difference "
            f"is real and goes {'the claimed way' if claimed_way(row) else 'against the claim'}"
            f", but it is not shown to reach {size}, the smallest effect that matters (nor to "
            f"lie {within})",
            "NEGLIGIBLE": "so the effect is negligible here: "
            + (
                f"it is real (significant) but shown to lie {within}, too small to matter, "
                f"and {leaning(row)}"
                if case == "small"
                else f"no significant difference, it is shown to lie {within}, and if "
                f"anything {leaning(row)}"
            ),
            "INCONCLUSIVE": f"so the claim {expect} is inconclusive: the difference is neither "
            f"significant nor shown to lie {within}",
        }[verdict]
    seeds = "1 seed" if n == 1 else f"{n} seeds"
    if ratio_scale:
        reached = (
            f"the geometric mean of the {endpoint.describe()} was "
            f"{value(endpoint, row['mean_b'])} for {row['arm_b']} (B) against "
            f"{value(endpoint, row['mean_a'])} for {row['arm_a']} (A)"
        )
    else:
        reached = (
            f"{row['arm_b']} (B) reached {value(endpoint, row['mean_b'])} mean "
            f"{endpoint.describe()} against {value(endpoint, row['mean_a'])} for "
            f"{row['arm_a']} (A)"
        )
    ranks = ""
    if row["test"] == "wilcoxon" and not images and not ratio_scale:
        median = row.get("hodges_lehmann")
        ranks = (
            f"; by ranks (Hodges–Lehmann estimate) {effect(row, median)}, B better on "
            f"{int(row['wins_b'])} of {n} seeds"
        )
        mean_sign = (float(row["mean_diff"]) > 0) - (float(row["mean_diff"]) < 0)
        if mean_sign and int(row["effect_sign"]) and mean_sign != int(row["effect_sign"]):
            ranks += ": the mean and the ranks disagree, and the verdict follows the ranks"
    return (
        f"Over {seeds}, {reached}: {name} = {effect(row, row['mean_diff'])} "
        f"({interval}){ranks}. {decision_phrase(row)}, {outcome}{smoke_tail}"
    )


def slide_sentence(row: Row) -> str:
    """Whether the slide's own single-run difference is one this protocol's single run gives."""
    slide = row["slide_diff"]
    if missing(slide):
        return "The slide gives no value for one of the arms, so its difference cannot be checked."
    low, high = row["diff_pi_low"], row["diff_pi_high"]
    if missing(low) or missing(high):
        return (
            f"The slide's single run gave B − A = {effect(row, slide)}; with fewer than two seeds "
            "there is no prediction interval to check it against."
        )
    inside = low <= slide <= high
    return (
        f"The slide's single run gave B − A = {effect(row, slide)}, "
        + ("inside" if inside else "outside")
        + f" what one run of this protocol gives: {effect_interval(row, low, high)} "
        f"({level(row['confidence'])} prediction interval of one paired run's difference)."
    )


def seeds_sentence(row: Row, claims: int = 1) -> str:
    """How small a difference this run could see, and how many seeds an open claim would need
    (``claims``: the size of the Holm family the planning level α / claims comes from)."""
    n = int(row["n_pairs"])
    if n < 2 or missing(row["mde"]):
        return "With fewer than two paired seeds there is no spread to plan seeds from."
    power = f"{float(row['power']) * 100:g} %"
    if row["scale"] == "ratio":
        text = (
            f"With {count(n, 'seed')} and this spread (sd of log(B / A) "
            f"{float(row['sd_diff']):.4f}), a ratio beyond "
            f"{_ratio_effect(row, math.exp(float(row['mde'])), words=True)} either way is found "
            f"with {power} power at α = {float(row['alpha']):g} (seeds alone, before the Holm "
            "correction)."
        )
    else:
        spread = float(row["sd_diff"]) * (POINTS if _spec(row).reader == "percent" else 1)
        unit = effect_unit(row)
        text = (
            f"With {count(n, 'seed')} and this spread (sd of B − A {spread:.2g} {unit}), a "
            f"difference of {effect(row, float(row['mde'])).lstrip('+')} or more is found with "
            f"{power} power at α = {float(row['alpha']):g} (seeds alone, before the Holm "
            "correction)."
        )
    if row["verdict"] in ("INCONCLUSIVE", "DIRECTION ONLY"):
        needed = row["seeds_to_decide"]
        level_text = (
            f"α / {claims} = {float(row['alpha']) / claims:.2g}, the Holm correction's strictest "
            f"level over the {count(claims, 'claim')}"
        )
        if missing(needed):
            text += (
                f" No finite number of seeds is expected to decide it at {level_text}: "
                "the effect is too close to the smallest effect that matters"
                + (
                    ", or too small against the test set's own error"
                    if row.get("sources") == "seeds and test images"
                    else ""
                )
                + "."
            )
        else:
            text += (
                f" An estimate that takes this run's mean and spread as the truth: about "
                f"{int(needed)} seeds would decide it at {level_text}, with {power} power. List "
                "that many under seeds in the config and rerun; only the new seeds are trained."
            )
    return text


# --- The summary of findings: one plain sentence per claim (GRADE informative statements). ---
#
# Santesso et al. 2020, "GRADE guidelines 26: informative statements to communicate the findings
# of systematic reviews of interventions", J Clin Epidemiol 119:126–135: each statement carries
# the size of the effect and how sure we are. Here the verdict gives the certainty (an effect
# shown beyond Δ: "results in"; a real effect of unshown size: "probably results in"; nothing
# shown: "we cannot tell") and the estimate against Δ the size (below Δ "slight", from 3 Δ on
# "large"). Generated from the row alone, never written per claim.

# From this many Δ on, an effect is "large"; below one Δ it is "slight".
LARGE_EFFECT = 3.0


def size_word(row: Row) -> str:
    """How large the estimate is against Δ: "large", "" (an effect of a few Δ) or "slight"."""
    estimate, size = abs(float(row["mean_diff"])), abs(float(row["delta"]))
    if not size or math.isnan(estimate):
        return ""
    multiple = estimate / size
    return "large" if multiple >= LARGE_EFFECT else "slight" if multiple < 1 else ""


def _a_change(row: Row, size: str) -> str:
    """ "a large increase", "an increase", "a slight decrease" of the endpoint's value."""
    way = "increase" if float(row["mean_diff"]) > 0 else "decrease"
    words = f"{size} {way}".strip()
    return f"{'an' if words[0] in 'aeiou' else 'a'} {words}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def grade_sentence(row: Row, numbers: bool = True) -> str:
    """One plain sentence for a student: what arm B does to the claim's endpoint compared with
    arm A, how large, and how sure we are, with the effect in the reader's units (left out
    with ``numbers`` False, where a table gives them beside it)."""
    b, a = row["arm_b"], row["arm_a"]
    noun = _ref(row).describe()
    if int(row["n_pairs"]) == 0:
        return f"No seed has results for both {a} and {b}: nothing can be said."
    interval = effect_interval(row, row.get("ci_low"), row.get("ci_high"))
    figures = f"{effect(row, row['mean_diff'])}; {level(row['confidence'])} CI {interval}"
    numbers_text = f" ({figures})" if numbers else ""
    verdict, claim_of_no_difference = row["verdict"], row["expect"] == "A ≈ B"
    against = "" if claim_of_no_difference or claimed_way(row) else ", against the tip"
    if bool(row.get("censoring_blocked", False)):
        return (
            f"We cannot tell whether {b} changes the {noun} compared with {a}{numbers_text}: "
            "some runs never reached the target, and a run counted at its budget is a bound, "
            "not a value."
        )
    if verdict == "NEGLIGIBLE" or (claim_of_no_difference and verdict == "REPRODUCED"):
        return (
            f"{_capital(b)} results in little to no difference in the {noun} compared with "
            f"{a}{numbers_text}."
        )
    if verdict in ("REPRODUCED", "REVERSED"):
        return (
            f"{_capital(b)} results in {_a_change(row, size_word(row))} in the {noun} compared "
            f"with {a}{numbers_text}{against}."
        )
    if verdict == "DIRECTION ONLY":
        # Not shown to reach Δ: whatever the estimate, the change is worded as slight.
        return (
            f"{_capital(b)} probably results in {_a_change(row, 'slight')} in the {noun} "
            f"compared with {a}{numbers_text}{against}; whether it reaches {delta_size(row)} is "
            "not shown."
        )
    return (
        f"We cannot tell whether {b} changes the {noun} compared with {a}{numbers_text}: the "
        "evidence is inconclusive."
    )


def verdict_reason(row: Row) -> str:
    """Why the claim got its verdict, in its own terms and units, with the numbers the verdict
    reads (the interval at the deciding test's Holm level)."""
    verdict, size = row["verdict"], delta_size(row)
    low, high = row.get("decision_low"), row.get("decision_high")
    sign = int(row["claimed_sign"])
    if bool(row.get("censoring_blocked", False)):
        return (
            "no verdict can rest on runs that never reached the target: they are counted at "
            "their budget, which flatters them"
        )
    if verdict == "NEGLIGIBLE" or (not sign and verdict == "REPRODUCED"):
        if missing(low) or missing(high):
            return f"shown to lie within ±{size}, too small to matter"
        return (
            f"too small to matter; at the Holm level the effect lies between "
            f"{effect(row, low)} and {effect(row, high)}, inside ±{size}"
        )
    if verdict in ("REPRODUCED", "REVERSED") and sign:
        toward = sign if verdict == "REPRODUCED" else -sign
        end = low if toward > 0 else high
        way = "" if verdict == "REPRODUCED" else " against the tip"
        return (
            f"shown to exceed {size}{way}; even the cautious end of its interval at the Holm "
            f"level is {effect(row, end)}"
            if not missing(end)
            else f"shown to exceed {size}{way}"
        )
    if verdict == "REVERSED":
        return f"the arms are shown to differ by more than {size}"
    if verdict == "DIRECTION ONLY":
        bound = row.get("beyond_bound")
        effect_sign = int(row.get("effect_sign", sign) or 0)
        if sign and effect_sign == -sign and not (missing(low) or missing(high)):
            # Against the claim: the cautious end is the decision interval's end nearer 0.
            end = high if effect_sign < 0 else low
            return (
                f"real and against the claim, but these seeds cannot show it reaches {size}; at "
                f"the Holm level the effect could be as small as {effect(row, end)}"
            )
        if sign and not missing(bound):
            return (
                f"real, but these seeds cannot show it reaches {size}; at the Holm level the "
                f"effect could be as small as {effect(row, bound)}"
            )
        return (
            f"the arms differ, but these seeds show neither that the difference exceeds {size} "
            f"nor that it stays within ±{size}"
        )
    return (
        f"nothing is shown; the {level(row['confidence'])} CI, "
        f"{effect_interval(row, row.get('ci_low'), row.get('ci_high'))}, holds both no effect "
        f"and effects of {size}"
    )

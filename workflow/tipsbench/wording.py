"""Every word and formatted number the pages show.

This is the one module the report and the comparison share.

Numbers come in from the tables; this module decides how they read: digits, signs, p-values,
intervals, test names, the verdict sentence of a study and the notes a findings row carries.
Nothing here computes a statistic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from tipsbench.grid import HYPERPARAMETER_SLUGS

# The configured test's key and how a sentence names it.
TEST_NAMES: dict[str, str] = {"paired_t": "paired t-test", "wilcoxon": "Wilcoxon signed-rank test"}
# CSS class of each verdict's badge.
VERDICT_CLASSES = {
    "REPRODUCED": "reproduced",
    "REVERSED": "reversed",
    "NEGLIGIBLE": "negligible",
    "INCONCLUSIVE": "inconclusive",
}
# How the report explains each verdict, once, for a student.
VERDICT_RULES = {
    "REPRODUCED": "the difference goes the claimed way, is significant, and is not shown to be "
    "smaller than the smallest effect that matters",
    "REVERSED": "the difference goes against the claim, is significant, and is not shown to be "
    "smaller than the smallest effect that matters",
    "NEGLIGIBLE": "the difference is shown to lie within ± the smallest effect that matters "
    "(equivalence test), whether or not it is significant: too small to be worth a tip",
    "INCONCLUSIVE": "neither: the seeds can show neither a difference nor its absence; more "
    "seeds would decide (see the seeds advice)",
}
# What a sweep axis does to an arm that sets the swept hyperparameter itself.
ARM_OVERRIDES = {
    "keep": "an arm that sets it itself keeps its own value; only the other arm moves",
    "sweep": "every arm takes the swept value, also one that sets it itself",
}
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


def count(number: int, noun: str) -> str:
    """A count with its noun: "1 claim", "7 claims"."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


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


def note_tuning_edge(arm: str, hyperparameter: str, value: Any, side: str) -> str:
    """Why a tuned arm whose choice lies at the edge of its grid may not be tuned yet."""
    bound, beyond = ("smallest", "smaller") if side == "lowest" else ("largest", "larger")
    return (
        f"{arm}: the chosen {hyperparameter} {float(value):g} is the {bound} value of its grid, "
        f"so a {beyond} one might do better still; widen the grid before reading this arm as "
        "fully tuned."
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


def note_unavailable(role: str, label: str, seeds: list[int], metric: str) -> str:
    return (
        f"{seed_list(seeds)} of {arm_name(role, label)}: "
        f"{metric.replace('_', ' ')} not available, left out"
    )


def note_at_chance(role: str, label: str, at_chance: int, total: int, threshold: float) -> str:
    if at_chance == total:
        return (
            f"all {at_chance} seeds of {arm_name(role, label)} stayed at chance "
            f"(test accuracy ≤ {threshold:g})"
        )
    return (
        f"{at_chance} of {total} seeds of {arm_name(role, label)} never left chance "
        f"(test accuracy ≤ {threshold:g})"
    )


def note_diverged(role: str, label: str, diverged: int, total: int, score: str) -> str:
    return (
        f"{diverged} of {total} seeds of {arm_name(role, label)} diverged (loss not finite), "
        f"{DIVERGED_SCORES[score]}"
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


# --- The verdict sentence of a study. ---

VERDICTS = tuple(VERDICT_CLASSES)


def finding_sentence(row: Mapping[str, Any] | pd.Series) -> str:
    """One plain-English sentence for one study, built only from its row of the findings table."""
    expect = row["expect"]
    smoke_tail = "; this smoke run is not evidence." if not bool(row["evidence"]) else "."
    n = int(row["n_pairs"])
    if n == 0:
        return (
            f"No seed has results for both {row['arm_a']} (A) and {row['arm_b']} (B), "
            f"so the claim {expect} cannot be tested{smoke_tail}"
        )
    metric = str(row["metric"]).replace("_", " ")
    interval = f"{level(row['confidence'])} CI"
    low, high = row["diff_ci_low"], row["diff_ci_high"]
    if missing(low) or missing(high):
        interval = f"no {interval} from {n} seed" if n == 1 else f"{interval} not available"
    else:
        interval = f"{interval} {signed(low)} to {signed(high)}"
    if row["verdict"] not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}, got {row['verdict']!r}")
    delta = f"±{float(row['smallest_effect']):.3f}"
    case = row.get("verdict_case", "neither")
    outcome = {
        "REPRODUCED": f"so the claim {expect} is reproduced: the difference is significant and "
        f"not shown to lie within {delta}, the smallest effect that matters",
        "REVERSED": f"so the claim {expect} is reversed: the other arm is significantly better, "
        f"and the difference is not shown to lie within {delta}",
        "NEGLIGIBLE": f"so the claim {expect} is negligible here: "
        + (
            f"the difference is real (significant) but shown to lie within {delta}, "
            "too small to matter"
            if case == "small"
            else f"no significant difference, and the difference is shown to lie within {delta}"
        ),
        "INCONCLUSIVE": f"so the claim {expect} is inconclusive: the difference is neither "
        f"significant nor shown to lie within {delta} at α = {float(row['alpha']):g}",
    }[row["verdict"]]
    seeds = "1 seed" if n == 1 else f"{n} seeds"
    return (
        f"Over {seeds}, {row['arm_b']} (B) reached {float(row['mean_b']):.3f} mean {metric} "
        f"against {float(row['mean_a']):.3f} for {row['arm_a']} (A): "
        f"B − A = {signed(float(row['mean_diff']))} "
        f"({interval}, {TEST_NAMES[row['test']]}, {p_phrase(row['p_holm'], 'Holm-adjusted p')}), "
        f"{outcome}{smoke_tail}"
    )


def slide_sentence(row: Mapping[str, Any] | pd.Series) -> str:
    """Whether the slide's own single-run difference is one this protocol's single run gives."""
    slide = row["slide_diff"]
    if missing(slide):
        return "The slide gives no value for one of the arms, so its difference cannot be checked."
    low, high = row["diff_pi_low"], row["diff_pi_high"]
    if missing(low) or missing(high):
        return (
            f"The slide's single run gave B − A = {signed(slide)}; with fewer than two seeds "
            "there is no prediction interval to check it against."
        )
    inside = low <= slide <= high
    return (
        f"The slide's single run gave B − A = {signed(slide)}, "
        + ("inside" if inside else "outside")
        + f" what one run of this protocol gives: [{signed(low)}, {signed(high)}] "
        f"({level(row['confidence'])} prediction interval of one paired run's difference)."
    )


def seeds_sentence(row: Mapping[str, Any] | pd.Series) -> str:
    """How small a difference this run could see, and how many seeds an open study would need."""
    n = int(row["n_pairs"])
    if n < 2 or missing(row["mde"]):
        return "With fewer than two paired seeds there is no spread to plan seeds from."
    power = f"{float(row['power']) * 100:g} %"
    text = (
        f"With {count(n, 'seed')} and this spread (sd of B − A {float(row['sd_diff']):.4f}), "
        f"a difference of {float(row['mde']):.4f} or more is found with {power} power at "
        f"α = {float(row['alpha']):g} (before the Holm correction)."
    )
    if row["verdict"] == "INCONCLUSIVE":
        needed = row["seeds_to_decide"]
        if missing(needed):
            text += " No finite number of seeds is expected to decide it at this effect."
        else:
            text += (
                f" About {int(needed)} seeds are expected to decide it: list that many under "
                "seeds in the config and rerun; only the new seeds are trained."
            )
    return text

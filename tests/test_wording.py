"""Unit tests of tipsbench.wording.

Every expected text is written out here, not built with the code under test.
"""

from __future__ import annotations

import json

import pytest
from test_stats import DEFAULT_SETTINGS, NAN, hand_runs, studies
from test_stats import findings_of as findings_table_of

from tipsbench.endpoints import EndpointRef, references, with_references
from tipsbench.schema import hyperparameters
from tipsbench.wording import (
    cost_sentences,
    describe_base,
    describe_changes,
    effect_interval,
    expect_phrase,
    finding_sentence,
    flops,
    fmt_interval,
    fmt_p,
    level,
    note_text,
    note_tuning_edge,
    notes_text,
    p_phrase,
    seeds_sentence,
    slide_sentence,
    value,
    verdict_tooltip,
)


def ref(name: str, **parameters) -> EndpointRef:
    return EndpointRef.resolve(name, parameters)


ACCURACY = ref("test_accuracy")


def findings_of(*args, **kwargs):
    """The hand-made findings with each row's endpoint reference, as the report reads them."""
    return with_references(findings_table_of(*args, **kwargs), references())


SPEED = ref("updates_to_target", curve="train_crossentropy", target=0.5)


@pytest.mark.parametrize(
    "p, text",
    [
        (0.00003, "p < 0.0001"),
        (0.0001, "p = 0.0001"),
        (0.00042, "p = 0.0004"),
        (0.0123, "p = 0.0123"),
        (0.5, "p = 0.5000"),
        (NAN, "p not available"),
    ],
)
def test_p_phrase_has_the_tables_digits(p, text):
    assert p_phrase(p) == text


def test_one_p_formatter_for_cells_and_sentences():
    assert fmt_p(0.01234) == "0.0123" and fmt_p(0.00001) == "< 0.0001" and fmt_p(NAN) == "–"
    assert p_phrase(0.01234, "adj. p") == "adj. p = 0.0123"


def test_levels_intervals_and_conditions():
    assert level(0.95) == "95 %" and level(0.9) == "90 %" and level(0.995) == "99.5 %"
    assert fmt_interval(-0.0123, 0.5, signed=True) == "[-0.012, +0.500]"
    assert fmt_interval(NAN, 0.5) == "–"
    base = hyperparameters()
    assert (
        describe_changes({**base, "batch_size": 10000, "units": 7}, base)
        == "units = 7, batch_size = 10000"
    )
    assert describe_changes(base, base) == "the base condition"
    assert describe_base(base, 3) == (
        "2 × Dense(500, sigmoid) → Dense(3, softmax); loss categorical_crossentropy; "
        "sgd(learning_rate=0.1); batch 100; 20 epochs"
    )


def test_sentences_of_the_hand_made_findings():
    rows = findings_of(hand_runs(), studies(), DEFAULT_SETTINGS).set_index("study", drop=False)
    # loss: d = [0.72 ± 0.0917 over 3 seeds], CI +0.492 to +0.948. The minimum-effect test of
    # each study against 0.010, Holm over the 4 claims: depth 0.000104 × 4, loss 0.002754 × 3 =
    # 0.0083; its Holm level 0.05 / 3, so the one-sided 98.3 % bound 0.72 − t(0.9833, 2) ×
    # 0.0529 = +0.437.
    assert finding_sentence(rows.loc["loss"]) == (
        "Over 3 seeds, cross-entropy (B) reached 92.0 % mean final test accuracy against 20.0 % "
        "for mse (A): B − A = +72.0 points (95 % CI +49.2 to +94.8 points over seeds). Decided "
        "by the minimum-effect test (a one-sided t-test over seeds that the effect exceeds 1 "
        "point the claimed way): Holm-adjusted p = 0.0083; at that test's Holm level the "
        "one-sided 98.3 % bound of the effect is +43.7 points, beyond +1 point, so the claim "
        "B > A is reproduced: the effect is shown to be larger than 1 point, the smallest effect "
        "that matters, the claimed way."
    )
    # depth: mean −0.81 (sd 0.02), Holm factor 4: the one-sided 98.75 % bound −0.738.
    assert finding_sentence(rows.loc["depth"]) == (
        "Over 3 seeds, 9 layers (B) reached 11.0 % mean final test accuracy against 92.0 % "
        "for 3 layers (A): B − A = −81.0 points (95 % CI −86.0 to −76.0 points over seeds). "
        "Decided by the minimum-effect test (a one-sided t-test over seeds that the effect "
        "exceeds 1 point the claimed way): Holm-adjusted p = 0.0004; at that test's Holm level "
        "the one-sided 98.8 % bound of the effect is −73.8 points, beyond −1 point, so the claim "
        "A > B is reproduced: the effect is shown to be larger than 1 point, the smallest effect "
        "that matters, the claimed way."
    )
    # dropout: d = [0.01, -0.01], CI 0 +- 12.7062 * 0.014142 / sqrt(2) = +-0.127.
    assert finding_sentence(rows.loc["dropout"]) == (
        "Over 2 seeds, dropout 0.2 (B) reached 91.0 % mean final test accuracy against 91.0 % "
        "for no dropout (A): B − A = +0.0 points (95 % CI −12.7 to +12.7 points over seeds). No "
        "test reaches α = 0.05 after the Holm correction (any difference: Holm-adjusted p = "
        "1.0000; within ±1 point: p = 1.0000; beyond 1 point the claimed way: p = 1.0000), so "
        "the claim B > A is inconclusive: the difference is neither significant nor shown to lie "
        "within ±1 point."
    )
    assert finding_sentence(rows.loc["optimizer"]).endswith(
        "Decided by the minimum-effect test against the claim (a one-sided t-test over seeds that "
        "the effect exceeds 1 point the other way): Holm-adjusted p = 0.0097; at that test's "
        "Holm level the one-sided 98.8 % bound of the effect is −21.4 points, beyond −1 point, "
        "so the claim B > A is reversed: the effect is shown to be larger than 1 point the other "
        "way."
    )


def test_no_printed_interval_crosses_delta_where_the_verdict_says_it_is_cleared():
    # One claim alone (no Holm correction), 5 seeds: the effect is shown beyond 0.010 by the
    # one-sided test at 5 %, though the plain two-sided 95 % interval reaches below 0.010. The
    # sentence prints the one-sided 95 % bound that decided it, which clears 0.010.
    import numpy as np
    import pandas as pd

    from tipsbench import effects
    from tipsbench.stats import _decision_columns

    differences = np.array([0.0095, 0.0115, 0.0135, 0.0155, 0.0175])
    estimate = effects.seed_estimate(differences)
    p_beyond = effects.minimum_effect_p(estimate, 0.01, 1)
    low, high = effects.estimate_interval(estimate, 0.95)
    assert p_beyond < 0.05 and low < 0.01  # the case that read as a contradiction
    row = {
        **SENTENCE_ROW,
        "mean_diff": estimate.mean,
        "se": estimate.se,
        "df": estimate.df,
        "ci_low": low,
        "ci_high": high,
        "p_value": effects.difference_p(estimate),
        "p_holm": effects.difference_p(estimate),
        "p_beyond": p_beyond,
        "p_beyond_holm": p_beyond,
        "p_against": effects.minimum_effect_p(estimate, 0.01, -1),
        "p_equivalence": effects.equivalence_p(estimate, 0.01),
        "verdict": "REPRODUCED",
        "verdict_case": "beyond",
    }
    table = pd.DataFrame([row])
    _decision_columns(table, 0.05)
    decided = table.iloc[0]
    assert decided["deciding_test"] == "beyond" and decided["decision_low"] > 0.01
    bound = decided["decision_low"]
    assert decided["decision_level"] == pytest.approx(0.9)
    assert bound == pytest.approx(estimate.mean - 2.131847 * estimate.se, rel=1e-5)
    sentence = finding_sentence(decided)
    # In points the bound 0.010485 reads +1.05, not +1.0 (which would look like Δ itself).
    assert round(bound * 100, 2) == 1.05
    assert "the one-sided 95 % bound of the effect is +1.05 points, beyond +1 point" in sentence


SENTENCE_ROW = {
    "study": "loss",
    "arm_a": "mse",
    "arm_b": "cross-entropy",
    "expect": "B > A",
    "endpoint": "test_accuracy",
    "ref": ACCURACY,
    "scale": "difference",
    "higher_is_better": True,
    "claimed_sign": 1,
    "effect_sign": 1,
    "n_pairs": 5,
    "mean_a": 0.112,
    "mean_b": 0.921,
    "mean_diff": 0.809,
    "diff_ci_low": 0.8,
    "diff_ci_high": 0.818,
    "boot_ci_low": 0.803,
    "boot_ci_high": 0.815,
    "p_holm": 0.0001,
    "p_beyond_holm": 0.0001,
    "p_equivalence_holm": 1.0,
    "verdict": "REPRODUCED",
    "evidence": True,
    "test": "paired_t",
    "alpha": 0.05,
    "confidence": 0.95,
    "smallest_effect": 0.01,
    "delta": 0.01,
    "sources": "seeds",
    "verdict_case": "beyond",
    "deciding_test": "beyond",
    "p_deciding": 0.0001,
    "decision_level": 0.98,
    "decision_low": 0.790,
    "decision_high": 0.828,
    "wins_b": 5,
    "hodges_lehmann": 0.81,
}


def test_sentence_variants_from_a_row_alone():
    row = dict(SENTENCE_ROW)
    assert finding_sentence(row) == (
        "Over 5 seeds, cross-entropy (B) reached 92.1 % mean final test accuracy against 11.2 % "
        "for mse (A): B − A = +80.9 points (95 % CI +80.0 to +81.8 points over seeds). Decided "
        "by the minimum-effect test (a one-sided t-test over seeds that the effect exceeds 1 "
        "point the claimed way): Holm-adjusted p = 0.0001; at that test's Holm level the "
        "one-sided 99 % bound of the effect is +79.0 points, beyond +1 point, so the claim "
        "B > A is reproduced: the effect is shown to be larger than 1 point, the smallest effect "
        "that matters, the claimed way."
    )
    smoke = finding_sentence({**row, "evidence": False, "p_holm": 0.00001})
    assert smoke.endswith("the claimed way; this smoke run is not evidence.")
    wilcoxon = finding_sentence(
        {
            **row,
            "test": "wilcoxon",
            "confidence": 0.9,
            "p_holm": 0.0625,
            "verdict": "INCONCLUSIVE",
            "verdict_case": "neither",
            "deciding_test": "none",
        }
    )
    # The sentence always gives the t interval: the percentile bootstrap covers less than its
    # label at few seeds.
    assert "(90 % CI +80.0 to +81.8 points over seeds)" in wilcoxon
    assert "No test reaches α = 0.05 after the Holm correction (any difference: " in wilcoxon
    one = finding_sentence(
        {
            **row,
            "n_pairs": 1,
            "diff_ci_low": NAN,
            "diff_ci_high": NAN,
            "p_holm": NAN,
            "p_beyond_holm": NAN,
            "p_equivalence_holm": NAN,
            "verdict": "INCONCLUSIVE",
            "verdict_case": "neither",
            "deciding_test": "none",
        }
    )
    assert one.startswith("Over 1 seed, ")
    assert "(no 95 % CI from 1 seed). No test reaches α = 0.05" in one
    assert "any difference: Holm-adjusted p not available" in one
    none = finding_sentence({**row, "n_pairs": 0, "evidence": False})
    assert none == (
        "No seed has results for both mse (A) and cross-entropy (B), "
        "so the claim B > A cannot be tested; "
        "this smoke run is not evidence."
    )
    with pytest.raises(ValueError, match="'MAYBE'"):
        finding_sentence({**row, "verdict": "MAYBE"})


ROW = {
    "arm_a": "no dropout",
    "arm_b": "dropout 0.2",
    "expect": "B > A",
    "endpoint": "test_accuracy",
    "ref": ACCURACY,
    "scale": "difference",
    "higher_is_better": True,
    "claimed_sign": 1,
    "effect_sign": -1,
    "n_pairs": 5,
    "mean_a": 0.9,
    "mean_b": 0.894,
    "mean_diff": -0.006,
    "diff_ci_low": -0.008,
    "diff_ci_high": -0.004,
    "p_holm": 0.002,
    "p_equivalence_holm": 0.003,
    "p_beyond_holm": 1.0,
    "evidence": True,
    "test": "paired_t",
    "alpha": 0.05,
    "confidence": 0.95,
    "smallest_effect": 0.01,
    "delta": 0.01,
    "sources": "seeds",
}


def test_negligible_sentences_say_which_case_holds_and_which_way_it_leans():
    negligible = {
        "verdict": "NEGLIGIBLE",
        "deciding_test": "equivalence",
        "p_deciding": 0.003,
        "decision_level": 0.96,
        "decision_low": -0.0082,
        "decision_high": -0.0031,
    }
    small = finding_sentence({**ROW, **negligible, "verdict_case": "small"})
    assert (
        "Decided by the equivalence test (two one-sided t-tests over seeds against ±1 point): "
        "Holm-adjusted p = 0.0030; at that test's Holm level the 96 % interval −0.8 to "
        "−0.3 points lies within ±1 point, so the effect is negligible here"
    ) in small
    assert small.endswith(
        "so the effect is negligible here: it is real (significant) but shown to lie within "
        "±1 point, too small to matter, and dropout 0.2 (B) is worse."
    )
    equivalent = finding_sentence(
        {**ROW, **negligible, "p_holm": 0.4, "verdict_case": "equivalent"}
    )
    assert equivalent.endswith(
        "so the effect is negligible here: no significant difference, it is shown to lie "
        "within ±1 point, and if anything dropout 0.2 (B) is worse."
    )
    assert verdict_tooltip({**ROW, "verdict": "NEGLIGIBLE"}) == (
        "the effect is negligible (within ±1 point), and if anything dropout 0.2 (B) is worse"
    )


def test_a_real_effect_not_shown_to_matter_is_direction_only():
    row = {**ROW, "effect_sign": 1, "mean_diff": 0.009, "verdict": "DIRECTION ONLY"}
    row.update(
        verdict_case="different",
        diff_ci_low=0.0062,
        diff_ci_high=0.0118,
        deciding_test="difference",
        p_deciding=0.002,
        decision_level=0.99,
        decision_low=0.0051,
        decision_high=0.0129,
        beyond_bound=0.0059,
        beyond_confidence=0.995,
        p_beyond_holm=0.6,
    )
    sentence = finding_sentence(row)
    assert (
        "Decided by the difference test (paired t-test): Holm-adjusted p = 0.0020; at that "
        "test's Holm level the 99 % interval +0.5 to +1.3 points excludes no difference, but "
        "the minimum-effect test does not show the effect exceeds 1 point (Holm-adjusted p = "
        "0.6000; its one-sided 99.5 % bound at its Holm level, +0.6 points, does not clear +1 "
        "point), so the claim B > A holds in direction only"
    ) in sentence
    assert sentence.endswith(
        "so the claim B > A holds in direction only: the difference is real and goes the "
        "claimed way, but it is not shown to reach 1 point, the smallest effect that matters (nor "
        "to lie within ±1 point)."
    )
    assert verdict_tooltip(row) == "a real difference, the claimed way, not shown to reach ±1 point"
    against = verdict_tooltip({**row, "effect_sign": -1})
    assert against == "a real difference, against the claim, not shown to reach ±1 point"


def test_interval_ends_near_delta_get_the_digits_that_tell_them_from_it():
    # 0.96 points would read "+1.0" at one decimal: as large as delta, which it is not.
    row = {
        **ROW,
        "mean_diff": 0.0132,
        "ci_low": 0.0096,
        "ci_high": 0.0168,
        "verdict": "DIRECTION ONLY",
        "deciding_test": "difference",
        "p_deciding": 0.002,
        "decision_level": 0.99,
        "decision_low": 0.0061,
        "decision_high": 0.0203,
        "beyond_bound": 0.00997,
        "beyond_confidence": 0.99,
    }
    row.update(effect_sign=1, verdict_case="different")
    sentence = finding_sentence(row)
    assert "(95 % CI +0.96 to +1.7 points over seeds)" in sentence
    assert "bound at its Holm level, +0.997 points, does not clear +1 point" in sentence
    # An end exactly at delta, or clear of it, keeps one decimal.
    assert effect_interval(row, 0.01, 0.0204) == "+1.0 to +2.0 points"
    assert effect_interval(row, -0.01004, 0.3) == "−1.004 to +30.0 points"


def test_wilcoxon_sentence_gives_the_ranks_estimate_and_says_when_mean_and_ranks_disagree():
    # Twelve small wins and one large loss: the mean is negative, the ranks favour B.
    row = {
        **ROW,
        "test": "wilcoxon",
        "mean_diff": -0.032,
        "diff_ci_low": -0.11,
        "diff_ci_high": 0.05,
        "hodges_lehmann": 0.0076,
        "wins_b": 12,
        "n_pairs": 13,
        "effect_sign": 1,
        "verdict": "DIRECTION ONLY",
        "verdict_case": "different",
        "deciding_test": "difference",
        "p_deciding": 0.01,
    }
    sentence = finding_sentence(row)
    assert (
        "; by ranks (Hodges–Lehmann estimate) +0.8 points, B better on 12 of 13 seeds: the mean "
        "and the ranks disagree, and the verdict follows the ranks. Decided by the difference test "
        "(Wilcoxon signed-rank test): Holm-adjusted p = 0.0100, so the claim B > A holds in "
        "direction only" in sentence
    )
    assert "disagree" not in finding_sentence({**row, "mean_diff": 0.004})


def test_the_verdict_reads_seeds_and_test_images_where_the_endpoint_has_them():
    row = {
        **ROW,
        "sources": "seeds and test images",
        "ci_low": -0.0091,
        "ci_high": -0.0029,
        "verdict": "NEGLIGIBLE",
        "verdict_case": "small",
        "deciding_test": "equivalence",
        "p_deciding": 0.0031,
    }
    sentence = finding_sentence(row)
    assert "(95 % CI −0.9 to −0.3 points over seeds and test images)" in sentence
    assert (
        "Decided by the equivalence test (two one-sided t-tests over seeds and test images "
        "against ±1 point): Holm-adjusted p = 0.0031, so" in sentence
    )


def test_both_arms_censored_is_said_plainly():
    row = {**ROW, "verdict": "INCONCLUSIVE", "verdict_case": "equivalent"}
    row.update(censoring_blocked=True, censored_a=2, censored_b=1, deciding_test="equivalence")
    assert "runs of both arms never reached the target" in finding_sentence(row)
    one = finding_sentence({**row, "censored_a": 0})
    assert "the tests side with an arm some of whose runs never reached the target" in one


def test_notes_are_worded_from_their_codes_and_diverged_runs_are_counted_apart():
    notes = [
        {
            "code": "at_chance",
            "role": "A",
            "label": "mse",
            "count": 1,
            "of": 1,
            "diverged": 4,
            "threshold": 0.2,
        },
        {
            "code": "diverged",
            "role": "A",
            "label": "mse",
            "count": 4,
            "of": 5,
            "score": "final_weights",
        },
    ]
    assert notes_text(json.dumps(notes), ACCURACY) == (
        "the only seed of arm A (mse) that did not diverge stayed at chance (test accuracy ≤ 0.2); "
        "4 of 5 seeds of arm A (mse) diverged (loss not finite), scored with their final, "
        "non-finite weights"
    )
    two = {**notes[0], "count": 1, "of": 3}
    assert note_text(two, ACCURACY) == (
        "of the 3 seeds of arm A (mse) that did not diverge, 1 never left chance (test accuracy "
        "≤ 0.2)"
    )
    assert note_text({**notes[0], "diverged": 0, "of": 3, "count": 3}, ACCURACY) == (
        "all 3 seeds of arm A (mse) stayed at chance (test accuracy ≤ 0.2)"
    )
    assert notes_text("", ACCURACY) == "" and notes_text("[]", ACCURACY) == ""
    with pytest.raises(ValueError, match="'nonsense'"):
        note_text({"code": "nonsense"}, ACCURACY)


def test_the_slides_difference_against_one_runs_prediction_interval():
    row = {
        "endpoint": "test_accuracy",
        "ref": ACCURACY,
        "scale": "difference",
        "slide_diff": 0.012,
        "diff_pi_low": -0.011,
        "diff_pi_high": -0.001,
        "confidence": 0.95,
    }
    assert slide_sentence(row) == (
        "The slide's single run gave B − A = +1.2 points, outside what one run of this protocol "
        "gives: −1.1 to −0.1 points (95 % prediction interval of one paired run's difference)."
    )
    inside = slide_sentence({**row, "slide_diff": -0.005})
    assert "B − A = −0.5 points, inside what one run" in inside
    assert slide_sentence({**row, "slide_diff": NAN}) == (
        "The slide gives no value for one of the arms, so its difference cannot be checked."
    )


def test_seeds_advice_names_the_detectable_difference_and_the_seeds_to_decide():
    row = {**ROW, "sd_diff": 0.0123, "mde": 0.0213, "power": 0.8, "verdict": "INCONCLUSIVE"}
    assert seeds_sentence({**row, "seeds_to_decide": 14.0}, claims=11) == (
        "With 5 seeds and this spread (sd of B − A 1.2 points), a difference of 2.1 points or "
        "more is found with 80 % power at α = 0.05 (seeds alone, before the Holm correction). "
        "An estimate that takes this run's mean and spread as the truth: about 14 seeds would "
        "decide it at α / 11 = 0.0045, the Holm correction's strictest level over the 11 "
        "claims, with 80 % power. List that many under seeds in the config and rerun; only the "
        "new seeds are trained."
    )
    assert seeds_sentence({**row, "seeds_to_decide": NAN}).endswith(
        "No finite number of seeds is expected to decide it at α / 1 = 0.05, the Holm "
        "correction's strictest level over the 1 claim: the effect is too close to the "
        "smallest effect that matters."
    )
    assert "An estimate" not in seeds_sentence(
        {**row, "verdict": "REPRODUCED", "seeds_to_decide": NAN}
    )


def test_a_tuned_arm_at_the_edge_of_its_grid_is_named_with_the_way_to_widen_it():
    assert note_tuning_edge("arm A (SGD, tuned)", "learning_rate", 1.0, "highest") == (
        "arm A (SGD, tuned): the chosen learning_rate 1 is the largest value of its grid, so a "
        "larger one might do better still; widen the grid before reading this arm as fully tuned."
    )
    assert "smallest value of its grid, so a smaller one" in note_tuning_edge(
        "arm B (Adam)", "learning_rate", 0.0003, "lowest"
    )


def test_a_ratio_endpoints_small_values_keep_three_significant_digits():
    # Below 0.1 a ratio reads as one over a number: 1/24,300 rather than 0.0000412.
    assert value(ref("gradient_ratio"), 4.123e-5) == "1/24,300"
    assert value(ref("gradient_ratio"), 0.2441) == "0.244"
    assert value(ref("gradient_ratio"), 2699.4) == "2,700"
    assert value(ref("weight_change_ratio"), 12.34) == "12.3"
    # Accuracies in percent, counts of updates whole, losses in the claim's own unit.
    assert value(ref("test_accuracy"), 0.8974) == "89.7 %"
    assert value(SPEED, 99.4) == "99 updates"
    assert value(ref("train_loss"), 0.31234, "nats") == "0.312 nats"


def test_headings_say_which_way_is_better_in_words_that_fit_the_endpoint():
    assert expect_phrase("B > A", SPEED) == "B better (fewer updates)"
    assert expect_phrase("A > B", ref("gradient_ratio")) == "A better (higher)"
    assert expect_phrase("B > A", ref("gap")) == "B better (lower)"
    assert expect_phrase("A ≈ B", ref("train_accuracy")) == "A ≈ B (no practical difference)"


def test_flop_counts_and_the_cost_sentences_read_plainly():
    assert (flops(7.01e13), flops(5.12e11), flops(3.4e6)) == (
        "70.1 TFLOP",
        "512.0 GFLOP",
        "3.4 MFLOP",
    )
    row = {
        "runs": 45, "core_seconds": 688.0, "fit_core_seconds": 560.0, "flops": 7.0e13,
        "flops_training": 5.0e13, "flops_epoch_evaluation": 1.7e13, "flops_probe": 3.0e12,
        "flops_gradients": 0.0, "flops_final_evaluation": 0.0, "wall_seconds": 370.0,
        "cpus": 2, "idle_share": 0.07, "peak_gflops": float("nan"),
        "flop_limit_seconds": float("nan"), "wall_over_limit": float("nan"),
    }  # fmt: skip
    first, second, third = cost_sentences(row)
    assert first == (
        "The 45 training runs took 11 min 28 s of one core in all (9 min 20 s of it inside "
        "fit()), for 70.0 TFLOP of arithmetic (training 50.0 TFLOP, per-epoch test evaluation "
        "17.0 TFLOP, probe 3.0 TFLOP)."
    )
    assert "took 6 min 10 s on 2 CPUs, and 7 % of that CPU time" in second
    assert "no matmul peak was given" in third and "--config peak_gflops=" in third
    limited = cost_sentences({**row, "peak_gflops": 250.0, "flop_limit_seconds": 280.0,
                              "wall_over_limit": 370 / 280})  # fmt: skip
    assert limited[2] == (
        "At this machine's measured float32 matmul peak of 250.0 GFLOP/s that arithmetic alone "
        "would take 4 min 40 s (its FLOP limit): the run took 1.32× as long."
    )


def test_a_direction_only_against_the_claim_names_the_end_nearer_no_effect():
    from tipsbench.wording import verdict_reason

    row = {
        **ROW,
        "verdict": "DIRECTION ONLY",
        "effect_sign": -1,
        "claimed_sign": 1,
        "decision_low": -0.0112,
        "decision_high": -0.0043,
        "beyond_bound": -0.0112,
    }
    assert verdict_reason(row) == (
        "real and against the claim, but these seeds cannot show it reaches 1 point; at the "
        "Holm level the effect could be as small as −0.4 points"
    )
    # The claimed way, the minimum-effect test's bound is the cautious end.
    same = {**row, "effect_sign": 1, "decision_low": 0.0043, "decision_high": 0.0112}
    assert verdict_reason({**same, "beyond_bound": 0.0061}).endswith(
        "could be as small as +0.6 points"
    )

"""Unit tests of tipsbench.wording.

Every expected text is written out here, not built with the code under test.
"""

from __future__ import annotations

import pytest
from test_stats import DEFAULT_SETTINGS, NAN, findings_of, hand_runs, studies

from tipsbench.wording import (
    describe_base,
    describe_changes,
    finding_sentence,
    fmt_interval,
    fmt_p,
    level,
    note_tuning_edge,
    p_phrase,
    seeds_sentence,
    slide_sentence,
)


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
    base = {
        "hidden_layers": 2,
        "units": 500,
        "activation": "sigmoid",
        "loss": "categorical_crossentropy",
        "optimizer": "sgd",
        "learning_rate": 0.1,
        "batch_size": 100,
        "epochs": 20,
        "dropout_rate": 0.0,
    }
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
    # loss: CI 0.72 +- 0.227675 -> +0.492 to +0.948;
    # Holm p = max(4 p_depth, 3 p_optimizer, 2 p_loss).
    holm_loss = rows.loc["loss", "p_holm"]
    assert (
        f"{holm_loss:.4f}" == "0.0138"
    )  # 3 x p_optimizer = 3 x 0.004594, above 2 x p_loss = 0.010716.
    assert finding_sentence(rows.loc["loss"]) == (
        "Over 3 seeds, cross-entropy (B) reached 0.920 mean final test accuracy against 0.200 "
        "for mse (A): "
        "B − A = +0.720 (95 % CI +0.492 to +0.948, paired t-test, Holm-adjusted p = 0.0138), "
        "so the claim B > A is reproduced: the difference is significant and not shown to lie "
        "within ±0.010, the smallest effect that matters."
    )
    # depth: mean -0.81, CI half 4.30265 * 0.02 / sqrt(3) = 0.049683 -> -0.860 to -0.760.
    assert finding_sentence(rows.loc["depth"]) == (
        "Over 3 seeds, 9 layers (B) reached 0.110 mean final test accuracy against 0.920 "
        "for 3 layers (A): "
        "B − A = −0.810 (95 % CI −0.860 to −0.760, paired t-test, Holm-adjusted p = 0.0008), "
        "so the claim A > B is reproduced: the difference is significant and not shown to lie "
        "within ±0.010, the smallest effect that matters."
    )
    # dropout: d = [0.01, -0.01], CI 0 +- 12.7062 * 0.014142 / sqrt(2) = +-0.127.
    assert finding_sentence(rows.loc["dropout"]) == (
        "Over 2 seeds, dropout 0.2 (B) reached 0.910 mean final test accuracy against 0.910 "
        "for no dropout (A): "
        "B − A = +0.000 (95 % CI −0.127 to +0.127, paired t-test, Holm-adjusted p = 1.0000), "
        "so the claim B > A is inconclusive: the difference is neither significant nor shown to "
        "lie within ±0.010 at α = 0.05."
    )
    assert finding_sentence(rows.loc["optimizer"]).endswith(
        "so the claim B > A is reversed: the other arm is significantly better, and the "
        "difference is not shown to lie within ±0.010."
    )


def test_sentence_variants_from_a_row_alone():
    row = {
        "study": "loss",
        "arm_a": "mse",
        "arm_b": "cross-entropy",
        "expect": "B > A",
        "endpoint": "test_accuracy",
        "scale": "difference",
        "n_pairs": 5,
        "mean_a": 0.112,
        "mean_b": 0.921,
        "mean_diff": 0.809,
        "diff_ci_low": 0.8,
        "diff_ci_high": 0.818,
        "boot_ci_low": 0.803,
        "boot_ci_high": 0.815,
        "p_holm": 0.0001,
        "verdict": "REPRODUCED",
        "evidence": True,
        "test": "paired_t",
        "alpha": 0.05,
        "confidence": 0.95,
        "smallest_effect": 0.01,
        "verdict_case": "different",
    }
    assert finding_sentence(row) == (
        "Over 5 seeds, cross-entropy (B) reached 0.921 mean final test accuracy against 0.112 "
        "for mse (A): "
        "B − A = +0.809 (95 % CI +0.800 to +0.818, paired t-test, Holm-adjusted p = 0.0001), "
        "so the claim B > A is reproduced: the difference is significant and not shown to lie "
        "within ±0.010, the smallest effect that matters."
    )
    smoke = finding_sentence({**row, "evidence": False, "p_holm": 0.00001})
    assert smoke.endswith("the smallest effect that matters; this smoke run is not evidence.")
    wilcoxon = finding_sentence(
        {**row, "test": "wilcoxon", "confidence": 0.9, "p_holm": 0.0625, "verdict": "INCONCLUSIVE"}
    )
    # The sentence always gives the t interval: the percentile bootstrap covers less than its
    # label at few seeds.
    assert (
        "(90 % CI +0.800 to +0.818, Wilcoxon signed-rank test, Holm-adjusted p = 0.0625)"
        in wilcoxon
    )
    one = finding_sentence(
        {
            **row,
            "n_pairs": 1,
            "diff_ci_low": NAN,
            "diff_ci_high": NAN,
            "p_holm": NAN,
            "verdict": "INCONCLUSIVE",
        }
    )
    assert one.startswith("Over 1 seed, ")
    assert "(no 95 % CI from 1 seed, paired t-test, Holm-adjusted p not available)" in one
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
    "scale": "difference",
    "n_pairs": 5,
    "mean_a": 0.9,
    "mean_b": 0.894,
    "mean_diff": -0.006,
    "diff_ci_low": -0.008,
    "diff_ci_high": -0.004,
    "p_holm": 0.002,
    "evidence": True,
    "test": "paired_t",
    "alpha": 0.05,
    "confidence": 0.95,
    "smallest_effect": 0.01,
}


def test_negligible_sentences_say_which_case_holds():
    small = finding_sentence({**ROW, "verdict": "NEGLIGIBLE", "verdict_case": "small"})
    assert small.endswith(
        "so the claim B > A is negligible here: the difference is real (significant) but shown "
        "to lie within ±0.010, too small to matter."
    )
    equivalent = finding_sentence(
        {**ROW, "p_holm": 0.4, "verdict": "NEGLIGIBLE", "verdict_case": "equivalent"}
    )
    assert equivalent.endswith(
        "so the claim B > A is negligible here: no significant difference, and the difference is "
        "shown to lie within ±0.010."
    )


def test_a_speed_claim_reads_as_a_ratio_of_updates():
    # log(B / A) = -2.0 [-2.3, -1.7]: B needs e^-2 = 0.135 times A's updates.
    row = {
        **ROW,
        "arm_a": "SGD",
        "arm_b": "Adam",
        "endpoint": "updates_to_target(curve=train_crossentropy, target=0.5)",
        "scale": "ratio",
        "mean_a": 812.4,
        "mean_b": 109.9,
        "mean_diff": -2.0,
        "diff_ci_low": -2.3,
        "diff_ci_high": -1.7,
        "p_holm": 0.00001,
        "smallest_effect": 1.5,
        "verdict": "REPRODUCED",
        "verdict_case": "different",
    }
    assert finding_sentence(row) == (
        "Over 5 seeds, Adam (B) took 110 against 812 for SGD (A) (geometric means of the "
        "updates until the probe's training cross-entropy is ≤ 0.5): B / A = ×0.135 "
        "(95 % CI ×0.1 to ×0.183, paired t-test of log(B / A), Holm-adjusted p < 0.0001), "
        "so the claim B > A is reproduced: the difference is significant and not shown to lie "
        "within ×1.5 either way, the smallest effect that matters."
    )
    blocked = finding_sentence({**row, "verdict": "INCONCLUSIVE", "censoring_blocked": True})
    assert blocked.endswith(
        "so the claim B > A is inconclusive: the tests would side with an arm some of whose runs "
        "never reached the target, and the budget they are counted at flatters them."
    )


def test_a_claim_of_no_difference_is_reproduced_by_equivalence():
    row = {**ROW, "expect": "A ≈ B", "p_holm": 0.3, "verdict": "REPRODUCED"}
    assert finding_sentence(row).endswith(
        "so the claim A ≈ B is reproduced: the difference is shown to lie within ±0.010, too "
        "small to matter."
    )
    assert "so the claim A ≈ B is reversed: the arms differ significantly" in finding_sentence(
        {**row, "verdict": "REVERSED"}
    )


def test_the_slides_difference_against_one_runs_prediction_interval():
    row = {"slide_diff": 0.012, "diff_pi_low": -0.011, "diff_pi_high": -0.001, "confidence": 0.95}
    assert slide_sentence(row) == (
        "The slide's single run gave B − A = +0.012, outside what one run of this protocol gives: "
        "[−0.011, −0.001] (95 % prediction interval of one paired run's difference)."
    )
    inside = slide_sentence({**row, "slide_diff": -0.005})
    assert "B − A = −0.005, inside what one run" in inside
    assert slide_sentence({**row, "slide_diff": NAN}) == (
        "The slide gives no value for one of the arms, so its difference cannot be checked."
    )


def test_seeds_advice_names_the_detectable_difference_and_the_seeds_to_decide():
    row = {**ROW, "sd_diff": 0.0123, "mde": 0.0213, "power": 0.8, "verdict": "INCONCLUSIVE"}
    assert seeds_sentence({**row, "seeds_to_decide": 14.0}) == (
        "With 5 seeds and this spread (sd of B − A 0.0123), a difference of 0.0213 or more "
        "is found with 80 % power at α = 0.05 (before the Holm correction). "
        "About 14 seeds are expected to decide it: list that many under seeds in the config "
        "and rerun; only the new seeds are trained."
    )
    assert seeds_sentence({**row, "seeds_to_decide": NAN}).endswith(
        "No finite number of seeds is expected to decide it at this effect."
    )
    assert "About" not in seeds_sentence({**row, "verdict": "REPRODUCED", "seeds_to_decide": NAN})


def test_a_tuned_arm_at_the_edge_of_its_grid_is_named_with_the_way_to_widen_it():
    assert note_tuning_edge("arm A (SGD, tuned)", "learning_rate", 1.0, "highest") == (
        "arm A (SGD, tuned): the chosen learning_rate 1 is the largest value of its grid, so a "
        "larger one might do better still; widen the grid before reading this arm as fully tuned."
    )
    assert "smallest value of its grid, so a smaller one" in note_tuning_edge(
        "arm B (Adam)", "learning_rate", 0.0003, "lowest"
    )

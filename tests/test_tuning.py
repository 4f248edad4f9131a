"""Unit tests of tipsbench.tuning: the choice uses the validation set and nothing else."""

from __future__ import annotations

import pandas as pd
import pytest

from tipsbench.tuning import SELECTION_COLUMNS, edge, select, tune_runs


def candidate_runs() -> pd.DataFrame:
    """Two candidates of a tuned arm B over three seeds, and an untuned arm A.

    On validation, learning rate 0.01 is better (0.95 on average against 0.90); on the test
    set it is the other way round, so a choice that peeked at the test set would pick 0.1.
    """
    rows = []
    for seed in range(3):
        rows.append(
            {
                "study": "opt",
                "role": "A",
                "arm": "SGD",
                "condition": "base",
                "seed": seed,
                "candidate": None,
                "tuned": None,
                "validation_accuracy": 0.80,
                "test_accuracy": 0.80,
                "fit_seconds": 1.0,
            }
        )
        for value, validation, test in ((0.01, 0.95, 0.70), (0.1, 0.90, 0.99)):
            rows.append(
                {
                    "study": "opt",
                    "role": "B",
                    "arm": "Adam",
                    "condition": f"adam-lr-{value}",
                    "seed": seed,
                    "candidate": value,
                    "tuned": "learning_rate",
                    "validation_accuracy": validation + 0.001 * seed,
                    "test_accuracy": test,
                    "fit_seconds": 2.0,
                }
            )
    return pd.DataFrame(rows)


def test_the_best_validation_mean_wins_and_only_its_runs_go_on():
    runs, tuning = tune_runs(candidate_runs())
    adam = runs[runs["role"] == "B"]
    assert adam["candidate"].tolist() == [0.01] * 3 and len(runs) == 6
    assert tuning["selected"].tolist() == [True, False]
    assert tuning["validation_mean"].tolist() == pytest.approx([0.951, 0.901])
    assert tuning["fit_seconds"].tolist() == [6.0, 6.0]  # 3 seeds x 2 s: the tuning's cost


def test_the_choice_never_reads_the_test_set():
    runs = candidate_runs()
    chosen = tune_runs(runs)[0]["condition"].tolist()
    # Any change to test accuracies leaves the choice as it was ...
    scrambled = runs.assign(test_accuracy=runs["test_accuracy"][::-1].to_numpy())
    assert tune_runs(scrambled)[0]["condition"].tolist() == chosen
    # ... while a change to the validation accuracies moves it.
    flipped = runs.assign(
        validation_accuracy=runs["validation_accuracy"].where(runs["candidate"] != 0.1, 0.99)
    )
    assert tune_runs(flipped)[0].query("role == 'B'")["candidate"].tolist() == [0.1] * 3
    # And the selection function refuses to be handed the test column at all.
    with pytest.raises(ValueError, match="test_accuracy"):
        select(runs[[*SELECTION_COLUMNS, "test_accuracy"]])


def test_without_validation_accuracies_the_choice_is_refused():
    runs = candidate_runs().assign(validation_accuracy=float("nan"))
    with pytest.raises(ValueError, match="validation_size"):
        tune_runs(runs)


def test_runs_without_tuning_pass_unchanged():
    runs = candidate_runs().query("role == 'A'").reset_index(drop=True)
    kept, tuning = tune_runs(runs)
    pd.testing.assert_frame_equal(kept, runs)
    assert tuning.empty


@pytest.mark.parametrize(
    ("values", "chosen", "side"),
    [
        ([0.1, 0.3, 1.0], 1.0, "highest"),
        ([0.1, 0.3, 1.0], 0.1, "lowest"),
        ([0.1, 0.3, 1.0], 0.3, ""),
        ([1.0, 0.1, 0.3], 1.0, "highest"),  # grid order does not matter, the values do
        ([0.5], 0.5, ""),  # a grid of one value has no edge to widen
        (["relu", "sigmoid"], "relu", ""),  # nor has a grid of names
    ],
)
def test_a_choice_at_the_grids_edge_is_flagged(values, chosen, side):
    assert edge(values, chosen) == side


def test_the_tuning_table_flags_an_edge_choice_on_every_row_of_the_arm():
    tuning = tune_runs(candidate_runs())[1]
    # 0.01 wins on validation and is the smaller of the grid {0.01, 0.1}.
    assert tuning["chosen_at_edge"].tolist() == ["lowest", "lowest"]
    middle = candidate_runs()
    extra = middle[middle["candidate"] == 0.1].assign(
        candidate=1.0, condition="adam-lr-1.0", validation_accuracy=0.5
    )
    inside = pd.concat([middle.assign(candidate=middle["candidate"].replace(0.01, 0.3)), extra])
    # Grid {0.1, 0.3, 1.0}, 0.3 best: inside the grid, nothing to flag.
    tuning = tune_runs(inside)[1]
    assert tuning.loc[tuning["selected"], "candidate"].tolist() == [0.3]
    assert tuning["chosen_at_edge"].tolist() == ["", "", ""]


def test_sensitivity_is_the_band_of_values_within_delta_of_the_best():
    from tipsbench.tuning import sensitivity_table

    tuning = pd.DataFrame(
        {
            "study": "lr",
            "role": ["A"] * 4 + ["B"] * 3,
            "arm": ["constant"] * 4 + ["cosine"] * 3,
            "hyperparameter": "learning_rate",
            "candidate": [0.1, 0.3, 1.0, 3.0, 0.1, 0.3, 1.0],
            # A: best 0.935 at 1.0; 0.3 (0.927) lies within 0.01, 3.0 (0.91) does not.
            # B: best at the grid's top, everything else more than 0.01 below.
            "validation_mean": [0.90, 0.927, 0.935, 0.91, 0.85, 0.88, 0.94],
        }
    )
    bands = sensitivity_table(tuning, 0.01).set_index("role")
    assert bands.loc["A", "best"] == 1.0 and bands.loc["A", "within"] == "0.3;1"
    assert bands.loc["A", "width"] == pytest.approx(1.0 / 0.3)
    assert not bands.loc["A", "reaches_edge"]
    assert bands.loc["B", "within"] == "1" and bands.loc["B", "width"] == 1.0
    assert bands.loc["B", "reaches_edge"]  # its best is the largest value tried

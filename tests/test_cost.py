"""Unit tests of tipsbench.cost: FLOPs of a run counted by hand, the cost table's sums, the
FLOP-limit breakdown."""

from __future__ import annotations

import pandas as pd
import pytest

from tipsbench.cost import FLOP_PARTS, cost_table, limit_breakdown, record_flops, run_flops


def test_a_runs_flops_by_part_are_the_textbook_counts():
    # P = 100 parameters, 50 training and 20 test images, 3 epochs, 10 validation images,
    # a probe of 30 images scored at 4 points, gradients on 5 images at 2 points.
    flops = run_flops(100, 50, 20, 3, 10, 30, 4, 5, 2)
    assert flops == {
        "training": 6 * 100 * 50 * 3,
        "epoch_evaluation": 2 * 100 * 20 * 3,
        "probe": 2 * 100 * 30 * 4,
        "gradients": 6 * 100 * 5 * 2,
        "final_evaluation": 2 * 100 * (50 + 2 * 20 + 10),
    }


def test_flops_from_a_runs_records_count_its_probe_points_and_gradient_updates():
    metrics = {
        "status": "ok", "parameters": 100, "train_samples": 50, "test_samples": 20,
        "epochs_run": 3, "validation_samples": 0, "probe_train_samples": 10,
        "probe_test_samples": 20, "gradient_images": 5,
    }  # fmt: skip
    probe = pd.DataFrame({"update": [0, 1, 2, 3]})
    layers = pd.DataFrame({"update": [0, 0, 0, 6, 6, 6], "layer": [1, 2, 3] * 2})
    assert record_flops(metrics, probe, layers) == {
        **run_flops(100, 50, 20, 3, 0, 30, 4, 5, 2),
        "pretraining": 0,  # none recorded: no RBM pre-training
    }
    assert record_flops({"status": "failed"}, None, None) == dict.fromkeys(FLOP_PARTS, 0)


def jobs_frame() -> pd.DataFrame:
    rows = [
        # condition, seed, job s, fit s, threads, start, end, FLOPs per part
        ("base", 0, 10.0, 8.0, 1, "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:10+00:00", 100),
        ("base", 1, 6.0, 5.0, 1, "2026-01-01T00:00:10+00:00", "2026-01-01T00:00:16+00:00", 100),
        ("deep", 0, 20.0, 18.0, 1, "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:20+00:00", 400),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["condition", "seed", "job_seconds", "fit_seconds", "threads", "started_at",
                 "finished_at", "each"],
    )  # fmt: skip
    for part in FLOP_PARTS:
        frame[f"flops_{part}"] = 0 if part == "pretraining" else frame["each"]
    return frame.assign(cpus=2).drop(columns="each")


RUNS = pd.DataFrame(
    {
        "study": ["loss", "loss", "depth", "depth"],
        "condition": ["base", "base", "base", "deep"],
    }
)


def test_the_cost_table_sums_core_time_and_flops_per_run_study_and_condition():
    cost = cost_table(jobs_frame(), RUNS, peak_gflops=None).set_index(["scope", "name"])
    run = cost.loc[("run", "")]
    assert run["runs"] == 3 and run["core_seconds"] == 36.0 and run["fit_core_seconds"] == 31.0
    assert run["flops"] == 5 * (100 + 100 + 400)
    assert run["wall_seconds"] == 20.0 and run["idle_share"] == pytest.approx(1 - 36 / 40)
    assert pd.isna(run["wall_over_limit"])
    # A study counts every run of the conditions its arms train; depth shares base with loss.
    assert cost.loc[("study", "loss"), "core_seconds"] == 16.0
    assert cost.loc[("study", "depth"), "core_seconds"] == 36.0
    assert cost.loc[("condition", "base"), "core_seconds_per_run"] == 8.0


def test_with_a_peak_the_run_is_stated_against_its_flop_limit():
    cost = cost_table(jobs_frame(), RUNS, peak_gflops=1e-6)  # 1,000 FLOP/s
    run = cost[cost["scope"] == "run"].iloc[0]
    assert run["flop_limit_seconds"] == pytest.approx(3.0)
    assert run["wall_over_limit"] == pytest.approx(20 / 3)
    found = limit_breakdown(run, 1e-6, cores=2)
    # Inside fit: 31 core-s / 2 = 15.5 machine-s, less the limit of its work (4 of 5 parts).
    assert found["parts"]["fit"] == pytest.approx(15.5 - 2.4)
    assert found["parts"]["outside_fit"] == pytest.approx(18 - 15.5 - 0.6)
    assert found["parts"]["idle"] == pytest.approx(20 - 18)
    assert found["limit_seconds"] + sum(found["parts"].values()) == pytest.approx(20)
    assert found["dominant"] == "fit"


def test_the_planned_cost_counts_the_models_own_parameters_and_the_updates():
    from tipsbench.cost import mlp_parameters, planned_cost
    from tipsbench.models import build_model
    from tipsbench.schema import hyperparameters

    deep = hyperparameters(hidden_layers=8, units=16)
    # The parameter count is Keras' own for the model the training job builds.
    assert mlp_parameters(8, 16, 784, 10) == build_model(deep, 784, 10).count_params()
    base = hyperparameters()
    # Training FLOPs: 6 × P × images × epochs, and each update's overhead as 100 images.
    parameters = mlp_parameters(2, 500, 784, 10)
    assert planned_cost(base, 784, 10, 10_000) == 6 * parameters * 10_000 * 20 * 2
    # A full batch does the same arithmetic with 1/100 of the updates: cheaper, not dearer.
    full = hyperparameters(batch_size=10_000)
    assert planned_cost(full, 784, 10, 10_000) < planned_cost(base, 784, 10, 10_000)
    # A condition's own training-set size wins over the data's.
    assert planned_cost(hyperparameters(train_size=1000), 784, 10, 10_000) == pytest.approx(
        planned_cost(base, 784, 10, 10_000) / 10
    )


def test_rbm_pretraining_is_counted_in_the_plan_and_the_records():
    from tipsbench.cost import planned_cost
    from tipsbench.pretraining import pretraining_flops
    from tipsbench.schema import hyperparameters

    plain = hyperparameters(hidden_layers=8)
    pretrained = hyperparameters(hidden_layers=8, pretraining="rbm")
    stack = pretraining_flops(784, [500] * 8, 10_000, 10, 100)
    assert planned_cost(pretrained, 784, 10, 10_000) == planned_cost(plain, 784, 10, 10_000) + stack
    metrics = {
        "parameters": 100,
        "train_samples": 50,
        "test_samples": 20,
        "epochs_run": 3,
        "pretraining_flops": 12345,
    }
    assert record_flops(metrics, None, None)["pretraining"] == 12345
    assert record_flops({**metrics, "pretraining_flops": None}, None, None)["pretraining"] == 0

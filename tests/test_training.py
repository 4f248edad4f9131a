"""Unit tests of tipsbench.training on a slice of the committed subset: divergence, determinism,
metrics, the probe.

They run on the workflow's default backend (JAX, pinned in conftest.py); the backend-specific
parts (the probe's interplay with each trainer, divergence) also run on TensorFlow, in a
process of its own (tests/backend_check.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from backend_check import run_check
from conftest import SUBSET

from tipsbench.data import preprocess, read_npz
from tipsbench.schema import hyperparameters
from tipsbench.training import (
    PROBE_COLUMNS,
    batches_per_epoch,
    probe_schedule,
    probe_scores,
    train_condition,
)

BASE = hyperparameters(hidden_layers=1, units=32, batch_size=50, epochs=2)


@pytest.fixture(scope="module")
def data():
    return preprocess(read_npz(SUBSET), train_size=300, test_size=200, num_classes=10)


def test_a_run_reports_its_metrics_and_history(data):
    result = train_condition(BASE, data, seed=0, verbose=0)
    metrics = result["metrics"]
    assert (
        metrics["status"] == "ok" and metrics["epochs_run"] == 2 and metrics["last_good_epoch"] == 2
    )
    assert metrics["parameters"] == 784 * 32 + 32 + 32 * 10 + 10
    assert metrics["train_samples"] == 300 and metrics["test_samples"] == 200
    assert 0 <= metrics["test_accuracy"] <= 1 and metrics["fit_seconds"] > 0
    assert list(result["history"]["epoch"]) == [1, 2]
    assert result["predictions"].shape == (200,)
    # The recorded accuracy is the share of correct predictions.
    assert metrics["test_accuracy"] == pytest.approx(
        np.mean(result["predictions"] == data["labels_test"]), abs=1e-6
    )


def test_same_seed_gives_bit_identical_weights_and_another_seed_does_not(data):
    first, second, other = (train_condition(BASE, data, seed=seed, verbose=0) for seed in (3, 3, 4))
    for a, b in zip(first["weights"], second["weights"]):
        assert a.tobytes() == b.tobytes()
    assert first["metrics"]["test_loss"] == second["metrics"]["test_loss"]
    assert first["weights"][0].tobytes() != other["weights"][0].tobytes()


def test_a_diverging_run_is_recorded_not_raised(data):
    # ReLU units with a huge step overflow to inf, and inf - inf gives a NaN loss. (A sigmoid
    # net does not diverge this way: it saturates, and Keras clips the cross-entropy. At
    # 1e10 a ReLU net stays finite on JAX; 1e20 overflows on both backends.)
    result = train_condition(
        {**BASE, "activation": "relu", "learning_rate": 1e20}, data, seed=0, verbose=0
    )
    metrics = result["metrics"]
    assert metrics["status"] == "diverged"
    assert metrics["last_good_epoch"] == 0  # the loss was already NaN in the first epoch
    assert metrics["epochs_run"] == 1  # TerminateOnNaN stopped it there
    assert not np.isfinite(result["history"]["train_loss"].iloc[-1])


def test_model_inputs_unscaled_and_noisy_test_set(data):
    from tipsbench.training import model_inputs

    raw = model_inputs({**BASE, "scale_inputs": False}, data, seed=0)
    assert raw["x_train"].max() == 255.0
    np.testing.assert_array_equal(
        raw["x_train"], np.rint(raw["x_train"])
    )  # exact pixel integers again
    noisy = [model_inputs({**BASE, "test_noise": 1.0}, data, seed=seed) for seed in (5, 5, 6)]
    difference = noisy[0]["x_test"] - data["x_test"]
    assert abs(difference.std() - 1.0) < 0.01 and abs(difference.mean()) < 0.01
    np.testing.assert_array_equal(
        noisy[0]["x_test"], noisy[1]["x_test"]
    )  # same seed, same noisy set
    assert not np.array_equal(noisy[0]["x_test"], noisy[2]["x_test"])
    np.testing.assert_array_equal(noisy[0]["x_train"], data["x_train"])  # training data stays clean


# --- Sources of randomness, seeded one by one. ---


def final_weights(data, seed, **sources):
    result = train_condition({**BASE, "dropout_rate": 0.3, **sources}, data, seed=seed, verbose=0)
    return [np.asarray(weight) for weight in result["weights"]]


def same(first, second) -> bool:
    return all(a.tobytes() == b.tobytes() for a, b in zip(first, second))


def test_with_every_source_fixed_the_runs_seed_no_longer_matters(data):
    fixed = {"init_seed": 7, "order_seed": 8, "mask_seed": 9}
    assert same(final_weights(data, 0, **fixed), final_weights(data, 1, **fixed))


def test_each_source_left_to_the_run_seed_makes_runs_differ(data):
    fixed = {"init_seed": 7, "order_seed": 8, "mask_seed": 9}
    for free in fixed:
        sources = {name: value for name, value in fixed.items() if name != free}
        assert not same(final_weights(data, 0, **sources), final_weights(data, 1, **sources)), free


def test_which_training_images_is_a_source_of_its_own():
    from tipsbench.training import model_inputs

    prepared = {"x_train": np.arange(10.0)[:, None], "y_train": np.arange(10)[:, None]}
    first = model_inputs({"train_size": 4}, prepared, seed=0)["x_train"].ravel().tolist()
    assert first == [0, 1, 2, 3]  # the lecture's: the first images
    drawn = [
        model_inputs({"train_size": 4, "data_seed": "run"}, prepared, seed=s)["x_train"].ravel()
        for s in (0, 1)
    ]
    assert len(drawn[0]) == 4 and (np.diff(drawn[0]) > 0).all()  # kept in file order
    assert drawn[0].tolist() != drawn[1].tolist()  # the run's seed picks the images
    fixed = [
        model_inputs({"train_size": 4, "data_seed": 3}, prepared, seed=s)["x_train"].ravel()
        for s in (0, 1)
    ]
    assert fixed[0].tolist() == fixed[1].tolist()


# --- The probe. ---


def test_probe_schedule_is_log_spaced_with_the_first_and_last_update():
    assert probe_schedule(100, 5) == [0, 1, 2, 3, 4, 6, 10, 16, 25, 40, 63, 100]
    assert probe_schedule(20, 3) == [0, 1, 2, 5, 10, 20]  # 10 ** (k/3): 1, 2.15, 4.64, ...
    assert probe_schedule(1, 5) == [0, 1] and probe_schedule(0, 5) == [0]
    assert batches_per_epoch(1000, 100) == 10 and batches_per_epoch(1001, 100) == 11
    with pytest.raises(ValueError, match="points_per_decade"):
        probe_schedule(10, 0)


def test_probe_scores_match_an_independent_cross_entropy():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.5, 0.4, 0.1], [1.0, 0.0, 0.0]])
    labels = np.array([0, 2, 1, 1])
    accuracy, crossentropy = probe_scores(probabilities, labels)
    assert accuracy == 0.5  # rows 0 and 1 right
    # -log of the true class's probability, 0 clipped to 1e-7 as Keras does.
    expected = -(np.log(0.7) + np.log(0.8) + np.log(0.4) + np.log(1e-7)) / 4
    assert crossentropy == pytest.approx(expected)
    nan = probe_scores(np.full((2, 3), np.nan), np.array([0, 1]))
    assert nan[0] == 0.5 and np.isnan(nan[1])  # argmax of NaN picks class 0, as evaluate does


PROBE = {"train_images": 100, "test_images": 80, "points_per_decade": 5}


def test_the_probe_is_scored_on_its_schedule_and_agrees_with_evaluate(data):
    result = train_condition(BASE, data, seed=0, verbose=0, probe=PROBE)
    probe, metrics = result["probe"], result["metrics"]
    assert list(probe.columns) == PROBE_COLUMNS
    # 300 images in batches of 50: 6 updates an epoch, 12 in all.
    assert (metrics["batches_per_epoch"], metrics["updates"], metrics["updates_run"]) == (6, 12, 12)
    assert probe["update"].tolist() == probe_schedule(12, 5) == [0, 1, 2, 3, 4, 6, 10, 12]
    assert probe["epoch"].tolist() == pytest.approx([u / 6 for u in probe["update"]])
    assert (metrics["probe_train_samples"], metrics["probe_test_samples"]) == (100, 80)
    # The last point is the trained net: on the full test set evaluate() gives the same
    # predictions, so the accuracy of its first 80 images is that of the saved predictions.
    first_80 = np.mean(result["predictions"][:80] == data["labels_test"][:80])
    assert probe["test_accuracy"].iloc[-1] == pytest.approx(first_80)
    # The untrained net is near chance; training lowers the probe's training loss.
    assert probe["train_crossentropy"].iloc[-1] < probe["train_crossentropy"].iloc[0]


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_the_probe_changes_no_number_of_the_run(backend):
    found = run_check(backend, "probe")
    assert found["backend"] == backend
    assert found["probe_changes_nothing"] and found["probe_repeats"]
    assert found["updates"] == probe_schedule(18, 5)  # 300 / 50 = 6 an epoch, 3 epochs


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_a_diverging_run_is_recorded_on_each_backend(backend):
    found = run_check(backend, "diverge")
    assert (found["backend"], found["status"], found["last_good_epoch"], found["epochs_run"]) == (
        backend,
        "diverged",
        0,
        1,
    )
    # Scored until it stopped: the initial weights, then up to the end of its one epoch.
    assert found["probe_updates"] == [0, 1, 2, 3, 4, 6]


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_rbm_pretraining_runs_inside_the_run_seeded_and_counted(backend):
    found = run_check(backend, "pretraining")
    assert found["backend"] == backend
    assert found["repeats"] and found["starts_elsewhere"]
    assert found["flops"] and found["seconds"]
    assert found["kernel_shape"] == [784, 32] and found["first_kernel_differs_from_glorot"]


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_a_dropout_arm_starts_from_the_base_arms_weights_at_the_same_seed(backend):
    found = run_check(backend, "shared-layers")
    assert found["backend"] == backend
    assert found["same"] == {"hidden_1": True, "hidden_2": True, "output": True}


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_a_seed_trained_after_another_in_one_process_is_bit_identical_to_one_alone(backend):
    found = run_check(backend, "seeds")
    assert found["backend"] == backend and found["statuses"] == ["ok", "ok"]
    assert found["same"] == dict.fromkeys(found["same"], True) and len(found["same"]) == 6


def test_a_seed_that_raises_is_recorded_and_the_others_still_train(data, tmp_path, monkeypatch):
    import time

    import tipsbench.training as training
    from tipsbench.files import read_json
    from tipsbench.layout import run_files

    real = training.train_condition

    def flaky(hyperparameters, data, seed, *args, **kwargs):
        if seed == 1:
            raise MemoryError("out of memory on purpose")
        return real(hyperparameters, data, seed, *args, **kwargs)

    monkeypatch.setattr(training, "train_condition", flaky)
    files = {seed: run_files(str(tmp_path / f"seed-{seed}")) for seed in (0, 1, 2)}
    statuses = training.train_seeds(BASE, data, "base", files, started=time.time(), verbose=0)
    assert statuses == ["ok", "failed", "ok"]
    failed = read_json(files[1]["metrics"])
    assert (
        failed["status"] == "failed" and failed["error"] == "MemoryError: out of memory on purpose"
    )
    assert failed["job_seeds"] == [0, 1, 2]
    for seed in (0, 2):
        metrics = read_json(files[seed]["metrics"])
        assert metrics["status"] == "ok" and metrics["seed"] == seed
        assert 0 <= metrics["test_accuracy"] <= 1
    # The three runs' shares of the job follow one another.
    stamps = [read_json(files[seed]["metrics"]) for seed in (0, 1, 2)]
    assert stamps[0]["finished_at"] <= stamps[1]["started_at"] <= stamps[2]["started_at"]


def test_with_the_cuda_build_of_jax_jobs_share_the_gpu_deterministically(monkeypatch):
    import tipsbench.training as training

    for name in ("XLA_FLAGS", "XLA_PYTHON_CLIENT_PREALLOCATE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(training, "cuda_jax_installed", lambda: False)
    training.configure_runtime("jax", 1)
    assert "gpu" not in training.os.environ["XLA_FLAGS"]
    assert "XLA_PYTHON_CLIENT_PREALLOCATE" not in training.os.environ
    monkeypatch.delenv("XLA_FLAGS")
    monkeypatch.setattr(training, "cuda_jax_installed", lambda: True)
    training.configure_runtime("jax", 1)
    assert "--xla_gpu_deterministic_ops=true" in training.os.environ["XLA_FLAGS"]
    assert training.os.environ["XLA_PYTHON_CLIENT_PREALLOCATE"] == "false"

"""Unit tests of tipsbench.gradients: each backend's layer gradients against finite differences,
the relative weight change and the layer records on hand-made weights."""

from __future__ import annotations

import math

import numpy as np
import pytest
from backend_check import run_check

from tipsbench.gradients import LAYER_COLUMNS, relative_change, rms


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_each_backends_gradients_match_finite_differences(backend):
    found = run_check(backend, "gradients")
    assert found["backend"] == backend
    # float32 finite differences with steps of 1e-3 agree to a few parts in a thousand.
    assert found["worst_relative_error"] < 1e-2, found


def test_relative_change_on_hand_made_weights():
    initial = np.array([[3.0, 0.0], [0.0, 4.0]])  # norm 5
    moved = np.array([[3.0, 1.0], [0.0, 4.0]])  # moved by 1
    assert relative_change(initial, moved) == pytest.approx(0.2)
    assert relative_change(initial, initial) == 0.0
    assert relative_change(initial, 2 * initial) == pytest.approx(1.0)
    assert math.isnan(relative_change(np.zeros((2, 2)), moved))
    with pytest.raises(ValueError, match="changed shape"):
        relative_change(initial, np.ones(3))


def test_rms_lets_layers_of_different_sizes_compare():
    assert rms(np.full(500, 0.1)) == pytest.approx(0.1)
    assert rms(np.full(10, 0.1)) == pytest.approx(0.1)
    assert rms(np.array([3.0, 4.0])) == pytest.approx(math.sqrt(12.5))


def test_layer_records_measure_every_dense_layer_without_changing_it():
    import keras

    from tipsbench.gradients import layer_records

    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(4, activation="sigmoid", name="hidden_1"),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(4, activation="sigmoid", name="hidden_2"),
            keras.layers.Dense(3, activation="softmax", name="output"),
        ]
    )
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    x = np.random.default_rng(2).normal(size=(8, 5)).astype("float32")
    y = np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2, 0, 1]]
    before = [np.asarray(weight).copy() for weight in model.get_weights()]
    initial = [np.asarray(layer.kernel.value) for layer in model.layers if hasattr(layer, "kernel")]
    rows = layer_records(model, x, y, initial, update=0)
    assert [row["name"] for row in rows] == ["hidden_1", "hidden_2", "output"]
    assert set(rows[0]) == set(LAYER_COLUMNS) and [row["units"] for row in rows] == [4, 4, 3]
    assert all(row["kernel_change"] == 0.0 for row in rows)
    assert all(row["bias_gradient"] > 0 for row in rows)
    # Measuring changes no weight (and, in inference mode, draws no dropout mask).
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    again = layer_records(model, x, y, initial, update=0)
    assert [row["bias_gradient"] for row in again] == [row["bias_gradient"] for row in rows]

"""Unit tests of tipsbench.pretraining: the greedy RBM stack is scikit-learn's BernoulliRBM
layer after layer, reproducible from its seed, learns what an RBM measures, lands in the
model's hidden layers on each backend, and its FLOP count is what the fit computes."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from pretraining_check import forward, run_pretraining_check
from sklearn.neural_network import BernoulliRBM

from tipsbench.models import build_model
from tipsbench.pretraining import (
    PretrainedLayer,
    apply_pretrained,
    layer_seed,
    pretraining_flops,
    rbm_stack,
)
from tipsbench.schema import hyperparameters

ARGS = {"epochs": 2, "learning_rate": 0.05, "batch_size": 10, "seed": 7}


@pytest.fixture
def x():
    return np.random.default_rng(0).random((45, 12), dtype=np.float32)


def test_the_stack_has_one_float32_layer_per_width(x):
    layers = rbm_stack(x, [8, 6, 3], **ARGS)
    assert [type(layer) for layer in layers] == [PretrainedLayer] * 3
    assert [layer.kernel.shape for layer in layers] == [(12, 8), (8, 6), (6, 3)]
    assert [layer.bias.shape for layer in layers] == [(8,), (6,), (3,)]
    assert [layer.visible_bias.shape for layer in layers] == [(12,), (8,), (6,)]
    for layer in layers:
        for array in (layer.kernel, layer.bias, layer.visible_bias):
            assert array.dtype == np.float32 and array.flags.c_contiguous
            assert np.isfinite(array).all()
        assert layer.seconds >= 0
    # Trained: the biases moved from their zero start.
    assert all(np.abs(layer.bias).max() > 0 for layer in layers)


def test_the_same_seed_gives_the_same_bits_and_another_seed_other_weights(x):
    first = rbm_stack(x, [8, 6], **ARGS)
    again = rbm_stack(x, [8, 6], **ARGS)
    other = rbm_stack(x, [8, 6], **{**ARGS, "seed": 8})
    for a, b, c in zip(first, again, other):
        for name in ("kernel", "bias", "visible_bias"):
            assert getattr(a, name).tobytes() == getattr(b, name).tobytes()
        assert not np.array_equal(a.kernel, c.kernel)
    # Each layer draws a stream of its own, and a layer's stream does not depend on the depth
    # of the stack: a one-layer stack is the deeper stack's first layer.
    assert len({layer_seed(7, k) for k in range(8)}) == 8
    alone = rbm_stack(x, [8], **ARGS)[0]
    assert alone.kernel.tobytes() == first[0].kernel.tobytes()


def test_each_layer_is_a_bernoulli_rbm_fitted_on_the_layer_below(x):
    layers = rbm_stack(x, [8, 6], **ARGS)
    # The seeds as the docstring defines them, computed here on their own.
    seeds = [
        int(np.random.SeedSequence(ARGS["seed"]).spawn(2)[k].generate_state(1)[0]) for k in (0, 1)
    ]
    options = {key: ARGS[key] for key in ("learning_rate", "batch_size")}
    below = BernoulliRBM(8, n_iter=ARGS["epochs"], random_state=seeds[0], **options).fit(x)
    above = BernoulliRBM(6, n_iter=ARGS["epochs"], random_state=seeds[1], **options).fit(
        below.transform(x)
    )
    for layer, rbm in zip(layers, (below, above)):
        assert rbm.components_.dtype == np.float32  # the float32 input stayed float32
        assert layer.kernel.tobytes() == np.ascontiguousarray(rbm.components_.T).tobytes()
        assert layer.bias.tobytes() == rbm.intercept_hidden_.tobytes()
        assert layer.visible_bias.tobytes() == rbm.intercept_visible_.tobytes()


def test_pretraining_raises_the_pseudo_likelihood_of_structured_data():
    # Four binary 6 × 6 prototypes, each image one of them with 5% of its pixels flipped.
    rng = np.random.default_rng(1)
    prototypes = rng.random((4, 36)) < 0.5
    images = prototypes[rng.integers(0, 4, 400)] ^ (rng.random((400, 36)) < 0.05)
    data = images.astype(np.float32)
    layer = rbm_stack(data, [8], epochs=30, learning_rate=0.05, batch_size=10, seed=0)[0]

    def pseudo_likelihood(rbm: BernoulliRBM) -> float:
        return float(rbm.score_samples(data).mean())

    # The untrained RBM: the same start (n_iter=0 draws the initial weights and stops).
    rbm = BernoulliRBM(8, n_iter=0, random_state=layer_seed(0, 0)).fit(data)
    untrained = pseudo_likelihood(rbm)
    rbm.components_ = layer.kernel.T
    rbm.intercept_hidden_ = layer.bias
    rbm.intercept_visible_ = layer.visible_bias
    trained = pseudo_likelihood(rbm)
    # Near-zero weights: every pixel a coin flip, 36 × log(2) nats below zero.
    assert untrained == pytest.approx(-36 * math.log(2), abs=1.0)
    assert trained > untrained + 10


def build(hidden_layers: int, units: int, input_dim: int, dropout_rate: float = 0.0):
    """build_model's net for the schema's base condition with these sizes (its initial weights
    from Keras' global seed: the tests compare with the weights the model holds)."""
    changes = {"hidden_layers": hidden_layers, "units": units, "dropout_rate": dropout_rate}
    return build_model({**hyperparameters(), **changes}, input_dim, 10)


def assert_applied(model, layers, output):
    for k, layer in enumerate(layers):
        kernel, bias = model.get_layer(f"hidden_{k + 1}").get_weights()
        assert kernel.tobytes() == layer.kernel.tobytes()
        assert bias.tobytes() == layer.bias.tobytes()
    for built, now in zip(output, model.get_layer("output").get_weights()):
        assert built.tobytes() == now.tobytes()


def test_apply_pretrained_puts_exactly_those_arrays_into_the_deep_sigmoid_net():
    # The lecture's deep sigmoid net: 8 × Dense(500, sigmoid) + Dense(10, softmax).
    images = np.random.default_rng(2).random((20, 784), dtype=np.float32)
    layers = rbm_stack(images, [500] * 8, epochs=1, learning_rate=0.01, batch_size=10, seed=1)
    model = build(8, 500, 784)
    output = [w.copy() for w in model.get_layer("output").get_weights()]
    apply_pretrained(model, layers)
    assert keras.backend.backend() == "jax"
    assert_applied(model, layers, output)
    # The model computes with them: its output against a float64 NumPy forward pass.
    expected = forward(images, layers, output)
    assert np.abs(model.predict(images, verbose=0) - expected).max() < 1e-5


def test_apply_pretrained_finds_the_hidden_layers_between_dropout_layers():
    x = np.random.default_rng(5).random((30, 20), dtype=np.float32)
    layers = rbm_stack(x, [8, 8, 8], epochs=1, learning_rate=0.05, batch_size=10, seed=2)
    model = build(3, 8, 20, dropout_rate=0.2)
    assert [layer.name for layer in model.layers][:2] == ["hidden_1", "dropout_1"]
    output = [w.copy() for w in model.get_layer("output").get_weights()]
    apply_pretrained(model, layers)
    assert_applied(model, layers, output)


def test_apply_pretrained_refuses_the_wrong_count_or_shape_and_copies_nothing():
    model = build(2, 8, 20)
    start = [w.copy() for w in model.get_weights()]
    x = np.random.default_rng(3).random((20, 20), dtype=np.float32)
    one = rbm_stack(x, [8], epochs=1, learning_rate=0.01, batch_size=10, seed=0)
    with pytest.raises(ValueError, match="1 pre-trained layers, the model 2 hidden layers"):
        apply_pretrained(model, one)
    with pytest.raises(ValueError, match="3 pre-trained layers, the model 2 hidden layers"):
        apply_pretrained(model, one * 3)
    narrow = rbm_stack(x, [8, 5], epochs=1, learning_rate=0.01, batch_size=10, seed=0)
    with pytest.raises(ValueError, match=r"kernel for hidden_2 has shape \(8, 5\)"):
        apply_pretrained(model, narrow)
    zeros = np.zeros((8, 8), dtype=np.float32)
    wrong_bias = [one[0], PretrainedLayer(zeros, zeros[0, :3], zeros[0], 0.0)]
    with pytest.raises(ValueError, match=r"bias for hidden_2 has shape \(3,\)"):
        apply_pretrained(model, wrong_bias)
    # Nothing was copied, not even the layers before the one that does not fit.
    assert all(a.tobytes() == b.tobytes() for a, b in zip(start, model.get_weights()))


def test_apply_pretrained_on_tensorflow_in_a_process_of_its_own():
    found = run_pretraining_check("tensorflow")
    assert found["backend"] == "tensorflow"
    assert found["kernels_match"] and found["output_kept"]
    # float32 forward pass against float64 NumPy on the same weights.
    assert found["worst_output_error"] < 1e-5, found


class CountingProducts:
    """Counts 2 × a × b × c for every (a × b)·(b × c) product BernoulliRBM computes."""

    def __init__(self, monkeypatch):
        from sklearn.neural_network import _rbm

        self.flops = 0
        original = _rbm.safe_sparse_dot
        counter = self

        def safe_sparse_dot(a, b, **options):
            counter.add(a, b)
            return original(a, b, **options)

        class Numpy:
            def __getattr__(self, name):
                return getattr(np, name)

            @staticmethod
            def dot(a, b, *rest):
                counter.add(a, b)
                return np.dot(a, b, *rest)

        monkeypatch.setattr(_rbm, "safe_sparse_dot", safe_sparse_dot)
        monkeypatch.setattr(_rbm, "np", Numpy())

    def add(self, a, b):
        assert np.ndim(a) == 2 and np.ndim(b) == 2 and a.shape[1] == b.shape[0]
        self.flops += 2 * a.shape[0] * a.shape[1] * b.shape[1]


@pytest.mark.parametrize(
    "samples, features, units, epochs, batch_size",
    [
        (23, 7, [5, 3], 2, 5),  # a short last batch: 5, 5, 5, 5, 3
        (20, 6, [4, 3, 2], 3, 5),  # even batches
        (9, 4, [3], 2, 30),  # one batch of 9 rows, the chain of batch_size (30) rows
    ],
)
def test_pretraining_flops_are_the_products_bernoulli_rbm_computes(
    monkeypatch, samples, features, units, epochs, batch_size
):
    counting = CountingProducts(monkeypatch)
    data = np.random.default_rng(4).random((samples, features), dtype=np.float32)
    rbm_stack(data, units, epochs=epochs, learning_rate=0.1, batch_size=batch_size, seed=0)
    assert counting.flops > 0
    assert pretraining_flops(features, units, samples, epochs, batch_size) == counting.flops


def test_pretraining_flops_by_hand():
    # 20 samples in batches of 5 (chain of 5 rows throughout), 2 epochs: 8 batches of five
    # products of 2 × 5 × n_in × n_out each, and the 20 samples transformed once for layer 2.
    assert pretraining_flops(6, [4, 3], 20, 2, 5) == (
        8 * 5 * 2 * 5 * 6 * 4 + 2 * 20 * 6 * 4 + 8 * 5 * 2 * 5 * 4 * 3
    )
    # 7 samples in batches of 3 (3, 3, 1), 2 epochs: batches of 3, 3, 1, 3, 3, 1 rows, and
    # the persistent chain of 3 rows in each; two products over the batch, three over the chain.
    assert pretraining_flops(2, [1], 7, 2, 3) == 2 * 2 * 1 * (2 * 14 + 3 * 18)


BAD_STACK = [
    ({"x": np.zeros((4, 3), dtype=np.uint8)}, "x must be a non-empty 2-D float32"),
    ({"x": np.zeros(4, dtype=np.float32)}, "x must be a non-empty 2-D float32"),
    ({"x": np.zeros((0, 3), dtype=np.float32)}, "x must be a non-empty 2-D float32"),
    ({"x": np.full((4, 3), 255, dtype=np.float32)}, r"x must hold pixels scaled to \[0, 1\]"),
    ({"x": np.full((4, 3), np.nan, dtype=np.float32)}, r"x must hold pixels scaled to \[0, 1\]"),
    ({"units": []}, "units must be a non-empty sequence"),
    ({"units": 5}, "units must be a non-empty sequence"),
    ({"units": [5, 0]}, "units must be a positive integer"),
    ({"units": [5, 2.0]}, "units must be a positive integer"),
    ({"epochs": 0}, "epochs must be a positive integer"),
    ({"epochs": True}, "epochs must be a positive integer"),
    ({"batch_size": 1.5}, "batch_size must be a positive integer"),
    ({"learning_rate": 0}, "learning_rate must be a finite number > 0"),
    ({"learning_rate": float("inf")}, "learning_rate must be a finite number > 0"),
    ({"learning_rate": "0.1"}, "learning_rate must be a finite number > 0"),
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"seed": 1.0}, "seed must be a non-negative integer"),
]


@pytest.mark.parametrize("change, message", BAD_STACK)
def test_rbm_stack_refuses_bad_arguments_by_name(change, message):
    arguments = {"x": np.full((4, 3), 0.5, dtype=np.float32), "units": [2], **ARGS, **change}
    with pytest.raises(ValueError, match=message):
        rbm_stack(**arguments)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"input_dim": 0}, "input_dim must be a positive integer"),
        ({"units": ()}, "units must be a non-empty sequence"),
        ({"samples": -3}, "samples must be a positive integer"),
        ({"epochs": 0}, "epochs must be a positive integer"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
    ],
)
def test_pretraining_flops_refuses_bad_arguments_by_name(change, message):
    arguments = {
        "input_dim": 784,
        "units": [500] * 8,
        "samples": 100,
        "epochs": 1,
        "batch_size": 10,
    }
    with pytest.raises(ValueError, match=message):
        pretraining_flops(**{**arguments, **change})

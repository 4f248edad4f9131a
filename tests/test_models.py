"""Unit tests of tipsbench.models: each condition of the default grid builds the network the
protocol describes."""

from __future__ import annotations

import keras
import pytest

from tipsbench.grid import resolve_grid
from tipsbench.models import build_model


def layer_summary(model):
    return [
        (
            type(layer).__name__,
            getattr(layer, "units", None) or getattr(layer, "rate", None),
            getattr(getattr(layer, "activation", None), "__name__", None),
        )
        for layer in model.layers
    ]


@pytest.fixture
def conditions(default_config):
    return resolve_grid(default_config).conditions


def test_base_model_is_the_slide_network(conditions):
    model = build_model(conditions["base"], 784, 10)
    assert layer_summary(model) == [
        ("Dense", 500, "sigmoid"),
        ("Dense", 500, "sigmoid"),
        ("Dense", 10, "softmax"),
    ]
    assert model.count_params() == 784 * 500 + 500 + 500 * 500 + 500 + 500 * 10 + 10
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert model.optimizer.learning_rate.numpy() == pytest.approx(0.1)
    assert float(model.optimizer.momentum) == 0.0
    assert model.loss == "categorical_crossentropy"


def test_nine_layers_means_eight_hidden_plus_output(conditions):
    model = build_model(conditions["layers-8-act-relu"], 784, 10)
    assert layer_summary(model) == [("Dense", 500, "relu")] * 8 + [("Dense", 10, "softmax")]


def test_complex_model_has_dropout_after_each_hidden_layer_and_adam(conditions):
    model = build_model(conditions["layers-3-act-relu-opt-adam-lr-0.001-dropout-0.2"], 784, 10)
    assert layer_summary(model) == [("Dense", 500, "relu"), ("Dropout", 0.2, None)] * 3 + [
        ("Dense", 10, "softmax")
    ]
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert model.optimizer.learning_rate.numpy() == pytest.approx(0.001)


def test_mse_condition_uses_mse_on_the_softmax_output(conditions):
    model = build_model(conditions["loss-mean-squared-error"], 784, 10)
    assert model.loss == "mean_squared_error"
    assert layer_summary(model)[-1] == ("Dense", 10, "softmax")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"activation": "swish"}, "unknown activation 'swish'"),
        ({"loss": "hinge"}, "unknown loss 'hinge'"),
        ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'"),
        ({"dropout_rate": 1.0}, r"dropout_rate=1.0 is outside \[0, 1\)"),
    ],
)
def test_bad_hyperparameters_are_refused_by_name(conditions, change, message):
    with pytest.raises(ValueError, match=message):
        build_model({**conditions["base"], **change}, 784, 10)

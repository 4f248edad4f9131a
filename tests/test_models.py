"""Unit tests of tipsbench.models: the schema's base condition, and the changes the slides
make to it, build the networks the protocol describes."""

from __future__ import annotations

import keras
import pytest

from tipsbench.models import build_model
from tipsbench.schema import defaults


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
def conditions():
    """The protocol's base (the schema's defaults) and the changes the slides make to it."""
    base = defaults("base")
    adam = {"optimizer": "adam", "learning_rate": 0.001}
    return {
        "base": base,
        "deep relu": {**base, "hidden_layers": 8, "activation": "relu"},
        "complex": {**base, "hidden_layers": 3, "activation": "relu", **adam, "dropout_rate": 0.2},
        "mse": {**base, "loss": "mean_squared_error"},
    }


def rate(model) -> float:
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


def test_base_model_is_the_slide_network(conditions):
    model = build_model(conditions["base"], 784, 10)
    assert layer_summary(model) == [
        ("Dense", 500, "sigmoid"),
        ("Dense", 500, "sigmoid"),
        ("Dense", 10, "softmax"),
    ]
    assert model.count_params() == 784 * 500 + 500 + 500 * 500 + 500 + 500 * 10 + 10
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert rate(model) == pytest.approx(0.1)
    assert float(model.optimizer.momentum) == 0.0
    assert model.loss == "categorical_crossentropy"


def test_nine_layers_means_eight_hidden_plus_output(conditions):
    model = build_model(conditions["deep relu"], 784, 10)
    assert layer_summary(model) == [("Dense", 500, "relu")] * 8 + [("Dense", 10, "softmax")]


def test_complex_model_has_dropout_after_each_hidden_layer_and_adam(conditions):
    model = build_model(conditions["complex"], 784, 10)
    assert layer_summary(model) == [("Dense", 500, "relu"), ("Dropout", 0.2, None)] * 3 + [
        ("Dense", 10, "softmax")
    ]
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert rate(model) == pytest.approx(0.001)


def test_mse_condition_uses_mse_on_the_softmax_output(conditions):
    model = build_model(conditions["mse"], 784, 10)
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

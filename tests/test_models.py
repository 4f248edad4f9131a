"""Unit tests of tipsbench.models: the schema's base condition, and the changes the slides
make to it, build the networks the protocol describes."""

from __future__ import annotations

import keras
import pytest

from tipsbench.models import build_model
from tipsbench.schema import hyperparameters


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
    base = hyperparameters()
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


@pytest.mark.parametrize(
    "schedule, expected",
    [
        # PiecewiseConstantDecay: the rate × sqrt(0.01) after half the updates, × 0.01 after
        # three quarters.
        (
            "step",
            lambda s: keras.optimizers.schedules.PiecewiseConstantDecay(
                [50, 75], [0.1, 0.1 * 0.1, 0.1 * 0.01]
            ),
        ),
        ("exponential", lambda s: keras.optimizers.schedules.ExponentialDecay(0.1, 100, 0.01)),
        ("cosine", lambda s: keras.optimizers.schedules.CosineDecay(0.1, 100, alpha=0.01)),
    ],
)
def test_each_schedule_is_the_keras_schedule_it_wraps(schedule, expected):
    from tipsbench.models import learning_rate

    resolved = hyperparameters(learning_rate_schedule=schedule)
    ours, keras_own = learning_rate(resolved, 100), expected(schedule)
    assert type(ours) is type(keras_own)
    for step in (0, 1, 49, 50, 51, 74, 75, 76, 99, 100):
        assert float(ours(step)) == pytest.approx(float(keras_own(step)), rel=1e-6), step
    # From the peak to the final fraction of it.
    assert float(ours(0)) == pytest.approx(0.1) and float(ours(100)) == pytest.approx(0.001)


def test_a_constant_rate_is_the_plain_number_and_a_schedule_needs_the_updates():
    from tipsbench.models import learning_rate

    assert learning_rate(hyperparameters(), None) == 0.1  # exactly what the optimizer got before
    with pytest.raises(ValueError, match="needs the run's number of updates"):
        learning_rate({**hyperparameters(), "learning_rate_schedule": "cosine"}, None)
    model = build_model(
        {**hyperparameters(), "learning_rate_schedule": "exponential"}, 784, 10, updates=2000
    )
    # The optimizer holds the schedule itself (Keras keeps it as _learning_rate) over the
    # run's 2,000 updates.
    held = model.optimizer._learning_rate
    assert isinstance(held, keras.optimizers.schedules.ExponentialDecay)
    assert held.decay_steps == 2000 and held.decay_rate == pytest.approx(0.01)

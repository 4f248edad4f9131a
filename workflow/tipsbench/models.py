"""Build and compile the Keras model of one condition from its resolved hyperparameters.

The lecture's network: ``hidden_layers`` × Dense(``units``, ``activation``), each followed
by Dropout(``dropout_rate``) when the rate is above zero, then Dense(classes, softmax).
Keras defaults otherwise (glorot_uniform kernels, zero biases), as in the lecturer's code.
The optimizer's learning rate is constant, or a schedule from ``keras.optimizers.schedules``
("set the learning rate carefully": large at first, small later).
"""

from __future__ import annotations

import math
from typing import Any

import keras
from keras import layers

from tipsbench.schema import allowed


def learning_rate(hyperparameters: dict[str, Any], updates: int | None) -> Any:
    """The optimizer's learning rate: a number, or a Keras schedule over ``updates`` steps.

    ``learning_rate`` is the peak, ``final_fraction`` the share of it at the last update:
    constant; step (``PiecewiseConstantDecay``: the rate × sqrt(final_fraction) from half of
    the updates, × final_fraction from three quarters); exponential (``ExponentialDecay`` with
    decay_rate final_fraction over all the updates); cosine (``CosineDecay`` with alpha
    final_fraction over all the updates).
    """
    peak = hyperparameters["learning_rate"]
    schedule = hyperparameters["learning_rate_schedule"]
    if schedule not in allowed("learning_rate_schedule"):
        raise ValueError(
            f"unknown learning_rate_schedule {schedule!r} "
            f"(expected one of {allowed('learning_rate_schedule')})"
        )
    if schedule == "constant":
        return peak
    if not updates or updates < 1:
        raise ValueError(
            f"a {schedule} schedule needs the run's number of updates, got {updates!r}"
        )
    final = hyperparameters["final_fraction"]
    schedules = keras.optimizers.schedules
    if schedule == "step":
        return schedules.PiecewiseConstantDecay(
            boundaries=[updates // 2, (3 * updates) // 4],
            values=[peak, peak * math.sqrt(final), peak * final],
        )
    if schedule == "exponential":
        return schedules.ExponentialDecay(peak, decay_steps=updates, decay_rate=final)
    return schedules.CosineDecay(peak, decay_steps=updates, alpha=final)


def build_model(
    hyperparameters: dict[str, Any],
    input_dim: int,
    num_classes: int,
    steps_per_execution: int = 1,
    mask_seed: int | None = None,
    updates: int | None = None,
) -> keras.Model:
    """A compiled ``Sequential`` MLP for one condition.

    ``steps_per_execution`` is Keras' compile option: batches per call into the compiled
    function. It changes the speed, not the numbers. ``mask_seed`` seeds the dropout masks
    apart from everything else (``training.train_condition`` decides when); ``updates``, the
    run's weight updates, sets the length of a learning-rate schedule. The allowed
    activations, losses and optimizers are the config schema's; each is Keras' object of
    that name.
    """
    for key in ("activation", "loss", "optimizer"):
        if hyperparameters[key] not in allowed(key):
            raise ValueError(
                f"unknown {key} {hyperparameters[key]!r} (expected one of {allowed(key)})"
            )
    activation = hyperparameters["activation"]
    optimizer = keras.optimizers.get(
        {
            "class_name": hyperparameters["optimizer"],
            "config": {"learning_rate": learning_rate(hyperparameters, updates)},
        }
    )
    dropout_rate = hyperparameters["dropout_rate"]
    if not 0 <= dropout_rate < 1:
        raise ValueError(f"dropout_rate={dropout_rate} is outside [0, 1)")

    model = keras.Sequential(name="mlp")
    model.add(keras.Input(shape=(input_dim,)))
    for index in range(hyperparameters["hidden_layers"]):
        model.add(
            layers.Dense(
                hyperparameters["units"], activation=activation, name=f"hidden_{index + 1}"
            )
        )
        if dropout_rate > 0:
            # An explicit seed gives the dropout masks a stream of their own (one per layer)
            # and leaves the draws of the layers' initial weights alone; None draws it from
            # Python's random, which shifts the initial weights of every later layer.
            seed = None if mask_seed is None else mask_seed * 1000 + index
            model.add(layers.Dropout(dropout_rate, seed=seed, name=f"dropout_{index + 1}"))
    model.add(layers.Dense(num_classes, activation="softmax", name="output"))
    model.compile(
        loss=hyperparameters["loss"],
        optimizer=optimizer,
        metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
        steps_per_execution=steps_per_execution,
    )
    return model

"""Build and compile the Keras model of one condition from its resolved hyperparameters.

The lecture's network: ``hidden_layers`` × Dense(``units``, ``activation``), each followed
by Dropout(``dropout_rate``) when the rate is above zero, then Dense(classes, softmax).
Keras defaults otherwise (glorot_uniform kernels, zero biases), as in the lecturer's code.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers

OPTIMIZERS = {
    "sgd": keras.optimizers.SGD,
    "adam": keras.optimizers.Adam,
    "rmsprop": keras.optimizers.RMSprop,
    "adagrad": keras.optimizers.Adagrad,
}
LOSSES = ("categorical_crossentropy", "mean_squared_error")
ACTIVATIONS = ("sigmoid", "relu", "tanh", "linear")


def build_model(
    hyperparameters: dict[str, Any], input_dim: int, num_classes: int, steps_per_execution: int = 1
) -> keras.Model:
    """A compiled ``Sequential`` MLP for one condition.

    ``steps_per_execution`` is Keras' compile option: batches per call into the compiled
    function. It changes the speed, not the numbers.
    """
    activation = hyperparameters["activation"]
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r} (expected one of {ACTIVATIONS})")
    if hyperparameters["loss"] not in LOSSES:
        raise ValueError(f"unknown loss {hyperparameters['loss']!r} (expected one of {LOSSES})")
    optimizer_class = OPTIMIZERS.get(hyperparameters["optimizer"])
    if optimizer_class is None:
        raise ValueError(
            f"unknown optimizer {hyperparameters['optimizer']!r} (expected one of {tuple(OPTIMIZERS)})"
        )
    dropout_rate = hyperparameters["dropout_rate"]
    if not 0 <= dropout_rate < 1:
        raise ValueError(f"dropout_rate={dropout_rate} is outside [0, 1)")

    model = keras.Sequential(name="mlp")
    model.add(keras.Input(shape=(input_dim,)))
    for index in range(hyperparameters["hidden_layers"]):
        model.add(layers.Dense(hyperparameters["units"], activation=activation, name=f"hidden_{index + 1}"))
        if dropout_rate > 0:
            model.add(layers.Dropout(dropout_rate, name=f"dropout_{index + 1}"))
    model.add(layers.Dense(num_classes, activation="softmax", name="output"))
    model.compile(
        loss=hyperparameters["loss"],
        optimizer=optimizer_class(learning_rate=hyperparameters["learning_rate"]),
        metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
        steps_per_execution=steps_per_execution,
    )
    return model

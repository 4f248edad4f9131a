"""Per-layer gradients and weight changes of a Keras model: the slides' mechanism, measured.

The slides explain why a deep sigmoid network fails by its gradients: small near the input
("learn very slow, almost random"), large near the output ("learn very fast, already
converge"). These functions measure that on a batch: the gradient of the model's own loss
with respect to each Dense layer's kernel and bias, and how far each layer's kernel has moved
from its initial value. Keras 3 has no backend-neutral gradient call, so each backend has one
small function (``_jax_gradients``, ``_tensorflow_gradients``); both run the network in
inference mode (no dropout) and change no variable, so a run that measures them gives the
same numbers as one that does not.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# The columns of a run's layers.csv: per Dense layer, at one update count.
LAYER_COLUMNS = [
    "update",
    "layer",
    "name",
    "units",
    "kernel_gradient",
    "bias_gradient",
    "kernel_change",
]


def dense_layers(model: Any) -> list[Any]:
    """The model's Dense layers in order (hidden layers, then the output layer)."""
    return [layer for layer in model.layers if hasattr(layer, "kernel")]


def _loss(model: Any):
    import keras

    return keras.losses.get(model.loss)


def _jax_gradients(model: Any, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    import jax
    import keras

    trainable = [variable.value for variable in model.trainable_variables]
    non_trainable = [variable.value for variable in model.non_trainable_variables]
    loss = _loss(model)

    def objective(values):
        predicted, _ = model.stateless_call(values, non_trainable, x, training=False)
        return keras.ops.mean(loss(y, predicted))

    return [np.asarray(gradient) for gradient in jax.grad(objective)(trainable)]


def _tensorflow_gradients(model: Any, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    import keras
    import tensorflow as tf

    loss = _loss(model)
    with tf.GradientTape() as tape:
        predicted = model(x, training=False)
        value = keras.ops.mean(loss(y, predicted))
    return [np.asarray(gradient) for gradient in tape.gradient(value, model.trainable_variables)]


GRADIENTS = {"jax": _jax_gradients, "tensorflow": _tensorflow_gradients}


def trainable_gradients(model: Any, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """The gradient of the model's mean loss on (x, y) for every trainable variable, in the
    order of ``model.trainable_variables``, on the backend Keras runs."""
    import keras

    backend = keras.backend.backend()
    if backend not in GRADIENTS:
        raise ValueError(f"no gradient function for backend {backend!r} (have: {list(GRADIENTS)})")
    return GRADIENTS[backend](model, x, y)


def rms(array: np.ndarray) -> float:
    """Root mean square of an array's entries: its norm over the square root of its size, so
    that layers of different sizes compare."""
    array = np.asarray(array, dtype=np.float64)
    return float(np.sqrt(np.mean(array**2))) if array.size else float("nan")


def relative_change(initial: np.ndarray, current: np.ndarray) -> float:
    """How far weights moved from their initial values: ||W_t − W_0|| / ||W_0|| (Frobenius)."""
    initial = np.asarray(initial, dtype=np.float64)
    current = np.asarray(current, dtype=np.float64)
    if initial.shape != current.shape:
        raise ValueError(f"weights changed shape: {initial.shape} -> {current.shape}")
    norm = np.linalg.norm(initial)
    return float(np.linalg.norm(current - initial) / norm) if norm else float("nan")


def layer_records(
    model: Any, x: np.ndarray, y: np.ndarray, initial: list[np.ndarray], update: int
) -> list[dict[str, Any]]:
    """One row per Dense layer (LAYER_COLUMNS): its gradient sizes on (x, y) (root mean square
    of the kernel's and the bias's gradient) and its kernel's relative change from ``initial``
    (the kernels at update 0, in layer order)."""
    gradients = dict(
        zip(
            (id(variable) for variable in model.trainable_variables),
            trainable_gradients(model, x, y),
        )
    )
    rows = []
    for index, (layer, start) in enumerate(zip(dense_layers(model), initial), start=1):
        rows.append(
            {
                "update": int(update),
                "layer": index,
                "name": layer.name,
                "units": int(layer.units),
                "kernel_gradient": rms(gradients[id(layer.kernel)]),
                "bias_gradient": rms(gradients[id(layer.bias)]),
                "kernel_change": relative_change(start, np.asarray(layer.kernel.value)),
            }
        )
    return rows

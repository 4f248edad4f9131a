"""Greedy layer-wise RBM pre-training of the deep sigmoid MLP ("in 2006, people used RBM
pre-training"): initial weights for its hidden Dense layers, and what computing them cost.

``rbm_stack`` trains one scikit-learn ``BernoulliRBM`` per hidden layer, greedily (Hinton,
Osindero & Teh 2006; Erhan et al. 2010, JMLR 11): the first on the pixels (scaled to [0, 1]),
each next one on the hidden probabilities P(h = 1 | v) of the one below. It produces, per
hidden layer, the Dense kernel (n_in, n_out) = ``components_.T`` and the hidden bias
``intercept_hidden_`` (float32, what the sigmoid layer computes sigmoid(x @ kernel + bias)
with), the RBM's visible bias (which the MLP has no use for) and the seconds the layer took.
``apply_pretrained`` copies them into a model of ``tipsbench.models.build_model``; the output
layer keeps the weights it was built with, and fine-tuning then runs as in every other arm.

The FLOPs of the pre-training (``pretraining_flops``), counting a product of an (a × b) and a
(b × c) matrix as 2abc, with n_in and n_out a layer's widths, n the samples, B the batch size
and E the epochs, from what ``BernoulliRBM.fit`` does per mini-batch of b rows (persistent
contrastive divergence, whose chain holds c = B rows, however many rows b the
batch has):

    positive phase        2 × b × n_in × n_out    (P(h | v) of the batch)
    positive statistics   2 × b × n_in × n_out    (vᵀ P(h | v))
    Gibbs step, visible   2 × c × n_in × n_out    (P(v | h) of the persistent chain)
    Gibbs step, hidden    2 × c × n_in × n_out    (P(h | v) of the chain's new visibles)
    negative statistics   2 × c × n_in × n_out    (P(h | v)ᵀ v of the chain)
    transform             2 × n × n_in × n_out    (once per layer below the top: the input
                                                   of the next layer)

Over a layer's fit the batches hold n × E rows and the chain B × ⌈n / B⌉ × E rows (sklearn's
batches hold B rows each, the last one the rest; the chain holds B rows in every batch). Left
out: elementwise work (the sigmoids, the bias additions, the scaling by the learning rate and
the updates of the weights and biases: about 3 × n_in × n_out a batch, under 1% of the batch's
products at B = 100, and the column sums), the random draws (one uniform number per visible
and per hidden unit of the chain a batch, and the normal draws of the initial weights) and
sklearn's input checks.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np


@dataclass(frozen=True)
class PretrainedLayer:
    """One hidden layer's pre-trained weights: ``kernel`` (n_in, n_out) and ``bias`` (n_out,)
    for the Dense layer, the RBM's ``visible_bias`` (n_in,), all float32, and ``seconds``: the
    wall time of its fit and of the transform that feeds the next layer."""

    kernel: np.ndarray
    bias: np.ndarray
    visible_bias: np.ndarray
    seconds: float


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _check_units(units: Any) -> list[int]:
    if isinstance(units, (str, bytes)) or not isinstance(units, Sequence) or not len(units):
        raise ValueError(f"units must be a non-empty sequence of layer widths, got {units!r}")
    return [_positive_int("units", width) for width in units]


def layer_seed(seed: int, index: int) -> int:
    """The ``random_state`` of the RBM of hidden layer ``index`` (0 for the first): the first
    word of the ``index``-th child of ``numpy.random.SeedSequence(seed)``, so every layer draws
    from a stream of its own, and a layer's stream does not depend on how many layers the
    stack has."""
    child = np.random.SeedSequence(seed).spawn(index + 1)[index]
    return int(child.generate_state(1, dtype=np.uint32)[0])


def rbm_stack(
    x: np.ndarray,
    units: Sequence[int],
    epochs: int,
    learning_rate: float,
    batch_size: int,
    seed: int,
) -> list[PretrainedLayer]:
    """Greedy layer-wise pre-training: one ``BernoulliRBM`` per width in ``units``.

    Layer k is ``BernoulliRBM(n_components=units[k], learning_rate=learning_rate,
    batch_size=batch_size, n_iter=epochs, random_state=layer_seed(seed, k))`` fitted on ``x``
    (k = 0: pixels scaled to [0, 1], float32, one row per image) or on the hidden
    probabilities P(h | v) (``transform``) of layer k − 1's input. Returns one
    ``PretrainedLayer`` per layer, bottom first. Bad arguments raise ValueError naming the
    argument.

    The same arguments give bit-identical weights as long as BLAS runs on the same number of
    threads (the training jobs fix it: OMP_NUM_THREADS, set before any import). A different
    count gives other last bits, which the chain's random draws then amplify (checked with
    scikit-learn 1.9.1: 1 and 2 threads give different weights, each reproducible).
    """
    if not isinstance(x, np.ndarray) or x.ndim != 2 or x.dtype != np.float32 or not x.size:
        got = f"{x.dtype} array of shape {x.shape}" if isinstance(x, np.ndarray) else type(x)
        raise ValueError(f"x must be a non-empty 2-D float32 array of pixels in [0, 1], got {got}")
    if not np.isfinite(x).all() or x.min() < 0 or x.max() > 1:
        raise ValueError("x must hold pixels scaled to [0, 1] (finite, 0 <= x <= 1)")
    widths = _check_units(units)
    epochs = _positive_int("epochs", epochs)
    batch_size = _positive_int("batch_size", batch_size)
    if (
        isinstance(learning_rate, bool)
        or not isinstance(learning_rate, Real)
        or not (math.isfinite(learning_rate) and learning_rate > 0)
    ):
        raise ValueError(f"learning_rate must be a finite number > 0, got {learning_rate!r}")
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")

    layers = []
    # Imported here: the cost model (pretraining_flops) is read at every workflow start, where
    # loading scikit-learn would only cost time.
    from sklearn.neural_network import BernoulliRBM

    inputs = x
    for index, width in enumerate(widths):
        started = time.perf_counter()
        rbm = BernoulliRBM(
            n_components=width,
            learning_rate=float(learning_rate),
            batch_size=batch_size,
            n_iter=epochs,
            random_state=layer_seed(int(seed), index),
        )
        # Threads: every matrix product is a numpy call (matmul / dot) into numpy's OpenBLAS,
        # whose thread count is read from OPENBLAS_NUM_THREADS or OMP_NUM_THREADS when numpy
        # loads it. BernoulliRBM sets no limit of its own: no threadpoolctl limit, no OpenMP
        # loop (scikit-learn's threadpoolctl limits guard other estimators, e.g. KMeans), and
        # scipy's expit is a single-threaded ufunc. To change the count in a running process,
        # wrap the call in threadpoolctl.threadpool_limits(n, user_api="blas").
        # BernoulliRBM.fit keeps float32 input float32 (scikit-learn 1.9: validate_data with
        # dtype=(float64, float32); weights, biases and the persistent chain take X's dtype),
        # so every matrix product is a float32 (sgemm) one. Only the random draws are float64
        # (compared with the float32 probabilities), and the visible bias's gradient, float32
        # data sums minus the int64 sums of the chain's boolean visibles, is float64 until it
        # is added into the float32 bias.
        # transform() keeps float32 too, so the next layer trains on float32 probabilities.
        rbm.fit(inputs)
        if index + 1 < len(widths):
            inputs = rbm.transform(inputs)
        layers.append(
            PretrainedLayer(
                kernel=np.ascontiguousarray(rbm.components_.T, dtype=np.float32),
                bias=np.array(rbm.intercept_hidden_, dtype=np.float32),
                visible_bias=np.array(rbm.intercept_visible_, dtype=np.float32),
                seconds=time.perf_counter() - started,
            )
        )
    return layers


def _hidden_layers(model: Any) -> list[Any]:
    """The model's hidden Dense layers (``hidden_1``, ``hidden_2``, … as build_model names
    them), in order."""
    hidden = {}
    for layer in model.layers:
        prefix, _, number = layer.name.rpartition("_")
        if prefix == "hidden" and number.isdigit():
            hidden[int(number)] = layer
    if sorted(hidden) != list(range(1, len(hidden) + 1)):
        raise ValueError(f"the model's hidden layers are not hidden_1 … hidden_n: {sorted(hidden)}")
    return [hidden[number] for number in range(1, len(hidden) + 1)]


def apply_pretrained(model: Any, layers: Sequence[PretrainedLayer]) -> None:
    """Copy the pre-trained kernels and hidden biases into the model's hidden Dense layers, in
    order, in place (on any Keras backend); the output layer keeps the weights it was built
    with. ValueError when the number of layers or a shape does not match (nothing is copied
    then)."""
    hidden = _hidden_layers(model)
    if len(hidden) != len(layers):
        raise ValueError(
            f"layers has {len(layers)} pre-trained layers, the model {len(hidden)} hidden layers"
        )
    for target, source in zip(hidden, layers):
        if not target.built:
            raise ValueError(f"the model's layer {target.name} is not built")
        for what, variable, value in (
            ("kernel", target.kernel, source.kernel),
            ("bias", target.bias, source.bias),
        ):
            if tuple(variable.shape) != np.shape(value):
                raise ValueError(
                    f"layers: the {what} for {target.name} has shape {np.shape(value)}, "
                    f"the model's {tuple(variable.shape)}"
                )
    for target, source in zip(hidden, layers):
        target.kernel.assign(np.asarray(source.kernel, dtype=np.float32))
        target.bias.assign(np.asarray(source.bias, dtype=np.float32))


def pretraining_flops(
    input_dim: int, units: Sequence[int], samples: int, epochs: int, batch_size: int
) -> int:
    """FLOPs of ``rbm_stack`` on ``samples`` rows of ``input_dim`` pixels, as the module
    docstring counts them: the matrix products of every mini-batch of every layer's fit
    (positive phase, the Gibbs step of the persistent chain, both statistics of the gradient)
    and the transform of every sample that feeds the next layer. Elementwise work and the
    random draws are left out."""
    widths = _check_units(units)
    n_in = _positive_int("input_dim", input_dim)
    samples = _positive_int("samples", samples)
    epochs = _positive_int("epochs", epochs)
    batch_size = _positive_int("batch_size", batch_size)
    batch_rows = samples * epochs
    # The persistent chain (h_samples_) has batch_size rows in every batch, the last one too.
    chain_rows = batch_size * -(-samples // batch_size) * epochs
    total = 0
    for index, n_out in enumerate(widths):
        total += 2 * n_in * n_out * (2 * batch_rows + 3 * chain_rows)
        if index + 1 < len(widths):
            total += 2 * samples * n_in * n_out
        n_in = n_out
    return total

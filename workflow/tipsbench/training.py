"""Train one condition with one seed and describe the run: history, probe, metrics, weights,
predictions; and several seeds of one condition in one process (``train_seeds``), each as if
it were alone.

``configure_runtime`` must run before Keras is imported: it picks the backend and pins
the framework's thread pools to the threads Snakemake gave the job, and asks for
deterministic kernels so that a rerun of the same (condition, seed) on the same
machine and backend gives the same numbers.

The probe: a fixed set of training and test images scored in inference mode at log-spaced
update counts during ``fit`` (0, 1, 2, 3, 4, 6, 10, 16, ... up to the last update), so that
"how fast" can be read at a finer grain than the per-epoch curve. It only reads the weights:
a run with a probe gives the same numbers, bit for bit, as one without.
"""

from __future__ import annotations

import math
import os
import platform
import sys
import time
import traceback
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tipsbench.gradients import LAYER_COLUMNS

# Batches per call into the compiled train/test function (Keras' steps_per_execution): an
# epoch of batch 100 in one call instead of 100 Python round trips. Same arithmetic, same
# weights bit for bit; measured 17 % less fit time on TensorFlow, 3 % on JAX (benchmarks/).
STEPS_PER_EXECUTION = 100
# The sources of randomness a condition may seed on their own (<source>_seed hyperparameters).
SEED_SOURCES = ("init", "order", "mask")
# Batch size of the per-epoch validation and of the final evaluate()/predict(): 10 batches
# instead of 100 per pass, and one compiled test function serves every pass.
EVALUATION_BATCH = 1000
# Keras clips probabilities to [EPSILON, 1 - EPSILON] before the log of its cross-entropy; the
# probe's cross-entropy does the same, so it reads like the loss Keras reports.
EPSILON = 1e-7
PROBE_COLUMNS = [
    "update",
    "epoch",
    "train_accuracy",
    "train_crossentropy",
    "test_accuracy",
    "test_crossentropy",
]


def framework_threads(threads: int) -> int:
    """The threads the framework may use.

    What Snakemake granted, never more than the machine has.
    """
    return max(1, min(int(threads), os.cpu_count() or 1))


def configure_runtime(backend: str, threads: int) -> None:
    """Select the Keras backend and the thread count through the environment, before import."""
    from tipsbench.schema import allowed

    if backend not in allowed("backend"):
        raise ValueError(f"unknown backend {backend!r} (expected one of {allowed('backend')})")
    if "keras" in sys.modules and os.environ.get("KERAS_BACKEND", "tensorflow") != backend:
        raise RuntimeError("configure_runtime must run before keras is imported")
    threads = framework_threads(threads)
    os.environ["KERAS_BACKEND"] = backend
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    os.environ["OMP_NUM_THREADS"] = str(threads)
    os.environ["TF_NUM_INTRAOP_THREADS"] = str(threads)
    os.environ["TF_NUM_INTEROP_THREADS"] = "1"
    os.environ["TF_DETERMINISTIC_OPS"] = "1"
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "")
        + f" --xla_cpu_multi_thread_eigen={'true' if threads > 1 else 'false'}"
    ).strip()
    if backend == "jax":
        # keras.utils.set_random_seed seeds TensorFlow whenever it is installed, and so imports
        # it (3-5 s and ~150 MB per job) into a JAX job that never runs a TensorFlow op. JAX
        # jobs shuffle with NumPy's generator and draw initial weights and dropout masks with
        # Keras' seed generator, which set_random_seed still seeds: same numbers, bit for bit.
        sys.modules.setdefault("tensorflow", None)
        # Every job would otherwise compile its train, test and predict programs and each
        # weight initializer again with XLA (~2.5 s of a job on 2 cores). JAX's persistent
        # compilation cache, shared by all jobs, makes that a file read; its key covers the
        # program, the XLA flags and the versions, and a cached executable is the one a fresh
        # compile gives. JAX_COMPILATION_CACHE_DIR moves it, JAX_ENABLE_COMPILATION_CACHE=false
        # turns it off.
        cache = (
            Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tipsbench" / "jax"
        )
        os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", str(cache))
        os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
        if cuda_jax_installed():
            # On an NVIDIA GPU (`make run-gpu`): the jobs side by side share the GPU, so none
            # takes most of its memory up front, and XLA's GPU kernels are the deterministic
            # ones. Nothing changes on a machine without the CUDA build of JAX.
            os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
            os.environ["XLA_FLAGS"] += " --xla_gpu_deterministic_ops=true"


def cuda_jax_installed() -> bool:
    """Whether the CUDA build of JAX (jax[cuda12] or jax[cuda13]) is installed."""
    from importlib.util import find_spec

    return any(find_spec(f"jax_cuda{version}_plugin") for version in (12, 13))


def _seed_and_pin(seed: int, threads: int) -> None:
    import keras

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        # Thread pools can only be set before TensorFlow runs its first op.
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:
            pass
        tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(seed)


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape a run's numbers."""
    import keras

    versions = {"python": platform.python_version(), "keras": keras.__version__}
    for package in ("tensorflow", "tensorflow-cpu", "jax", "jaxlib", "numpy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _last_finite_epoch(history: pd.DataFrame) -> int:
    finite = np.isfinite(history[["train_loss", "test_loss"]].to_numpy()).all(axis=1)
    bad = np.flatnonzero(~finite)
    return int(bad[0]) if len(bad) else len(history)


def _stop_on_non_finite_loss():
    """A callback that ends training after an epoch whose loss is NaN or infinite.

    Keras' TerminateOnNaN checks after every batch, which makes the backend hand back the
    loss every step; checking once per epoch gives the same weights and numbers and saves
    5-15 % of the fit time (benchmarks/speed.py). A diverged epoch is kept in the history.
    """
    import keras

    class StopOnNonFiniteLoss(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if logs is not None and not math.isfinite(float(logs.get("loss", 0.0))):
                self.model.stop_training = True

    return StopOnNonFiniteLoss()


def batches_per_epoch(train_samples: int, batch_size: int) -> int:
    """Updates per epoch: one per mini-batch, the last one possibly smaller."""
    if train_samples < 1 or batch_size < 1:
        raise ValueError(
            f"train_samples and batch_size must be >= 1, got {train_samples} and {batch_size}"
        )
    return math.ceil(train_samples / batch_size)


def probe_schedule(updates: int, points_per_decade: int) -> list[int]:
    """The update counts at which the probe is scored: 0, log-spaced counts, and ``updates``.

    ``points_per_decade`` counts 10**(k / points_per_decade) for k = 0, 1, ..., rounded to
    whole updates (duplicates dropped), so 5 per decade gives 1, 2, 3, 4, 6, 10, 16, 25,
    40, 63, 100, ...; the run's last update is always a point, 0 (the initial weights) too.
    """
    if updates < 0 or points_per_decade < 1:
        raise ValueError(
            f"updates must be >= 0 and points_per_decade >= 1, got {updates} and "
            f"{points_per_decade}"
        )
    points = {0, updates}
    step = 0
    while (count := round(10 ** (step / points_per_decade))) < updates:
        points.add(count)
        step += 1
    return sorted(points)


def probe_scores(probabilities: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Accuracy and mean categorical cross-entropy of predicted class probabilities.

    The cross-entropy clips the probability of the true class to [EPSILON, 1 − EPSILON],
    as Keras does, and is computed in float64. Non-finite probabilities (a diverged network)
    give a NaN cross-entropy; their accuracy counts the class ``argmax`` picks, as
    ``evaluate()`` does.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    if probabilities.ndim != 2 or len(probabilities) != len(labels):
        raise ValueError(
            f"expected one row of probabilities per label, got shape {probabilities.shape} "
            f"for {len(labels)} labels"
        )
    accuracy = float(np.mean(probabilities.argmax(axis=1) == labels))
    true_class = probabilities[np.arange(len(labels)), labels]
    crossentropy = float(-np.mean(np.log(np.clip(true_class, EPSILON, 1 - EPSILON))))
    return accuracy, crossentropy


def probe_sets(
    data: dict[str, np.ndarray], train_images: int, test_images: int
) -> dict[str, np.ndarray]:
    """The probe's images: the first ``train_images`` training and ``test_images`` test images
    of the run (after ``model_inputs``), with their labels."""
    train = min(train_images, len(data["x_train"]))
    test = min(test_images, len(data["x_test"]))
    return {
        "x": np.concatenate([data["x_train"][:train], data["x_test"][:test]]),
        "train_labels": data["y_train"][:train].argmax(axis=1),
        "test_labels": data["y_test"][:test].argmax(axis=1),
    }


def gradient_schedule(updates: int) -> list[int]:
    """The update counts at which the layers' gradients are measured: 0, each power of ten
    below the last update, and the last update."""
    points, decade = {0, updates}, 1
    while decade < updates:
        points.add(decade)
        decade *= 10
    return sorted(points)


def _probe_callback(
    probe: dict[str, np.ndarray],
    schedule: list[int],
    per_epoch: int,
    layers: dict[str, Any] | None = None,
):
    """A Keras callback that scores ``probe`` after each scheduled number of updates.

    It checks the schedule before each batch (the updates done so far) and at the end of
    each epoch, and scores with ``predict_on_batch()``, which runs the network in inference
    mode and changes no weight, optimizer or metric state. A run stopped early (a non-finite
    loss) is scored once more where it stopped. ``rows`` holds one dict per point scored.

    ``layers`` (``x``, ``y``, ``points``) also measures, at those of its points the probe
    reaches and where the run stops, each Dense layer's gradient sizes on (x, y) and its
    kernel's relative change since update 0 (``gradients.layer_records``), into
    ``layer_rows``.
    """
    import keras

    from tipsbench.gradients import dense_layers, layer_records

    train_count = len(probe["train_labels"])

    class Probe(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.pending = list(schedule)
            self.rows: list[dict[str, float]] = []
            self.layer_rows: list[dict[str, Any]] = []
            self.initial: list[np.ndarray] | None = None
            self.epoch = 0
            # Time spent scoring, inside fit(): what the probe costs.
            self.seconds = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        # Before a batch, not after it: Keras hands batch-end hooks its logs as Python
        # numbers, which would make every step wait for the device.
        def on_train_batch_begin(self, batch, logs=None):
            self._score_if_due(self.epoch * per_epoch + batch)

        def on_epoch_end(self, epoch, logs=None):
            self._score_if_due((epoch + 1) * per_epoch)

        def on_train_end(self, logs=None):
            done = (self.epoch + 1) * per_epoch
            if not self.rows or self.rows[-1]["update"] < done:
                self._score(done, last=True)
            elif layers and (not self.layer_rows or self.layer_rows[-1]["update"] < done):
                self._measure_layers(done)

        def _score_if_due(self, updates: int) -> None:
            if not self.pending or self.pending[0] > updates:
                return
            while self.pending and self.pending[0] <= updates:
                self.pending.pop(0)
            self._score(updates)

        def _score(self, updates: int, last: bool = False) -> None:
            started = time.perf_counter()
            # self.model (not self._model) attaches the JAX backend's training state first.
            # A direct call in inference mode: predict() would build a data iterator and a
            # callback list on every call, which costs more than the arithmetic here.
            probabilities = np.asarray(self.model.predict_on_batch(probe["x"]))
            train = probe_scores(probabilities[:train_count], probe["train_labels"])
            test = probe_scores(probabilities[train_count:], probe["test_labels"])
            self.rows.append(
                {
                    "update": updates,
                    "epoch": updates / per_epoch,
                    "train_accuracy": train[0],
                    "train_crossentropy": train[1],
                    "test_accuracy": test[0],
                    "test_crossentropy": test[1],
                }
            )
            if layers and (updates in layers["points"] or last):
                self._measure_layers(updates)
            self.seconds += time.perf_counter() - started

        def _measure_layers(self, updates: int) -> None:
            model = self.model
            if self.initial is None:
                self.initial = [np.asarray(layer.kernel.value) for layer in dense_layers(model)]
            self.layer_rows += layer_records(model, layers["x"], layers["y"], self.initial, updates)

    return Probe()


def model_inputs(
    hyperparameters: dict[str, Any], data: dict[str, np.ndarray], seed: int
) -> dict[str, np.ndarray]:
    """The arrays a condition trains and is tested on: unscaled and/or a noisy test set if it asks.

    ``scale_inputs`` false undoes the data step's division by 255 (rounded back to the
    exact integers); ``test_noise`` adds N(0, test_noise²) to every test pixel after
    scaling, drawn with the run's seed, so both arms of a study see the same noisy set.
    ``train_size`` trains on the first ``train_size`` images of the prepared training set, or
    on a random ``train_size`` of them when ``data_seed`` is set (``"run"``: the run's seed).
    A validation set, when the data has one, is prepared like the training images.
    """
    data = dict(data)
    train_size = hyperparameters.get("train_size")
    available = len(data["x_train"])
    if train_size is not None and not 1 <= train_size <= available:
        raise ValueError(f"train_size={train_size} is outside [1, {available}]")
    data_seed = hyperparameters.get("data_seed")
    if data_seed is not None:
        # Which training images: a random train_size of the prepared ones, drawn with the
        # run's seed ("run") or a fixed one, kept in file order.
        rng = np.random.default_rng(seed if data_seed == "run" else data_seed)
        chosen = np.sort(rng.choice(available, size=train_size or available, replace=False))
    else:
        chosen = slice(0, train_size)  # the lecture's: the first train_size images
    for name in ("x_train", "y_train", "labels_train"):
        if name in data:
            data[name] = data[name][chosen]
    if not hyperparameters.get("scale_inputs", True):
        for name in ("x_train", "x_test", "x_val"):
            if name not in data:
                continue
            data[name] = np.rint(data[name] * np.float32(255)).astype(np.float32)
    noise = hyperparameters.get("test_noise", 0.0)
    if noise > 0:
        rng = np.random.default_rng(seed)
        data["x_test"] = (data["x_test"] + rng.normal(0.0, noise, data["x_test"].shape)).astype(
            np.float32
        )
    return data


def train_condition(
    hyperparameters: dict[str, Any],
    data: dict[str, np.ndarray],
    seed: int,
    threads: int = 1,
    verbose: int = 2,
    probe: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Fit one condition with one seed, then evaluate it on the train and test sets.

    Returns ``history`` (per-epoch train and test loss and accuracy), ``probe`` (the probe's
    scores at each scheduled update, PROBE_COLUMNS; empty without a probe), ``layers`` (each
    Dense layer's gradient sizes and relative weight change at ``gradient_schedule`` update
    counts, ``gradients.LAYER_COLUMNS``; empty without them), ``metrics`` (the
    run's summary), ``weights`` (the final parameters) and ``predictions`` (predicted
    test labels). A run whose loss becomes NaN or infinite stops early and is marked
    ``diverged`` with its last good epoch; it is a result, not an error.

    ``probe`` (the config's ``probe`` section: ``train_images``, ``test_images``,
    ``points_per_decade``, ``gradient_images``) scores the first images of the run's training
    and test sets at ``probe_schedule`` update counts, and measures the layers' gradients on
    the first ``gradient_images`` training images (0: not at all). It changes no number of
    the run: the probe only reads the weights, and the fit runs one batch per call into the
    compiled function (steps_per_execution 1) so that a point inside the first epoch can be
    scored, which changes the speed, not the arithmetic.
    """
    threads = framework_threads(threads)
    model, data, per_epoch, planned_updates = initial_model(
        hyperparameters, data, seed, threads, bool(probe)
    )
    pretraining = _pretrain(hyperparameters, model, data, seed)
    probe_callback = _probe_for(probe, data, per_epoch, planned_updates)
    callbacks = [_stop_on_non_finite_loss(), *([probe_callback] if probe_callback else [])]
    started = time.perf_counter()
    fit = model.fit(
        data["x_train"],
        data["y_train"],
        batch_size=hyperparameters["batch_size"],
        epochs=hyperparameters["epochs"],
        validation_data=(data["x_test"], data["y_test"]),
        validation_batch_size=EVALUATION_BATCH,
        shuffle=True,
        callbacks=callbacks,
        verbose=verbose,
    )
    fit_seconds = time.perf_counter() - started
    history = _history(fit.history)
    scores, probabilities = _final_scores(model, data)
    last_good_epoch = _last_finite_epoch(history)
    diverged = last_good_epoch < len(history) or not (
        math.isfinite(scores["train_loss"]) and math.isfinite(scores["test_loss"])
    )
    if diverged:
        last_good_epoch = min(last_good_epoch, len(history) - 1)
    epochs_run = len(history)
    metrics = {
        "hyperparameters": dict(hyperparameters),
        "seed": int(seed),
        "status": "diverged" if diverged else "ok",
        "last_good_epoch": int(last_good_epoch),
        "epochs": int(hyperparameters["epochs"]),
        "epochs_run": int(epochs_run),
        "batches_per_epoch": int(per_epoch),
        "updates": int(planned_updates),
        "updates_run": int(per_epoch * epochs_run),
        **_sample_counts(data, probe),
        **scores,
        "fit_seconds": float(fit_seconds),
        "probe_seconds": float(probe_callback.seconds) if probe_callback else 0.0,
        "samples_per_second": float(epochs_run * len(data["x_train"]) / fit_seconds),
        "parameters": int(model.count_params()),
        **pretraining,
        **_provenance(threads),
    }
    return {
        "history": history,
        "probe": pd.DataFrame(probe_callback.rows if probe_callback else [], columns=PROBE_COLUMNS),
        "layers": pd.DataFrame(
            probe_callback.layer_rows if probe_callback else [], columns=LAYER_COLUMNS
        ),
        "metrics": metrics,
        "weights": [np.asarray(weight) for weight in model.get_weights()],
        "predictions": probabilities.argmax(axis=1).astype(np.uint8),
    }


def initial_model(
    hyperparameters: dict[str, Any],
    data: dict[str, np.ndarray],
    seed: int,
    threads: int = 1,
    probe_each_batch: bool = False,
) -> tuple[Any, dict[str, np.ndarray], int, int]:
    """A run's model before its first update, exactly as ``train_condition`` starts it: the
    seeds set, the run's images chosen, the model built. Returns the model, the run's data,
    its batches per epoch and its planned weight updates."""
    _seed_and_pin(seed, framework_threads(threads))
    data = model_inputs(hyperparameters, data, seed)
    per_epoch = batches_per_epoch(len(data["x_train"]), hyperparameters["batch_size"])
    planned_updates = per_epoch * hyperparameters["epochs"]
    model = _seeded_model(hyperparameters, data, seed, planned_updates, probe_each_batch)
    return model, data, per_epoch, planned_updates


def _pretrain(
    hyperparameters: dict[str, Any], model: Any, data: dict[str, np.ndarray], seed: int
) -> dict[str, float]:
    """RBM pre-training of the hidden layers where the condition asks for it (``pretraining:
    rbm``), before the first update: the stack is trained on the run's training images,
    seeded by the run's seed, and copied into the model (tipsbench.pretraining). Its seconds
    and FLOPs (0 without it) go into the run's metrics."""
    if hyperparameters["pretraining"] == "none":
        return {"pretraining_seconds": 0.0, "pretraining_flops": 0}
    from tipsbench.pretraining import apply_pretrained, pretraining_flops, rbm_stack

    units = [hyperparameters["units"]] * hyperparameters["hidden_layers"]
    settings = {
        "epochs": hyperparameters["pretraining_epochs"],
        "batch_size": hyperparameters["pretraining_batch_size"],
    }
    started = time.perf_counter()
    layers = rbm_stack(
        np.asarray(data["x_train"], dtype=np.float32),
        units,
        learning_rate=hyperparameters["pretraining_learning_rate"],
        seed=seed,
        **settings,
    )
    apply_pretrained(model, layers)
    return {
        "pretraining_seconds": time.perf_counter() - started,
        "pretraining_flops": pretraining_flops(
            data["x_train"].shape[1], units, len(data["x_train"]), **settings
        ),
    }


def _seeded_model(
    hyperparameters: dict[str, Any],
    data: dict[str, np.ndarray],
    seed: int,
    planned_updates: int,
    probe_each_batch: bool,
) -> Any:
    """The run's compiled model, its randomness seeded.

    Sources of randomness: initial weights, data order, dropout masks (and which training
    images, in model_inputs). Absent, each is tied to the run's seed: one
    keras.utils.set_random_seed(seed) drives the weights and the order, and the dropout
    masks have the run's seed as their own. A source given its own seed is cut loose: the
    weights are drawn after seeding with init_seed, the masks from mask_seed, and training's
    shuffling starts from order_seed (or the run's seed).
    ``probe_each_batch``: one batch per call into the compiled function, so that the probe
    can score a point inside an epoch (the speed changes, not the arithmetic).
    """
    import keras

    from tipsbench.models import build_model

    init, order, masks = (hyperparameters.get(f"{name}_seed") for name in SEED_SOURCES)
    separate = any(value is not None for value in (init, order, masks))
    if init is not None:
        keras.utils.set_random_seed(init)
    model = build_model(
        hyperparameters,
        data["x_train"].shape[1],
        data["y_train"].shape[1],
        steps_per_execution=1 if probe_each_batch else STEPS_PER_EXECUTION,
        # Always an explicit seed for the dropout masks: Dropout(seed=None) would draw one from
        # Python's random when built, between the Dense layers, and so shift the initial
        # weights of every layer after it; with it, arms that share a layer start from the
        # same weights for it at the same seed (common random numbers).
        mask_seed=seed if masks is None else masks,
        updates=planned_updates,
    )
    if separate:
        keras.utils.set_random_seed(seed if order is None else order)
    return model


def _probe_for(
    probe: dict[str, int] | None,
    data: dict[str, np.ndarray],
    per_epoch: int,
    planned_updates: int,
) -> Any:
    """The probe's callback for a run (None without a probe): its images scored at
    ``probe_schedule`` points, the layers' gradients on ``gradient_images`` training images."""
    if not probe:
        return None
    images = _gradient_images(probe, data)
    return _probe_callback(
        probe_sets(data, probe["train_images"], probe["test_images"]),
        probe_schedule(planned_updates, probe["points_per_decade"]),
        per_epoch,
        {
            "x": data["x_train"][:images],
            "y": data["y_train"][:images],
            "points": set(gradient_schedule(planned_updates)),
        }
        if images
        else None,
    )


def _gradient_images(probe: dict[str, int] | None, data: dict[str, np.ndarray]) -> int:
    """How many training images the layers' gradients are measured on (0: not measured)."""
    return int(min(probe.get("gradient_images", 0), len(data["x_train"]))) if probe else 0


def _history(history: dict[str, list[float]]) -> pd.DataFrame:
    """fit()'s per-epoch record as a table (test: the per-epoch validation on the test set)."""
    epochs = len(history["loss"])
    return pd.DataFrame(
        {
            "epoch": np.arange(1, epochs + 1),
            "train_loss": history["loss"],
            "train_accuracy": history["accuracy"],
            "test_loss": history.get("val_loss", [math.nan] * epochs),
            "test_accuracy": history.get("val_accuracy", [math.nan] * epochs),
        }
    )


def _final_scores(model: Any, data: dict[str, np.ndarray]) -> tuple[dict[str, float], Any]:
    """Final numbers from evaluate() after training, as the lecturer reported them, and the
    test set's predicted probabilities."""
    train_loss, train_accuracy = model.evaluate(
        data["x_train"], data["y_train"], batch_size=EVALUATION_BATCH, verbose=0
    )
    test_loss, test_accuracy = model.evaluate(
        data["x_test"], data["y_test"], batch_size=EVALUATION_BATCH, verbose=0
    )
    probabilities = model.predict(data["x_test"], batch_size=EVALUATION_BATCH, verbose=0)
    # The validation set (tuned arms choose on it) is scored last, after everything the
    # test set reports, so that having one changes none of the other numbers.
    validation_loss = validation_accuracy = math.nan
    if "x_val" in data:
        validation_loss, validation_accuracy = model.evaluate(
            data["x_val"], data["y_val"], batch_size=EVALUATION_BATCH, verbose=0
        )
    scores = {
        "train_loss": float(train_loss),
        "train_accuracy": float(train_accuracy),
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
        "validation_loss": float(validation_loss),
        "validation_accuracy": float(validation_accuracy),
    }
    return scores, probabilities


def _sample_counts(data: dict[str, np.ndarray], probe: dict[str, int] | None) -> dict[str, int]:
    """How many images each part of the run saw (the cost model counts them)."""
    return {
        "probe_train_samples": int(min(probe["train_images"], len(data["x_train"])))
        if probe
        else 0,
        "probe_test_samples": int(min(probe["test_images"], len(data["x_test"]))) if probe else 0,
        "train_samples": int(len(data["x_train"])),
        "test_samples": int(len(data["x_test"])),
        "validation_samples": int(len(data["x_val"])) if "x_val" in data else 0,
        "gradient_images": _gradient_images(probe, data),
    }


def _provenance(threads: int) -> dict[str, Any]:
    """Where and with what a run was trained."""
    import keras

    return {
        "threads": int(threads),
        "backend": keras.backend.backend(),
        "versions": package_versions(),
        "machine": {
            "platform": platform.platform(),
            "processor": _cpu_model(),
            "cpus": os.cpu_count(),
        },
        "code": code_version(),
    }


def failed_result(
    hyperparameters: dict[str, Any], seed: int, error: BaseException
) -> dict[str, Any]:
    """What a run that raised is recorded as: status "failed", the error, no numbers.

    A result like ``train_condition``'s, with empty history, probe and layer tables, no
    weights and no predictions, so that the other seeds of its job still finish and are
    written; the tables leave it out of every statistic and the report names it.
    """
    return {
        "history": pd.DataFrame(
            columns=["epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy"]
        ),
        "probe": pd.DataFrame(columns=PROBE_COLUMNS),
        "layers": pd.DataFrame(columns=LAYER_COLUMNS),
        "metrics": {
            "hyperparameters": dict(hyperparameters),
            "seed": int(seed),
            "status": "failed",
            "error": f"{type(error).__name__}: {error}",
            "epochs": int(hyperparameters["epochs"]),
            "epochs_run": 0,
            "fit_seconds": 0.0,
            "versions": package_versions(),
            "code": code_version(),
        },
        "weights": [],
        "predictions": np.zeros(0, dtype=np.uint8),
    }


def write_run(
    result: dict[str, Any],
    files: Mapping[str, str],
    condition: str,
    started: float,
    cpu_started: float = 0.0,
) -> None:
    """Write one run's files (layout.RUN_FILES), metrics.json last: its presence means the
    run's other files are complete. ``started`` (POSIX seconds) is when this run's share of
    its job began, ``cpu_started`` the process's CPU seconds then; the job timing in
    metrics.json runs from there to now."""
    from tipsbench.files import write_csv, write_json, write_npz, write_weights

    write_csv(result["history"], files["history"])
    write_csv(result["probe"], files["probe"])
    write_csv(result["layers"], files["layers"])
    write_weights(result["weights"], files["weights"])
    write_npz({"predicted": result["predictions"]}, files["predictions"])
    write_json(
        {"condition": condition, **result["metrics"], **job_timing(started, cpu_started)},
        files["metrics"],
    )


def train_seeds(
    hyperparameters: dict[str, Any],
    data: dict[str, np.ndarray],
    condition: str,
    files: Mapping[int, Mapping[str, str]],
    started: float,
    threads: int = 1,
    probe: dict[str, int] | None = None,
    verbose: int = 2,
) -> list[str]:
    """Train ``condition`` with each seed of ``files`` (seed -> its run's file paths) in turn,
    in this process, and write each run's files as soon as it is done.

    Import, data and the compiled programs (JAX's compilation cache) are paid once for all the
    seeds. Each seed starts from Keras' state as a new process has it (``clear_session``:
    layer names, the global seed generator) and then ``keras.utils.set_random_seed``, so its
    numbers are bit for bit those of a job that trains it alone. A seed that raises is
    recorded as failed (``failed_result``) and the others still train. ``started`` is when
    the job began (POSIX seconds): the first run's timing includes the job's start-up, each
    later one starts where the one before it was written, so their job seconds add up to the
    job's. Returns each run's status, in seed order.
    """
    statuses = []
    cpu_started = 0.0  # the first run's share includes the job's start-up, in CPU time too
    for position, seed in enumerate(files):
        if position:
            import keras

            keras.backend.clear_session()
        try:
            result = train_condition(hyperparameters, data, seed, threads, verbose, probe)
        except Exception as error:  # recorded as the run's outcome; the other seeds go on
            traceback.print_exc()
            result = failed_result(hyperparameters, seed, error)
        result["metrics"]["job_seeds"] = [int(other) for other in files]
        write_run(result, files[seed], condition, started, cpu_started)
        statuses.append(result["metrics"]["status"])
        started, cpu_started = time.time(), process_cpu_seconds()
    return statuses


def code_version(repository: str | Path | None = None) -> dict[str, Any]:
    """The git commit of the code that ran and whether its tracked files had uncommitted changes.

    ``repository`` defaults to the checkout this package lives in. Outside a git checkout
    (a copied workflow, an installed package) the commit is None and dirty unknown.
    """
    import subprocess

    repository = Path(repository or Path(__file__).resolve().parents[2])

    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments],
            cwd=repository,
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty}


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def process_cpu_seconds() -> float:
    """CPU time (user + system) this process has used so far, all its threads together."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def job_timing(started: float, cpu_started: float = 0.0) -> dict[str, Any]:
    """When a job started and ended (UTC), its wall seconds (imports and file I/O included),
    the CPU seconds its process used since ``cpu_started`` (a reading of
    ``process_cpu_seconds``; 0: since the process started) and the peak resident memory of
    its process (ru_maxrss, KiB on Linux). CPU time well below wall time × threads means the
    job waited for a core: the machine was shared."""
    import datetime as dt
    import resource

    finished = time.time()
    return {
        "cpu_seconds": round(process_cpu_seconds() - cpu_started, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "started_at": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "finished_at": dt.datetime.fromtimestamp(finished, dt.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "job_seconds": round(finished - started, 3),
    }

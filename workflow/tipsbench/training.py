"""Train one condition with one seed and describe the run: history, metrics, weights, predictions.

``configure_runtime`` must run before Keras is imported: it picks the backend and pins
the framework's thread pools to the threads Snakemake gave the job, and asks for
deterministic kernels so that a rerun of the same (condition, seed) on the same
machine and backend gives the same numbers.
"""

from __future__ import annotations

import math
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

# Batches per call into the compiled train/test function (Keras' steps_per_execution): an
# epoch of batch 100 in one call instead of 100 Python round trips. Same arithmetic, same
# weights bit for bit; measured 17 % less fit time on TensorFlow, 3 % on JAX (benchmarks/).
STEPS_PER_EXECUTION = 100
# The sources of randomness a condition may seed on their own (<source>_seed hyperparameters).
SEED_SOURCES = ("init", "order", "mask")
# Batch size of the per-epoch validation and of the final evaluate()/predict(): 10 batches
# instead of 100 per pass, and one compiled test function serves every pass.
EVALUATION_BATCH = 1000


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
) -> dict[str, Any]:
    """Fit one condition with one seed, then evaluate it on the train and test sets.

    Returns ``history`` (per-epoch train and test loss and accuracy), ``metrics`` (the
    run's summary), ``weights`` (the final parameters) and ``predictions`` (predicted
    test labels). A run whose loss becomes NaN or infinite stops early and is marked
    ``diverged`` with its last good epoch; it is a result, not an error.
    """
    threads = framework_threads(threads)
    _seed_and_pin(seed, threads)
    import keras

    from tipsbench.models import build_model

    data = model_inputs(hyperparameters, data, seed)
    # Sources of randomness: initial weights, data order, dropout masks (and which training
    # images, in model_inputs). Absent, each is tied to the run's seed exactly as before:
    # one keras.utils.set_random_seed(seed) drives them all. A source given its own seed is
    # cut loose: the weights are drawn after seeding with init_seed, the dropout layers get
    # explicit seeds, and training's shuffling starts from order_seed (or the run's seed).
    init, order, masks = (hyperparameters.get(f"{name}_seed") for name in SEED_SOURCES)
    separate = any(value is not None for value in (init, order, masks))
    if init is not None:
        keras.utils.set_random_seed(init)
    model = build_model(
        hyperparameters,
        data["x_train"].shape[1],
        data["y_train"].shape[1],
        steps_per_execution=STEPS_PER_EXECUTION,
        mask_seed=(seed if masks is None else masks) if separate else None,
    )
    if separate:
        keras.utils.set_random_seed(seed if order is None else order)
    started = time.perf_counter()
    fit = model.fit(
        data["x_train"],
        data["y_train"],
        batch_size=hyperparameters["batch_size"],
        epochs=hyperparameters["epochs"],
        validation_data=(data["x_test"], data["y_test"]),
        validation_batch_size=EVALUATION_BATCH,
        shuffle=True,
        callbacks=[_stop_on_non_finite_loss()],
        verbose=verbose,
    )
    fit_seconds = time.perf_counter() - started

    history = pd.DataFrame(
        {
            "epoch": np.arange(1, len(fit.history["loss"]) + 1),
            "train_loss": fit.history["loss"],
            "train_accuracy": fit.history["accuracy"],
            "test_loss": fit.history.get("val_loss", [math.nan] * len(fit.history["loss"])),
            "test_accuracy": fit.history.get("val_accuracy", [math.nan] * len(fit.history["loss"])),
        }
    )
    # Final numbers come from evaluate() after training, as the lecturer reported them.
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
    last_good_epoch = _last_finite_epoch(history)
    diverged = last_good_epoch < len(history) or not (
        math.isfinite(train_loss) and math.isfinite(test_loss)
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
        "train_samples": int(len(data["x_train"])),
        "test_samples": int(len(data["x_test"])),
        "train_loss": float(train_loss),
        "train_accuracy": float(train_accuracy),
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
        "validation_loss": float(validation_loss),
        "validation_accuracy": float(validation_accuracy),
        "fit_seconds": float(fit_seconds),
        "samples_per_second": float(epochs_run * len(data["x_train"]) / fit_seconds),
        "parameters": int(model.count_params()),
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
    return {
        "history": history,
        "metrics": metrics,
        "weights": [np.asarray(weight) for weight in model.get_weights()],
        "predictions": probabilities.argmax(axis=1).astype(np.uint8),
    }


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


def job_timing(started: float) -> dict[str, Any]:
    """When a job started and ended (UTC), its wall seconds (imports and file I/O included)
    and the peak resident memory of its process (ru_maxrss, KiB on Linux)."""
    import datetime as dt
    import resource

    finished = time.time()
    return {
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "started_at": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "finished_at": dt.datetime.fromtimestamp(finished, dt.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "job_seconds": round(finished - started, 3),
    }

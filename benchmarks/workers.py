"""The measuring halves of benchmarks/speed.py and benchmarks/profile_job.py.

Each subcommand runs in a fresh interpreter started by those scripts (so that the
backend, the thread pools and the BLAS settings are chosen before anything is
imported) and prints ONE line of JSON on stdout:

    python benchmarks/workers.py peak  [--threads N] [--sizes 1024 2048 ...] [--repeats R]
    python benchmarks/workers.py fit   --backend B [--threads N] [--epochs E] [lever options]
    python benchmarks/workers.py job   --backend B --data prepared.npz --out DIR [--profile]
    python benchmarks/workers.py loop  --backend B --config overlay.yaml [--threads N]

``peak``: float32 square matrix multiply (numpy's BLAS), best of R, 2 n^3 / t.
``fit``:  the base condition, built by tipsbench.models.build_model, fitted with and/or
          without per-epoch validation on the full 10,000 / 10,000 images; times every
          stage (import, data, build, fit, validation inside fit, evaluate, predict).
``job``:  exactly what workflow/scripts/train.py does (tipsbench.training.train_condition
          and the four file writes), with every stage timed, optionally under cProfile.
``loop``: what a user writes instead of the pipeline: one process, every study arm and
          seed (no dedup), build_model + fit(validation_data) each.
"""

from __future__ import annotations

import argparse
import ctypes
import glob
import hashlib
import json
import os
import resource
import sys
import time
from pathlib import Path

PROCESS_STARTED = time.perf_counter()
REPO = Path(__file__).resolve().parents[1]
# The tipsbench code under test: this checkout, or another tree (speed.py --source).
SOURCE = Path(os.environ.get("TIPSBENCH_SOURCE") or REPO).resolve()
sys.path.insert(0, str(SOURCE / "workflow"))

# The slide's first model: what "the base condition" means in every measurement here.
BASE = {
    "hidden_layers": 2,
    "units": 500,
    "activation": "sigmoid",
    "loss": "categorical_crossentropy",
    "optimizer": "sgd",
    "learning_rate": 0.1,
    "batch_size": 100,
    "epochs": 20,
    "dropout_rate": 0.0,
}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(payload: dict) -> None:
    payload.setdefault("peak_rss_mb", round(peak_rss_mb(), 1))
    print("@@RESULT " + json.dumps(payload), flush=True)


# --------------------------------------------------------------------------- peak


def openblas_info() -> dict:
    """Which OpenBLAS kernel numpy runs (its core name), its build config and its threads."""
    info: dict = {}
    try:
        import threadpoolctl  # optional

        for pool in threadpoolctl.threadpool_info():
            if pool.get("user_api") == "blas":
                info.update(
                    source="threadpoolctl",
                    library=pool.get("internal_api"),
                    version=pool.get("version"),
                    kernel=pool.get("architecture"),
                    threads=pool.get("num_threads"),
                )
                return info
    except ImportError:
        pass
    import numpy as np

    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    info.update(
        source="numpy.show_config + ctypes", library=blas.get("name"), version=blas.get("version")
    )
    info["build"] = blas.get("openblas configuration")
    libraries = glob.glob(str(Path(np.__file__).parent.parent / "numpy.libs" / "*openblas*.so*"))
    for path in libraries:
        lib = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_", "64_"), ("", "64_"), ("", "")):
            try:
                corename = getattr(lib, f"{prefix}openblas_get_corename{suffix}")
                threads = getattr(lib, f"{prefix}openblas_get_num_threads{suffix}")
            except AttributeError:
                continue
            corename.restype = ctypes.c_char_p
            info["kernel"] = corename().decode()
            info["threads"] = int(threads())
            return info
    info["kernel"] = "unknown (see build)"
    return info


def run_peak(args: argparse.Namespace) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    results = []
    for n in args.sizes:
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        np.matmul(a, b, out=c)  # warm-up: thread pool, page faults
        best = float("inf")
        deadline = time.perf_counter() + args.max_seconds
        for _ in range(args.repeats):
            started = time.perf_counter()
            np.matmul(a, b, out=c)
            best = min(best, time.perf_counter() - started)
            if time.perf_counter() > deadline:
                break
        results.append({"n": n, "seconds": best, "gflops": 2 * n**3 / best / 1e9})
    emit(
        {
            "sizes": results,
            "peak_gflops": max(row["gflops"] for row in results),
            "mlp_gemms": mlp_gemms(args.batch, args.max_seconds),
            "blas": openblas_info(),
            "env": {
                key: os.environ.get(key)
                for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")
            },
        }
    )


def mlp_gemms(
    batch: int, max_seconds: float, units: int = 500, inputs: int = 784, classes: int = 10
) -> dict:
    """The ceiling at this batch size: only the matrix products of one training step of the
    base MLP (784-500-500-10), forward and backward, back to back in numpy's BLAS.

    Rated like the training figures, 6 x parameters x batch / time, so it is the fraction
    of the peak that a framework with zero overhead besides its matmuls would show.
    """
    import numpy as np

    rng = np.random.default_rng(0)
    shapes = [(inputs, units), (units, units), (units, classes)]
    weights = [rng.standard_normal(shape, dtype=np.float32) * 0.05 for shape in shapes]
    x = rng.random((batch, inputs), dtype=np.float32)
    parameters = sum(a * b + b for a, b in shapes)

    def step():
        activations = [x]
        for weight in weights:  # forward
            activations.append(activations[-1] @ weight)
        delta = activations[-1]
        for layer in reversed(
            range(len(weights))
        ):  # backward: weight gradient, then input gradient
            activations[layer].T @ delta
            if layer:
                delta = delta @ weights[layer].T

    for _ in range(10):
        step()
    steps = max(5, 20000 // batch)
    best = float("inf")
    deadline = time.perf_counter() + max_seconds
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(steps):
            step()
        best = min(best, (time.perf_counter() - started) / steps)
        if time.perf_counter() > deadline:
            break
    return {"batch": batch, "step_seconds": best, "gflops": 6 * parameters * batch / best / 1e9}


# --------------------------------------------------------------------------- fit


def configure(backend: str, threads: int, onednn: str | None = None) -> None:
    """The pipeline's own runtime set-up (before Keras is imported), plus optional levers."""
    from tipsbench.training import configure_runtime

    configure_runtime(backend, threads)
    if onednn is not None:
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = onednn


def import_backend() -> tuple[float, str]:
    """Import Keras and its backend's framework; return the seconds it took and the backend."""
    started = time.perf_counter()
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow  # noqa: F401  (keras imports it lazily in parts)
    else:
        import jax  # noqa: F401
        import jax.numpy as jnp

        jnp.zeros(1).block_until_ready()  # the XLA CPU client starts on first use
    return time.perf_counter() - started, backend


def load_data(path: str | None, train_size: int = 10000) -> dict:
    """The prepared arrays: a prepared.npz from the data step, or made from MNIST here."""
    if path and path.endswith("prepared.npz"):
        from tipsbench.data import load_prepared

        return load_prepared(path)
    from tipsbench.data import prepare_dataset

    prepared, _ = prepare_dataset(
        {
            "dataset": "mnist",
            "path": path or str(default_mnist()),
            "train_size": train_size,
            "test_size": None,
        }
    )
    return prepared


def default_mnist() -> Path:
    """config/config.yaml's data.path, resolved from the repository root."""
    import yaml

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    return (REPO / config["data"]["path"]).resolve()


class EpochNaNGuard:
    """Stop at the end of an epoch whose training loss is not finite (no per-batch sync)."""

    def __new__(cls):
        import keras

        class _Guard(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                import math

                loss = (logs or {}).get("loss")
                if loss is not None and not math.isfinite(float(loss)):
                    self.model.stop_training = True

        return _Guard()


class StageClock:
    """Wall seconds of validation inside fit(), from the callbacks' test hooks."""

    def __new__(cls):
        import keras

        class _Clock(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.validation = 0.0
                self.epochs = []
                self._started = None
                self._epoch_started = None

            def on_epoch_begin(self, epoch, logs=None):
                self._epoch_started = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.epochs.append(time.perf_counter() - self._epoch_started)

            def on_test_begin(self, logs=None):
                self._started = time.perf_counter()

            def on_test_end(self, logs=None):
                self.validation += time.perf_counter() - self._started

        return _Clock()


def pipeline_setting(name: str, default):
    """A training setting of the tipsbench code under test (absent in older trees: Keras'
    default)."""
    import tipsbench.training

    return getattr(tipsbench.training, name, default)


def compile_options(args: argparse.Namespace) -> dict:
    options = {}
    steps = (
        pipeline_setting("STEPS_PER_EXECUTION", 1)
        if args.steps_per_execution is None
        else args.steps_per_execution
    )
    if steps != 1:
        options["steps_per_execution"] = steps
    if args.jit_compile != "auto":
        options["jit_compile"] = args.jit_compile == "true"
    return options


def build(hyperparameters: dict, data: dict, options: dict):
    import keras

    from tipsbench.models import build_model

    model = build_model(hyperparameters, data["x_train"].shape[1], data["y_train"].shape[1])
    if options:
        # Recompile with the same loss, optimizer and metric plus the levers under test.
        model.compile(
            loss=hyperparameters["loss"],
            optimizer=model.optimizer,
            metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
            **options,
        )
    return model


def digest(model, history: dict) -> str:
    """SHA-256 of the final weights and the per-epoch history: equal digests = bit-identical
    runs."""
    import numpy as np

    sha = hashlib.sha256()
    for weight in model.get_weights():
        sha.update(np.ascontiguousarray(weight).tobytes())
    sha.update(json.dumps(history, sort_keys=True).encode())
    return sha.hexdigest()[:16]


def one_fit(
    hyperparameters: dict, data: dict, seed: int, threads: int, args, validate: bool
) -> dict:
    import keras

    from tipsbench.training import _seed_and_pin

    _seed_and_pin(seed, threads)
    started = time.perf_counter()
    model = build(hyperparameters, data, compile_options(args))
    build_seconds = time.perf_counter() - started
    clock = StageClock()
    callbacks = [clock]
    if args.nan_guard == "batch":
        callbacks.append(keras.callbacks.TerminateOnNaN())
    elif args.nan_guard == "epoch":
        callbacks.append(EpochNaNGuard())
    fit_kwargs = {}
    if validate:
        fit_kwargs["validation_data"] = (data["x_test"], data["y_test"])
        batch = args.validation_batch_size
        if batch is None:
            batch = pipeline_setting("EVALUATION_BATCH", 0)
        if batch:
            fit_kwargs["validation_batch_size"] = batch
    cpu_started = time.process_time()
    started = time.perf_counter()
    fit = model.fit(
        data["x_train"],
        data["y_train"],
        batch_size=hyperparameters["batch_size"],
        epochs=hyperparameters["epochs"],
        shuffle=True,
        callbacks=callbacks,
        verbose=0,
        **fit_kwargs,
    )
    fit_seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    row = {
        "cpu_seconds": cpu_seconds,
        "validate": validate,
        "build_seconds": build_seconds,
        "fit_seconds": fit_seconds,
        "validation_seconds": clock.validation,
        "epoch_seconds": clock.epochs,
        # Epochs 2..N: the steady state, without the first epoch's tracing and compiling.
        "steady_seconds": sum(clock.epochs[1:]),
        "train_seconds": fit_seconds - clock.validation,
        "epochs_run": len(fit.history["loss"]),
        "parameters": int(model.count_params()),
        "final_loss": float(fit.history["loss"][-1]),
        "final_val_accuracy": float(fit.history.get("val_accuracy", [float("nan")])[-1]),
    }
    if args.evaluate:
        started = time.perf_counter()
        model.evaluate(data["x_train"], data["y_train"], batch_size=1000, verbose=0)
        model.evaluate(data["x_test"], data["y_test"], batch_size=1000, verbose=0)
        row["evaluate_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        model.predict(data["x_test"], batch_size=1000, verbose=0)
        row["predict_seconds"] = time.perf_counter() - started
    row["digest"] = digest(
        model, {key: [float(v) for v in values] for key, values in fit.history.items()}
    )
    return row


def run_fit(args: argparse.Namespace) -> None:
    if args.affinity:
        os.sched_setaffinity(0, {int(cpu) for cpu in args.affinity.split(",")})
    configure(args.backend, args.threads, args.onednn)
    if args.xla_flags:
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " " + args.xla_flags).strip()
    if args.interop is not None:
        os.environ["TF_NUM_INTEROP_THREADS"] = str(args.interop)
    import_seconds, backend = import_backend()
    if backend == "tensorflow" and args.interop is not None:
        import tensorflow as tf

        tf.config.threading.set_inter_op_parallelism_threads(args.interop)
    # keras.utils.set_random_seed also seeds TensorFlow when it is installed, importing it
    # even under JAX: the first call is timed apart from the fits.
    import keras

    started = time.perf_counter()
    keras.utils.set_random_seed(args.seed)
    first_seed_seconds = time.perf_counter() - started
    started = time.perf_counter()
    data = load_data(args.data)
    data_seconds = time.perf_counter() - started
    hyperparameters = {**BASE, "epochs": args.epochs, **json.loads(args.overrides)}
    rows = []
    for repeat in range(args.repeats):
        for mode in args.modes:
            rows.append(
                {
                    "repeat": repeat,
                    **one_fit(hyperparameters, data, args.seed, args.threads, args, mode == "val"),
                }
            )
    emit(
        {
            "backend": backend,
            "threads": args.threads,
            "import_seconds": import_seconds,
            "first_seed_seconds": first_seed_seconds,
            "tensorflow_imported": "tensorflow" in sys.modules
            and sys.modules["tensorflow"] is not None,
            "data_seconds": data_seconds,
            "epochs": args.epochs,
            "train_samples": int(len(data["x_train"])),
            "test_samples": int(len(data["x_test"])),
            "fits": rows,
            "process_seconds": time.perf_counter() - PROCESS_STARTED,
        }
    )


# --------------------------------------------------------------------------- job


def run_job(args: argparse.Namespace) -> None:
    """workflow/scripts/train.py, stage by stage, with Keras' fit/evaluate/predict timed."""
    stages: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        stages[name] = stages.get(name, 0.0) + now - mark
        mark = now

    from tipsbench.files import write_csv, write_json, write_npz
    from tipsbench.training import configure_runtime

    lap("python + tipsbench imports")
    configure_runtime(args.backend, args.threads)
    import_seconds, backend = import_backend()
    import tipsbench.models  # noqa: F401
    from tipsbench.data import load_prepared
    from tipsbench.training import train_condition

    lap("import keras + backend")
    data = load_prepared(args.data)
    lap("load prepared data")

    import keras

    timings = {
        "fit": 0.0,
        "validation (in fit)": 0.0,
        "evaluate x2": 0.0,
        "predict": 0.0,
        "build + compile": 0.0,
    }
    depth = {"fit": 0}
    original = {name: getattr(keras.Model, name) for name in ("fit", "evaluate", "predict")}

    def timed(name):
        def wrapper(self, *a, **k):
            started = time.perf_counter()
            if name == "fit":
                depth["fit"] += 1
            try:
                return original[name](self, *a, **k)
            finally:
                seconds = time.perf_counter() - started
                if name == "fit":
                    depth["fit"] -= 1
                    timings["fit"] += seconds
                elif name == "evaluate" and depth["fit"]:
                    timings["validation (in fit)"] += seconds
                elif name == "evaluate":
                    timings["evaluate x2"] += seconds
                else:
                    timings["predict"] += seconds

        return wrapper

    for name in original:
        setattr(keras.Model, name, timed(name))
    import tipsbench.models as models

    build_model = models.build_model

    def timed_build(*a, **k):
        started = time.perf_counter()
        try:
            return build_model(*a, **k)
        finally:
            timings["build + compile"] += time.perf_counter() - started

    models.build_model = timed_build

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    result = train_condition(
        dict(BASE, epochs=args.epochs), data, seed=args.seed, threads=args.threads, verbose=0
    )
    if profiler:
        profiler.disable()
    lap("train_condition")
    out = Path(args.out)
    write_csv(result["history"], out / "history.csv")
    write_npz({f"w{i}": w for i, w in enumerate(result["weights"])}, out / "weights.npz")
    write_npz({"predicted": result["predictions"]}, out / "predictions.npz")
    write_json(result["metrics"], out / "metrics.json")
    lap("write 4 files")
    top = []
    if profiler:
        import io
        import pstats

        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream).sort_stats("tottime")
        stats.print_stats(25)
        top = stream.getvalue().splitlines()
    emit(
        {
            "backend": backend,
            "threads": args.threads,
            "stages": stages,
            "inside_train_condition": timings,
            "fit_seconds_metric": result["metrics"]["fit_seconds"],
            "process_seconds": time.perf_counter() - PROCESS_STARTED,
            "profile_top": top,
        }
    )


# --------------------------------------------------------------------------- loop


def run_loop(args: argparse.Namespace) -> None:
    """The plain sequential loop a user would write: every arm of every study, every seed."""
    import yaml

    # Plain Keras, as a user would write it: the backend, nothing else (the frameworks'
    # default thread pools use every core; no determinism switches, no caches).
    os.environ["KERAS_BACKEND"] = args.backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    from tipsbench.models import build_model

    config = {}
    for path in (REPO / "config" / "config.yaml", args.config):
        overlay = yaml.safe_load(Path(path).read_text()) if path else {}
        for key, value in overlay.items():
            if isinstance(value, dict) and isinstance(config.get(key), dict):
                config[key] = {**config[key], **value}
            else:
                config[key] = value
    data = load_data(str((REPO / config["data"]["path"]).resolve()), config["data"]["train_size"])
    fits = []
    for study, spec in config["studies"].items():
        for arm in spec["arms"]:
            hyperparameters = {**config["base"], **(arm.get("overrides") or {})}
            for seed in config["seeds"]:
                keras.utils.set_random_seed(seed)
                model = build_model(
                    hyperparameters, data["x_train"].shape[1], data["y_train"].shape[1]
                )
                started = time.perf_counter()
                model.fit(
                    data["x_train"],
                    data["y_train"],
                    batch_size=hyperparameters["batch_size"],
                    epochs=hyperparameters["epochs"],
                    validation_data=(data["x_test"], data["y_test"]),
                    verbose=0,
                )
                fits.append(
                    {
                        "study": study,
                        "arm": arm["label"],
                        "seed": seed,
                        "fit_seconds": time.perf_counter() - started,
                    }
                )
    emit(
        {
            "backend": keras.backend.backend(),
            "threads": args.threads,
            "fits": fits,
            "process_seconds": time.perf_counter() - PROCESS_STARTED,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    peak = sub.add_parser("peak")
    peak.add_argument("--sizes", type=int, nargs="+", default=[1024, 2048, 3072, 4096])
    peak.add_argument("--repeats", type=int, default=5)
    peak.add_argument("--max-seconds", type=float, default=10.0, help="per size")
    peak.add_argument(
        "--batch", type=int, default=100, help="batch of the base MLP's matmul ceiling"
    )
    fit = sub.add_parser("fit")
    fit.add_argument("--backend", required=True, choices=["tensorflow", "jax"])
    fit.add_argument("--threads", type=int, default=os.cpu_count())
    fit.add_argument("--epochs", type=int, default=20)
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument(
        "--data", default=None, help="prepared.npz or mnist.npz (default: the config's)"
    )
    fit.add_argument("--modes", nargs="+", default=["val", "noval"], choices=["val", "noval"])
    fit.add_argument("--repeats", type=int, default=1)
    fit.add_argument("--overrides", default="{}", help="JSON hyperparameter overrides of the base")
    fit.add_argument(
        "--steps-per-execution", type=int, default=None, help="default: the pipeline's"
    )
    fit.add_argument("--jit-compile", default="auto", choices=["auto", "true", "false"])
    fit.add_argument(
        "--validation-batch-size", type=int, default=None, help="default: the pipeline's"
    )
    fit.add_argument(
        "--nan-guard",
        default="epoch",
        choices=["batch", "epoch", "none"],
        help="batch: keras.callbacks.TerminateOnNaN; epoch: a check per epoch (the pipeline's)",
    )
    fit.add_argument("--onednn", default=None, choices=["0", "1"])
    fit.add_argument("--interop", type=int, default=None)
    fit.add_argument("--xla-flags", default="")
    fit.add_argument("--affinity", default="", help="pin the process to these CPUs, e.g. 0 or 0,1")
    fit.add_argument("--evaluate", action="store_true", help="also time evaluate x2 and predict")
    job = sub.add_parser("job")
    job.add_argument("--backend", required=True, choices=["tensorflow", "jax"])
    job.add_argument("--threads", type=int, default=os.cpu_count())
    job.add_argument("--epochs", type=int, default=20)
    job.add_argument("--seed", type=int, default=0)
    job.add_argument("--data", required=True)
    job.add_argument("--out", required=True)
    job.add_argument("--profile", action="store_true")
    loop = sub.add_parser("loop")
    loop.add_argument("--backend", required=True, choices=["tensorflow", "jax"])
    loop.add_argument("--threads", type=int, default=os.cpu_count())
    loop.add_argument("--config", default=None, help="overlay merged over config/config.yaml")
    for p in (peak,):
        p.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    {"peak": run_peak, "fit": run_fit, "job": run_job, "loop": run_loop}[args.command](args)


if __name__ == "__main__":
    main()

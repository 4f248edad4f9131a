"""The measuring halves of benchmarks/speed.py and benchmarks/profile_job.py.

Each subcommand runs in a fresh interpreter started by those scripts (so that the backend and
its thread pools are chosen before anything is imported) and prints ONE "@@RESULT " line of
JSON on stdout:

    python benchmarks/workers.py fit  --backend B [--threads N] [--epochs E] [--seeds 0 1 ...]
    python benchmarks/workers.py loop --backend B --config overlay.yaml [--threads N]

``fit``:  what a training job of the workflow does, through the package's own training
          function (tipsbench.training.train_condition, with the config's probe): the base
          condition on the config's 10,000 / 10,000 images, each seed in turn in this process,
          with the time of every stage (imports, data, each run's fit and the rest of it) and,
          with --profile, a cProfile of the runs.
``loop``: the one deliberate outside baseline, what a user writes instead of the pipeline: one
          process, every study arm and seed of the config (no dedup), plain Keras (default
          thread pools, no determinism switches, no caches), build_model + fit each.
"""

from __future__ import annotations

import argparse
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


def emit(payload: dict) -> None:
    """Print the result line, with this process's peak resident memory (ru_maxrss: KiB)."""
    payload.setdefault(
        "peak_rss_mb", round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    )
    print("@@RESULT " + json.dumps(payload), flush=True)


def load_config(overlay: str | None) -> dict:
    """config/config.yaml with an overlay merged over it (one level deep, as the presets are)."""
    import yaml

    config = yaml.safe_load((SOURCE / "config" / "config.yaml").read_text())
    for key, value in (yaml.safe_load(Path(overlay).read_text()) if overlay else {}).items():
        merged = isinstance(value, dict) and isinstance(config.get(key), dict)
        config[key] = {**config[key], **value} if merged else value
    return config


def load_data(config: dict) -> dict:
    """The config's data, prepared as the workflow's data step prepares it."""
    from tipsbench.data import prepare_dataset

    data = dict(config["data"])
    data["path"] = str((REPO / data["path"]).resolve()) if data.get("path") else None
    return prepare_dataset(data)[0]


def digest(result: dict) -> str:
    """SHA-256 of a run's final weights and per-epoch history: equal digests = identical runs."""
    sha = hashlib.sha256()
    for weight in result["weights"]:
        sha.update(weight.tobytes())
    sha.update(result["history"].to_json().encode())
    return sha.hexdigest()[:16]


def run_fit(args: argparse.Namespace) -> None:
    from tipsbench.training import configure_runtime

    configure_runtime(args.backend, args.threads)
    started = time.perf_counter()
    import keras

    from tipsbench.schema import defaults
    from tipsbench.training import train_condition

    import_seconds = time.perf_counter() - started
    config = load_config(args.config)
    started = time.perf_counter()
    data = load_data(config)
    data_seconds = time.perf_counter() - started
    hyperparameters = {**defaults("base"), **config["base"], "epochs": args.epochs}
    probe = {**defaults("probe"), **config.get("probe", {})}
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    runs = []
    for position, seed in enumerate(args.seeds):
        if position:
            keras.backend.clear_session()  # as tipsbench.training.train_seeds does
        cpu, started = time.process_time(), time.perf_counter()
        result = train_condition(hyperparameters, data, seed, args.threads, 0, probe)
        metrics = result["metrics"]
        runs.append(
            {
                "seed": seed,
                "seconds": time.perf_counter() - started,
                "cpu_seconds": time.process_time() - cpu,
                "digest": digest(result),
                **{
                    key: metrics[key]
                    for key in ("fit_seconds", "probe_seconds", "parameters", "epochs_run")
                },
                **{key: metrics[key] for key in ("train_samples", "test_samples")},
                "probe_images": metrics["probe_train_samples"] + metrics["probe_test_samples"],
                "probe_points": len(result["probe"]),
                "gradient_images": metrics["gradient_images"],
                "gradient_points": result["layers"]["update"].nunique(),
            }
        )
    top = []
    if profiler:
        import io
        import pstats

        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(25)
        top = stream.getvalue().splitlines()
    emit(
        {
            "backend": keras.backend.backend(),
            "threads": args.threads,
            "import_seconds": import_seconds,
            "data_seconds": data_seconds,
            "runs": runs,
            "process_seconds": time.perf_counter() - PROCESS_STARTED,
            "profile_top": top,
        }
    )


def run_loop(args: argparse.Namespace) -> None:
    """The plain sequential loop a user would write: every arm of every study, every seed."""
    os.environ["KERAS_BACKEND"] = args.backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    from tipsbench.models import build_model
    from tipsbench.training import batches_per_epoch

    config = load_config(args.config)
    data = load_data(config)
    fits = []
    for study, spec in config["studies"].items():
        for arm in spec["arms"]:
            hyperparameters = {**config["base"], **(arm.get("overrides") or {})}
            # A learning-rate schedule's length: the run's weight updates.
            updates = hyperparameters["epochs"] * batches_per_epoch(
                len(data["x_train"]), hyperparameters["batch_size"]
            )
            for seed in config["seeds"]:
                keras.utils.set_random_seed(seed)
                model = build_model(
                    hyperparameters,
                    data["x_train"].shape[1],
                    data["y_train"].shape[1],
                    updates=updates,
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
                seconds = time.perf_counter() - started
                fits.append(
                    {"study": study, "arm": arm["label"], "seed": seed, "fit_seconds": seconds}
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
    fit = sub.add_parser("fit")
    fit.add_argument("--epochs", type=int, default=20)
    fit.add_argument("--seeds", type=int, nargs="+", default=[0])
    fit.add_argument("--profile", action="store_true")
    loop = sub.add_parser("loop")
    for command in (fit, loop):
        command.add_argument("--backend", required=True, choices=["tensorflow", "jax"])
        command.add_argument("--threads", type=int, default=os.cpu_count())
        command.add_argument("--config", default=None, help="overlay of config/config.yaml")
    args = parser.parse_args()
    {"fit": run_fit, "loop": run_loop}[args.command](args)


if __name__ == "__main__":
    main()

"""Run one training check on a given Keras backend in a process of its own.

A process can load only one Keras backend, and the test session runs on JAX (the workflow's
default), so the tests run a check on the other backend through this script:

    python tests/backend_check.py <backend> <check>

It prints one JSON object: the check's findings. ``run_check`` runs it from a test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The package (tipsbench.schema is light: no Keras, so the backend can still be chosen).
sys.path.insert(0, str(HERE.parent / "workflow"))
from tipsbench.schema import hyperparameters  # noqa: E402

# The environment this process started with, before configure_runtime changed it (a check's
# own child process starts from it, as a fresh job would: numpy's BLAS reads its thread count
# from it, and a float64 norm's last digits depend on that count).
STARTING_ENVIRONMENT = dict(os.environ)
SMALL = hyperparameters(
    units=32, optimizer="adam", learning_rate=0.01, batch_size=50, epochs=3, dropout_rate=0.3
)
PROBE = {"train_images": 100, "test_images": 100, "points_per_decade": 5, "gradient_images": 50}


def identical(first: dict, second: dict) -> bool:
    """Whether two results of train_condition have the same weights, history and metrics."""
    return bool(
        all(a.tobytes() == b.tobytes() for a, b in zip(first["weights"], second["weights"]))
        and first["history"].equals(second["history"])
        and all(
            first["metrics"][name] == second["metrics"][name]
            for name in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")
        )
        and (first["predictions"] == second["predictions"]).all()
    )


def main(backend: str, check: str) -> dict:
    sys.path.insert(0, str(HERE.parent / "workflow"))
    from tipsbench.training import configure_runtime

    configure_runtime(backend, 1)
    from tipsbench.data import preprocess, read_npz
    from tipsbench.training import train_condition

    data = preprocess(
        read_npz(HERE / "data" / "mnist-subset.npz"), train_size=300, test_size=200, num_classes=10
    )
    if check == "probe":
        plain = train_condition(SMALL, data, seed=1, verbose=0)
        probed = train_condition(SMALL, data, seed=1, verbose=0, probe=PROBE)
        again = train_condition(SMALL, data, seed=1, verbose=0, probe=PROBE)
        return {
            "backend": probed["metrics"]["backend"],
            "probe_changes_nothing": identical(plain, probed),
            "probe_repeats": probed["probe"].equals(again["probe"])
            and probed["layers"].equals(again["layers"]),
            "layer_updates": sorted(set(probed["layers"]["update"])),
            "layers": int(probed["layers"]["layer"].max()),
            "updates": probed["probe"]["update"].tolist(),
            "last_train_accuracy": float(probed["probe"]["train_accuracy"].iloc[-1]),
        }
    if check == "diverge":
        result = train_condition(
            {**SMALL, "activation": "relu", "optimizer": "sgd", "learning_rate": 1e20},
            data,
            seed=0,
            verbose=0,
            probe=PROBE,
        )
        return {
            "backend": result["metrics"]["backend"],
            "status": result["metrics"]["status"],
            "last_good_epoch": result["metrics"]["last_good_epoch"],
            "epochs_run": result["metrics"]["epochs_run"],
            "probe_updates": result["probe"]["update"].tolist(),
        }
    if check == "gradients":
        return gradient_check()
    if check == "shared-layers":
        return shared_layers_check(data)
    if check == "pretraining":
        return pretraining_check(data)
    if check in ("seeds", "alone"):
        return seeds_check(check, data)
    raise ValueError(f"unknown check {check!r}")


def shared_layers_check(data: dict) -> dict:
    """Common random numbers: at one seed, a base arm and its dropout arm (which adds Dropout
    layers between the Dense ones) start from the same initial weights, layer by layer."""
    import keras
    import numpy as np

    from tipsbench.training import initial_model

    plain = hyperparameters(units=32, batch_size=50)
    weights = {}
    for name, arm in (("base", plain), ("dropout", {**plain, "dropout_rate": 0.2})):
        model = initial_model(arm, data, seed=3)[0]
        weights[name] = {
            layer.name: [np.asarray(w) for w in layer.get_weights()]
            for layer in model.layers
            if isinstance(layer, keras.layers.Dense)
        }
    same = {
        layer: all(np.array_equal(x, y) for x, y in zip(weights["base"][layer], values))
        for layer, values in weights["dropout"].items()
    }
    return {"backend": keras.backend.backend(), "same": same}


def pretraining_check(data: dict) -> dict:
    """RBM pre-training inside a run: seeded (the same run twice is the same, bit for bit),
    before the first update (the probe's first point scores the pre-trained net), and
    counted (its FLOPs are the stack's)."""
    import numpy as np

    from tipsbench.pretraining import pretraining_flops, rbm_stack
    from tipsbench.training import initial_model, train_condition

    arm = {
        **SMALL,
        "optimizer": "sgd",
        "learning_rate": 0.1,
        "dropout_rate": 0.0,
        "pretraining": "rbm",
        "pretraining_epochs": 1,
        "pretraining_batch_size": 20,
    }
    first = train_condition(arm, data, seed=2, verbose=0, probe=PROBE)
    again = train_condition(arm, data, seed=2, verbose=0, probe=PROBE)
    plain = train_condition({**arm, "pretraining": "none"}, data, seed=2, verbose=0, probe=PROBE)
    # What the run starts from: the stack the run's seed gives, in its hidden layers.
    model, inputs = initial_model(arm, data, seed=2)[:2]
    stack = rbm_stack(inputs["x_train"], [32, 32], 1, arm["pretraining_learning_rate"], 20, 2)
    metrics = first["metrics"]
    return {
        "backend": metrics["backend"],
        "repeats": identical(first, again) and first["probe"].equals(again["probe"]),
        "starts_elsewhere": not first["probe"].iloc[0].equals(plain["probe"].iloc[0]),
        "flops": metrics["pretraining_flops"]
        == pretraining_flops(inputs["x_train"].shape[1], [32, 32], len(inputs["x_train"]), 1, 20),
        "seconds": metrics["pretraining_seconds"] > 0
        and plain["metrics"]["pretraining_seconds"] == 0,
        "kernel_shape": list(stack[0].kernel.shape),
        "first_kernel_differs_from_glorot": not np.array_equal(
            stack[0].kernel, model.get_layer("hidden_1").get_weights()[0]
        ),
    }


def seeds_check(check: str, data: dict) -> dict:
    """Seeds 3 and 4 trained one after the other in this process ("seeds"), and seed 4 in a
    fresh process of its own ("alone"): whether seed 4's files are the same, byte for byte
    (metrics.json without its timing)."""
    import tempfile
    import time

    from tipsbench.layout import run_files
    from tipsbench.training import train_seeds

    root = Path(tempfile.mkdtemp(prefix=f"tipsbench-{check}-"))
    seeds = [3, 4] if check == "seeds" else [4]
    files = {seed: run_files(str(root / f"seed-{seed}")) for seed in seeds}
    statuses = train_seeds(SMALL, data, "small", files, started=time.time(), probe=PROBE, verbose=0)
    if check == "alone":
        return {"folder": str(root / "seed-4"), "statuses": statuses}
    alone = Path(run_check(sys.argv[1], "alone")["folder"])
    together = root / "seed-4"
    same = {}
    for name in ("history.csv", "probe.csv", "layers.csv", "weights.npz", "predictions.npz"):
        same[name] = _arrays(together / name) == _arrays(alone / name)
    timing = (
        "fit_seconds",
        "probe_seconds",
        "samples_per_second",
        "peak_rss_mb",
        "job_seeds",
        "started_at",
        "finished_at",
        "job_seconds",
        "cpu_seconds",
        "pretraining_seconds",
    )
    first, second = (
        {
            key: value
            for key, value in json.loads((folder / "metrics.json").read_text()).items()
            if key not in timing
        }
        for folder in (together, alone)
    )
    same["metrics.json"] = first == second
    return {"backend": first["backend"], "statuses": statuses, "same": same}


def _arrays(path: Path):
    """A result file's content: its text, or an .npz file's arrays as bytes."""
    if path.suffix != ".npz":
        return path.read_text()
    import numpy as np

    with np.load(path) as archive:
        return {name: archive[name].tobytes() for name in archive.files}


def gradient_check() -> dict:
    """The backend's layer gradients against central finite differences on a tiny net.

    A 4-3-2 sigmoid/softmax net with cross-entropy on 6 examples: every weight is nudged by
    ±1e-3 and the change of the loss (computed in float64 from predict()) divided by 2e-3; the
    largest gap to the gradient function, relative to the largest finite-difference entry.
    """
    import keras
    import numpy as np

    from tipsbench.gradients import trainable_gradients

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(3, activation="sigmoid"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 4)).astype("float32")
    y = np.eye(2, dtype="float32")[rng.integers(0, 2, 6)]

    def loss() -> float:
        p = model.predict(x, verbose=0).astype(np.float64)
        return float(np.mean(-np.log(np.clip((p * y).sum(axis=1), 1e-7, 1))))

    worst = 0.0
    for variable, gradient in zip(model.trainable_variables, trainable_gradients(model, x, y)):
        start = np.asarray(variable.value).copy()
        estimate = np.zeros(start.shape)
        for index in np.ndindex(start.shape):
            for sign in (1, -1):
                nudged = start.copy()
                nudged[index] += sign * 1e-3
                variable.assign(nudged)
                estimate[index] += sign * loss() / 2e-3
            variable.assign(start)
        scale = float(np.max(np.abs(estimate)))
        worst = max(worst, float(np.max(np.abs(estimate - gradient))) / scale)
    return {"backend": keras.backend.backend(), "worst_relative_error": worst}


def run_check(backend: str, check: str) -> dict:
    """Run ``check`` on ``backend`` in a fresh interpreter; its findings."""
    return run_script(Path(__file__), backend, check)


def run_script(script: Path, *arguments: str) -> dict:
    """Run a check script in a fresh interpreter, started as a fresh job would be; the JSON
    object it prints last."""
    result = subprocess.run(
        [sys.executable, str(script), *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        env=STARTING_ENVIRONMENT,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))

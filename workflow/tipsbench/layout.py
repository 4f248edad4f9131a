"""Where everything of a run lives under ``results/<run_name>/``.

This is the one place the layout is spelled.

The rules build their input and output paths with these functions, so a script never
builds a path itself and the layout can change here alone. Called with the wildcard
strings ``"{condition}"`` and ``"{seed}"`` they give the rules' patterns.
"""

from __future__ import annotations

# The files one training job writes, by name; metrics.json is written last and marks the run
# complete.
RUN_FILES = {
    "metrics": "metrics.json",
    "history": "history.csv",
    "probe": "probe.csv",
    "layers": "layers.csv",
    "weights": "weights.npz",
    "predictions": "predictions.npz",
}


def run_root(run_name: str) -> str:
    """The folder of one run of the workflow."""
    return f"results/{run_name}"


def run_folder(root: str, condition: str, seed: int | str) -> str:
    """Where the train rule writes one (condition, seed)."""
    return f"{root}/runs/{condition}/seed-{seed}"


def train_log(root: str, condition: str, seeds: tuple[int, ...] | list[int]) -> str:
    """The log of the training job that trains ``seeds`` of ``condition`` in one process."""
    span = f"seed-{seeds[0]}" if len(seeds) == 1 else f"seeds-{seeds[0]}-{seeds[-1]}"
    return f"{root}/logs/train/{condition}-{span}.log"


def audit_folder(root: str, condition: str, seed: int | str) -> str:
    """Where the determinism audit writes its retrained copy of one (condition, seed)."""
    return f"{root}/audit/{condition}/seed-{seed}"


def run_files(folder: str) -> dict[str, str]:
    """The paths of a training job's files in ``folder``, by name."""
    return {name: f"{folder}/{filename}" for name, filename in RUN_FILES.items()}


def table(root: str, name: str) -> str:
    """A table of the tables or statistics stage."""
    return f"{root}/tables/{name}.csv"


def array_table(root: str, name: str) -> str:
    """A table of the tables stage held as arrays (too wide for a CSV), e.g. per-image scores."""
    return f"{root}/tables/{name}.npz"


def record(root: str, name: str) -> str:
    """A record of the statistics stage that goes with its tables (JSON), e.g. the endpoint
    references of the tables' keys."""
    return f"{root}/tables/{name}.json"


def figure(root: str, name: str) -> str:
    """A figure; per-study figures are named ``<study>-<figure>``."""
    return f"{root}/figures/{name}.svg"

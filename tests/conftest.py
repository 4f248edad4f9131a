"""Shared fixtures: the repository, the committed MNIST subset and the resolved configs."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from snakemake.utils import validate

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
SUBSET = ROOT / "tests" / "data" / "mnist-subset.npz"
# The eight unique conditions the seven default studies resolve to.
DEFAULT_CONDITIONS = {
    "base",
    "loss-mean-squared-error",
    "batch-10000",
    "layers-8",
    "layers-8-act-relu",
    "opt-adam-lr-0.001",
    "dropout-0.2",
    "layers-3-act-relu-opt-adam-lr-0.001-dropout-0.2",
}


def merge(base: dict, update: dict) -> dict:
    """Deep-merge like Snakemake merges --configfile over the default configfile."""
    merged = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_config(*names: str) -> dict:
    """config/config.yaml, merged with the named overlays, validated with defaults filled."""
    config: dict = {}
    for name in ("config.yaml", *names):
        config = merge(config, yaml.safe_load((ROOT / "config" / name).read_text()))
    validate(config, str(SCHEMA))
    return config


@pytest.fixture
def default_config() -> dict:
    return load_config()


@pytest.fixture
def smoke_config() -> dict:
    return load_config("smoke.yaml")


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """Run the smoke config once per test session on a copy of the repository.

    Returns (the run's results folder, the working copy).
    """
    from workflow_helpers import copy_workflow, snakemake

    workdir = copy_workflow(tmp_path_factory.mktemp("smoke"))
    result = snakemake(workdir, "--cores", "2", "--configfile", "config/smoke.yaml")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return workdir / "results" / "smoke", workdir

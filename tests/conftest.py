"""Shared fixtures: the repository, the committed MNIST subset, the tests' own configs and
their end-to-end run.

Tests check mechanisms on configs of their own (``tests/configs/``), never the contents of
the shipped experiment: expected counts are derived from a config's resolved grid and the
figure and endpoint registries, so adding a study to ``config/config.yaml`` breaks no test.
``test_shipped_configs.py`` validates and dry-runs every shipped config.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

# The unit tests run on the workflow's default backend; this must be set before anything
# imports Keras (tests of another backend run it in a process of its own).
os.environ.setdefault("KERAS_BACKEND", "jax")

import pytest  # noqa: E402
import yaml  # noqa: E402
from snakemake.utils import validate  # noqa: E402

from tipsbench.schema import hyperparameter_defaults  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
SUBSET = ROOT / "tests" / "data" / "mnist-subset.npz"
FIXTURES = ROOT / "tests" / "configs"
# How Snakemake runs a fixture config: on its own, not merged over config/config.yaml.
E2E = ("--configfile", "tests/configs/e2e.yaml")


def merge(base: dict, update: dict) -> dict:
    """Deep-merge like Snakemake merges --configfile over the default configfile."""
    merged = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def validated(config: dict) -> dict:
    """A config validated against the schema, its defaults filled in (the base condition's
    from the hyperparameters' declared defaults, as tipsbench.config.check_config does)."""
    validate(config, str(SCHEMA))
    config["base"] = {**hyperparameter_defaults(), **config["base"]}
    return config


def load_config(*names: str) -> dict:
    """config/config.yaml, merged with the named overlays, validated with defaults filled."""
    config: dict = {}
    for name in ("config.yaml", *names):
        config = merge(config, yaml.safe_load((ROOT / "config" / name).read_text()))
    return validated(config)


def load_fixture(name: str = "e2e.yaml") -> dict:
    """A config of the tests' own (tests/configs/<name>), validated with defaults filled."""
    return validated(yaml.safe_load((FIXTURES / name).read_text()))


def experiment_of(config: dict):
    """The experiment a (validated) config resolves to."""
    from tipsbench.experiment import resolve_experiment

    return resolve_experiment(copy.deepcopy(config))


@pytest.fixture
def default_config() -> dict:
    return load_config()


@pytest.fixture
def smoke_config() -> dict:
    return load_config("smoke.yaml")


@pytest.fixture
def e2e_config() -> dict:
    return load_fixture()


@pytest.fixture(scope="session")
def e2e_run(tmp_path_factory):
    """Run the tests' end-to-end config once per test session on a copy of the repository.

    Returns (the run's results folder, the working copy).
    """
    from workflow_helpers import copy_workflow, snakemake

    workdir = copy_workflow(tmp_path_factory.mktemp("e2e"))
    result = snakemake(workdir, "--cores", "2", *E2E)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return workdir / "results" / load_fixture()["run_name"], workdir

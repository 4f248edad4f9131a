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

"""Unit tests of tipsbench.grid: the default config's seven studies dedupe to eight conditions."""

from __future__ import annotations

import copy

import pytest
from conftest import DEFAULT_CONDITIONS

from tipsbench.grid import condition_name, resolve_grid


def test_default_grid_has_fourteen_arms_over_eight_unique_conditions(default_config):
    grid = resolve_grid(default_config)
    assert len(grid.arms) == 14
    assert set(grid.conditions) == DEFAULT_CONDITIONS
    assert len(grid.conditions) * len(grid.seeds) == 40
    assert grid.studies == ["loss", "batch", "depth", "activation", "optimizer", "dropout", "final"]


def test_arms_reaching_the_same_hyperparameters_share_one_condition(default_config):
    grid = resolve_grid(default_config)
    by_arm = {(arm.study, arm.role): arm.condition for arm in grid.arms}
    # The base is arm B of loss, batch, A of depth, optimizer, dropout: five arms, one condition.
    assert [key for key, name in by_arm.items() if name == "base"] == [
        ("loss", "B"),
        ("batch", "B"),
        ("depth", "A"),
        ("optimizer", "A"),
        ("dropout", "A"),
    ]
    assert by_arm[("depth", "B")] == by_arm[("activation", "A")] == "layers-8"
    assert by_arm[("optimizer", "B")] == by_arm[("final", "A")]


def test_resolved_hyperparameters_of_the_complex_model(default_config):
    grid = resolve_grid(default_config)
    complex_model = grid.conditions[grid.arms_of("final")[1].condition]
    assert complex_model == {
        **default_config["base"],
        "hidden_layers": 3,
        "activation": "relu",
        "optimizer": "adam",
        "learning_rate": 0.001,
        "dropout_rate": 0.2,
    }


def test_condition_name_is_base_only_for_the_base(default_config):
    base = default_config["base"]
    assert condition_name(base, base) == "base"
    assert condition_name({**base, "epochs": 30}, base) == "epochs-30"


def test_two_arms_resolving_to_the_same_condition_are_refused(default_config):
    config = copy.deepcopy(default_config)
    config["studies"]["loss"]["arms"][0]["overrides"] = {"loss": "categorical_crossentropy"}
    with pytest.raises(
        ValueError, match="studies.loss: both arms resolve to the same condition 'base'"
    ):
        resolve_grid(config)


def test_unknown_override_is_refused(default_config):
    config = copy.deepcopy(default_config)
    config["studies"]["dropout"]["arms"][1]["overrides"] = {"dropout": 0.2}
    with pytest.raises(
        ValueError, match="studies.dropout.arms.B.overrides: unknown hyperparameter 'dropout'"
    ):
        resolve_grid(config)


def test_lee2017_preset_resolves_to_the_demo_conditions():
    import yaml
    from conftest import ROOT, SCHEMA
    from snakemake.utils import validate

    config = yaml.safe_load((ROOT / "config" / "lee2017.yaml").read_text())
    validate(config, str(SCHEMA))
    grid = resolve_grid(config)
    assert grid.studies == [
        "loss",
        "batch",
        "depth",
        "activation",
        "optimizer",
        "scaling",
        "dropout",
    ]
    assert len(grid.conditions) == 9
    deep_relu = grid.conditions["layers-13-act-relu"]
    assert (deep_relu["hidden_layers"], deep_relu["units"], deep_relu["activation"]) == (
        13,
        689,
        "relu",
    )
    noisy = grid.conditions[grid.arms_of("dropout")[1].condition]
    assert (noisy["dropout_rate"], noisy["test_noise"], noisy["hidden_layers"]) == (0.7, 1.0, 3)
    assert grid.conditions[grid.arms_of("scaling")[0].condition]["scale_inputs"] is False
    assert all(config["studies"][study]["note"] for study in ("optimizer", "scaling", "dropout"))

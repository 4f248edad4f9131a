"""Unit tests of tipsbench.grid on the tests' own config: arms dedupe to unique conditions,
named by what differs from the base."""

from __future__ import annotations

import copy

import pytest

from tipsbench.grid import condition_name, resolve_grid


def test_arms_reaching_the_same_hyperparameters_share_one_condition(e2e_config):
    grid = resolve_grid(e2e_config)
    by_arm = {(arm.study, arm.role): arm.condition for arm in grid.arms}
    assert len(grid.arms) == 2 * len(e2e_config["studies"])
    # Every arm without overrides is the base: one condition however many studies use it.
    plain = [
        (study, role)
        for study, spec in e2e_config["studies"].items()
        for role, arm in zip("AB", spec["arms"])
        if not arm.get("overrides")
    ]
    assert len(plain) > 1 and {by_arm[key] for key in plain} == {"base"}
    assert len(grid.conditions) == len(set(by_arm.values())) < len(grid.arms)
    assert grid.studies == list(e2e_config["studies"])


def test_resolved_hyperparameters_are_the_base_with_the_arms_overrides(e2e_config):
    grid = resolve_grid(e2e_config)
    for study, spec in e2e_config["studies"].items():
        for arm, arm_spec in zip(grid.arms_of(study), spec["arms"]):
            assert grid.conditions[arm.condition] == {
                **e2e_config["base"],
                **arm_spec.get("overrides", {}),
            }


def test_condition_name_is_base_only_for_the_base(e2e_config):
    base = e2e_config["base"]
    assert condition_name(base, base) == "base"
    assert condition_name({**base, "epochs": 30}, base) == "epochs-30"
    assert (
        condition_name({**base, "hidden_layers": 8, "activation": "relu"}, base)
        == "layers-8-act-relu"
    )


def test_two_arms_resolving_to_the_same_condition_are_refused(e2e_config):
    config = copy.deepcopy(e2e_config)
    config["studies"]["loss"]["arms"][0]["overrides"] = {"loss": "categorical_crossentropy"}
    with pytest.raises(
        ValueError, match="studies.loss: both arms resolve to the same condition 'base'"
    ):
        resolve_grid(config)


def test_unknown_override_is_refused(e2e_config):
    config = copy.deepcopy(e2e_config)
    config["studies"]["dropout"]["arms"][1]["overrides"] = {"dropout": 0.2}
    with pytest.raises(
        ValueError, match="studies.dropout.arms.B.overrides: unknown hyperparameter 'dropout'"
    ):
        resolve_grid(config)


def test_lee2017_preset_resolves_to_the_demo_conditions():
    # What PROTOCOL.md says the lecturer's demo trained, wherever the preset puts it.
    import yaml
    from conftest import ROOT, validated

    config = validated(yaml.safe_load((ROOT / "config" / "lee2017.yaml").read_text()))
    grid = resolve_grid(config)
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


def test_the_order_of_keys_in_a_config_changes_no_job(e2e_config):
    # Snakemake reruns a job whose params read differently, so the experiment hands every job
    # its hyperparameters, data and settings in one key order, whatever the config's order.
    from conftest import experiment_of

    shuffled = copy.deepcopy(e2e_config)
    for section in ("base", "data", "statistics", "probe"):
        shuffled[section] = dict(reversed(list(shuffled[section].items())))
    first, second = experiment_of(e2e_config), experiment_of(shuffled)
    assert [list(hp.items()) for hp in first.conditions.values()] == [
        list(hp.items()) for hp in second.conditions.values()
    ]
    for part in ("data", "statistics", "probe", "base"):
        assert list(getattr(first, part).items()) == list(getattr(second, part).items())

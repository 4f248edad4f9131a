"""Resolve the validated config ONCE into the experiment that every stage works from.

The Snakefile validates the config against the schema (which fills in its defaults) and
calls ``resolve_experiment``; rules hand each script only the part of the experiment it
needs, as plain records (``*_record`` methods: dicts and lists, so that Snakemake can see
when a part changed and rerun just the jobs that use it). Scripts turn records back into
these dataclasses with ``from_record``.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from typing import Any

from tipsbench.data import DATASETS
from tipsbench.grid import Arm, Grid, resolve_grid


@dataclass(frozen=True)
class Dataset:
    """What the report and figures need to know about the dataset: its name and vocabulary."""

    name: str
    title: str
    input_size: int
    num_classes: int
    class_names: tuple[str, ...]
    item: str


@dataclass(frozen=True)
class Study:
    """One claim: its texts, the claimed direction and its two arms (A, B)."""

    name: str
    title: str
    claim: str
    claim_zh: str
    note: str
    expect: str
    arms: tuple[Arm, Arm]
    # Names the claim across runs (the comparison page matches on it).
    claim_id: str = ""
    # The smallest difference that matters for this study (the study's or the global value).
    smallest_effect: float = 0.01
    # A sweep point: the study it replicates (itself for a study of the config), the axis
    # and the axis value it sits at ("" and None for the slide's own setting).
    origin: str = ""
    axis: str = ""
    axis_value: Any = None

    @property
    def is_sweep_point(self) -> bool:
        return bool(self.axis)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Study:
        return cls(**{**record, "arms": tuple(Arm(**arm) for arm in record["arms"])})


@dataclass(frozen=True)
class Experiment:
    """The resolved experiment: conditions to train, studies to judge, how to judge them."""

    run_name: str
    seeds: tuple[int, ...]
    backend: str
    smoke: bool
    partial: bool
    base: dict[str, Any]
    grid: Grid
    studies: tuple[Study, ...]
    statistics: dict[str, Any]
    data: dict[str, Any]
    dataset: Dataset
    determinism: dict[str, Any]
    comparison_runs: tuple[str, ...]
    config_hash: str
    # The sweep axes as the report and the robustness table need them: name, hyperparameter,
    # values, arm_overrides, scale, studies and the slide's value (the base condition's).
    sweeps: tuple[dict[str, Any], ...] = ()

    @property
    def claims(self) -> list[Study]:
        """The studies of the config itself (not the sweep points): one per claim."""
        return [study for study in self.studies if not study.is_sweep_point]

    @property
    def tuned_arms(self) -> list[Arm]:
        """Arms whose hyperparameter is tuned on the validation set."""
        return [arm for arm in self.arms if arm.tuned]

    @property
    def conditions(self) -> dict[str, dict[str, Any]]:
        """Unique conditions by name: their resolved hyperparameters."""
        return self.grid.conditions

    @property
    def arms(self) -> list[Arm]:
        """Every study's arms, in config order."""
        return self.grid.arms

    def study_records(self) -> list[dict[str, Any]]:
        """The studies as plain records (see ``Study.from_record``)."""
        return [asdict(study) for study in self.studies]

    def report_record(self) -> dict[str, Any]:
        """What the report presents beside the tables.

        Texts, conditions, settings, dataset words.
        """
        return {
            "run_name": self.run_name,
            "smoke": self.smoke,
            "base": dict(self.base),
            "conditions": {name: dict(values) for name, values in self.conditions.items()},
            "studies": self.study_records(),
            "sweeps": [dict(axis) for axis in self.sweeps],
            "statistics": dict(self.statistics),
            "dataset": asdict(self.dataset),
            "config_hash": self.config_hash,
        }


def dataset_facts(name: str) -> Dataset:
    """The known dataset ``name`` described for the report."""
    spec = DATASETS[name]
    return Dataset(
        name=spec.name,
        title=spec.title,
        input_size=math.prod(spec.image_shape),
        num_classes=spec.num_classes,
        class_names=spec.class_names,
        item=spec.item,
    )


def config_hash(config: dict[str, Any]) -> str:
    """SHA-256 of the validated config (keys sorted), naming exactly what was run."""
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()


def resolve_experiment(config: dict[str, Any]) -> Experiment:
    """The experiment of a config already validated (defaults filled in) by ``check_config``."""
    grid = resolve_grid(config)

    def study(name: str, spec: dict[str, Any], point: Any = None) -> Study:
        return Study(
            name=name,
            title=spec["title"] or (point.origin if point else name),
            claim=spec["claim"],
            claim_zh=spec["claim_zh"],
            note=spec["note"],
            expect=spec["expect"],
            arms=tuple(grid.arms_of(name)),
            claim_id=spec["claim_id"] or f"{config['run_name']}.{point.origin if point else name}",
            smallest_effect=spec["smallest_effect"] or config["statistics"]["smallest_effect"],
            origin=point.origin if point else name,
            axis=point.axis if point else "",
            axis_value=point.value if point else None,
        )

    studies = [study(name, spec) for name, spec in config["studies"].items()]
    studies += [
        study(name, config["studies"][point.origin], point) for name, point in grid.points.items()
    ]
    sweeps = tuple(
        {
            **{key: axis[key] for key in ("name", "hyperparameter", "arm_overrides", "scale")},
            "values": list(axis["values"]),
            "studies": list(axis["studies"] or config["studies"]),
            # Where the slide's own study sits on the axis (train_size: the prepared set).
            "slide_value": config["base"].get(
                axis["hyperparameter"],
                config["data"]["train_size"] if axis["hyperparameter"] == "train_size" else None,
            ),
        }
        for axis in config["sweeps"]
    )
    return Experiment(
        run_name=config["run_name"],
        seeds=tuple(grid.seeds),
        backend=config["backend"],
        smoke=config["smoke"],
        partial=config["partial"],
        base=dict(config["base"]),
        grid=grid,
        studies=tuple(studies),
        statistics=dict(config["statistics"]),
        data=dict(config["data"]),
        dataset=dataset_facts(config["data"]["dataset"]),
        determinism=dict(config["determinism"]),
        comparison_runs=tuple(config["comparison"]["runs"]),
        config_hash=config_hash(config),
        sweeps=sweeps,
    )

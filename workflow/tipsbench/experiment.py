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
from dataclasses import asdict, dataclass, replace
from typing import Any

from tipsbench.data import DATASETS
from tipsbench.endpoints import LOSS_UNITS, EndpointRef, references
from tipsbench.grid import Arm, Grid, resolve_grid
from tipsbench.schema import non_default


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
class Claim:
    """One claim of a study: the endpoint it is judged on, the better arm, Δ, its words."""

    name: str
    # The endpoint with its typed parameters, resolved once from the config.
    endpoint: EndpointRef
    # "B > A", "A > B" (which arm is better on the endpoint) or "A ≈ B".
    expect: str
    # Δ in the endpoint's unit: a difference, or a ratio > 1 for a ratio endpoint.
    smallest_effect: float
    text: str = ""
    # The slide's own words, and an English translation of them.
    quote: str = ""
    quote_en: str = ""
    primary: bool = True
    # Why Δ is this size, for the report.
    smallest_effect_reason: str = ""
    # The unit a reader reads its values in, where the endpoint's depends on the arms (a loss:
    # nats for cross-entropy); "" takes the endpoint's own.
    unit: str = ""


@dataclass(frozen=True)
class Study:
    """Two arms (A, B) and the claims about them, with their texts."""

    name: str
    title: str
    claim: str
    claim_zh: str
    note: str
    arms: tuple[Arm, Arm]
    claims: tuple[Claim, ...]
    # Names the study's claims across runs (the comparison page matches on it and on each
    # claim's endpoint).
    claim_id: str = ""
    # An English translation of claim_zh; "slide" (a result the slides measured) or "ours"
    # (a tip or recipe they give without a measurement, tested here).
    claim_en: str = ""
    kind: str = "slide"
    # A sweep point: the study it replicates (itself for a study of the config), the axis
    # and the axis value it sits at ("" and None for the slide's own setting).
    origin: str = ""
    axis: str = ""
    axis_value: Any = None

    @property
    def is_sweep_point(self) -> bool:
        return bool(self.axis)

    @property
    def primary(self) -> Claim:
        """The claim whose verdict heads the study."""
        return next(claim for claim in self.claims if claim.primary)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Study:
        return cls(
            **{
                **record,
                "arms": tuple(Arm(**arm) for arm in record["arms"]),
                "claims": tuple(
                    Claim(**{**claim, "endpoint": EndpointRef.from_record(claim["endpoint"])})
                    for claim in record["claims"]
                ),
            }
        )


def study_references(records: list[dict[str, Any]]) -> dict[str, EndpointRef]:
    """Every claim's endpoint reference by key, from study records (``study_records``): how a
    stage given the records finds the reference of a table row's ``endpoint`` key."""
    return references(claim["endpoint"] for study in records for claim in study["claims"])


def resolve_claims(
    spec: dict[str, Any], statistics: dict[str, Any], losses: set[str] | None = None
) -> tuple[Claim, ...]:
    """A study's claims from its config entry (already checked by ``config.check_claims``).

    Without ``claims`` the study has one claim, on ``statistics.metric``, from its
    ``expect`` and ``smallest_effect``. A claim's Δ defaults to ``statistics.smallest_effect``
    on an endpoint measured in accuracy, with its reason; the first claim is primary unless one
    says it is. ``losses`` are the losses the study's arms train with: a claim on a loss reads
    in that loss's unit (``endpoints.LOSS_UNITS``).
    """
    default_reason = statistics.get("smallest_effect_reason", "")

    def unit_of(reference: EndpointRef) -> str:
        if reference.spec.reader != "loss" or not losses or len(losses) != 1:
            return ""
        return LOSS_UNITS.get(next(iter(losses)), "")

    if not spec.get("claims"):
        own = spec.get("smallest_effect")
        metric = EndpointRef.resolve(statistics["metric"])
        return (
            Claim(
                name=statistics["metric"],
                endpoint=metric,
                expect=spec["expect"],
                smallest_effect=own or statistics["smallest_effect"],
                smallest_effect_reason=spec.get("smallest_effect_reason")
                or ("" if own else default_reason),
                unit=unit_of(metric),
            ),
        )
    primary = next((index for index, claim in enumerate(spec["claims"]) if claim.get("primary")), 0)
    claims = []
    for index, claim in enumerate(spec["claims"]):
        reference = EndpointRef.resolve(claim["endpoint"], claim)
        delta = claim.get("smallest_effect")
        reason = claim.get("smallest_effect_reason", "")
        if delta is None and reference.spec.accuracy_unit:
            delta = statistics["smallest_effect"]
            reason = reason or default_reason
        claims.append(
            Claim(
                name=claim.get("name") or claim["endpoint"],
                endpoint=reference,
                expect=claim["expect"],
                smallest_effect=float(delta),
                text=claim.get("text", ""),
                quote=claim.get("quote", ""),
                quote_en=claim.get("quote_en", ""),
                primary=index == primary,
                smallest_effect_reason=reason,
                unit=unit_of(reference),
            )
        )
    return tuple(claims)


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
    # The probe every training job scores (the config's probe section).
    probe: dict[str, Any]
    # The sweep axes as the report and the robustness table need them: name, hyperparameter,
    # values, arm_overrides, scale, studies and the slide's value (the base condition's).
    sweeps: tuple[dict[str, Any], ...] = ()
    # Seeds of a condition one training job trains in one process (see seed_blocks).
    seeds_per_job: int = 1
    # Where the sources disagree and which reading is taken (topic, sources, taken).
    protocol: tuple[dict[str, str], ...] = ()
    # The machine's measured float32 matmul peak (GFLOP/s) for the cost section, or None.
    peak_gflops: float | None = None

    @property
    def seed_blocks(self) -> list[tuple[int, ...]]:
        """The seeds grouped into training jobs: fixed blocks by value, seed // seeds_per_job,
        in seed order. A new block is a new job, so listing more seeds never retrains a
        finished block unless a new seed falls into it."""
        blocks: dict[int, list[int]] = {}
        for seed in sorted(self.seeds):
            blocks.setdefault(seed // self.seeds_per_job, []).append(seed)
        return [tuple(seeds) for _, seeds in sorted(blocks.items())]

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

    @property
    def endpoints(self) -> list[EndpointRef]:
        """Every endpoint some claim of the run is judged on, in first-seen order."""
        return list(
            dict.fromkeys(claim.endpoint for study in self.studies for claim in study.claims)
        )

    def features(self, study: str | None = None) -> set[str]:
        """What the run (or one study of it) has, as a figure's ``needs`` names it.

        "sweeps" and "tuning" for the run; for a study also "endpoint:<name>" for each
        endpoint its claims are judged on.
        """
        features = {"sweeps"} if self.sweeps else set()
        features |= {"tuning"} if self.tuned_arms else set()
        for spec in self.studies:
            if spec.name == study:
                features |= {f"endpoint:{claim.endpoint.name}" for claim in spec.claims}
        return features

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
            # What differs from the schema's defaults (as a training job is told): a
            # hyperparameter added with its default changes no rule's parameters.
            "base": non_default(self.base),
            "conditions": {name: non_default(values) for name, values in self.conditions.items()},
            "studies": self.study_records(),
            "sweeps": [dict(axis) for axis in self.sweeps],
            "protocol": [dict(choice) for choice in self.protocol],
            "statistics": dict(self.statistics),
            "probe": dict(self.probe),
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


def canonical(record: dict[str, Any]) -> dict[str, Any]:
    """A config section with its keys (and those of nested sections) in sorted order."""
    return {
        key: canonical(value) if isinstance(value, dict) else value
        for key, value in sorted(record.items())
    }


def config_hash(config: dict[str, Any]) -> str:
    """SHA-256 of the validated config (keys sorted), naming exactly what was run, with the
    base condition as what differs from the hyperparameters' defaults: a hyperparameter added
    with its default changes neither what runs nor this hash."""
    named = {**config, "base": non_default(config["base"])} if "base" in config else config
    return hashlib.sha256(json.dumps(named, sort_keys=True, default=str).encode()).hexdigest()


def resolve_experiment(config: dict[str, Any]) -> Experiment:
    """The experiment of a config already validated (defaults filled in) by ``check_config``."""
    grid = resolve_grid(config)
    # Hyperparameters in one key order whatever the config's: Snakemake compares a job's params
    # as written, so reordering keys in a config must not retrain anything.
    grid = replace(grid, conditions={name: canonical(hp) for name, hp in grid.conditions.items()})

    def study(name: str, spec: dict[str, Any], point: Any = None) -> Study:
        return Study(
            name=name,
            title=spec["title"] or (point.origin if point else name),
            claim=spec["claim"],
            claim_zh=spec["claim_zh"],
            claim_en=spec["claim_en"],
            kind=spec["kind"],
            note=spec["note"],
            arms=tuple(grid.arms_of(name)),
            claims=resolve_claims(
                spec,
                config["statistics"],
                {
                    grid.conditions[condition]["loss"]
                    for arm in grid.arms_of(name)
                    for condition in arm.conditions
                },
            ),
            claim_id=spec["claim_id"] or f"{config['run_name']}.{point.origin if point else name}",
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
        base=canonical(config["base"]),
        grid=grid,
        studies=tuple(studies),
        statistics=canonical(config["statistics"]),
        data=canonical(config["data"]),
        dataset=dataset_facts(config["data"]["dataset"]),
        determinism=dict(config["determinism"]),
        comparison_runs=tuple(config["comparison"]["runs"]),
        config_hash=config_hash(config),
        protocol=tuple(dict(choice) for choice in config.get("protocol") or ()),
        probe=canonical(config["probe"]),
        sweeps=sweeps,
        seeds_per_job=config["seeds_per_job"],
        peak_gflops=config["peak_gflops"],
    )

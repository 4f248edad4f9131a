"""Resolve the experiment config into studies, arms and unique training conditions.

Each arm of a study is the base condition with some hyperparameters overridden. A
condition is identified by its resolved hyperparameters, so arms of different studies
that resolve to the same hyperparameters share one condition and are trained once.
A condition's name is derived from how it differs from the base (``base`` when it does
not), e.g. ``loss-mean-squared-error`` or ``layers-8-act-relu``: editing an arm changes
only that arm's condition, and so reruns only its jobs.

Two things multiply the grid. A sweep axis replicates studies at other values of one
hyperparameter: each point is a study of its own, named ``<study>@<axis>-<value>``, with
the same seeds; an arm that sets the swept hyperparameter itself keeps its value
(``arm_overrides: keep``) or takes the swept one (``sweep``), as the config says. A tuned
arm trains one candidate condition per value of its tuning grid; the tables stage keeps
the candidate with the best validation accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tipsbench.schema import hyperparameter_slugs

# Hyperparameters in the order they appear in condition names, with their short name: the
# schema's declaration ($defs.hyperparameters, x-slug).
HYPERPARAMETER_SLUGS: dict[str, str] = hyperparameter_slugs()


@dataclass(frozen=True)
class Arm:
    """One arm of one study: which condition it trains and what the slide reported for it."""

    study: str
    role: str
    label: str
    condition: str
    slide_accuracy: float | None
    # A tuned arm: the hyperparameter tuned on the validation set, and each candidate value
    # with its condition ((value, condition), ...); ``condition`` is the first candidate's.
    tuned: str | None = None
    candidates: tuple[tuple[Any, str], ...] = ()

    @property
    def conditions(self) -> list[str]:
        """Every condition this arm trains: its own, or all of its tuning candidates."""
        return [condition for _, condition in self.candidates] or [self.condition]


@dataclass(frozen=True)
class SweepPoint:
    """One study replicated at one value of a sweep axis."""

    study: str
    origin: str
    axis: str
    hyperparameter: str
    value: Any
    arm_overrides: str


@dataclass(frozen=True)
class Grid:
    """The resolved experiment: unique conditions by name, and every study's arms."""

    conditions: dict[str, dict[str, Any]]
    arms: list[Arm]
    seeds: list[int]
    # The study instances that sweep axes add, by name.
    points: dict[str, SweepPoint] = field(default_factory=dict)

    def arms_of(self, study: str) -> list[Arm]:
        """The arms of one study, A first."""
        return [arm for arm in self.arms if arm.study == study]

    @property
    def studies(self) -> list[str]:
        """Study names in config order."""
        return list(dict.fromkeys(arm.study for arm in self.arms))


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", "-")


def condition_name(hyperparameters: dict[str, Any], base: dict[str, Any]) -> str:
    """A short, file-name-safe name saying how a condition differs from the base."""
    parts = [
        f"{slug}-{_format_value(hyperparameters[key])}"
        for key, slug in HYPERPARAMETER_SLUGS.items()
        if hyperparameters.get(key) != base.get(key)
    ]
    return "-".join(parts) or "base"


def resolve_condition(base: dict[str, Any], overrides: dict[str, Any], where: str) -> dict:
    """The base hyperparameters with an arm's overrides applied."""
    unknown = sorted(set(overrides) - set(HYPERPARAMETER_SLUGS))
    if unknown:
        raise ValueError(
            f"{where}.overrides: unknown hyperparameter {unknown[0]!r} "
            f"(expected one of {', '.join(HYPERPARAMETER_SLUGS)})"
        )
    return {**base, **overrides}


def value_slug(value: Any) -> str:
    """A hyperparameter value as it reads in a name: 0.001, relu, 10000."""
    return _format_value(value)


class _Registry:
    """Unique conditions by name; a name reused for other hyperparameters is an error."""

    def __init__(self, base: dict[str, Any]):
        self.base = base
        self.conditions: dict[str, dict[str, Any]] = {}

    def add(self, hyperparameters: dict[str, Any], where: str) -> str:
        name = condition_name(hyperparameters, self.base)
        if self.conditions.setdefault(name, hyperparameters) != hyperparameters:
            raise ValueError(f"{where}: condition name {name!r} is taken by another condition")
        return name


def _resolve_arm(
    study: str,
    role: str,
    arm: dict[str, Any],
    registry: _Registry,
    where: str,
    swept: tuple[str, Any, str] | None = None,
) -> Arm:
    """One arm's condition (or tuning candidates), at a sweep point when ``swept`` is given."""
    overrides = dict(arm.get("overrides") or {})
    if swept:
        hyperparameter, value, arm_overrides = swept
        if hyperparameter not in overrides or arm_overrides == "sweep":
            overrides[hyperparameter] = value
    hyperparameters = resolve_condition(registry.base, overrides, where)
    tune = arm.get("tune")
    candidates: tuple[tuple[Any, str], ...] = ()
    if tune:
        candidates = tuple(
            (value, registry.add({**hyperparameters, tune["hyperparameter"]: value}, where))
            for value in tune["values"]
        )
        condition = candidates[0][1]
    else:
        condition = registry.add(hyperparameters, where)
    return Arm(
        study=study,
        role=role,
        label=arm["label"],
        condition=condition,
        slide_accuracy=arm.get("slide_accuracy"),
        tuned=tune["hyperparameter"] if tune else None,
        candidates=candidates,
    )


def _study_arms(
    study: str, spec: dict[str, Any], registry: _Registry, swept=None, where: str = ""
) -> list[Arm]:
    where = where or f"studies.{study}"
    if len(spec["arms"]) != 2:
        raise ValueError(f"{where}.arms: expected exactly two arms (A and B)")
    arms = [
        _resolve_arm(study, role, arm, registry, f"{where}.arms.{role}", swept)
        for role, arm in zip("AB", spec["arms"])
    ]
    if arms[0].conditions == arms[1].conditions:
        raise ValueError(f"{where}: both arms resolve to the same condition {arms[0].condition!r}")
    return arms


def resolve_grid(config: dict[str, Any]) -> Grid:
    """Turn a validated config into the grid of conditions and arms.

    Raises ValueError naming the study (or sweep) when its two arms resolve to the same
    condition, or when two different conditions would get the same name.
    """
    registry = _Registry(dict(config["base"]))
    arms: list[Arm] = []
    for study, spec in config["studies"].items():
        arms += _study_arms(study, spec, registry)
    points: dict[str, SweepPoint] = {}
    for index, axis in enumerate(config.get("sweeps") or []):
        hyperparameter, mode = axis["hyperparameter"], axis["arm_overrides"]
        for study in axis.get("studies") or list(config["studies"]):
            spec = config["studies"][study]
            slide = [arm.conditions for arm in arms if arm.study == study]
            for value in axis["values"]:
                name = f"{study}@{axis['name']}-{value_slug(value)}"
                where = f"sweeps[{index}] ({axis['name']} = {value_slug(value)}, study {study})"
                point = _study_arms(name, spec, registry, (hyperparameter, value, mode), where)
                # The point that trains the slide's own conditions is the study itself.
                if [arm.conditions for arm in point] == slide:
                    continue
                if name in points:
                    raise ValueError(f"{where}: the study {name!r} is made twice")
                arms += point
                points[name] = SweepPoint(name, study, axis["name"], hyperparameter, value, mode)
    return Grid(
        conditions=registry.conditions, arms=arms, seeds=list(config["seeds"]), points=points
    )

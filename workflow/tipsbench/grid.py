"""Resolve the experiment config into studies, arms and unique training conditions.

Each arm of a study is the base condition with some hyperparameters overridden. A
condition is identified by its resolved hyperparameters, so arms of different studies
that resolve to the same hyperparameters share one condition and are trained once.
A condition's name is derived from how it differs from the base (``base`` when it does
not), e.g. ``loss-mean-squared-error`` or ``layers-8-act-relu``: editing an arm changes
only that arm's condition, and so reruns only its jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Hyperparameters in the order they appear in condition names, with their short name.
HYPERPARAMETER_SLUGS: dict[str, str] = {
    "hidden_layers": "layers",
    "units": "units",
    "activation": "act",
    "loss": "loss",
    "optimizer": "opt",
    "learning_rate": "lr",
    "batch_size": "batch",
    "epochs": "epochs",
    "dropout_rate": "dropout",
    "scale_inputs": "scaled",
    "test_noise": "noise",
}


@dataclass(frozen=True)
class Arm:
    """One arm of one study: which condition it trains and what the slide reported for it."""

    study: str
    role: str
    label: str
    condition: str
    slide_accuracy: float | None


@dataclass(frozen=True)
class Grid:
    """The resolved experiment: unique conditions by name, and every study's arms."""

    conditions: dict[str, dict[str, Any]]
    arms: list[Arm]
    seeds: list[int]

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
    unknown = sorted(set(overrides) - set(base))
    if unknown:
        raise ValueError(
            f"{where}.overrides: unknown hyperparameter {unknown[0]!r} "
            f"(expected one of {', '.join(base)})"
        )
    return {**base, **overrides}


def resolve_grid(config: dict[str, Any]) -> Grid:
    """Turn a validated config into the grid of conditions and arms.

    Raises ValueError naming the study when its two arms resolve to the same condition,
    or when two different conditions would get the same name.
    """
    base = dict(config["base"])
    conditions: dict[str, dict[str, Any]] = {}
    arms: list[Arm] = []
    for study, spec in config["studies"].items():
        if len(spec["arms"]) != 2:
            raise ValueError(f"studies.{study}.arms: expected exactly two arms (A and B)")
        names = []
        for role, arm in zip("AB", spec["arms"]):
            where = f"studies.{study}.arms.{role}"
            hyperparameters = resolve_condition(base, arm.get("overrides") or {}, where)
            name = condition_name(hyperparameters, base)
            if conditions.setdefault(name, hyperparameters) != hyperparameters:
                raise ValueError(f"{where}: condition name {name!r} is taken by another condition")
            names.append(name)
            arms.append(
                Arm(
                    study=study,
                    role=role,
                    label=arm["label"],
                    condition=name,
                    slide_accuracy=arm.get("slide_accuracy"),
                )
            )
        if names[0] == names[1]:
            raise ValueError(
                f"studies.{study}: both arms resolve to the same condition {names[0]!r}"
            )
    return Grid(conditions=conditions, arms=arms, seeds=list(config["seeds"]))

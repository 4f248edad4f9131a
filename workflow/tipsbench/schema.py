"""The config schema as the one home of defaults and allowed values.

``workflow/schemas/config.schema.yaml`` decides what a valid experiment is. Code that needs
a default or the list of allowed values (optimizers, losses, activations, backends) reads it
here instead of writing it a second time. Above all the hyperparameters: each is declared once,
under ``$defs.hyperparameters``, with its type, its slug in condition names and its default;
the base condition, the allowed overrides, condition names and every hand-built set of
hyperparameters (``hyperparameters(...)``) follow from that declaration.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "config.schema.yaml"


@cache
def load_schema() -> dict[str, Any]:
    """The parsed schema (read once per process)."""
    return yaml.safe_load(SCHEMA_PATH.read_text())


def _node(name: str) -> dict[str, Any]:
    schema = load_schema()
    node = (
        schema["$defs"].get(name)
        or hyperparameter_definitions().get(name)
        or schema["properties"].get(name)
    )
    if node is None:
        raise ValueError(f"the config schema has no definition or property {name!r}")
    return node


def allowed(name: str) -> tuple[Any, ...]:
    """The values the schema allows for ``name`` (a ``$defs`` entry or a top-level property)."""
    node = _node(name)
    if "enum" not in node:
        raise ValueError(f"the config schema's {name!r} has no list of allowed values")
    return tuple(node["enum"])


def defaults(section: str) -> dict[str, Any]:
    """The schema's default of every property of a top-level section, e.g. ``statistics``."""
    properties = _node(section).get("properties", {})
    return {key: spec["default"] for key, spec in properties.items() if "default" in spec}


def hyperparameter_definitions(schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every hyperparameter's definition, in the order condition names list them."""
    schema = schema or load_schema()
    return schema["$defs"]["hyperparameters"]["properties"]


def hyperparameter_slugs() -> dict[str, str]:
    """Each hyperparameter's short name in condition names (``layers``, ``lr``), in order."""
    return {name: spec["x-slug"] for name, spec in hyperparameter_definitions().items()}


def hyperparameter_defaults() -> dict[str, Any]:
    """The default of every hyperparameter that has one (the slide's first model); one without
    (``train_size``, the seeds of single sources) is absent: it does not apply."""
    return {
        name: spec["x-default"]
        for name, spec in hyperparameter_definitions().items()
        if "x-default" in spec
    }


def hyperparameters(**given: Any) -> dict[str, Any]:
    """A complete set of hyperparameters: the defaults with ``given`` over them.

    What a training job receives (``non_default`` of its condition) and what tests build by
    hand both go through here, so a hyperparameter added to the schema with a default reaches
    every one of them without an edit.
    """
    known = hyperparameter_definitions()
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValueError(f"unknown hyperparameter {unknown[0]!r} (known: {', '.join(known)})")
    return {**hyperparameter_defaults(), **given}


def non_default(resolved: dict[str, Any]) -> dict[str, Any]:
    """The hyperparameters of ``resolved`` that differ from their defaults (or have none).

    A training job gets these as its parameters and fills the rest with ``hyperparameters``:
    a hyperparameter added later with a default that reproduces today's runs changes no job's
    parameters, so a finished results folder stays finished.
    """
    defaults = hyperparameter_defaults()
    return {
        name: value
        for name, value in resolved.items()
        if name not in defaults
        or value != defaults[name]
        or type(value) is not type(defaults[name])
    }

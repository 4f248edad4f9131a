"""The config schema as the one home of defaults and allowed values.

``workflow/schemas/config.schema.yaml`` decides what a valid experiment is. Code that needs
a default or the list of allowed values (optimizers, losses, activations, backends) reads it
here instead of writing it a second time.
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
    node = schema["$defs"].get(name) or schema["properties"].get(name)
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

"""Check the experiment config before anything runs, and say what is wrong in one line.

``check_config`` validates the config against the JSON schema with Snakemake's own
``validate`` (which also fills the schema's defaults into the config), then makes the
checks a schema cannot express: the grid must resolve (two arms of one study may not be
the same condition) and a local data file must exist. Every failure is a ``ConfigError``
whose text is one line, ``config error: <where>: <what was expected>``, e.g. (the second
wrapped here):

    config error: base.epochs: -1 is less than the minimum 1
    config error: studies.loss.arms[0].overrides: unknown key 'dropuot'
        (did you mean 'dropout_rate'? allowed: ...)

The Snakefile turns it into ``sys.exit(message)``: Snakemake prints that line alone and
exits with status 1, before any job runs or anything is written.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from tipsbench.data import DATASETS
from tipsbench.endpoints import ENDPOINTS, check_parameters, endpoint
from tipsbench.grid import resolve_grid
from tipsbench.schema import SCHEMA_PATH

PREFIX = "config error: "
MAX_VALUE_CHARS = 60

# JSON schema type names as a user reads them.
TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


class ConfigError(ValueError):
    """The config is not a valid experiment; ``str()`` is the one-line message for the user."""

    def __init__(self, where: str, what: str):
        self.where = where
        self.what = what
        super().__init__(f"{PREFIX}{where}: {what}")


def check_config(
    config: dict[str, Any], schema_path: str | Path = SCHEMA_PATH, *, check_paths: bool = True
) -> None:
    """Validate ``config`` (filling in the schema's defaults) or raise ``ConfigError``.

    ``schema_path`` must be absolute (Snakemake resolves relative schema paths against
    the Snakefile that calls ``validate``, and this module is not one). ``check_paths``
    False skips the check that ``data.path`` exists (for ``snakemake --lint``, which
    checks the code, not the data).
    """
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    schema_path = Path(schema_path)
    if not schema_path.is_absolute():
        raise ValueError(f"schema path must be absolute, got {schema_path}")
    try:
        validate(config, schema=str(schema_path))
    except WorkflowError as error:
        # validate() raises WorkflowError from within `except ValidationError`, with the
        # ValidationError formatted into its text; the error itself is its context.
        caught = error.__cause__ or error.__context__
        if not isinstance(caught, ValidationError):
            raise
        raise schema_error(config, schema_path, caught) from None

    dataset = config["data"]["dataset"]
    if dataset not in DATASETS:
        hint = did_you_mean(dataset, list(DATASETS))
        raise ConfigError(
            "data.dataset",
            f"{show(dataset)} is not one of {', '.join(DATASETS)}"
            + (f" ({hint.strip()})" if hint else ""),
        )
    check_sweeps_and_tuning(config, yaml.safe_load(Path(schema_path).read_text()))
    try:
        grid = resolve_grid(config)
    except ValueError as error:
        where, _, what = str(error).partition(": ")
        raise ConfigError(where, what) from None
    check_claims(config, grid)

    audit = config["determinism"]
    if audit["condition"] is not None and audit["condition"] not in grid.conditions:
        raise ConfigError(
            "determinism.condition",
            f"{audit['condition']!r} names no condition of this config "
            f"(conditions: {', '.join(grid.conditions)})",
        )
    if audit["seed"] is not None and audit["seed"] not in grid.seeds:
        raise ConfigError(
            "determinism.seed", f"{audit['seed']} is not one of the seeds {grid.seeds}"
        )

    path = config["data"]["path"]
    if check_paths and path:
        file = Path(path)
        looked = "" if file.is_absolute() else f" (looked for {file.resolve()})"
        # A file (.npz) or a folder of IDX files; the data step checks what is inside.
        if not file.exists():
            raise ConfigError("data.path", f"file {path} does not exist{looked}")


def _known_endpoint(name: str, where: str, parameters_allowed: bool = True) -> None:
    """``name`` must be a registered endpoint (without parameters, where none can be given)."""
    if name not in ENDPOINTS:
        hint = did_you_mean(name, list(ENDPOINTS))
        raise ConfigError(
            where, f"{show(name)} is not an endpoint ({hint}known: {', '.join(ENDPOINTS)})"
        )
    if not parameters_allowed and endpoint(name).required:
        raise ConfigError(
            where,
            f"{name} needs {', '.join(endpoint(name).required)}: judge it in a study's claims, "
            "where they can be given",
        )


def check_claims(config: dict[str, Any], grid: Any) -> None:
    """Each study's claims: an endpoint it knows, its parameters, a sensible Δ, one primary.

    A study gives either ``expect`` (one claim, on ``statistics.metric``) or ``claims``.
    """
    from tipsbench.experiment import ENDPOINT_PARAMETERS

    _known_endpoint(config["statistics"]["metric"], "statistics.metric", parameters_allowed=False)
    statistics, seeds = config["statistics"], len(config["seeds"])
    if statistics["test"] == "wilcoxon" and 2 / 2**seeds >= statistics["alpha"]:
        # The exact two-sided signed-rank test of n pairs cannot go below p = 2 / 2^n.
        needed = next(n for n in range(seeds, 64) if 2 / 2**n < statistics["alpha"])
        raise ConfigError(
            "statistics.test",
            f"wilcoxon with {seeds} seeds cannot reach p < {statistics['alpha']:g} (its "
            f"smallest two-sided p is {2 / 2**seeds:.4g}): list at least {needed} seeds, or "
            "use paired_t",
        )
    for study, spec in config["studies"].items():
        where = f"studies.{study}"
        claims = spec.get("claims")
        if claims is None and "expect" not in spec:
            raise ConfigError(
                where, "give expect (one claim, on statistics.metric) or claims (a list)"
            )
        if claims is None:
            continue
        if "expect" in spec:
            raise ConfigError(
                where, "give expect or claims, not both (each claim has its own expect)"
            )
        if spec.get("smallest_effect") is not None:
            raise ConfigError(
                f"{where}.smallest_effect",
                "with claims, each claim gives its own smallest_effect",
            )
        names: set[str] = set()
        primaries = 0
        for index, claim in enumerate(claims):
            at = f"{where}.claims[{index}]"
            name = claim["endpoint"]
            _known_endpoint(name, f"{at}.endpoint")
            spec_endpoint = endpoint(name)
            parameters = {key: claim[key] for key in ENDPOINT_PARAMETERS if key in claim}
            problem = check_parameters(name, parameters)
            if problem:
                raise ConfigError(at, problem)
            claim_name = claim.get("name") or name
            if claim_name in names:
                raise ConfigError(
                    at, f"a second claim named {claim_name!r}: give each claim its own name"
                )
            names.add(claim_name)
            primaries += bool(claim.get("primary"))
            delta = claim.get("smallest_effect")
            low, high = spec_endpoint.delta_bounds
            if delta is None and not spec_endpoint.accuracy_unit:
                unit = (
                    "a ratio above 1, e.g. 1.5"
                    if spec_endpoint.scale == "ratio"
                    else f"a difference in {spec_endpoint.unit}"
                )
                raise ConfigError(
                    f"{at}.smallest_effect",
                    f"{name} is not an accuracy, so its claims give their own ({unit})",
                )
            if delta is not None and not low < delta <= high:
                raise ConfigError(
                    f"{at}.smallest_effect",
                    f"{show(delta)} is outside ({show(low)}, {show(high)}] for {name}",
                )
            if spec_endpoint.same_loss:
                losses = {
                    grid.conditions[condition]["loss"]
                    for arm in grid.arms_of(study)
                    for condition in arm.conditions
                }
                if len(losses) > 1:
                    raise ConfigError(
                        at,
                        f"{name} compares each arm's own loss, and the arms train with "
                        f"different losses ({', '.join(sorted(losses))})",
                    )
        if primaries > 1:
            raise ConfigError(where, f"{primaries} claims say primary: true; at most one may")


def _check_value(schema: dict, hyperparameter: str, value: Any, where: str) -> None:
    """A value for ``hyperparameter`` must pass the schema's definition of it."""
    definition = {**schema["$defs"][hyperparameter], "$defs": schema["$defs"]}
    error = best_match(Draft202012Validator(definition).iter_errors(value))
    if error is not None:
        raise ConfigError(where, f"{describe(error)} (a value of {hyperparameter})")


def _check_grid(
    schema: dict, hyperparameters: list[str], name: str, values: list[Any], where: str
) -> None:
    """A tuning grid or sweep axis: a known hyperparameter and values its definition allows."""
    if name not in hyperparameters:
        hint = did_you_mean(name, hyperparameters)
        raise ConfigError(
            f"{where}.hyperparameter",
            f"{show(name)} is not a hyperparameter ({hint}allowed: {', '.join(hyperparameters)})",
        )
    for position, value in enumerate(values):
        _check_value(schema, name, value, f"{where}.values[{position}]")


def check_sweeps_and_tuning(config: dict[str, Any], schema: dict) -> None:
    """What the schema cannot say about sweep axes, tuned arms and the data they need."""
    hyperparameters = list(schema["$defs"]["arm"]["properties"]["overrides"]["properties"])
    data = config["data"]
    tuned: dict[str, set[str]] = {}
    for study, spec in config["studies"].items():
        for index, arm in enumerate(spec["arms"]):
            tune = arm.get("tune")
            if not tune:
                continue
            where = f"studies.{study}.arms[{index}].tune"
            name = tune["hyperparameter"]
            _check_grid(schema, hyperparameters, name, tune["values"], where)
            if not data["validation_size"]:
                raise ConfigError(
                    where,
                    "a tuned arm needs a validation set: set data.validation_size "
                    "(e.g. 10000, the last 10,000 training images)",
                )
            tuned.setdefault(study, set()).add(name)
    for index, axis in enumerate(config["sweeps"]):
        where = f"sweeps[{index}]"
        name = axis["hyperparameter"]
        _check_grid(schema, hyperparameters, name, axis["values"], where)
        for study in axis["studies"] or config["studies"]:
            if study not in config["studies"]:
                hint = did_you_mean(study, list(config["studies"]))
                raise ConfigError(
                    f"{where}.studies",
                    f"{show(study)} is not a study of this config ({hint}studies: "
                    f"{', '.join(config['studies'])})",
                )
            if name in tuned.get(study, ()):
                raise ConfigError(
                    where, f"study {study!r} tunes {name} itself; a sweep cannot also set it"
                )
    sizes = [config["base"].get("train_size")]
    sizes += [
        value
        for axis in config["sweeps"]
        if axis["hyperparameter"] == "train_size"
        for value in axis["values"]
    ]
    sizes += [
        arm.get("overrides", {}).get("train_size")
        for spec in config["studies"].values()
        for arm in spec["arms"]
    ]
    largest = max((size for size in sizes if size is not None), default=None)
    if largest is not None and largest > data["train_size"]:
        raise ConfigError(
            "train_size",
            f"{largest} training images asked for, but data.train_size prepares "
            f"{data['train_size']}",
        )
    available = DATASETS[data["dataset"]].sizes["train"] if data["sha256"] is None else None
    if available and data["train_size"] + data["validation_size"] > available:
        raise ConfigError(
            "data.validation_size",
            f"{data['train_size']} training + {data['validation_size']} validation images "
            f"exceed the {available} training images of {data['dataset']}",
        )


def schema_error(config: dict, schema_path: Path, error: ValidationError) -> ConfigError:
    """The most relevant of all schema violations of ``config``, as one ConfigError."""
    schema = yaml.safe_load(schema_path.read_text())
    try:
        error = best_match(Draft202012Validator(schema).iter_errors(config)) or error
    except Exception:  # e.g. unorderable paths or external $refs: keep validate's error
        pass
    return ConfigError(format_path(error.absolute_path), describe(error))


def format_path(path: Iterable[str | int]) -> str:
    """``['studies', 'loss', 'arms', 0, 'overrides']`` -> ``studies.loss.arms[0].overrides``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", str(part)):
            text += f".{part}" if text else str(part)
        else:
            text += f"[{str(part)!r}]"
    return text or "top level"


def describe(error: ValidationError) -> str:
    """What was wrong and what was expected, in words, for one jsonschema error."""
    kind, expected, value, schema = (
        error.validator,
        error.validator_value,
        error.instance,
        error.schema,
    )
    shown = show(value)

    if "propertyNames" in error.relative_schema_path:
        return f"name {shown} is not allowed (names must match {schema.get(kind)})"
    if kind == "additionalProperties" and expected is False:
        allowed = list(schema.get("properties", {}))
        patterns = list(schema.get("patternProperties", {}))
        unknown = [
            key
            for key in value
            if key not in allowed and not any(re.search(pattern, key) for pattern in patterns)
        ]
        key = unknown[0] if unknown else "?"
        more = f" (and {', '.join(map(repr, unknown[1:]))})" if len(unknown) > 1 else ""
        hint = did_you_mean(key, allowed)
        return f"unknown key {key!r}{more} ({hint}allowed: {', '.join(allowed) or 'none'})"
    if kind == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(TYPE_NAMES.get(name, name) for name in types)
        hint = ""
        if isinstance(value, str) and {"number", "integer"} & set(types):
            try:
                float(value)
                if error.path and isinstance(error.path[-1], int):
                    # Snakemake's --config reads the items of a list as text.
                    hint = (
                        " (a list given with --config holds text: "
                        "put it in a YAML file for --configfile)"
                    )
                else:
                    hint = " (YAML reads it as text: write a number like 0.001 or 1.0e-3)"
            except ValueError:
                pass
        if isinstance(value, str) and "boolean" in types and value.lower() in ("true", "false"):
            # Snakemake's --config reads only True and False (capitalised) as booleans.
            hint = (
                " (on the command line write --config "
                f"{'.'.join(map(str, error.path))}={value.capitalize()})"
            )
        return f"expected {wanted}, got {shown}{hint}"
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        bounds = [
            key
            for key in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")
            if key in schema
        ]
        if len(bounds) == 2:
            low = "[" if "minimum" in schema else "("
            high = "]" if "maximum" in schema else ")"
            lower, upper = (show(schema[key]) for key in bounds)
            return f"{shown} is outside {low}{lower}, {upper}{high}"
        return {
            "minimum": f"{shown} is less than the minimum {show(expected)}",
            "exclusiveMinimum": f"{shown} must be greater than {show(expected)}",
            "maximum": f"{shown} is more than the maximum {show(expected)}",
            "exclusiveMaximum": f"{shown} must be less than {show(expected)}",
        }[kind]
    if kind == "enum":
        hint = (
            did_you_mean(value, [str(item) for item in expected]) if isinstance(value, str) else ""
        )
        return f"{shown} is not one of {', '.join(map(str, expected))}" + (
            f" ({hint.strip()})" if hint else ""
        )
    if kind == "const":
        return f"{shown} must be {show(expected)}"
    if kind in ("minItems", "maxItems"):
        count = len(value)
        if schema.get("minItems") == schema.get("maxItems"):
            wanted = f"exactly {expected}"
        else:
            wanted = f"at least {expected}" if kind == "minItems" else f"at most {expected}"
        return f"expected {wanted} item{'s' if expected != 1 else ''}, got {count}"
    if kind == "uniqueItems":
        seen: list = []
        duplicates = [item for item in value if item in seen or seen.append(item)]
        return f"{shown} has duplicate items ({', '.join(dict.fromkeys(map(show, duplicates)))})"
    if kind == "required":
        missing = [key for key in expected if key not in value]
        return f"missing required key {', '.join(map(repr, missing))}"
    if kind == "pattern":
        return f"{shown} does not match the pattern {expected}"
    if kind == "minLength":
        return (
            "must not be empty"
            if expected == 1
            else f"{shown} is shorter than {expected} characters"
        )
    if kind == "maxLength":
        return f"{shown} is longer than {expected} characters"
    if kind == "minProperties":
        return (
            f"expected at least {expected} entr{'y' if expected == 1 else 'ies'}, got {len(value)}"
        )
    return " ".join(error.message.split())


def did_you_mean(word: str, choices: list[str]) -> str:
    """``did you mean 'x'? `` for the closest choice, or nothing."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


def show(value: Any) -> str:
    """A value as the user wrote it, on one short line."""
    if isinstance(value, bool):
        text = str(value).lower()
    elif value is None:
        text = "null"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"

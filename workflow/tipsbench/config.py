"""Check the experiment config before anything runs, and say what is wrong in one line.

``check_config`` refuses non-finite numbers, validates the config against the JSON schema
with Snakemake's own ``validate`` (which also fills the schema's defaults into the config)
and again with integers taken strictly (2.0 is not one), then makes the checks a schema
cannot express: the grid must resolve (two arms of one study may not be the same
condition), each claim must be one its arms can give a value to, a hyperparameter the user
set must have an effect, and a local data file must exist. Before the config is merged,
``check_config_files`` refuses a key written twice in a config file and ``check_standalone``
a ``standalone`` that is not true or false. Every failure is a ``ConfigError`` whose text
is one line, ``config error: <where>: <what was expected>``, e.g. (the second wrapped here):

    config error: base.epochs: -1 is less than the minimum 1
    config error: studies.loss.arms[0].overrides: unknown key 'dropuot'
        (did you mean 'dropout_rate'? allowed: ...)

The Snakefile turns it into ``sys.exit(message)``: Snakemake prints that line alone and
exits with status 1, before any job runs or anything is written.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match

from tipsbench.data import DATASETS
from tipsbench.endpoints import ENDPOINTS, EndpointRef, endpoint
from tipsbench.grid import resolve_grid
from tipsbench.schema import SCHEMA_PATH, hyperparameter_defaults, hyperparameter_definitions

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

# A validator that takes "integer" strictly: jsonschema counts 2.0 as an integer, but a
# seeds_per_job or batch_size of 2.0 is a mistake (and bools are never integers).
StrictValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda checker, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)


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
    # NaN passes every bound the schema sets (each comparison with it is false), infinity
    # every lower one: refused before anything reads them.
    check_finite(config)
    # validate() fills the schema's defaults into base; the keys the user wrote are these.
    given_base = set(config["base"]) if isinstance(config.get("base"), dict) else set()
    try:
        validate(config, schema=str(schema_path))
    except WorkflowError as error:
        # validate() raises WorkflowError from within `except ValidationError`, with the
        # ValidationError formatted into its text; the error itself is its context.
        caught = error.__cause__ or error.__context__
        if not isinstance(caught, ValidationError):
            raise
        raise schema_error(config, schema_path, caught) from None
    # The base condition starts from every hyperparameter's default (the schema declares them
    # once, under $defs.hyperparameters, where a jsonschema default would fill overrides too).
    config["base"] = {**hyperparameter_defaults(), **config["base"]}
    schema = yaml.safe_load(schema_path.read_text())
    error = best_match(StrictValidator(schema).iter_errors(config))
    if error is not None:
        raise ConfigError(format_path(error.absolute_path), describe(error))

    dataset = config["data"]["dataset"]
    if dataset not in DATASETS:
        hint = did_you_mean(dataset, list(DATASETS))
        raise ConfigError(
            "data.dataset",
            f"{show(dataset)} is not one of {', '.join(DATASETS)}"
            + (f" ({hint.strip()})" if hint else ""),
        )
    check_sweeps_and_tuning(config, schema)
    try:
        grid = resolve_grid(config)
    except ValueError as error:
        where, _, what = str(error).partition(": ")
        raise ConfigError(where, what) from None
    check_claims(config, grid)
    check_effects(config, schema, grid, given_base)
    check_pretraining(config, grid)

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


@dataclass(frozen=True)
class ClaimPlaces:
    """Where the parts of one claim were given, so that an error names the key to change."""

    # The claim as a whole: studies.<study>.claims[i], or the study for its one claim.
    claim: str
    # Its endpoint and its Δ.
    endpoint: str
    smallest_effect: str
    # The largest Δ the schema lets that place hold (exclusive), or None where it has none.
    delta_ceiling: float | None = None
    # Said after the endpoint's name in a message, where the claim does not name it itself.
    source: str = ""


def check_claims(config: dict[str, Any], grid: Any) -> None:
    """Each study's claims: an endpoint it knows, its parameters, a sensible Δ, one primary.

    A study gives either ``expect`` (one claim, on ``statistics.metric``) or ``claims``; both
    kinds of claim go through the same per-claim checks (``check_claim``).
    """
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
            check_claim(config, grid, study, *expect_claim(spec, statistics, where))
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
            check_claim(
                config,
                grid,
                study,
                claim,
                ClaimPlaces(
                    claim=at, endpoint=f"{at}.endpoint", smallest_effect=f"{at}.smallest_effect"
                ),
            )
            claim_name = claim.get("name") or claim["endpoint"]
            if claim_name in names:
                raise ConfigError(
                    at, f"a second claim named {claim_name!r}: give each claim its own name"
                )
            names.add(claim_name)
            primaries += bool(claim.get("primary"))
        if primaries > 1:
            raise ConfigError(where, f"{primaries} claims say primary: true; at most one may")
    check_rank_test(config)


def check_rank_test(config: dict[str, Any]) -> None:
    """``statistics.test: wilcoxon`` must apply to every claim it would decide.

    The signed-rank test ranks the seeds' paired differences. A claim on an endpoint scored
    on the test images that every run shares (test accuracy, the gap) is judged over seeds
    and test images together, a crossed design no rank test here covers: refused, naming
    those claims.
    """
    from tipsbench.experiment import resolve_claims

    if config["statistics"]["test"] != "wilcoxon":
        return
    shared = [
        f"{study}/{claim.name}"
        for study, spec in config["studies"].items()
        for claim in resolve_claims(spec, config["statistics"])
        if claim.endpoint.spec.image_scored
    ]
    if shared:
        listed = ", ".join(shared[:4]) + (f" and {len(shared) - 4} more" if len(shared) > 4 else "")
        raise ConfigError(
            "statistics.test",
            f"wilcoxon ranks the seeds alone, but {len(shared)} claim(s) are judged over the "
            f"seeds and the test images every run shares, which no rank test here covers "
            f"({listed}): use paired_t, or judge those claims on endpoints scored over seeds "
            "alone",
        )


def expect_claim(
    spec: dict[str, Any], statistics: dict[str, Any], where: str
) -> tuple[dict[str, Any], ClaimPlaces]:
    """An expect-only study's one claim, as a ``claims`` entry, and where its parts were given.

    The claim is the one ``experiment.resolve_claims`` makes (on ``statistics.metric``, its Δ
    the study's ``smallest_effect`` or else ``statistics.smallest_effect``), so that what is
    checked is what will be judged.
    """
    from tipsbench.experiment import resolve_claims

    (claim,) = resolve_claims(spec, statistics)
    own = spec.get("smallest_effect") is not None
    places = ClaimPlaces(
        claim=where,
        endpoint="statistics.metric",
        smallest_effect=f"{where}.smallest_effect" if own else "statistics.smallest_effect",
        # Both places hold an accuracy difference: the schema keeps them below 1
        # (exclusiveMaximum of statistics.smallest_effect and of a study's smallest_effect).
        delta_ceiling=1.0,
        source=" (statistics.metric)",
    )
    entry = {
        "endpoint": claim.endpoint.name,
        "expect": claim.expect,
        "smallest_effect": claim.smallest_effect,
    }
    return entry, places


def trained_conditions(grid: Any, study: str) -> list[tuple[Any, str]]:
    """Every (arm, condition) a study's claims are judged on: each arm's conditions (a tuned
    arm's candidates), at the study itself and at each of its sweep points."""
    names = [study] + [name for name, point in grid.points.items() if point.origin == study]
    return [
        (arm, condition)
        for name in names
        for arm in grid.arms_of(name)
        for condition in arm.conditions
    ]


def check_claim(
    config: dict[str, Any], grid: Any, study: str, claim: dict[str, Any], places: ClaimPlaces
) -> None:
    """One claim of ``study``: a known endpoint with its parameters, a Δ within the endpoint's
    bounds, and arms and a probe that can give the endpoint a value."""
    name = claim["endpoint"]
    _known_endpoint(name, places.endpoint)
    spec_endpoint = endpoint(name)
    named = f"{name}{places.source}"
    try:
        EndpointRef.resolve(name, claim)
    except ValueError as problem:
        raise ConfigError(places.claim, str(problem)) from None
    delta = claim.get("smallest_effect")
    low, high = spec_endpoint.delta_bounds
    if delta is None and not spec_endpoint.accuracy_unit:
        unit = (
            "a ratio above 1, e.g. 1.5"
            if spec_endpoint.scale == "ratio"
            else f"a difference in {spec_endpoint.unit}"
        )
        raise ConfigError(
            places.smallest_effect,
            f"{name} is not an accuracy, so its claims give their own ({unit})",
        )
    if places.delta_ceiling is not None and low >= places.delta_ceiling:
        # No Δ the schema allows there can be sensible: the claim must be given elsewhere.
        raise ConfigError(
            places.endpoint,
            f"{name} needs a smallest_effect above {show(low)}, and a study's one claim takes "
            f"its smallest_effect below {show(places.delta_ceiling)}: judge {name} in a "
            "study's claims, where each claim gives its own",
        )
    if delta is not None and not low < delta <= high:
        raise ConfigError(
            places.smallest_effect,
            f"{show(delta)} is outside ({show(low)}, {show(high)}] for {named}",
        )
    trained = trained_conditions(grid, study)
    if spec_endpoint.same_loss:
        losses = {grid.conditions[condition]["loss"] for _, condition in trained}
        if len(losses) > 1:
            raise ConfigError(
                places.claim,
                f"{named} compares each arm's own loss, and the arms train with "
                f"different losses ({', '.join(sorted(losses))})",
            )
    if spec_endpoint.reads_layers and not config["probe"]["gradient_images"]:
        raise ConfigError(
            places.claim,
            f"{named} reads the layers' gradients and weight changes, which "
            "probe.gradient_images: 0 does not measure: set probe.gradient_images above 0 "
            "(e.g. 500)",
        )
    for arm, condition in trained:
        layers = grid.conditions[condition]["hidden_layers"]
        if layers < spec_endpoint.min_hidden_layers:
            at = "" if arm.study == study else f" at {arm.study}"
            raise ConfigError(
                places.claim,
                f"{named} needs at least {spec_endpoint.min_hidden_layers} hidden layers in "
                f"every arm (it compares the first with the last), and arm {arm.role} "
                f"({arm.label}){at} trains {condition!r} with {layers}",
            )


def _check_value(schema: dict, hyperparameter: str, value: Any, where: str) -> None:
    """A value for ``hyperparameter`` must pass the schema's definition of it."""
    definition = {**hyperparameter_definitions(schema)[hyperparameter], "$defs": schema["$defs"]}
    error = best_match(StrictValidator(definition).iter_errors(value))
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
    hyperparameters = list(hyperparameter_definitions(schema))
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


def check_effects(config: dict[str, Any], schema: dict, grid: Any, given_base: set[str]) -> None:
    """A hyperparameter the user set must have an effect where it is set.

    A ``$defs`` entry's ``applies_when`` is a schema fragment that resolved hyperparameters
    must satisfy for the hyperparameter to matter (final_fraction only under a decaying
    schedule). Set where it never does, a condition is named for a change it does not make,
    e.g. ``final-0.1`` trains exactly the base. Checked for an arm's overrides and tuned
    hyperparameter (on the conditions that arm trains), a sweep axis (on each study's sweep
    points) and a base key the user wrote (on every condition).
    """
    rules = {
        name: definition["applies_when"]
        for name, definition in hyperparameter_definitions(schema).items()
        if "applies_when" in definition
    }
    for study, spec in config["studies"].items():
        for index, (entry, arm) in enumerate(zip(spec["arms"], grid.arms_of(study))):
            at = f"studies.{study}.arms[{index}]"
            conditions = [grid.conditions[condition] for condition in arm.conditions]
            for name in entry.get("overrides") or {}:
                if name in rules:
                    _must_matter(rules[name], conditions, f"{at}.overrides.{name}")
            tuned = (entry.get("tune") or {}).get("hyperparameter")
            if tuned in rules:
                _must_matter(rules[tuned], conditions, f"{at}.tune.hyperparameter", tuned)
    for index, axis in enumerate(config["sweeps"]):
        name = axis["hyperparameter"]
        if name not in rules:
            continue
        for study in axis["studies"] or config["studies"]:
            points = [
                point
                for point, spec in grid.points.items()
                if spec.origin == study and spec.axis == axis["name"]
            ]
            conditions = [
                grid.conditions[condition]
                for point in points
                for arm in grid.arms_of(point)
                for condition in arm.conditions
            ]
            _must_matter(
                rules[name], conditions, f"sweeps[{index}].hyperparameter", name, f"study {study}"
            )
    definitions = hyperparameter_definitions(schema)
    for name in sorted(given_base & set(rules)):
        # A base key that holds the schema's default changes nothing, written or not (and a
        # config validated before this call holds every default).
        if config["base"][name] != definitions[name].get("x-default", object()):
            _must_matter(
                rules[name], list(grid.conditions.values()), f"base.{name}", "", "any condition"
            )


def check_pretraining(config: dict[str, Any], grid: Any) -> None:
    """RBM pre-training reads pixels as probabilities: an arm that pre-trains must see them
    scaled to [0, 1] (scale_inputs true)."""
    for study in config["studies"]:
        for arm, condition in trained_conditions(grid, study):
            hyperparameters = grid.conditions[condition]
            if hyperparameters["pretraining"] == "rbm" and not hyperparameters["scale_inputs"]:
                at = "" if arm.study == study else f" at {arm.study}"
                raise ConfigError(
                    f"studies.{study}.arms[{'AB'.index(arm.role)}]",
                    f"pretraining: rbm needs the pixels scaled to [0, 1] (scale_inputs: true){at}; "
                    "an RBM reads them as probabilities",
                )


def _must_matter(
    rule: dict, conditions: list[dict[str, Any]], where: str, name: str = "", scope: str = ""
) -> None:
    """Refuse when none of ``conditions`` (resolved hyperparameters) satisfies ``rule``, the
    ``applies_when`` of the hyperparameter set at ``where``."""
    errors = [best_match(Draft202012Validator(rule).iter_errors(hp)) for hp in conditions]
    if not errors or None in errors:
        return
    error = errors[0]
    value = error.instance
    setting = (
        f"{format_path(error.absolute_path)} {value if isinstance(value, str) else show(value)}"
        if error.absolute_path
        else describe(error)
    )
    scope = f" in {scope}" if scope else ""
    when = rule.get("description") or show({k: v for k, v in rule.items() if k != "description"})
    raise ConfigError(
        where,
        f"{name + ' ' if name else ''}has no effect with {setting}{scope} (it applies only "
        f"when {when})",
    )


def check_finite(value: Any, path: tuple[str | int, ...] = ()) -> None:
    """Refuse NaN or infinity anywhere in the config, naming its key.

    NaN passes every bound of the schema (each comparison with it is false) and infinity
    every lower one, so a ``target: .nan`` or ``peak_gflops: .inf`` would pass the schema and
    poison what follows.
    """
    if isinstance(value, float) and not math.isfinite(value):
        spelled = ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
        raise ConfigError(format_path(path), f"expected a finite number, got {spelled}")
    if isinstance(value, dict):
        for key, item in value.items():
            check_finite(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_finite(item, (*path, index))


def check_standalone(config: dict[str, Any], schema_path: str | Path = SCHEMA_PATH) -> None:
    """``standalone`` must be true or false: it is read before the config is validated, to
    decide whether the default config is merged in, and text like "false" is truthy."""
    if "standalone" not in config or isinstance(config["standalone"], bool):
        return
    schema = yaml.safe_load(Path(schema_path).read_text())
    wrapper = {"properties": {"standalone": schema["properties"]["standalone"]}}
    error = best_match(StrictValidator(wrapper).iter_errors({"standalone": config["standalone"]}))
    raise ConfigError("standalone", describe(error))


class _DuplicateKey(yaml.YAMLError):
    """A mapping key written twice: the key's path and the lines of both."""

    def __init__(self, path: list[Any], first: int, second: int):
        self.path, self.first, self.second = path, first, second
        super().__init__(f"{format_path(path)} appears twice (lines {first} and {second})")


class UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping key given twice (plain YAML keeps the last)."""

    def construct_document(self, node: yaml.Node) -> Any:
        _refuse_duplicate_keys(node, [], set())
        return super().construct_document(node)


def _refuse_duplicate_keys(node: yaml.Node, path: list[Any], seen: set[int]) -> None:
    """Raise ``_DuplicateKey`` for the first key that a mapping under ``node`` holds twice."""
    if id(node) in seen:  # an alias of a node already walked (anchors may even nest)
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        lines: dict[tuple[str, str], int] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            line = key.start_mark.line + 1
            if (key.tag, key.value) in lines:
                raise _DuplicateKey([*path, key.value], lines[key.tag, key.value], line)
            lines[key.tag, key.value] = line
            _refuse_duplicate_keys(value, [*path, key.value], seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _refuse_duplicate_keys(item, [*path, index], seen)


def check_config_files(paths: Iterable[str | Path]) -> None:
    """No config file may write a key twice (a study pasted twice, ``seeds:`` twice): YAML
    would keep the last silently. A file YAML cannot read is left to Snakemake's own error."""
    for path in dict.fromkeys(map(str, paths)):
        try:
            yaml.load(Path(path).read_text(encoding="utf-8"), Loader=UniqueKeyLoader)
        except _DuplicateKey as duplicate:
            raise ConfigError(
                _shown(path),
                f"key {format_path(duplicate.path)!r} appears twice (line {duplicate.first} and "
                f"line {duplicate.second}); YAML keeps only the last",
            ) from None
        except (OSError, yaml.YAMLError):
            continue


def _shown(path: str) -> str:
    """A file as a message names it: relative to the working directory where it lies below it."""
    file = Path(path)
    try:
        return str(file.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


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


def _describe_type(error: ValidationError) -> str:
    """A value of the wrong type, with the likely cause where there is one (YAML text, a
    float where an integer belongs, a boolean on the command line)."""
    expected, value, shown = error.validator_value, error.instance, show(error.instance)
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
    if isinstance(value, float) and "integer" in types and value.is_integer():
        hint = f" (write {int(value)}, without the decimal point)"
    if isinstance(value, str) and "boolean" in types and value.lower() in ("true", "false"):
        # Snakemake's --config reads only True and False (capitalised) as booleans.
        hint = (
            " (on the command line write --config "
            f"{'.'.join(map(str, error.path))}={value.capitalize()})"
        )
    return f"expected {wanted}, got {shown}{hint}"


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
        return _describe_type(error)
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

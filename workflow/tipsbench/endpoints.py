"""What a claim is judged on: the endpoint registry.

An endpoint is one number per run, computed from the run's own records (``metrics.json``,
``history.csv``, ``probe.csv``): final test accuracy, training accuracy in inference mode,
the train − test gap, updates to reach a target, the normalised area under a probe curve.
Each entry says how the number is computed, whether higher or lower is better, how two
arms are compared (a difference B − A, or a ratio B / A analysed on the log scale), its
unit and number format, the bounds of a sensible smallest effect Δ, and what a run
without a value is (diverged, or never reached its target: *censored*).

Tables, statistics, figures, report and comparison read this registry; none of them names
an endpoint itself. A new endpoint is one ``Endpoint`` entry here: a compute function, its
words and the parameters it takes (``Parameter``: name, type, bounds, default and how a
sentence names its value). The config schema's claim keys are checked against these
declarations by a test.

A claim names an endpoint with its parameters, e.g. ``updates_to_target`` with
``curve: train_crossentropy`` and ``target: 0.5``. The experiment resolves it once into an
``EndpointRef`` (the entry and its typed parameters), which every later stage uses as it
is: it computes, describes itself and names the rows of the tidy tables and findings by its
``key``, ``updates_to_target(curve=train_crossentropy, target=0.5)``. A stage that reads
those tables finds each key's reference in the records it is given (``references``); no
key is ever parsed back into an endpoint.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

# The curves the probe records (tipsbench.training.PROBE_COLUMNS), and which way is better.
PROBE_CURVES: dict[str, bool] = {
    "train_accuracy": True,
    "train_crossentropy": False,
    "test_accuracy": True,
    "test_crossentropy": False,
}
ACCURACY_CURVES = tuple(name for name, higher in PROBE_CURVES.items() if higher)
# The endpoint whose value tells whether a run ever left chance (statistics.trained_threshold)
# and whose per-arm value the slides report (an arm's slide_accuracy).
CHANCE_ENDPOINT = "test_accuracy"
# The unit of each training loss, as a reader reads a loss endpoint's values.
LOSS_UNITS = {"categorical_crossentropy": "nats", "mean_squared_error": "squared error"}
# How two arms' values are compared: B − A, or B / A (log B − log A, then back).
SCALES = ("difference", "ratio")


@dataclass(frozen=True)
class RunRecords:
    """What an endpoint may read of one run: its metrics, per-epoch history and probe curve."""

    metrics: Mapping[str, Any]
    history: pd.DataFrame | None = None
    probe: pd.DataFrame | None = None
    # Each Dense layer's gradient sizes and weight change at a few update counts.
    layers: pd.DataFrame | None = None


@dataclass(frozen=True)
class Value:
    """One run's value of an endpoint.

    ``value`` is NaN when the run has none (no probe recorded, a loss that is not finite).
    ``last_good`` is the value at the run's last epoch with a finite loss, where the
    endpoint has one (``statistics.diverged_score: last_good_epoch`` scores a diverged run
    by it), else NaN. ``censored``: the run never reached the endpoint's target within its
    budget, and ``value`` is that budget, a bound that flatters the run.
    """

    value: float
    last_good: float = math.nan
    censored: bool = False


@dataclass(frozen=True)
class Parameter:
    """One parameter an endpoint takes: its name, type, bounds and default, and how a
    sentence names its value."""

    name: str
    # str, int or float: the type a given value is read as.
    kind: type
    # What it is, in a few words, for error messages.
    meaning: str
    # The values a text parameter may take.
    choices: tuple[str, ...] = ()
    # The least value of a number (``above``: the value must exceed it).
    minimum: float | None = None
    above: bool = False
    required: bool = False
    # The value when it is not given (None: the endpoint's own, e.g. the run's last update).
    default: Any = None
    # How a sentence names a given value after the endpoint's title ("at update {:,}"); the
    # endpoint's own ``describe`` may word it instead.
    phrase: str = ""

    def problem(self, value: Any, endpoint_name: str) -> str:
        """What is wrong with ``value`` for this parameter, in a few words, or ""."""
        if self.choices and value not in self.choices:
            return (
                f"{self.name} {value!r} is not one of {', '.join(self.choices)} for {endpoint_name}"
            )
        if self.kind in (int, float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"{self.name} {value!r} of {endpoint_name} is not a number"
            if self.kind is int and float(value) != int(value):
                return f"{self.name} {value!r} of {endpoint_name} is not a whole number"
            low = self.minimum
            if low is not None and (value <= low if self.above else value < low):
                sign = ">" if self.above else ">="
                return f"{self.name} {value!r} of {endpoint_name} must be {sign} {low:g}"
        return ""

    def takes(self) -> str:
        """What values it takes, in words: "a number > 0: the value of the curve to reach"."""
        if self.kind is str:
            return f"{self.meaning}: {', '.join(self.choices)}" if self.choices else self.meaning
        kind = "an integer" if self.kind is int else "a number"
        if self.minimum is not None:
            kind += f" {'>' if self.above else '>='} {self.minimum:g}"
        return f"{kind}: {self.meaning}"

    def schema(self) -> dict[str, Any]:
        """The JSON schema of a claim's key for this parameter (checked against the config
        schema's ``$defs.claim`` by a test)."""
        kinds = {str: "string", int: "integer", float: "number"}
        node: dict[str, Any] = {"type": kinds[self.kind]}
        if self.minimum is not None:
            node["exclusiveMinimum" if self.above else "minimum"] = self.minimum
        return node


# The parameters endpoints take, declared once (an endpoint lists those it takes).
CURVE = Parameter(
    "curve",
    str,
    "a probe curve",
    choices=tuple(PROBE_CURVES),
    required=True,
)
ACCURACY_CURVE = replace(CURVE, choices=ACCURACY_CURVES)
TARGET = Parameter(
    "target", float, "the value of the curve to reach", minimum=0.0, above=True, required=True
)
UPDATES = Parameter("updates", int, "the last update of the range", minimum=1)
UPDATE = Parameter(
    "update", int, "the update count at which it is measured", minimum=0, phrase="at update {:,}"
)


@dataclass(frozen=True)
class Endpoint:
    """One kind of per-run number a claim can be judged on."""

    name: str
    # How a sentence names the value of one run ("final test accuracy").
    title: str
    # The unit, for axis labels and tables ("fraction correct").
    unit: str
    higher_is_better: bool
    compute: Callable[[RunRecords, Mapping[str, Any]], Value]
    scale: str = "difference"
    digits: int = 3
    # Bounds of a sensible smallest effect Δ (low exclusive, high inclusive), in the unit of
    # the comparison: a difference of values, or a ratio > 1 for a ratio endpoint.
    delta_bounds: tuple[float, float] = (0.0, 1.0)
    # Whether statistics.smallest_effect (an accuracy difference) is a sensible default Δ;
    # otherwise each claim on this endpoint gives its own.
    accuracy_unit: bool = True
    # The parameters it takes, in the order its key lists them.
    parameters: tuple[Parameter, ...] = ()
    # What is wrong with a set of (individually valid) parameters taken together, or "".
    check: Callable[[Mapping[str, Any]], str] | None = None
    # How a sentence names it with its given parameters; None: the title, then each given
    # parameter's phrase.
    describer: Callable[[Endpoint, Mapping[str, Any]], str] | None = None
    # Whether a run can be censored: never reach the endpoint's target within its budget.
    censors: bool = False
    # Whether the slide's per-arm number (an arm's slide_accuracy) is a value of this endpoint.
    slide: bool = False
    # Whether the value holds a mean over the test images every run shares, so that a claim's
    # error includes the test images as a second source (from which images each run got right).
    image_scored: bool = False
    # Whether a comparison needs both arms to train with the same loss function.
    same_loss: bool = False
    # Whether the value is read from the layers' gradients and weight changes (layers.csv),
    # which a run measures only with probe.gradient_images above 0.
    reads_layers: bool = False
    # The fewest hidden layers every arm needs for the value to exist (a first-to-last
    # hidden-layer ratio needs two); 0: no requirement.
    min_hidden_layers: int = 0
    # What a run without a value is, in a few words for the report.
    missing: str = "not available"
    # How a heading says which way is better: (when higher is better, when lower is).
    better_words: tuple[str, str] = ("higher", "lower")
    # A sentence on how the value is computed, for the report.
    description: str = ""
    # How a reader reads it (tipsbench.wording): "percent" (an accuracy: 93.7 %, differences in
    # percentage points), "loss" (in the arms' own loss unit: nats for cross-entropy), "count"
    # (updates: 1,234, effects as "9.0× fewer") or "ratio" (0.244, 1/24,700; effects ×2,700).
    reader: str = "percent"

    @property
    def required(self) -> tuple[str, ...]:
        """The names of the parameters it cannot do without."""
        return tuple(parameter.name for parameter in self.parameters if parameter.required)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def problem(self, given: Mapping[str, Any]) -> str:
        """What is wrong with the ``given`` parameters (None: not given), or ""."""
        takes = ", ".join(p.name for p in self.parameters) or "no parameters"
        for key, value in given.items():
            if value is not None and self.parameter(key) is None:
                return f"{key!r} is not a parameter of {self.name} (it takes {takes})"
        for parameter in self.parameters:
            value = given.get(parameter.name)
            if value is None:
                if parameter.required:
                    return f"{self.name} needs {parameter.name}: {parameter.takes()}"
                continue
            if found := parameter.problem(value, self.name):
                return found
        return self.check(given) if self.check else ""

    def describe(self, given: Mapping[str, Any]) -> str:
        """How a sentence names this endpoint with the ``given`` parameters."""
        if self.describer is not None:
            return self.describer(self, given)
        phrases = [
            parameter.phrase.format(given[parameter.name])
            for parameter in self.parameters
            if parameter.phrase and given.get(parameter.name) is not None
        ]
        return " ".join((self.title, *phrases))


@dataclass(frozen=True)
class EndpointRef:
    """A claim's endpoint resolved once: the registry entry's name and its typed parameters
    (those given, in the entry's order). Tables name it by ``key``; every stage after the
    experiment uses the reference itself (``references`` finds it for a table's key)."""

    name: str
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(self.key)

    @classmethod
    def resolve(cls, name: str, given: Mapping[str, Any] | None = None) -> EndpointRef:
        """The reference to endpoint ``name`` with the ``given`` parameters (keys of other
        endpoints' parameters too, e.g. a whole claim of the config: those must be absent);
        a ValueError says in a few words what is wrong."""
        spec = endpoint(name)
        given = {key: value for key, value in (given or {}).items() if key in PARAMETER_NAMES}
        if problem := spec.problem(given):
            raise ValueError(problem)
        return cls(
            name,
            {
                parameter.name: parameter.kind(given[parameter.name])
                for parameter in spec.parameters
                if given.get(parameter.name) is not None
            },
        )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> EndpointRef:
        """A reference from its plain record (``asdict``), as a rule hands it to a script."""
        return cls.resolve(record["name"], record.get("parameters") or {})

    @property
    def spec(self) -> Endpoint:
        return endpoint(self.name)

    @property
    def key(self) -> str:
        """The endpoint with its parameters as one string: ``name`` or
        ``name(key=value, ...)``, as the tables hold it."""
        if not self.parameters:
            return self.name
        given = ", ".join(f"{key}={_text(value)}" for key, value in self.parameters.items())
        return f"{self.name}({given})"

    def get(self, name: str) -> Any:
        """A parameter's value: the given one, else its declared default."""
        if name in self.parameters:
            return self.parameters[name]
        parameter = self.spec.parameter(name)
        if parameter is None:
            raise KeyError(f"{name!r} is not a parameter of {self.name}")
        return parameter.default

    def values(self) -> dict[str, Any]:
        """Every parameter's value, the declared defaults for those not given."""
        return {parameter.name: self.get(parameter.name) for parameter in self.spec.parameters}

    def describe(self) -> str:
        """How a sentence names it: "final test accuracy", "updates until the probe's training
        cross-entropy is ≤ 0.5"."""
        return self.spec.describe(self.parameters)

    def compute(self, records: RunRecords) -> Value:
        """One run's value."""
        return self.spec.compute(records, self.values())

    def __str__(self) -> str:
        return self.key


def plain_endpoints() -> list[EndpointRef]:
    """Every endpoint that needs no parameter, as its reference: the tables stage scores
    every run on these (final accuracies, losses, gap), whatever its claims."""
    return [EndpointRef.resolve(name) for name, spec in ENDPOINTS.items() if not spec.required]


def references(records: Iterable[Mapping[str, Any]] = ()) -> dict[str, EndpointRef]:
    """The references of plain records (``asdict`` of an ``EndpointRef``) and of the plain
    endpoints, by key: how a stage that reads a table's ``endpoint`` column finds each row's
    reference."""
    found = [*plain_endpoints(), *(EndpointRef.from_record(record) for record in records)]
    return {reference.key: reference for reference in found}


def with_references(frame: pd.DataFrame, refs: Mapping[str, EndpointRef]) -> pd.DataFrame:
    """A table with an ``endpoint`` column of keys, with each row's reference as ``ref``; a
    key without a reference is an error naming it."""
    unknown = sorted(set(frame["endpoint"]) - set(refs)) if "endpoint" in frame else []
    if unknown:
        raise ValueError(f"no endpoint reference for {', '.join(map(str, unknown))}")
    if "endpoint" not in frame:
        return frame
    return frame.assign(ref=[refs[key] for key in frame["endpoint"]])


def _from_metrics(key: str, history_column: str | None = None) -> Callable:
    """An endpoint read from metrics.json; ``history_column`` gives its last-good value."""

    def compute(records: RunRecords, parameters: Mapping[str, Any]) -> Value:
        value = _number(records.metrics.get(key))
        return Value(value, _last_good(records, history_column))

    return compute


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def _last_good(records: RunRecords, column: str | None) -> float:
    """A history column at the run's last epoch with a finite loss (NaN when there is none)."""
    epoch = records.metrics.get("last_good_epoch")
    if column is None or records.history is None or not epoch:
        return math.nan
    row = records.history[records.history["epoch"] == int(epoch)]
    return float(row[column].iloc[0]) if len(row) else math.nan


def _gap(records: RunRecords, parameters: Mapping[str, Any]) -> Value:
    train = _number(records.metrics.get("train_accuracy"))
    test = _number(records.metrics.get("test_accuracy"))
    return Value(train - test)


def _probe_curve(records: RunRecords, curve: str) -> tuple[np.ndarray, np.ndarray]:
    """The probe's update counts and one of its curves, in update order."""
    if records.probe is None or not len(records.probe):
        return np.array([]), np.array([])
    probe = records.probe.sort_values("update")
    return probe["update"].to_numpy(dtype=float), probe[curve].to_numpy(dtype=float)


def updates_to_target(
    updates: np.ndarray, values: np.ndarray, target: float, higher_is_better: bool, budget: float
) -> Value:
    """Updates until a curve first reaches ``target``, read off the probe by interpolation.

    Between the last point short of the target and the first point at it, the crossing is
    interpolated linearly in log10(updates) (the probe is log-spaced); from the initial
    point (update 0) straight to update 1 it is 1, the least a trained run can take. A run
    already at the target before any update has no speed to measure (NaN). A curve that
    never reaches it, or stops being finite first (a diverged run), is censored at
    ``budget``, the updates it was given.
    """
    if not len(updates) or math.isnan(budget):
        return Value(math.nan)
    with np.errstate(invalid="ignore"):
        reached = values >= target if higher_is_better else values <= target
    if not reached.any():
        return Value(float(budget), censored=True)
    first = int(np.argmax(reached))
    if first == 0:
        return Value(math.nan) if updates[0] == 0 else Value(float(updates[0]))
    low, high = updates[first - 1], updates[first]
    if low <= 0:
        return Value(float(high))
    before, after = values[first - 1], values[first]
    if not math.isfinite(before) or after == before:
        return Value(float(high))
    share = (target - before) / (after - before)
    return Value(float(10 ** (math.log10(low) + share * (math.log10(high) - math.log10(low)))))


def _updates_to_target(records: RunRecords, parameters: Mapping[str, Any]) -> Value:
    curve = parameters["curve"]
    updates, values = _probe_curve(records, curve)
    return updates_to_target(
        updates,
        values,
        float(parameters["target"]),
        PROBE_CURVES[curve],
        _number(records.metrics.get("updates")),
    )


def normalised_area(updates: np.ndarray, values: np.ndarray, end: float) -> float:
    """The area under a curve against log10(updates) from 1 to ``end``, over that range.

    The mean height of the curve on a log-update axis, so an accuracy curve gives a number
    in [0, 1]: 1 for a run right from its first update, the final accuracy for one that
    only got there at the end. Points after ``end`` are cut (the curve is interpolated at
    ``end``); a curve that stops before ``end`` (fewer updates, or a diverged run) keeps its
    last value to ``end``. NaN without points at update >= 1 or with ``end`` < 1.
    """
    keep = (updates >= 1) & np.isfinite(values)
    updates, values = updates[keep], values[keep]
    if not len(updates) or not end >= 1:
        return math.nan
    x = np.log10(updates)
    stop = math.log10(end)
    if stop == 0:
        return float(values[0])
    inside = x < stop
    at_end = np.interp(stop, x, values)  # the last value when the curve stops before end
    x = np.append(x[inside], stop)
    y = np.append(values[inside], at_end)
    if x[0] > 0:  # before the first point at or after update 1: its value
        x, y = np.insert(x, 0, 0.0), np.insert(y, 0, y[0])
    return float(np.trapezoid(y, x) / stop)


def _area(records: RunRecords, parameters: Mapping[str, Any]) -> Value:
    updates, values = _probe_curve(records, parameters["curve"])
    end = parameters["updates"] or _number(records.metrics.get("updates"))
    return Value(normalised_area(updates, values, float(end)))


def first_to_last_hidden(layers: pd.DataFrame | None, column: str, update: float | None) -> float:
    """A layer measure of the first hidden layer over that of the last hidden layer (layers of
    equal width, so they compare), at the last measured update count at or before ``update``
    (None: the run's last). NaN without measurements or with a single hidden layer."""
    if layers is None or not len(layers):
        return math.nan
    measured = sorted(set(layers["update"]))
    at = measured[-1] if update is None else max((u for u in measured if u <= update), default=None)
    if at is None:
        return math.nan
    rows = layers[layers["update"] == at].sort_values("layer")
    hidden = rows.iloc[:-1]  # the last Dense layer is the output layer
    if len(hidden) < 2:
        return math.nan
    first, last = float(hidden[column].iloc[0]), float(hidden[column].iloc[-1])
    return first / last if last > 0 else math.nan


def _gradient_ratio(records: RunRecords, parameters: Mapping[str, Any]) -> Value:
    return Value(first_to_last_hidden(records.layers, "bias_gradient", parameters["update"]))


def _weight_change_ratio(records: RunRecords, parameters: Mapping[str, Any]) -> Value:
    return Value(first_to_last_hidden(records.layers, "kernel_change", parameters["update"]))


def _target_on_curve(given: Mapping[str, Any]) -> str:
    """A target an accuracy curve can reach: in (0, 1]."""
    curve, target = given.get("curve"), given.get("target")
    if curve in ACCURACY_CURVES and not float(target) <= 1:
        return f"target {target!r} is not an accuracy in (0, 1] for curve {curve}"
    return ""


def _describe_speed(spec: Endpoint, given: Mapping[str, Any]) -> str:
    curve = given["curve"]
    sign = "≥" if PROBE_CURVES[curve] else "≤"
    return f"updates until the probe's {curve_title(curve)} is {sign} {_text(given['target'])}"


def _describe_area(spec: Endpoint, given: Mapping[str, Any]) -> str:
    end = given.get("updates")
    span = f"from update 1 to {int(end):,}" if end else "over the whole run"
    return f"mean {curve_title(given['curve'])} on a log-update axis {span} (normalised area)"


ENDPOINTS: dict[str, Endpoint] = {
    endpoint.name: endpoint
    for endpoint in (
        Endpoint(
            name="test_accuracy",
            title="final test accuracy",
            unit="fraction correct",
            higher_is_better=True,
            compute=_from_metrics("test_accuracy", "test_accuracy"),
            slide=True,
            image_scored=True,
            description="evaluate() on the test set after training",
        ),
        Endpoint(
            name="train_accuracy",
            title="final training accuracy",
            unit="fraction correct",
            higher_is_better=True,
            # No last-good value: the history's training accuracy is Keras' running average
            # over the epoch (with dropout active), not an inference-mode score.
            compute=_from_metrics("train_accuracy"),
            description="evaluate() on the whole training subset after training (inference "
            "mode: no dropout)",
        ),
        Endpoint(
            name="test_loss",
            reader="loss",
            title="final test loss",
            unit="the arms' training loss",
            higher_is_better=False,
            compute=_from_metrics("test_loss", "test_loss"),
            digits=4,
            delta_bounds=(0.0, 100.0),
            accuracy_unit=False,
            same_loss=True,
            description="the arms' own loss on the test set after training",
        ),
        Endpoint(
            name="train_loss",
            reader="loss",
            title="final training loss",
            unit="the arms' training loss",
            higher_is_better=False,
            compute=_from_metrics("train_loss"),
            digits=4,
            delta_bounds=(0.0, 100.0),
            accuracy_unit=False,
            same_loss=True,
            description="the arms' own loss on the whole training subset after training "
            "(inference mode)",
        ),
        Endpoint(
            name="gap",
            title="train − test accuracy gap",
            unit="fraction correct",
            higher_is_better=False,
            compute=_gap,
            image_scored=True,
            description="final training accuracy minus final test accuracy (both evaluate() "
            "after training, inference mode): how much better the net does on the images it "
            "learned from",
        ),
        Endpoint(
            name="updates_to_target",
            reader="count",
            title="updates to reach the target",
            unit="updates",
            higher_is_better=False,
            compute=_updates_to_target,
            scale="ratio",
            digits=0,
            delta_bounds=(1.0, 1000.0),
            accuracy_unit=False,
            parameters=(CURVE, TARGET),
            check=_target_on_curve,
            describer=_describe_speed,
            censors=True,
            missing="censored: never reached the target within its updates",
            better_words=("more updates", "fewer updates"),
            description="weight updates until the probe's curve first reaches the target, "
            "interpolated on a log scale between the probe's points",
        ),
        Endpoint(
            name="gradient_ratio",
            reader="ratio",
            title="first- to last-hidden-layer gradient ratio",
            unit="ratio of gradient sizes",
            higher_is_better=True,
            compute=_gradient_ratio,
            scale="ratio",
            digits=3,
            delta_bounds=(1.0, 1e12),
            accuracy_unit=False,
            parameters=(replace(UPDATE, default=0),),
            reads_layers=True,
            min_hidden_layers=2,
            description="the root-mean-square gradient of the loss with respect to the first "
            "hidden layer's biases over that of the last hidden layer's, on the first training "
            "images in inference mode, at initialisation (or the given update): below 1, the "
            "gradient shrinks on its way back to the input",
        ),
        Endpoint(
            name="weight_change_ratio",
            reader="ratio",
            title="first- to last-hidden-layer weight change ratio",
            unit="ratio of relative weight changes",
            higher_is_better=True,
            compute=_weight_change_ratio,
            scale="ratio",
            digits=3,
            delta_bounds=(1.0, 1e12),
            accuracy_unit=False,
            parameters=(UPDATE,),
            reads_layers=True,
            min_hidden_layers=2,
            description="how far the first hidden layer's kernel moved from its initial value "
            "(||W_T − W_0|| / ||W_0||) over how far the last hidden layer's moved, at the end of "
            "training (or the given update)",
        ),
        Endpoint(
            name="auc",
            title="normalised area under the probe curve",
            unit="fraction correct",
            higher_is_better=True,
            compute=_area,
            parameters=(ACCURACY_CURVE, UPDATES),
            describer=_describe_area,
            description="the mean of the probe's accuracy curve over log10(updates) from 1 to "
            "the last update: how good the net was, on average, throughout training",
        ),
    )
}
# Every parameter name some endpoint takes: the keys of a config claim that belong to its
# endpoint (the config schema's $defs.claim declares the same keys, checked by a test).
PARAMETER_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(p.name for spec in ENDPOINTS.values() for p in spec.parameters)
)


def endpoint(name: str) -> Endpoint:
    """The registered endpoint ``name``; a ValueError lists the known ones otherwise."""
    if name not in ENDPOINTS:
        raise ValueError(f"unknown endpoint {name!r} (known: {', '.join(ENDPOINTS)})")
    return ENDPOINTS[name]


def _text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def curve_title(curve: str) -> str:
    """A probe curve in words: "training cross-entropy"."""
    split, _, measure = curve.partition("_")
    split = "training" if split == "train" else "test"
    return f"{split} {measure.replace('crossentropy', 'cross-entropy')}"


def claimed_sign(expect: str, higher_is_better: bool) -> int:
    """The sign of B − A (of log B − log A for a ratio) that the claim ``expect`` predicts.

    ``expect`` names the better arm: "B > A" (B better), "A > B" (A better), "A ≈ B" (no
    practical difference, sign 0). Better means a higher value where higher is better and a
    lower one where lower is better (fewer updates, a smaller gap).
    """
    signs = {"B > A": 1, "A > B": -1, "A ≈ B": 0}
    if expect not in signs:
        raise ValueError(f"expect must be one of {', '.join(signs)}, got {expect!r}")
    return signs[expect] * (1 if higher_is_better else -1)

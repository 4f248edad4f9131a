"""Unit tests of tipsbench.endpoints on hand-made records: every expected value is worked out
here by hand (log-scale interpolation, censoring, the gap, the normalised area)."""

from __future__ import annotations

import math
import re
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

from tipsbench import endpoints as endpoints_module
from tipsbench.endpoints import (
    ENDPOINTS,
    PARAMETER_NAMES,
    Endpoint,
    EndpointRef,
    Parameter,
    RunRecords,
    Value,
    claimed_sign,
    normalised_area,
    updates_to_target,
)
from tipsbench.schema import load_schema


def ref(name: str, **parameters) -> EndpointRef:
    return EndpointRef.resolve(name, parameters)


def compute(reference: EndpointRef, run: RunRecords):
    return reference.compute(run)


SPEED = ref("updates_to_target", curve="train_crossentropy", target=0.5)


def probe(updates, **curves):
    """A probe table with the given update counts and curves (others filled with NaN)."""
    columns = {name: curves.get(name, [math.nan] * len(updates)) for name in ENDPOINT_CURVES}
    return pd.DataFrame({"update": updates, "epoch": np.asarray(updates) / 10, **columns})


ENDPOINT_CURVES = ("train_accuracy", "train_crossentropy", "test_accuracy", "test_crossentropy")


def records(metrics=None, probe_table=None, history=None) -> RunRecords:
    return RunRecords(
        {"updates": 100, "last_good_epoch": 2, **(metrics or {})}, history, probe_table
    )


def test_updates_to_target_interpolates_on_the_log_scale():
    # Cross-entropy 2.0 at 10 updates, 1.0 at 100: 1.5 is halfway in value, so halfway in
    # log10(updates): 10 ** 1.5 = 31.62.
    value = updates_to_target(
        np.array([0, 1, 10, 100]), np.array([2.3, 2.2, 2.0, 1.0]), 1.5, False, 100
    )
    assert value.value == pytest.approx(10**1.5) and not value.censored
    # An accuracy (higher is better): 0.2 at 4 updates, 0.6 at 16; 0.5 is 3/4 of the way:
    # log2-spaced points, 4 * 4 ** 0.75 = 11.31.
    value = updates_to_target(np.array([0, 4, 16]), np.array([0.1, 0.2, 0.6]), 0.5, True, 16)
    assert value.value == pytest.approx(4 * 4**0.75)


def test_a_point_exactly_at_the_target_counts_as_reached_there():
    value = updates_to_target(np.array([0, 1, 10]), np.array([2.3, 2.0, 0.5]), 0.5, False, 10)
    assert value.value == pytest.approx(10.0)


def test_reached_at_the_first_update_is_one_and_before_any_update_is_not_a_speed():
    first = updates_to_target(np.array([0, 1, 2]), np.array([2.3, 0.4, 0.3]), 0.5, False, 2)
    assert first.value == 1.0 and not first.censored
    before = updates_to_target(np.array([0, 1]), np.array([0.4, 0.3]), 0.5, False, 1)
    assert math.isnan(before.value) and not before.censored


def test_a_run_that_never_reaches_the_target_is_censored_at_its_budget():
    value = updates_to_target(np.array([0, 1, 10]), np.array([2.3, 2.2, 0.9]), 0.5, False, 40)
    assert value.value == 40.0 and value.censored
    # A diverged run: its curve turns NaN before reaching the target.
    nan = updates_to_target(
        np.array([0, 1, 10]), np.array([2.3, math.nan, math.nan]), 0.5, False, 40
    )
    assert nan.value == 40.0 and nan.censored
    # No probe at all (a run from before the probe existed): no value, not censored.
    none = compute(SPEED, records())
    assert math.isnan(none.value) and not none.censored


def test_speed_endpoint_reads_the_probe_and_the_runs_budget():
    table = probe([0, 1, 10, 100], train_crossentropy=[2.3, 2.2, 2.0, 1.0])
    value = compute(
        ref("updates_to_target", curve="train_crossentropy", target=1.5), records(probe_table=table)
    )
    assert value.value == pytest.approx(10**1.5)
    censored = compute(SPEED, records({"updates": 250}, table))
    assert censored.value == 250 and censored.censored


def test_gap_is_train_minus_test_accuracy():
    value = compute(ref("gap"), records({"train_accuracy": 0.98, "test_accuracy": 0.91}))
    assert value.value == pytest.approx(0.07) and math.isnan(value.last_good)
    assert ENDPOINTS["gap"].higher_is_better is False


def test_final_endpoints_and_their_last_good_values():
    history = pd.DataFrame(
        {"epoch": [1, 2, 3], "test_accuracy": [0.5, 0.7, 0.1], "test_loss": [1.0, 0.8, math.nan]}
    )
    run = records(
        {"test_accuracy": 0.1, "test_loss": math.nan, "train_accuracy": 0.1}, None, history
    )
    accuracy = compute(ref("test_accuracy"), run)
    assert accuracy.value == 0.1 and accuracy.last_good == 0.7  # epoch 2, the last good one
    loss = compute(ref("test_loss"), run)
    assert math.isnan(loss.value) and loss.last_good == 0.8
    # The history's training accuracy is Keras' running average: no last-good value.
    assert math.isnan(compute(ref("train_accuracy"), run).last_good)


def test_normalised_area_by_hand():
    # Accuracy 0.2 at update 1, 0.6 at 10, 1.0 at 100: on log10(updates) the trapezoids
    # are (0.2 + 0.6) / 2 and (0.6 + 1.0) / 2 over one decade each: (0.4 + 0.8) / 2 = 0.6.
    updates, values = np.array([0, 1, 10, 100]), np.array([0.1, 0.2, 0.6, 1.0])
    assert normalised_area(updates, values, 100) == pytest.approx(0.6)
    # Cut at 10: only the first decade, 0.4.
    assert normalised_area(updates, values, 10) == pytest.approx(0.4)
    # Cut inside a decade (at 10 ** 1.5): the curve at the cut is 0.8; area 0.4 + 0.5 * 0.7
    # over 1.5 decades.
    assert normalised_area(updates, values, 10**1.5) == pytest.approx((0.4 + 0.35) / 1.5)
    # A curve that stops at 10 keeps its last value to 100: (0.4 + 0.6) / 2.
    assert normalised_area(updates[:3], values[:3], 100) == pytest.approx(0.5)
    # A run of one update: its value there.
    assert normalised_area(np.array([0, 1]), np.array([0.1, 0.3]), 1) == pytest.approx(0.3)
    assert math.isnan(normalised_area(np.array([0]), np.array([0.1]), 10))


def test_auc_endpoint_on_the_runs_probe_and_a_given_range():
    table = probe([0, 1, 10, 100], test_accuracy=[0.1, 0.2, 0.6, 1.0])
    assert compute(
        ref("auc", curve="test_accuracy"), records(probe_table=table)
    ).value == pytest.approx(0.6)
    assert compute(
        ref("auc", curve="test_accuracy", updates=10), records(probe_table=table)
    ).value == pytest.approx(0.4)


def test_a_reference_names_its_endpoint_once_as_the_tables_key():
    assert SPEED.key == "updates_to_target(curve=train_crossentropy, target=0.5)"
    assert SPEED.spec is ENDPOINTS["updates_to_target"]
    assert SPEED.parameters == {"curve": "train_crossentropy", "target": 0.5}
    assert ref("test_accuracy").key == "test_accuracy"
    # Typed as declared: an integer count stays an integer, a target a float.
    area = ref("auc", curve="test_accuracy", updates=2000)
    assert area.key == "auc(curve=test_accuracy, updates=2000)"
    assert type(area.parameters["updates"]) is int
    assert type(ref("updates_to_target", curve="test_accuracy", target=1).get("target")) is float
    # Not given: the declared default (gradient ratio at initialisation, area to the last update).
    assert ref("gradient_ratio").get("update") == 0 and area.get("updates") == 2000
    assert ref("auc", curve="test_accuracy").values() == {"curve": "test_accuracy", "updates": None}
    # A plain record (as a rule hands it to a script) gives the same reference back.
    assert EndpointRef.from_record(asdict(SPEED)) == SPEED and hash(SPEED) == hash(SPEED.key)
    # Keys of a whole config claim that are not endpoint parameters are not the endpoint's.
    claim = {"name": "faster", "endpoint": "auc", "curve": "test_accuracy", "expect": "B > A"}
    assert EndpointRef.resolve("auc", claim) == ref("auc", curve="test_accuracy")


def test_each_endpoint_describes_itself_from_its_parameters():
    assert SPEED.describe() == "updates until the probe's training cross-entropy is ≤ 0.5"
    assert ref("test_accuracy").describe() == "final test accuracy"
    assert ref("auc", curve="test_accuracy", updates=2000).describe() == (
        "mean test accuracy on a log-update axis from update 1 to 2,000 (normalised area)"
    )
    # Two values of a parameter read apart: each given parameter adds its declared phrase.
    assert ref("weight_change_ratio", update=10).describe() != (
        ref("weight_change_ratio", update=20).describe()
    )


def test_a_new_endpoint_is_one_registry_entry(monkeypatch):
    """An endpoint with a parameter of its own (test accuracy at epoch k) added to the registry
    alone: resolved, typed, checked, computed, named and described with no other code."""
    epoch = Parameter(
        "epoch", int, "an epoch of the history", minimum=1, required=True, phrase="at epoch {}"
    )

    def at_epoch(records, parameters):
        rows = records.history[records.history["epoch"] == parameters["epoch"]]
        return Value(float(rows["test_accuracy"].iloc[0]) if len(rows) else math.nan)

    entry = Endpoint(
        name="test_accuracy_at",
        title="test accuracy",
        unit="fraction correct",
        higher_is_better=True,
        compute=at_epoch,
        parameters=(epoch,),
    )
    monkeypatch.setitem(ENDPOINTS, entry.name, entry)
    monkeypatch.setattr(endpoints_module, "PARAMETER_NAMES", (*PARAMETER_NAMES, "epoch"))
    history = pd.DataFrame({"epoch": [1, 2], "test_accuracy": [0.5, 0.7]})
    first, second = (ref("test_accuracy_at", epoch=k) for k in (1, 2))
    assert (first.key, second.key) == ("test_accuracy_at(epoch=1)", "test_accuracy_at(epoch=2)")
    assert (first.describe(), second.describe()) == (
        "test accuracy at epoch 1",
        "test accuracy at epoch 2",
    )
    assert second.compute(records(history=history)).value == 0.7
    with pytest.raises(ValueError, match="epoch 0 of test_accuracy_at must be >= 1"):
        ref("test_accuracy_at", epoch=0)
    with pytest.raises(ValueError, match="test_accuracy_at needs epoch"):
        ref("test_accuracy_at")


@pytest.mark.parametrize(
    "name, parameters, problem",
    [
        ("updates_to_target", {"curve": "train_accuracy"}, "needs target"),
        ("updates_to_target", {"target": 0.5}, "needs curve"),
        ("updates_to_target", {"curve": "train_loss", "target": 0.5}, "curve 'train_loss'"),
        ("updates_to_target", {"curve": "train_accuracy", "target": 1.5}, "not an accuracy"),
        ("updates_to_target", {"curve": "train_crossentropy", "target": 0}, "must be > 0"),
        ("updates_to_target", {"curve": "train_crossentropy", "target": "low"}, "not a number"),
        ("auc", {"curve": "train_crossentropy"}, "curve 'train_crossentropy' is not one of"),
        ("auc", {"curve": "test_accuracy", "updates": 0}, "updates 0 of auc must be >= 1"),
        ("gradient_ratio", {"update": 2.5}, "not a whole number"),
        ("gap", {"curve": "test_accuracy"}, "'curve' is not a parameter of gap"),
        ("updates_to_target", {"curve": "train_crossentropy", "target": 0.5}, ""),
    ],
)
def test_parameters_are_checked_against_the_registry(name, parameters, problem):
    found = ENDPOINTS[name].problem(parameters)
    assert (problem in found) if problem else found == ""
    if problem:
        with pytest.raises(ValueError, match=re.escape(problem)):
            EndpointRef.resolve(name, parameters)


def test_the_schema_declares_each_endpoint_parameter_as_the_registry_does():
    """The config schema's claim keys for endpoint parameters follow the registry: every
    parameter some endpoint takes is a claim key, with the declared type and bounds, and a
    parameter name means one thing wherever it is used; every endpoint is named in the
    schema's description of a claim's endpoint."""
    claim = load_schema()["$defs"]["claim"]["properties"]
    declared: dict[str, dict] = {}
    for spec in ENDPOINTS.values():
        for parameter in spec.parameters:
            node = parameter.schema()
            assert declared.setdefault(parameter.name, node) == node, parameter.name
    assert set(PARAMETER_NAMES) == set(declared)
    for name, node in declared.items():
        assert name in claim, f"the schema's $defs.claim has no key {name!r} (an endpoint takes it)"
        assert {key: claim[name][key] for key in claim[name] if key != "description"} == node, name
    others = {
        "name",
        "endpoint",
        "expect",
        "smallest_effect",
        "smallest_effect_reason",
        "text",
        "quote",
        "quote_en",
        "primary",
    }
    assert set(claim) - others == set(declared)
    for name in ENDPOINTS:
        assert name in claim["endpoint"]["description"], name


def test_claimed_sign_follows_the_endpoints_direction():
    assert claimed_sign("B > A", True) == 1 and claimed_sign("A > B", True) == -1
    # Fewer updates is better: "B > A" (B faster) predicts log B - log A < 0.
    assert claimed_sign("B > A", False) == -1 and claimed_sign("A ≈ B", False) == 0
    with pytest.raises(ValueError, match="expect"):
        claimed_sign("B >> A", True)


def test_every_endpoint_says_what_it_is():
    for spec in ENDPOINTS.values():
        assert spec.title and spec.unit and spec.description, spec.name
        assert spec.scale in ("difference", "ratio")
        low, high = spec.delta_bounds
        assert low < high


def layer_table(updates_by_layer: dict[int, list[tuple[float, float]]]) -> pd.DataFrame:
    """A layers table: per update, per Dense layer (bias gradient, kernel change)."""
    rows = []
    for update, layers in updates_by_layer.items():
        for index, (gradient, change) in enumerate(layers, start=1):
            rows.append(
                {
                    "update": update,
                    "layer": index,
                    "bias_gradient": gradient,
                    "kernel_change": change,
                }
            )
    return pd.DataFrame(rows)


def test_gradient_ratio_is_first_over_last_hidden_layer_at_initialisation():
    # Three hidden layers and the output: at update 0 the first hidden layer's gradient is
    # 1e-3, the last hidden one's 1e-1 (the output's 0.5 takes no part): ratio 0.01.
    layers = layer_table(
        {
            0: [(1e-3, 0.0), (1e-2, 0.0), (1e-1, 0.0), (0.5, 0.0)],
            100: [(2e-3, 0.02), (2e-2, 0.1), (4e-2, 0.4), (0.3, 0.9)],
        }
    )
    run = RunRecords({"updates": 100}, layers=layers)
    assert compute(ref("gradient_ratio"), run).value == pytest.approx(0.01)
    # At a given update: the last measured at or before it (50 reads update 0, 100 reads 100).
    assert compute(ref("gradient_ratio", update=100), run).value == pytest.approx(0.05)
    assert compute(ref("gradient_ratio", update=50), run).value == pytest.approx(0.01)
    # The weight change ratio, at the end by default: 0.02 / 0.4.
    assert compute(ref("weight_change_ratio"), run).value == pytest.approx(0.05)
    assert ENDPOINTS["gradient_ratio"].scale == "ratio"
    # One hidden layer, or no measurements: nothing to compare.
    single = layer_table({0: [(1e-3, 0.0), (0.5, 0.0)]})
    assert math.isnan(compute(ref("gradient_ratio"), RunRecords({}, layers=single)).value)
    assert math.isnan(compute(ref("gradient_ratio"), RunRecords({})).value)
    assert ref("gradient_ratio", update=100).describe() == (
        "first- to last-hidden-layer gradient ratio at update 100"
    )

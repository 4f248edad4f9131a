"""A malformed config or wrong data stops the workflow with one clear line, before any harm.

Config errors: ``snakemake -n`` on the tests' own config (tests/configs/e2e.yaml) plus a small
overlay must exit non-zero
with exactly one line ``config error: <key>: <what was expected>`` (besides Snakemake's
two informational preamble lines), no traceback, and no results/ folder. Data errors: the
real ``prepare_data`` job must fail with the DataError's one-line message visible in the
Snakemake output and write no prepared data.

Every Snakemake call here spends most of its time waiting (plugin start-up), so all of
them run at once in threads, once per module, and each test checks its own outcome.
"""

from __future__ import annotations

import shutil
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import E2E, FIXTURES, ROOT, SCHEMA, SUBSET, load_fixture, merge
from jsonschema import Draft202012Validator
from workflow_helpers import copy_workflow, snakemake

from tipsbench.config import (
    ConfigError,
    UniqueKeyLoader,
    check_config,
    check_config_files,
    check_standalone,
)
from tipsbench.schema import hyperparameter_definitions

# What Snakemake itself prints before it reads the Snakefile; anything else is ours.
PREAMBLE = {
    "Using workflow specific profile profiles/default for setting default command line arguments.",
    (
        # The fixture is standalone: common.smk then drops what this merged in.
        "Config file config/config.yaml is extended by additional config specified via the "
        "command line."
    ),
}

# id: (overlay YAML merged over tests/configs/e2e.yaml, the key named, what the line must say).
# Snakemake deep-merges mappings but replaces lists, so an overlay's `arms` is the whole list.
CONFIG_CASES = {
    "unknown-top-level-key": (
        "epoch: 5",
        "top level",
        "unknown key 'epoch' (allowed: run_name, seeds,",
    ),
    "unknown-arm-key": (
        """
        studies:
          loss:
            arms:
              - {label: mse, slide_acc: 0.4, overrides: {loss: mean_squared_error}}
              - {label: cross-entropy}
        """,
        "studies.loss.arms[0]",
        (
            "unknown key 'slide_acc' (did you mean 'slide_accuracy'? allowed: label, "
            "slide_accuracy, overrides, tune)"
        ),
    ),
    "unknown-hyperparameter": (
        """
        studies:
          dropout:
            arms:
              - {label: no dropout}
              - {label: dropout 0.2, overrides: {dropuot: 0.2}}
        """,
        "studies.dropout.arms[1].overrides",
        "unknown key 'dropuot' (did you mean 'dropout_rate'? allowed: hidden_layers, units,",
    ),
    "wrong-type-epochs": ("base: {epochs: ten}", "base.epochs", "expected an integer, got 'ten'"),
    "wrong-type-seeds": ("seeds: 3", "seeds", "expected a list, got 3"),
    "wrong-type-learning-rate": (
        "base: {learning_rate: 1e-3}",  # YAML 1.1 reads 1e-3 (no dot) as a string
        "base.learning_rate",
        "expected a number, got '1e-3' (YAML reads it as text",
    ),
    "seeds-as-text": (
        # what `--config seeds=[0,1]` gives: Snakemake reads list items as text
        "seeds: ['0', '1']",
        "seeds[1]",
        (
            "expected an integer, got '1' (a list given with --config holds text: "
            "put it in a YAML file"
        ),
    ),
    "negative-epochs": ("base: {epochs: -1}", "base.epochs", "-1 is less than the minimum 1"),
    "zero-epochs": ("base: {epochs: 0}", "base.epochs", "0 is less than the minimum 1"),
    "zero-batch-size": ("base: {batch_size: 0}", "base.batch_size", "0 is less than the minimum 1"),
    "negative-batch-size-in-arm": (
        """
        studies:
          batch:
            arms:
              - {label: no batch, overrides: {batch_size: -100}}
              - {label: mini-batch}
        """,
        "studies.batch.arms[0].overrides.batch_size",
        "-100 is less than the minimum 1",
    ),
    "zero-train-size": ("data: {train_size: 0}", "data.train_size", "0 is outside [1, 60000]"),
    "train-size-above-60000": (
        "data: {train_size: 60001}",
        "data.train_size",
        "60001 is outside [1, 60000]",
    ),
    "empty-seeds": ("seeds: []", "seeds", "expected at least 1 item, got 0"),
    "duplicate-seeds": ("seeds: [0, 1, 0]", "seeds", "[0, 1, 0] has duplicate items (0)"),
    "unknown-activation": (
        "base: {activation: relu6}",
        "base.activation",
        "'relu6' is not one of sigmoid, relu, tanh, linear (did you mean 'relu'?)",
    ),
    "unknown-loss": (
        """
        studies:
          loss:
            arms:
              - {label: hinge, overrides: {loss: hinge}}
              - {label: cross-entropy}
        """,
        "studies.loss.arms[0].overrides.loss",
        "'hinge' is not one of categorical_crossentropy, mean_squared_error",
    ),
    "unknown-optimizer": (
        "base: {optimizer: adamw}",
        "base.optimizer",
        "'adamw' is not one of sgd, adam, rmsprop, adagrad (did you mean 'adam'?)",
    ),
    "dropout-one": (
        """
        studies:
          dropout:
            arms:
              - {label: no dropout}
              - {label: all dropped, overrides: {dropout_rate: 1.0}}
        """,
        "studies.dropout.arms[1].overrides.dropout_rate",
        "1.0 is outside [0, 1)",
    ),
    "dropout-negative": (
        "base: {dropout_rate: -0.1}",
        "base.dropout_rate",
        "-0.1 is outside [0, 1)",
    ),
    "study-with-one-arm": (
        "studies: {loss: {arms: [{label: mse}]}}",
        "studies.loss.arms",
        "expected exactly 2 items, got 1",
    ),
    "arms-with-same-condition": (
        """
        studies:
          dropout:
            arms:
              - {label: no dropout}
              - {label: dropout 0, overrides: {dropout_rate: 0.0}}
        """,
        "studies.dropout",
        "both arms resolve to the same condition 'base'",
    ),
    "slide-accuracy-out-of-range": (
        """
        studies:
          loss:
            arms:
              - {label: mse, slide_accuracy: 39.5}
              - {label: cross-entropy, overrides: {loss: mean_squared_error}}
        """,
        "studies.loss.arms[0].slide_accuracy",
        "39.5 is outside [0, 1]",
    ),
    "unknown-backend": ("backend: torch", "backend", "'torch' is not one of tensorflow, jax"),
    "unknown-audit-condition": (
        "determinism: {condition: deep}",
        "determinism.condition",
        "'deep' names no condition of this config (conditions: loss-mean-squared-error, base,",
    ),
    "missing-data-path": (
        "data: {path: ../x.npz}",
        "data.path",
        "file ../x.npz does not exist (looked for ",
    ),
    # common.smk reads `standalone` before validation: text "false" would count as true.
    "standalone-as-text": (
        "standalone: 'false'",
        "standalone",
        "expected true or false, got 'false'",
    ),
    # A key written twice in a config file: YAML would keep the last one silently.
    "key-written-twice": (
        """
        seeds: [0, 1]
        run_name: e2e
        seeds: [0, 1, 2]
        """,
        "overlay.yaml",
        "key 'seeds' appears twice (line 1 and line 3); YAML keeps only the last",
    ),
    "study-pasted-twice": (
        """
        studies:
          dropout:
            expect: B > A
          dropout:
            expect: A > B
        """,
        "overlay.yaml",
        "key 'studies.dropout' appears twice (line 2 and line 4); YAML keeps only the last",
    ),
}


def _subset() -> dict[str, np.ndarray]:
    with np.load(SUBSET) as archive:
        return {name: archive[name] for name in archive.files}


def _flip_one_pixel(arrays: dict) -> dict:
    x_test = arrays["x_test"].copy()
    x_test[0, 0, 0] ^= 1
    return dict(arrays, x_test=x_test)


# id: (how to make data/bad.npz from the subset's arrays, or bytes; the DataError's message).
DATA_CASES = {
    "not-an-npz": (
        b"this is not an npz archive\n",
        "data file data/bad.npz is not an .npz archive",
    ),
    "missing-array": (
        lambda arrays: {name: arrays[name] for name in ("x_train", "y_train", "x_test")},
        "data file data/bad.npz lacks array(s) y_test (has: x_train, y_train, x_test)",
    ),
    "wrong-dtype": (
        lambda arrays: dict(arrays, x_train=arrays["x_train"].astype(np.float32)),
        "data/bad.npz: array x_train has dtype float32, expected uint8",
    ),
    "wrong-shape": (
        lambda arrays: dict(arrays, x_train=arrays["x_train"].reshape(len(arrays["x_train"]), -1)),
        "data/bad.npz: array x_train has shape (1000, 784), expected (n, 28, 28)",
    ),
    "checksum-mismatch": (
        _flip_one_pixel,
        "data/bad.npz: array x_test has SHA-256 ",
    ),
}

PREPARED = f"results/{load_fixture()['run_name']}/data/prepared.npz"


def _run_config_case(root: Path, case: str):
    workdir = copy_workflow(root / f"config-{case}")
    (workdir / "overlay.yaml").write_text(textwrap.dedent(CONFIG_CASES[case][0]).strip() + "\n")
    result = snakemake(
        workdir,
        "-n",
        "--cores",
        "1",
        "--configfile",
        E2E[1],
        "overlay.yaml",
        timeout=300,
    )
    return workdir, result


def _run_data_case(root: Path, case: str):
    workdir = copy_workflow(root / f"data-{case}")
    make, _ = DATA_CASES[case]
    (workdir / "data").mkdir()
    if isinstance(make, bytes):
        (workdir / "data" / "bad.npz").write_bytes(make)
    else:
        np.savez_compressed(workdir / "data" / "bad.npz", **make(_subset()))
    (workdir / "overlay.yaml").write_text("data: {path: data/bad.npz}\n")
    # The target comes first: --configfile takes every argument after it.
    result = snakemake(
        workdir,
        PREPARED,
        "--cores",
        "1",
        "--configfile",
        E2E[1],
        "overlay.yaml",
        timeout=300,
    )
    return workdir, result


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every case's (workdir, completed Snakemake process), run concurrently once."""
    root = tmp_path_factory.mktemp("config-errors")
    jobs = {("config", case): _run_config_case for case in CONFIG_CASES}
    jobs.update({("data", case): _run_data_case for case in DATA_CASES})
    with ThreadPoolExecutor(max_workers=10) as pool:
        futures = {key: pool.submit(run, root, key[1]) for key, run in jobs.items()}
        results = {key: future.result() for key, future in futures.items()}
    yield results
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.workflow
@pytest.mark.parametrize("case", list(CONFIG_CASES))
def test_malformed_config_stops_with_one_line_before_anything_runs(outcomes, case):
    _, where, expected = CONFIG_CASES[case]
    workdir, result = outcomes["config", case]
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("config error")]
    # Exactly one error line, naming the key and what was expected ...
    assert len(errors) == 1, output
    assert errors[0].startswith(f"config error: {where}: "), errors[0]
    assert expected in errors[0], errors[0]
    # ... and nothing else but Snakemake's own preamble: no other error, warning or job list.
    assert set(lines) - set(errors) <= PREAMBLE, output
    assert not (workdir / "results").exists()


@pytest.mark.workflow
@pytest.mark.parametrize("case", list(DATA_CASES))
def test_wrong_data_fails_the_data_job_with_its_one_line_message(outcomes, case):
    _, message = DATA_CASES[case]
    workdir, result = outcomes["data", case]
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    # The job's log is shown (show-failed-logs) and its last word is the DataError's one line.
    shown = [line for line in output.splitlines() if message in line]
    assert shown, output
    log = (workdir / PREPARED.replace("data/prepared.npz", "logs/prepare_data.log")).read_text()
    assert message in log.strip().splitlines()[-1], log
    assert "Traceback" not in log
    assert "config error" not in output
    assert not (workdir / PREPARED).exists()
    assert not (workdir / PREPARED.replace("prepared.npz", "data.json")).exists()
    assert "rule train" not in output  # nothing downstream started


# Direct calls of check_config: fast, exact messages.


@pytest.fixture
def smoke_raw():
    """The tests' own config (tests/configs/e2e.yaml), not yet validated (no defaults)."""
    return yaml.safe_load((FIXTURES / "e2e.yaml").read_text())


def _error(config: dict, overlay: str, **options) -> str:
    # Read like the workflow reads a config file: a key written twice is a mistake of the test.
    with pytest.raises(ConfigError) as caught:
        check_config(merge(config, yaml.load(overlay, Loader=UniqueKeyLoader)), SCHEMA, **options)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_valid_configs_pass_and_get_the_schema_defaults(smoke_raw, monkeypatch):
    monkeypatch.chdir(ROOT)  # data.path is relative to the working directory
    assert "dropout_rate" not in smoke_raw["base"]
    check_config(smoke_raw, SCHEMA)
    assert smoke_raw["base"]["dropout_rate"] == 0.0
    assert smoke_raw["studies"]["loss"]["arms"][1]["overrides"] == {}
    assert smoke_raw == load_fixture()


def test_a_study_without_claim_id_is_a_claim_of_its_own_run(smoke_raw, monkeypatch):
    from tipsbench.experiment import resolve_experiment

    monkeypatch.chdir(ROOT)
    del smoke_raw["studies"]["loss"]["claim_id"]
    check_config(smoke_raw, SCHEMA)
    claims = {study.name: study.claim_id for study in resolve_experiment(smoke_raw).studies}
    assert claims["loss"] == "e2e.loss" and claims["optimizer"] == "adam-beats-sgd"


def test_the_known_datasets_are_the_choices(smoke_raw, monkeypatch):
    monkeypatch.chdir(ROOT)
    for name in ("mnist", "fashion_mnist"):
        check_config(merge(smoke_raw, {"data": {"dataset": name}}), SCHEMA)
    assert _error(smoke_raw, "data: {dataset: fashion-mnist}") == (
        "config error: data.dataset: 'fashion-mnist' is not one of mnist, fashion_mnist "
        "(did you mean 'fashion_mnist'?)"
    )


def test_unknown_override_names_arm_key_and_the_allowed_keys(smoke_raw):
    overlay = "studies: {loss: {arms: [{label: a, overrides: {dropuot: 0.2}}, {label: b}]}}"
    # The allowed keys are the schema's declared hyperparameters, whatever they are.
    allowed = ", ".join(hyperparameter_definitions())
    assert _error(smoke_raw, overlay, check_paths=False) == (
        "config error: studies.loss.arms[0].overrides: unknown key 'dropuot' (did you mean "
        f"'dropout_rate'? allowed: {allowed})"
    )
    assert allowed.startswith("hidden_layers, units, activation") and "data_seed" in allowed


@pytest.mark.parametrize(
    "overlay, expected",
    [
        (
            "sweeps: [{name: lr, hyperparameter: learnig_rate, values: [0.01], "
            "arm_overrides: keep}]",
            "config error: sweeps[0].hyperparameter: 'learnig_rate' is not a hyperparameter (did "
            "you mean 'learning_rate'? allowed:",
        ),
        (
            "sweeps: [{name: lr, hyperparameter: learning_rate, values: [0.01, -1], "
            "arm_overrides: keep}]",
            "config error: sweeps[0].values[1]: -1 must be greater than 0 "
            "(a value of learning_rate)",
        ),
        (
            "sweeps: [{name: lr, hyperparameter: learning_rate, values: [0.01], studies: [los], "
            "arm_overrides: keep}]",
            "config error: sweeps[0].studies: 'los' is not a study of this config (did you mean "
            "'loss'?",
        ),
        (
            "sweeps: [{name: lr, hyperparameter: learning_rate, values: [0.01]}]",
            "config error: sweeps[0]: missing required key 'arm_overrides'",
        ),
        (
            "studies: {optimizer: {arms: [{label: SGD, tune: {hyperparameter: learning_rate, "
            "values: [0.01, 0.1]}}, {label: Adam, overrides: {optimizer: adam}}]}}",
            "config error: studies.optimizer.arms[0].tune: a tuned arm needs a validation set: "
            "set data.validation_size",
        ),
        (
            "sweeps: [{name: n, hyperparameter: train_size, values: [5000], arm_overrides: keep}]",
            "config error: train_size: 5000 training images asked for, but data.train_size "
            "prepares 1000",
        ),
    ],
)
def test_sweep_and_tuning_mistakes_are_named(smoke_raw, overlay, expected):
    assert _error(smoke_raw, overlay, check_paths=False).startswith(expected)


def test_several_unknown_keys_are_all_named(smoke_raw):
    message = _error(smoke_raw, "base: {epoch: 3, drop: 0.1}", check_paths=False)
    assert message.startswith(
        "config error: base: unknown key 'epoch' (and 'drop') (did you mean 'epochs'?"
    )


def test_missing_required_key_and_bad_study_name(smoke_raw):
    new = "{claim: x, arms: [{label: a}, {label: b, overrides: {epochs: 3}}]}"
    assert _error(smoke_raw, f"studies: {{new: {new}}}", check_paths=False) == (
        "config error: studies.new: give expect (one claim, on statistics.metric) or claims "
        "(a list)"
    )
    assert _error(
        smoke_raw, "studies: {New: {claim: x, expect: B > A, arms: []}}", check_paths=False
    ) == (
        "config error: studies: name 'New' is not allowed (names must match ^[a-z0-9][a-z0-9-]*$)"
    )


def test_data_path_is_checked_from_the_working_directory_unless_told_not_to(
    smoke_raw, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    message = _error(smoke_raw, "data: {path: nowhere/mnist.npz}")
    assert message == (
        f"config error: data.path: file nowhere/mnist.npz does not exist "
        f"(looked for {tmp_path.resolve() / 'nowhere' / 'mnist.npz'})"
    )
    (
        tmp_path / "idx-folder"
    ).mkdir()  # A folder of IDX files is a valid source; the data step reads it.
    check_config(merge(smoke_raw, yaml.safe_load("data: {path: idx-folder}")), SCHEMA)
    check_config(smoke_raw, SCHEMA, check_paths=False)  # --lint: the data need not be there


SPEED = "{name: fast, endpoint: updates_to_target, curve: train_crossentropy, target: 0.5"


@pytest.mark.parametrize(
    ("overlay", "expected"),
    [
        (
            "studies: {loss: {claims: [{endpoint: test_acuracy, expect: B > A}]}}",
            "config error: studies.loss: give expect or claims, not both (each claim has its "
            "own expect)",
        ),
        (
            "studies: {dropout: {claims: [{endpoint: test_acuracy, expect: B > A}]}}",
            "config error: studies.dropout.claims[0].endpoint: 'test_acuracy' is not an endpoint "
            "(did you mean 'test_accuracy'? known: test_accuracy,",
        ),
        (
            "studies: {dropout: {claims: [{endpoint: updates_to_target, curve: train_accuracy, "
            "expect: B > A, smallest_effect: 1.5}]}}",
            "config error: studies.dropout.claims[0]: updates_to_target needs target: a number",
        ),
        (
            "studies: {dropout: {claims: [" + SPEED + ", expect: B > A}]}}",
            "config error: studies.dropout.claims[0].smallest_effect: updates_to_target is not "
            "an accuracy, so its claims give their own (a ratio above 1, e.g. 1.5)",
        ),
        (
            "studies: {dropout: {claims: [" + SPEED + ", expect: B > A, smallest_effect: 0.5}]}}",
            "config error: studies.dropout.claims[0].smallest_effect: 0.5 is outside (1.0, "
            "1000.0] for updates_to_target",
        ),
        (
            "studies: {dropout: {claims: [{endpoint: gap, expect: B > A}, "
            "{endpoint: gap, expect: A ≈ B}]}}",
            "config error: studies.dropout.claims[1]: a second claim named 'gap': give each "
            "claim its own name",
        ),
        (
            "studies: {dropout: {claims: [{endpoint: gap, expect: B > A, primary: true}, "
            "{endpoint: test_accuracy, expect: B > A, primary: true}]}}",
            "config error: studies.dropout: 2 claims say primary: true; at most one may",
        ),
        (
            "studies: {loss: {expect: null}}",
            "config error: studies.loss.expect: expected a string, got null",
        ),
        (
            "studies: {dropout: {claims: [{endpoint: train_loss, expect: B > A, "
            "smallest_effect: 0.1}]}, loss: {expect: B > A}}\n"
            "base: {}",
            "",
        ),
        (
            "studies: {extra: {claim: x, arms: [{label: a, overrides: {loss: "
            "mean_squared_error}}, {label: b}], claims: [{endpoint: train_loss, expect: B > A, "
            "smallest_effect: 0.1}]}}",
            "config error: studies.extra.claims[0]: train_loss compares each arm's own loss, and "
            "the arms train with different losses (categorical_crossentropy, mean_squared_error)",
        ),
        (
            "statistics: {metric: updates_to_target}",
            "config error: statistics.metric: updates_to_target needs curve, target: judge it in "
            "a study's claims, where they can be given",
        ),
        (
            "statistics: {test: wilcoxon}",
            "config error: statistics.test: wilcoxon with 2 seeds cannot reach p < 0.05 (its "
            "smallest two-sided p is 0.5): list at least 6 seeds, or use paired_t",
        ),
    ],
)
def test_claim_mistakes_are_named_in_one_line(smoke_raw, overlay, expected):
    if not expected:  # a valid claims configuration passes
        check_config(merge(smoke_raw, yaml.safe_load(overlay)), SCHEMA, check_paths=False)
        return
    assert _error(smoke_raw, overlay, check_paths=False).startswith(expected)


def test_a_rank_test_is_refused_where_claims_are_judged_over_the_test_images(smoke_raw):
    # Enough seeds for the signed-rank test to reach 0.05, but the fixture's claims on test
    # accuracy and the gap are judged over seeds and test images, which it cannot rank.
    overlay = "seeds: [0, 1, 2, 3, 4, 5]\nstatistics: {test: wilcoxon}"
    message = _error(smoke_raw, overlay, check_paths=False)
    resolved = load_fixture()
    shared = [
        study
        for study, spec in resolved["studies"].items()
        for claim in spec.get("claims") or [{"endpoint": resolved["statistics"]["metric"]}]
        if claim["endpoint"] in ("test_accuracy", "gap")
    ]
    assert message.startswith(
        f"config error: statistics.test: wilcoxon ranks the seeds alone, but {len(shared)} "
        "claim(s) are judged over the seeds and the test images every run shares"
    )
    assert "loss/test_accuracy" in message and "use paired_t" in message
    # Studies whose claims are all over seeds alone may use it.
    seeds_only = {
        "studies": {
            name: spec
            for name, spec in smoke_raw["studies"].items()
            if name in ("depth", "learning-rate")
        }
    }
    config = {**smoke_raw, **seeds_only, "seeds": list(range(6))}
    config["statistics"] = {"test": "wilcoxon"}
    check_config(config, SCHEMA, check_paths=False)


# An expect-only study's one claim (on statistics.metric) goes through the claims' checks.
@pytest.mark.parametrize(
    ("overlay", "expected"),
    [
        (
            # The loss study's arms train with different losses.
            "statistics: {metric: test_loss}",
            "config error: studies.loss: test_loss (statistics.metric) compares each arm's own "
            "loss, and the arms train with different losses (categorical_crossentropy, "
            "mean_squared_error)",
        ),
        (
            # A ratio's Δ is above 1; an expect-only study's smallest_effect is below 1.
            "statistics: {metric: gradient_ratio}",
            "config error: statistics.metric: gradient_ratio needs a smallest_effect above 1.0, "
            "and a study's one claim takes its smallest_effect below 1.0: judge gradient_ratio "
            "in a study's claims",
        ),
        (
            "statistics: {metric: weight_change_ratio}\nstudies: {loss: {smallest_effect: 0.5}}",
            "config error: statistics.metric: weight_change_ratio needs a smallest_effect above",
        ),
    ],
)
def test_an_expect_only_claim_goes_through_the_claim_checks(smoke_raw, overlay, expected):
    assert _error(smoke_raw, overlay, check_paths=False).startswith(expected)


@pytest.mark.parametrize(
    ("overlay", "expected"),
    [
        (
            "statistics: {smallest_effect: 1}",
            "config error: statistics.smallest_effect: 1 is outside (0, 1)",
        ),
        (
            "studies: {loss: {smallest_effect: 1}}",
            "config error: studies.loss.smallest_effect: 1 is outside (0, 1)",
        ),
    ],
)
def test_an_accuracy_difference_of_one_is_no_smallest_effect(smoke_raw, overlay, expected):
    assert _error(smoke_raw, overlay, check_paths=False) == expected
    below = overlay.replace(": 1}", ": 0.99}")
    check_config(merge(smoke_raw, yaml.safe_load(below)), SCHEMA, check_paths=False)


LAYER_CLAIMS = (
    "studies: {depth: {claims: [{endpoint: test_accuracy, expect: A > B}, "
    "{endpoint: weight_change_ratio, expect: A > B, smallest_effect: 2}]}}\n"
)


@pytest.mark.parametrize(
    ("overlay", "expected"),
    [
        (
            "probe: {gradient_images: 0}",
            "config error: studies.depth.claims[0]: gradient_ratio reads the layers' gradients "
            "and weight changes, which probe.gradient_images: 0 does not measure: set "
            "probe.gradient_images above 0 (e.g. 500)",
        ),
        (
            LAYER_CLAIMS + "probe: {gradient_images: 0}",
            "config error: studies.depth.claims[1]: weight_change_ratio reads the layers' "
            "gradients and weight changes, which probe.gradient_images: 0 does not measure",
        ),
    ],
)
def test_a_claim_on_the_layers_needs_gradient_images(smoke_raw, overlay, expected):
    assert _error(smoke_raw, overlay, check_paths=False).startswith(expected)


def test_claims_off_the_layers_need_no_gradient_images(smoke_raw):
    overlay = "studies: {depth: {claims: [{endpoint: test_accuracy, expect: A > B}]}}\n"
    overlay += "probe: {gradient_images: 0}"
    check_config(merge(smoke_raw, yaml.safe_load(overlay)), SCHEMA, check_paths=False)


@pytest.mark.parametrize(
    ("overlay", "expected"),
    [
        (
            "studies: {depth: {arms: [{label: one hidden, overrides: {hidden_layers: 1}}, "
            "{label: 4 hidden, overrides: {hidden_layers: 4}}]}}",
            "config error: studies.depth.claims[0]: gradient_ratio needs at least 2 hidden "
            "layers in every arm (it compares the first with the last), and arm A (one hidden) "
            "trains 'layers-1' with 1",
        ),
        (
            # A sweep point of the study: arm A moves along the axis, arm B keeps its 4.
            "sweeps: [{name: depth, hyperparameter: hidden_layers, values: [1], studies: [depth], "
            "arm_overrides: keep}]",
            "config error: studies.depth.claims[0]: gradient_ratio needs at least 2 hidden "
            "layers in every arm (it compares the first with the last), and arm A (2 hidden) at "
            "depth@depth-1 trains 'layers-1' with 1",
        ),
        (
            # A tuned arm trains every candidate.
            "data: {validation_size: 1000}\n"
            "studies: {depth: {arms: [{label: tuned, tune: {hyperparameter: hidden_layers, "
            "values: [2, 1]}}, {label: 4 hidden, overrides: {hidden_layers: 4}}], claims: "
            "[{endpoint: weight_change_ratio, expect: A > B, smallest_effect: 2}]}}",
            "config error: studies.depth.claims[0]: weight_change_ratio needs at least 2 hidden "
            "layers in every arm (it compares the first with the last), and arm A (tuned) trains "
            "'layers-1' with 1",
        ),
    ],
)
def test_a_first_to_last_hidden_layer_ratio_needs_two_hidden_layers(smoke_raw, overlay, expected):
    assert _error(smoke_raw, overlay, check_paths=False) == expected


def test_every_applies_when_is_a_schema_with_its_words():
    schema = yaml.safe_load(SCHEMA.read_text())
    rules = {
        name: spec["applies_when"]
        for name, spec in schema["$defs"]["hyperparameters"]["properties"].items()
        if "applies_when" in spec
    }
    assert {"final_fraction", "mask_seed"} <= set(rules)
    for name, rule in rules.items():
        Draft202012Validator.check_schema(rule)
        assert rule.get("description"), name


NO_EFFECT = "(it applies only when learning_rate_schedule is not constant)"


@pytest.mark.parametrize(
    ("overlay", "expected"),
    [
        (
            "studies: {learning-rate: {arms: [{label: constant}, "
            "{label: final 0.1, overrides: {final_fraction: 0.1}}]}}",
            "config error: studies.learning-rate.arms[1].overrides.final_fraction: has no effect "
            f"with learning_rate_schedule constant {NO_EFFECT}",
        ),
        (
            "studies: {dropout: {arms: [{label: no dropout, overrides: {mask_seed: 3}}, "
            "{label: dropout 0.2, overrides: {dropout_rate: 0.2}}]}}",
            "config error: studies.dropout.arms[0].overrides.mask_seed: has no effect with "
            "dropout_rate 0.0 (it applies only when dropout_rate is above 0)",
        ),
        (
            "data: {validation_size: 1000}\n"
            "studies: {loss: {arms: [{label: mse, overrides: {loss: mean_squared_error}}, "
            "{label: tuned, tune: {hyperparameter: final_fraction, values: [0.1, 0.5]}}]}}",
            "config error: studies.loss.arms[1].tune.hyperparameter: final_fraction has no effect "
            f"with learning_rate_schedule constant {NO_EFFECT}",
        ),
        (
            "sweeps: [{name: final, hyperparameter: final_fraction, values: [0.5], "
            "studies: [learning-rate, loss], arm_overrides: keep}]",
            "config error: sweeps[0].hyperparameter: final_fraction has no effect with "
            f"learning_rate_schedule constant in study loss {NO_EFFECT}",
        ),
        (
            # The one decaying schedule of the fixture, made constant: final_fraction in base
            # then matters nowhere.
            "base: {final_fraction: 0.5}\n"
            "studies: {learning-rate: {arms: [{label: constant}, "
            "{label: longer, overrides: {epochs: 3}}]}}",
            "config error: base.final_fraction: has no effect with learning_rate_schedule "
            f"constant in any condition {NO_EFFECT}",
        ),
    ],
)
def test_a_hyperparameter_set_where_it_has_no_effect_is_refused(smoke_raw, overlay, expected):
    assert _error(smoke_raw, overlay, check_paths=False) == expected


@pytest.mark.parametrize(
    "overlay",
    [
        # final_fraction moves the cosine arm of the learning-rate study.
        "sweeps: [{name: final, hyperparameter: final_fraction, values: [0.5], "
        "studies: [learning-rate], arm_overrides: keep}]",
        # mask_seed in base matters to the dropout arm.
        "base: {mask_seed: 3}",
        # The schema's default written out changes nothing.
        "base: {final_fraction: 0.01}",
    ],
)
def test_a_hyperparameter_with_an_effect_somewhere_it_is_set_passes(smoke_raw, overlay):
    check_config(merge(smoke_raw, yaml.safe_load(overlay)), SCHEMA, check_paths=False)


@pytest.mark.parametrize("value", [True, False])
def test_standalone_true_or_false_passes(value):
    check_standalone({"standalone": value})
    check_standalone({})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("false", "config error: standalone: expected true or false, got 'false'"),
        (1, "config error: standalone: expected true or false, got 1"),
    ],
)
def test_standalone_that_is_not_a_boolean_is_refused(value, expected):
    with pytest.raises(ConfigError) as caught:
        check_standalone({"standalone": value})
    assert str(caught.value).startswith(expected)


def test_a_key_written_twice_in_a_config_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "twice.yaml").write_text(
        "seeds: [0, 1]\nstudies:\n  loss: {expect: B > A}\n  loss: {expect: A > B}\n"
    )
    (tmp_path / "merged.yaml").write_text(
        "base: &base {epochs: 2, units: 100}\nprobe: {<<: *base, epochs: 3}\n"
    )
    # A merge key that a mapping then overrides is not a key written twice.
    check_config_files([tmp_path / "merged.yaml"])
    with pytest.raises(ConfigError) as caught:
        check_config_files(["merged.yaml", tmp_path / "twice.yaml"])
    assert str(caught.value) == (
        "config error: twice.yaml: key 'studies.loss' appears twice (line 3 and line 4); "
        "YAML keeps only the last"
    )


@pytest.mark.parametrize(
    ("overlay", "expected"),
    [
        ("seeds_per_job: 2.0", "config error: seeds_per_job: expected an integer, got 2.0"),
        ("base: {epochs: 2.0}", "config error: base.epochs: expected an integer, got 2.0"),
        ("seeds: [0, 1.0]", "config error: seeds[1]: expected an integer, got 1.0"),
        (
            "sweeps: [{name: batch, hyperparameter: batch_size, values: [50.0], "
            "arm_overrides: keep}]",
            "config error: sweeps[0].values[0]: expected an integer, got 50.0",
        ),
    ],
)
def test_a_float_where_an_integer_belongs_is_refused(smoke_raw, overlay, expected):
    assert _error(smoke_raw, overlay, check_paths=False).startswith(expected)


@pytest.mark.parametrize(
    ("overlay", "expected"),
    [
        ("peak_gflops: .nan", "config error: peak_gflops: expected a finite number, got .nan"),
        ("peak_gflops: .inf", "config error: peak_gflops: expected a finite number, got .inf"),
        (
            "studies: {optimizer: {claims: [{endpoint: updates_to_target, "
            "curve: train_crossentropy, target: .nan, expect: B > A, smallest_effect: 1.5}]}}",
            "config error: studies.optimizer.claims[0].target: expected a finite number, got .nan",
        ),
        (
            "studies: {optimizer: {claims: [{endpoint: updates_to_target, "
            "curve: train_crossentropy, target: 0.5, expect: B > A, smallest_effect: .inf}]}}",
            "config error: studies.optimizer.claims[0].smallest_effect: expected a finite "
            "number, got .inf",
        ),
        (
            "data: {train_size: -.inf}",
            "config error: data.train_size: expected a finite number, got -.inf",
        ),
    ],
)
def test_a_number_that_is_not_finite_is_refused(smoke_raw, overlay, expected):
    assert _error(smoke_raw, overlay, check_paths=False) == expected


def test_rbm_pretraining_needs_scaled_pixels(smoke_raw):
    overlay = (
        "studies: {loss: {arms: [{label: a}, {label: b, overrides: "
        "{pretraining: rbm, scale_inputs: false}}]}}"
    )
    assert _error(smoke_raw, overlay, check_paths=False) == (
        "config error: studies.loss.arms[1]: pretraining: rbm needs the pixels scaled to [0, 1] "
        "(scale_inputs: true); an RBM reads them as probabilities"
    )
    # A sweep point trains its study's arms too: a sweep may not take the scaling away.
    overlay = (
        "studies: {loss: {arms: [{label: a}, {label: b, overrides: {pretraining: rbm}}]}}\n"
        "sweeps: [{name: raw, hyperparameter: scale_inputs, values: [false], studies: [loss], "
        "arm_overrides: keep}]"
    )
    assert _error(smoke_raw, overlay, check_paths=False) == (
        "config error: studies.loss.arms[1]: pretraining: rbm needs the pixels scaled to [0, 1] "
        "(scale_inputs: true) at loss@raw-false; an RBM reads them as probabilities"
    )
    # Its settings have an effect only with it.
    overlay = (
        "studies: {loss: {arms: [{label: a}, {label: b, overrides: {pretraining_epochs: 3}}]}}"
    )
    assert "has no effect" in _error(smoke_raw, overlay, check_paths=False)

"""End to end: the tests' own config (tests/configs/e2e.yaml) on the committed subset, through
Snakemake, to tables and report.

The run itself is the session fixture ``e2e_run`` (conftest.py), shared with test_report.py.
Every expected count and name is derived from that config's resolved experiment and from the
figure and endpoint registries, so editing the config changes what is expected, not whether
the tests pass. Its claims include a speed claim (updates to a target), a claim of no
practical difference, one on the train − test gap and one on the area under a probe curve,
all written in the config only.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import E2E, experiment_of, load_fixture
from workflow_helpers import snakemake, training_jobs

from tipsbench.endpoints import ENDPOINTS, RunRecords
from tipsbench.experiment import study_references
from tipsbench.plots import figures_of
from tipsbench.training import PROBE_COLUMNS, probe_schedule

pytestmark = pytest.mark.workflow

CONFIG = load_fixture()
EXPERIMENT = experiment_of(CONFIG)
FINAL = [name for name, spec in ENDPOINTS.items() if not spec.required]
# Each endpoint key of the tables with its reference, as the stages after the tables find it.
REFS = study_references(EXPERIMENT.study_records())


def job_counts(output: str) -> dict[str, int]:
    """Snakemake's job counts per rule from a (dry) run's output."""
    return {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", output, flags=re.M)}


def test_every_condition_and_seed_was_trained_once(e2e_run):
    run, _ = e2e_run
    trained = {
        (path.parent.parent.name, path.parent.name)
        for path in run.glob("runs/*/seed-*/metrics.json")
    }
    assert trained == {
        (condition, f"seed-{seed}")
        for condition in EXPERIMENT.conditions
        for seed in EXPERIMENT.seeds
    }
    condition, seed = next(iter(EXPERIMENT.conditions)), EXPERIMENT.seeds[-1]
    folder = run / "runs" / condition / f"seed-{seed}"
    metrics = json.loads((folder / "metrics.json").read_text())
    hyperparameters = EXPERIMENT.conditions[condition]
    assert metrics["condition"] == condition and metrics["seed"] == seed
    assert metrics["epochs_run"] == hyperparameters["epochs"]
    assert metrics["backend"] == EXPERIMENT.backend and metrics["versions"]["keras"].startswith(
        "3."
    )
    assert 0 <= metrics["test_accuracy"] <= 1 and metrics["samples_per_second"] > 0
    history = pd.read_csv(folder / "history.csv")
    assert history["epoch"].tolist() == list(range(1, hyperparameters["epochs"] + 1))
    # The probe: scored on its schedule up to the run's last update.
    probe = pd.read_csv(folder / "probe.csv")
    assert list(probe.columns) == PROBE_COLUMNS
    updates = (
        math.ceil(metrics["train_samples"] / hyperparameters["batch_size"])
        * hyperparameters["epochs"]
    )
    assert metrics["updates"] == updates
    assert probe["update"].tolist() == probe_schedule(
        updates, EXPERIMENT.probe["points_per_decade"]
    )
    assert metrics["probe_train_samples"] == min(
        EXPERIMENT.probe["train_images"], metrics["train_samples"]
    )


def test_runs_table_matches_the_run_files(e2e_run):
    run, _ = e2e_run
    runs = pd.read_csv(run / "tables" / "runs.csv")
    assert len(runs) == len(EXPERIMENT.arms) * len(EXPERIMENT.seeds)
    assert set(runs["condition"]) == set(EXPERIMENT.conditions)
    for row in runs.itertuples():
        metrics = json.loads(
            (run / "runs" / row.condition / f"seed-{row.seed}" / "metrics.json").read_text()
        )
        assert row.test_accuracy == pytest.approx(metrics["test_accuracy"])
        assert row.updates == metrics["updates"]


def test_endpoints_table_holds_every_claims_endpoint_of_every_arm_and_seed(e2e_run):
    run, _ = e2e_run
    endpoints = pd.read_csv(run / "tables" / "endpoints.csv")
    expected = 0
    for study in EXPERIMENT.studies:
        keys = set(FINAL) | {claim.endpoint.key for claim in study.claims}
        expected += len(keys) * 2 * len(EXPERIMENT.seeds)
        assert set(endpoints.loc[endpoints["study"] == study.name, "endpoint"]) == keys
    assert len(endpoints) == expected
    # Each value is the endpoint computed from that run's own files.
    for row in endpoints.sample(n=min(40, len(endpoints)), random_state=0).itertuples():
        folder = run / "runs" / row.condition / f"seed-{row.seed}"
        records = RunRecords(
            json.loads((folder / "metrics.json").read_text()),
            pd.read_csv(folder / "history.csv"),
            pd.read_csv(folder / "probe.csv"),
            pd.read_csv(folder / "layers.csv"),
        )
        value = REFS[row.endpoint].compute(records)
        assert (row.value, row.censored) == (
            pytest.approx(value.value, nan_ok=True),
            value.censored,
        )


def test_every_claim_written_in_the_config_gets_a_verdict(e2e_run):
    run, _ = e2e_run
    findings = pd.read_csv(run / "tables" / "findings.csv")
    claims = [(study.name, claim.name) for study in EXPERIMENT.studies for claim in study.claims]
    assert list(zip(findings["study"], findings["claim"])) == claims
    assert set(findings["verdict"]) <= {"REPRODUCED", "REVERSED", "NEGLIGIBLE", "INCONCLUSIVE"}
    assert not findings["evidence"].any()  # the fixture is marked smoke
    endpoints = pd.read_csv(run / "tables" / "endpoints.csv")
    for row in findings.itertuples():
        rows = endpoints[
            (endpoints["study"] == row.study) & (endpoints["endpoint"] == row.endpoint)
        ]
        a = rows[rows["role"] == "A"].set_index("seed")["value"]
        b = rows[rows["role"] == "B"].set_index("seed")["value"]
        spec = REFS[row.endpoint].spec
        # The effect is B − A, or for a ratio endpoint the mean of log(B / A).
        differences = np.log(b / a) if spec.scale == "ratio" else b - a
        assert row.mean_diff == pytest.approx(differences.mean())
        assert row.scale == spec.scale
        assert (row.censored_a, row.censored_b) == (
            rows.loc[rows["role"] == "A", "censored"].sum(),
            rows.loc[rows["role"] == "B", "censored"].sum(),
        )
        # A verdict in favour of an arm with a censored run does not stand.
        if row.censoring_blocked:
            assert row.verdict == "INCONCLUSIVE" and row.censored_a + row.censored_b > 0
    # The gap is train minus test accuracy of the same runs.
    gap = findings[findings["endpoint"] == "gap"]
    runs = pd.read_csv(run / "tables" / "runs.csv")
    for row in gap.itertuples():
        arm = runs[(runs["study"] == row.study) & (runs["role"] == "A")]
        assert row.mean_a == pytest.approx((arm["train_accuracy"] - arm["test_accuracy"]).mean())


def test_summary_table_is_the_mean_and_sd_of_runs(e2e_run):
    run, _ = e2e_run
    runs = pd.read_csv(run / "tables" / "runs.csv")
    summary = pd.read_csv(run / "tables" / "summary.csv")
    assert len(summary) == len(EXPERIMENT.arms) and set(summary["n"]) == {len(EXPERIMENT.seeds)}
    for row in summary.itertuples():
        values = runs[(runs["study"] == row.study) & (runs["role"] == row.role)]["test_accuracy"]
        assert row.test_accuracy_mean == pytest.approx(values.mean())
        assert row.test_accuracy_sd == pytest.approx(values.std(ddof=1))
        arm = CONFIG["studies"][row.study]["arms"]["AB".index(row.role)]
        slide = arm.get("slide_accuracy")
        assert row.slide_accuracy == pytest.approx(slide) if slide else pd.isna(row.slide_accuracy)


def test_report_is_marked_smoke_and_shows_every_study_claim_and_figure(e2e_run):
    run, _ = e2e_run
    html = (run / "report" / "report.html").read_text()
    assert "SMOKE RUN — not evidence" in html
    figures = 0
    for study in EXPERIMENT.studies:
        assert f'id="study-{study.name}"' in html
        for claim in study.claims:
            assert f'id="claim-{study.name}-{claim.name}"' in html
        figures += len(figures_of(EXPERIMENT.features(study.name))[0])
    figures += len(figures_of(EXPERIMENT.features())[1])
    assert html.count('<img src="data:image/svg+xml;base64,') == figures


def test_nothing_to_do_after_a_complete_run(e2e_run):
    _, workdir = e2e_run
    result = snakemake(workdir, "-n", "--cores", "2", *E2E)
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def edited_config(workdir, edit) -> tuple[str, ...]:
    """The fixture with ``edit`` applied, as --configfile arguments of a run on its own."""
    config = yaml.safe_load((workdir / "tests" / "configs" / "e2e.yaml").read_text())
    edit(config)
    (workdir / "edited.yaml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    )
    return ("--configfile", "edited.yaml")


def test_editing_one_arm_reruns_only_that_condition(e2e_run):
    _, workdir = e2e_run
    study = next(s for s in EXPERIMENT.studies if s.arms[1].condition != "base")
    changed = dict(CONFIG["studies"][study.name]["arms"][1].get("overrides", {}), epochs=3)

    def edit(config):
        config["studies"][study.name]["arms"][1]["overrides"] = changed

    result = snakemake(workdir, "-n", "--cores", "2", *edited_config(workdir, edit))
    assert result.returncode == 0, result.stderr
    counts = job_counts(result.stdout)
    # The new condition, every block of seeds.
    assert training_jobs(counts) == len(EXPERIMENT.seed_blocks)
    assert counts["aggregate"] == 1 and counts["report"] == 1
    assert "prepare_data" not in counts


def test_a_hyperparameter_added_with_its_default_retrains_nothing(e2e_run):
    """A new knob is one entry of the schema's $defs.hyperparameters: with a default that
    reproduces today's runs, a finished results folder stays finished; an arm that sets it
    is a new condition, named by the knob's slug, and only its jobs train."""
    _, workdir = e2e_run
    path = workdir / "workflow" / "schemas" / "config.schema.yaml"
    original = path.read_text()
    schema = yaml.safe_load(original)
    schema["$defs"]["hyperparameters"]["properties"]["momentum"] = {
        "type": "number",
        "minimum": 0,
        "x-slug": "momentum",
        "x-default": 0.0,
        "description": "SGD momentum.",
    }
    try:
        path.write_text(yaml.safe_dump(schema, allow_unicode=True, sort_keys=False))
        result = snakemake(workdir, "-n", "--cores", "2", *E2E)
        assert result.returncode == 0, result.stderr
        assert "Nothing to be done" in result.stdout + result.stderr

        study = EXPERIMENT.studies[0]

        def edit(config):
            arm = config["studies"][study.name]["arms"][0]
            arm["overrides"] = {**arm.get("overrides", {}), "momentum": 0.9}

        result = snakemake(workdir, "-n", "--cores", "2", *edited_config(workdir, edit))
        assert result.returncode == 0, result.stderr
        counts = job_counts(result.stdout)
        assert training_jobs(counts) == len(EXPERIMENT.seed_blocks)
        assert "momentum-0.9" in result.stdout
    finally:
        path.write_text(original)


def test_adding_seeds_trains_only_the_new_seeds(e2e_run):
    """The report's seeds advice is one edit away: listing more seeds trains just those (seeds
    go to jobs in fixed blocks of seeds_per_job, so a seed of a new block is a new job)."""
    _, workdir = e2e_run
    block = EXPERIMENT.seeds_per_job
    new = (max(EXPERIMENT.seeds) // block + 1) * block

    def edit(config):
        config["seeds"] = [*CONFIG["seeds"], new]

    result = snakemake(workdir, "-n", "--cores", "2", *edited_config(workdir, edit))
    assert result.returncode == 0, result.stderr
    counts = job_counts(result.stdout)
    # One new job per condition, all of the new seed; the others stay as they are.
    assert training_jobs(counts) == counts[f"train_seed_{new}"] == len(EXPERIMENT.conditions)
    assert "prepare_data" not in counts and counts["statistics"] == 1


def test_snakemake_standard_report_lists_the_figures_and_tables(e2e_run, tmp_path):
    import zipfile

    _, workdir = e2e_run
    target = tmp_path / "snakemake-report.zip"
    result = snakemake(workdir, "--report", str(target), *E2E)
    assert result.returncode == 0, result.stderr[-2000:]
    names = zipfile.ZipFile(target).namelist()
    study = EXPERIMENT.studies[-1].name
    expected = [f"{study}-{figure}.svg" for figure in figures_of(EXPERIMENT.features(study))[0]]
    expected += [f"{figure}.svg" for figure in figures_of(EXPERIMENT.features())[1]]
    for name in (*expected, "findings.csv", "summary.csv", "endpoints.csv"):
        assert any(entry.endswith(name) for entry in names), name

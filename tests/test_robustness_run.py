"""End to end: the tests' own robustness config (tests/configs/robustness.yaml) on the committed
subset: sweep axes and tuned arms."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import experiment_of, load_fixture
from workflow_helpers import copy_workflow, snakemake

from tipsbench.plots import figures_of

pytestmark = pytest.mark.workflow

CONFIG = load_fixture("robustness.yaml")
EXPERIMENT = experiment_of(CONFIG)


@pytest.fixture(scope="module")
def robustness_run(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("robustness"))
    result = snakemake(
        workdir,
        "--cores",
        "2",
        "--configfile",
        "tests/configs/robustness.yaml",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return workdir / "results" / CONFIG["run_name"], workdir


def test_every_sweep_point_is_a_study_and_conditions_are_shared(robustness_run):
    run, _ = robustness_run
    findings = pd.read_csv(run / "tables" / "findings.csv")
    points = findings[findings["axis"].notna()]
    expected = {
        f"{study}@{axis['name']}-{value:g}"
        for axis in CONFIG["sweeps"]
        for study in axis["studies"]
        for value in axis["values"]
    }
    assert set(points["study"]) == expected
    # Every claim of a swept study is judged at every point.
    for study in EXPERIMENT.studies:
        assert findings.loc[findings["study"] == study.name, "claim"].tolist() == [
            claim.name for claim in study.claims
        ]
    runs = pd.read_csv(run / "tables" / "runs.csv")
    # optimizer@lr-1 keeps Adam's own learning rate (arm_overrides: keep): its arm B is the
    # slide study's Adam condition, trained once for both.
    adam = runs[(runs["study"].isin(["optimizer", "optimizer@lr-1"])) & (runs["role"] == "B")]
    assert set(adam["condition"]) == {"opt-adam-lr-0.001"}
    sgd = runs[(runs["study"] == "optimizer@lr-1") & (runs["role"] == "A")]
    assert set(sgd["condition"]) == {"lr-1"}
    jobs = pd.read_csv(run / "tables" / "jobs.csv")
    assert not jobs.duplicated(["condition", "seed"]).any()
    assert len(jobs) == len(EXPERIMENT.conditions) * len(EXPERIMENT.seeds)


def test_robustness_table_counts_verdicts_per_claim_and_axis(robustness_run):
    run, _ = robustness_run
    robustness = pd.read_csv(run / "tables" / "robustness.csv")
    findings = pd.read_csv(run / "tables" / "findings.csv").set_index(["study", "claim"])
    # One row per claim of each swept study and axis.
    assert list(zip(robustness["study"], robustness["claim"])) == [
        (study.name, claim.name)
        for axis in CONFIG["sweeps"]
        for study in EXPERIMENT.claims
        if study.name in axis["studies"]
        for claim in study.claims
    ]
    rows = robustness.set_index(["study", "claim"])
    faster = rows.loc[("optimizer", "faster")]
    assert faster["values"] == "0.1 (slide);1" and faster["arm_overrides"] == "keep"
    assert faster["verdicts"] == (
        f"{findings.loc[('optimizer', 'faster'), 'verdict']};"
        f"{findings.loc[('optimizer@lr-1', 'faster'), 'verdict']}"
    )
    loss = rows.loc[("loss", "test_accuracy")]
    assert loss["values"] == "400;800 (slide)" and loss["hyperparameter"] == "train_size"
    # One Holm family: every claim of every study at every setting.
    assert len(findings) == sum(len(study.claims) for study in EXPERIMENT.studies)


def test_tuned_arms_are_chosen_by_validation_accuracy(robustness_run):
    run, _ = robustness_run
    tuning = pd.read_csv(run / "tables" / "tuning.csv")
    for _, arm in tuning.groupby(["study", "role"]):
        best = arm.loc[arm["validation_mean"].idxmax()]
        assert arm["selected"].sum() == 1 and bool(best["selected"])
        assert set(arm["chosen_at_edge"]) <= {"lowest", "highest"}  # a grid of two values
    runs = pd.read_csv(run / "tables" / "runs.csv")
    tuned = runs[runs["study"] == "tuned-optimizer"]
    chosen = tuning[tuning["selected"]].set_index("role")["condition"]
    for role, rows in tuned.groupby("role"):
        assert set(rows["condition"]) == {chosen[role]}
        assert len(rows) == len(EXPERIMENT.seeds)  # its own seeds only
        assert rows["validation_accuracy"].notna().all()


def test_report_shows_the_axes_the_map_and_the_tuning(robustness_run):
    run, _ = robustness_run
    html = (run / "report" / "report.html").read_text()
    robustness = re.search(r'<section id="robustness">.*?</section>', html, re.DOTALL).group(0)
    assert "an arm that sets it itself keeps its own value; only the other arm moves" in robustness
    family = sum(len(study.claims) for study in EXPERIMENT.studies)
    assert f"The Holm correction runs over all {family} comparisons" in robustness
    run_figures = figures_of(EXPERIMENT.features())[1]
    assert "robustness" in run_figures and "tuning" in run_figures
    assert robustness.count("<img") == 1
    tuning = re.search(r'<section id="tuning">.*?</section>', html, re.DOTALL).group(0)
    assert tuning.count("<td>chosen</td>") == 2 and tuning.count("<img") == 1
    # Each grid has two values, so each choice lies at an edge and is flagged.
    assert tuning.count("value of its grid, so a") == 2
    # Sweep points are rows of the robustness section, not sections of their own.
    assert 'id="study-optimizer@lr-1"' not in html and 'id="study-optimizer"' in html

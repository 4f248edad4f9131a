"""End to end: the robustness preset's smoke run on the committed subset (sweeps and tuning)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from workflow_helpers import copy_workflow, snakemake

pytestmark = pytest.mark.workflow

CONFIGS = ("config/smoke.yaml", "config/robustness.yaml", "config/robustness-smoke.yaml")


@pytest.fixture(scope="module")
def robustness_run(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("robustness"))
    result = snakemake(workdir, "--cores", "2", "--configfile", *CONFIGS)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return workdir / "results" / "robustness-smoke", workdir


def test_every_sweep_point_is_a_study_and_conditions_are_shared(robustness_run):
    run, _ = robustness_run
    findings = pd.read_csv(run / "tables" / "findings.csv")
    points = findings[findings["axis"].notna()]
    assert sorted(points["study"]) == ["dropout@train-400", "loss@lr-1", "optimizer@lr-1"]
    assert set(points["origin"]) == {"loss", "optimizer", "dropout"}
    runs = pd.read_csv(run / "tables" / "runs.csv")
    # optimizer@lr-1 keeps Adam's own learning rate (arm_overrides: keep): its arm B is the
    # slide study's Adam condition, trained once for both.
    adam = runs[(runs["study"].isin(["optimizer", "optimizer@lr-1"])) & (runs["role"] == "B")]
    assert set(adam["condition"]) == {"opt-adam-lr-0.001"}
    sgd = runs[(runs["study"] == "optimizer@lr-1") & (runs["role"] == "A")]
    assert set(sgd["condition"]) == {"lr-1"}
    jobs = pd.read_csv(run / "tables" / "jobs.csv")
    assert not jobs.duplicated(["condition", "seed"]).any()


def test_robustness_table_counts_verdicts_per_claim_and_axis(robustness_run):
    run, _ = robustness_run
    robustness = pd.read_csv(run / "tables" / "robustness.csv")
    findings = pd.read_csv(run / "tables" / "findings.csv").set_index("study")
    loss = robustness.set_index("claim").loc["loss"]
    assert loss["values"] == "0.1 (slide);1" and loss["arm_overrides"] == "keep"
    assert (
        loss["verdicts"]
        == f"{findings.loc['loss', 'verdict']};{findings.loc['loss@lr-1', 'verdict']}"
    )
    dropout = robustness.set_index("claim").loc["dropout"]
    assert dropout["values"] == "400;800 (slide)" and dropout["hyperparameter"] == "train_size"
    # One Holm family: every study at every setting.
    assert len(findings) == 11


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
        assert set(rows["condition"]) == {chosen[role]} and len(rows) == 2  # its 2 seeds only
        assert rows["validation_accuracy"].notna().all()


def test_report_shows_the_axes_the_map_and_the_tuning(robustness_run):
    run, _ = robustness_run
    html = (run / "report" / "report.html").read_text()
    robustness = re.search(r'<section id="robustness">.*?</section>', html, re.DOTALL).group(0)
    assert "an arm that sets it itself keeps its own value; only the other arm moves" in robustness
    assert "The Holm correction runs over all 11 comparisons" in robustness
    assert robustness.count("<img") == 1
    tuning = re.search(r'<section id="tuning">.*?</section>', html, re.DOTALL).group(0)
    assert tuning.count("<td>chosen</td>") == 2 and tuning.count("<img") == 1
    # Each smoke grid has two values, so each choice lies at an edge and is flagged.
    assert tuning.count("value of its grid, so a") == 2
    # Sweep points are rows of the robustness section, not sections of their own.
    assert 'id="study-loss@lr-1"' not in html and 'id="study-loss"' in html

"""End to end: the smoke config on the committed subset, through Snakemake, to tables and report.

The run itself is the session fixture ``smoke_run`` (conftest.py), shared with test_report.py.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from conftest import DEFAULT_CONDITIONS, ROOT
from workflow_helpers import snakemake

pytestmark = pytest.mark.workflow

CONDITIONS = DEFAULT_CONDITIONS


def test_every_condition_and_seed_was_trained_once(smoke_run):
    run, _ = smoke_run
    trained = {
        (path.parent.parent.name, path.parent.name)
        for path in run.glob("runs/*/seed-*/metrics.json")
    }
    assert trained == {(condition, f"seed-{seed}") for condition in CONDITIONS for seed in (0, 1)}
    metrics = json.loads((run / "runs" / "base" / "seed-1" / "metrics.json").read_text())
    assert metrics["condition"] == "base" and metrics["seed"] == 1
    assert metrics["hyperparameters"]["epochs"] == 2 and metrics["epochs_run"] == 2
    assert metrics["backend"] == "jax" and metrics["versions"]["keras"].startswith("3.")
    assert 0 <= metrics["test_accuracy"] <= 1 and metrics["samples_per_second"] > 0
    history = pd.read_csv(run / "runs" / "base" / "seed-1" / "history.csv")
    assert list(history.columns) == [
        "epoch",
        "train_loss",
        "train_accuracy",
        "test_loss",
        "test_accuracy",
    ]
    assert history["epoch"].tolist() == [1, 2]


def test_runs_table_matches_the_run_files(smoke_run):
    run, _ = smoke_run
    runs = pd.read_csv(run / "tables" / "runs.csv")
    assert len(runs) == 7 * 2 * 2  # studies x arms x seeds
    assert set(runs["condition"]) == CONDITIONS
    for row in runs.itertuples():
        metrics = json.loads(
            (run / "runs" / row.condition / f"seed-{row.seed}" / "metrics.json").read_text()
        )
        assert row.test_accuracy == pytest.approx(metrics["test_accuracy"])
        assert row.train_accuracy == pytest.approx(metrics["train_accuracy"])


def test_summary_table_is_the_mean_and_sd_of_runs(smoke_run):
    run, _ = smoke_run
    runs = pd.read_csv(run / "tables" / "runs.csv")
    summary = pd.read_csv(run / "tables" / "summary.csv")
    assert len(summary) == 14 and set(summary["n"]) == {2}
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    for row in summary.itertuples():
        values = runs[(runs["study"] == row.study) & (runs["role"] == row.role)]["test_accuracy"]
        assert row.test_accuracy_mean == pytest.approx(values.mean())
        assert row.test_accuracy_sd == pytest.approx(values.std(ddof=1))
        arm = config["studies"][row.study]["arms"]["AB".index(row.role)]
        assert row.slide_accuracy == arm["slide_accuracy"]


def test_report_is_marked_smoke_and_shows_every_study(smoke_run):
    run, _ = smoke_run
    html = (run / "report" / "report.html").read_text()
    assert "SMOKE RUN — not evidence" in html
    for study in ("loss", "batch", "depth", "activation", "optimizer", "dropout", "final"):
        assert f'id="study-{study}"' in html
    assert (
        html.count('<img src="data:image/svg+xml;base64,') == 2 * 7 + 1
    )  # dot plot + curves per study, confusion
    summary = pd.read_csv(run / "tables" / "summary.csv")
    mse = summary[(summary["study"] == "loss") & (summary["role"] == "A")].iloc[0]
    assert f"{mse.test_accuracy_mean:.3f} ± {mse.test_accuracy_sd:.3f}" in html


def test_nothing_to_do_after_a_complete_run(smoke_run):
    _, workdir = smoke_run
    result = snakemake(workdir, "-n", "--cores", "2", "--configfile", "config/smoke.yaml")
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def test_editing_one_arm_reruns_only_that_condition(smoke_run):
    _, workdir = smoke_run
    edit = {
        "studies": {
            "dropout": {
                "arms": [
                    {"label": "no dropout", "slide_accuracy": 0.906},
                    {
                        "label": "dropout 0.5",
                        "slide_accuracy": 0.918,
                        "overrides": {"dropout_rate": 0.5},
                    },
                ]
            }
        }
    }
    (workdir / "edit.yaml").write_text(yaml.safe_dump(edit))
    result = snakemake(
        workdir, "-n", "--cores", "2", "--configfile", "config/smoke.yaml", "edit.yaml"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    import re

    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", out, flags=re.MULTILINE))
    assert counts["train"] == "2"  # dropout-0.5, seeds 0 and 1
    assert "runs/dropout-0.5/seed-0/metrics.json" in out
    assert counts["aggregate"] == "1" and counts["report"] == "1"
    assert "prepare_data" not in counts


def test_adding_seeds_trains_only_the_new_seeds(smoke_run):
    """The report's seeds advice is one edit away: listing more seeds trains just those."""
    import re

    _, workdir = smoke_run
    (workdir / "more-seeds.yaml").write_text(yaml.safe_dump({"seeds": [0, 1, 2]}))
    result = snakemake(
        workdir, "-n", "--cores", "2", "--configfile", "config/smoke.yaml", "more-seeds.yaml"
    )
    assert result.returncode == 0, result.stderr
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, flags=re.MULTILINE))
    # One new job per condition (8 conditions), all of seed 2; seeds 0 and 1 stay as they are.
    assert counts["train"] == "8"
    assert {
        seed
        for _, seed in re.findall(r"wildcards: condition=([\w.\-]+), seed=(\d+)", result.stdout)
    } == {"2"}
    assert "prepare_data" not in counts and counts["statistics"] == "1"


def test_snakemake_standard_report_lists_the_figures_and_tables(smoke_run, tmp_path):
    import zipfile

    _, workdir = smoke_run
    target = tmp_path / "snakemake-report.zip"
    result = snakemake(workdir, "--report", str(target), "--configfile", "config/smoke.yaml")
    assert result.returncode == 0, result.stderr[-2000:]
    names = zipfile.ZipFile(target).namelist()
    for expected in (
        "loss-accuracy.svg",
        "final-curves.svg",
        "confusion.svg",
        "findings.csv",
        "summary.csv",
    ):
        assert any(name.endswith(expected) for name in names), expected

"""Faults while running: a training job killed mid-epoch, a diverging run, a partial report
after --keep-going.

One scenario on a copy of the repository: the tests' end-to-end studies plus a study whose
arm B diverges and one whose arm B trains long enough to be killed with SIGKILL mid-epoch.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
import yaml
from conftest import experiment_of, load_fixture, merge, validated
from workflow_helpers import copy_workflow, snakemake

from tipsbench.endpoints import references
from tipsbench.layout import train_log
from tipsbench.wording import notes_text

pytestmark = pytest.mark.workflow

KILLED = "epochs-40"
DIVERGED = "act-relu-lr-1e+20"
OVERLAY = {
    "run_name": "faults",
    "seeds": [0],
    "studies": {
        "diverge": {
            "title": "A diverging run",
            "claim": "A learning rate of 1e20 makes a ReLU net diverge.",
            "expect": "A > B",
            "arms": [
                {"label": "relu", "overrides": {"activation": "relu"}},
                {
                    "label": "relu, lr 1e20",
                    "overrides": {"activation": "relu", "learning_rate": 1.0e20},
                },
            ],
        },
        "long": {
            "title": "A long run, killed",
            "claim": "Forty epochs beat two.",
            "expect": "B > A",
            "arms": [{"label": "2 epochs"}, {"label": "40 epochs", "overrides": {"epochs": 40}}],
        },
    },
}
CONFIG = ("--configfile", "tests/configs/e2e.yaml", "faults.yaml")
EXPERIMENT = experiment_of(validated(merge(load_fixture(), OVERLAY)))


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        time.sleep(0.2)


def writes_to(process: psutil.Process, path: Path) -> bool:
    """Whether ``process`` holds ``path`` open (a training job holds its log open)."""
    try:
        return any(Path(handle.path) == path.resolve() for handle in process.open_files())
    except psutil.Error:  # the process ended meanwhile
        return False


@pytest.fixture(scope="module")
def killed_run(tmp_path_factory):
    """Run everything with --keep-going and SIGKILL the long training job in its third epoch."""
    workdir = copy_workflow(tmp_path_factory.mktemp("faults"))
    (workdir / "faults.yaml").write_text(yaml.safe_dump(OVERLAY))
    executable = str(Path(sys.executable).with_name("snakemake"))
    process = subprocess.Popen(
        [executable, "--cores", "2", "--keep-going", *CONFIG],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log = workdir / train_log("results/faults", KILLED, [0])
    wait_for(
        lambda: log.exists() and "Epoch 3/" in log.read_text(), 600, "the long job's third epoch"
    )
    # Two jobs may train side by side: the victim is the one writing the long job's log.
    victims = [
        child
        for child in psutil.Process(process.pid).children(recursive=True)
        if any("train.py" in part for part in child.cmdline()) and writes_to(child, log)
    ]
    assert len(victims) == 1, [child.cmdline() for child in victims]
    victims[0].send_signal(signal.SIGKILL)
    output, _ = process.communicate(timeout=900)
    return workdir, process.returncode, output


def test_killed_job_fails_the_run_but_the_others_finish(killed_run):
    workdir, returncode, output = killed_run
    assert returncode != 0
    error = output[output.index("Error in rule train_seed_0:") :]
    assert f"results/faults/runs/{KILLED}/seed-0/metrics.json" in error.split("\n\n")[0]
    runs = workdir / "results" / "faults" / "runs"
    assert not (runs / KILLED / "seed-0" / "metrics.json").exists()
    assert not (runs / KILLED / "seed-0" / "history.csv").exists()
    finished = {path.parent.parent.name for path in runs.glob("*/seed-0/metrics.json")}
    assert finished == set(EXPERIMENT.conditions) - {KILLED}
    assert not (workdir / "results" / "faults" / "tables" / "runs.csv").exists()


def test_diverged_run_is_recorded_with_its_last_good_epoch(killed_run):
    workdir, _, _ = killed_run
    metrics = json.loads(
        (workdir / "results/faults/runs" / DIVERGED / "seed-0/metrics.json").read_text()
    )
    assert metrics["status"] == "diverged"
    assert metrics["last_good_epoch"] == 0 and metrics["epochs_run"] == 1


def test_partial_report_lists_the_missing_run_and_counts_the_diverged_one(killed_run):
    workdir, _, _ = killed_run
    result = snakemake(workdir, "--cores", "2", "--config", "partial=True", *CONFIG)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "rule train" not in result.stdout  # the missing run is not retrained in partial mode
    tables = workdir / "results" / "faults" / "tables"
    runs = pd.read_csv(tables / "runs.csv")
    assert KILLED not in set(runs["condition"])
    diverged = runs[runs["condition"] == DIVERGED]
    assert list(diverged["status"]) == ["diverged"]
    summary = pd.read_csv(tables / "summary.csv").set_index(["study", "role"])
    assert summary.loc[("diverge", "B"), "n_diverged"] == 1
    findings = pd.read_csv(tables / "findings.csv").set_index("study")
    # Each key's reference, as the statistics stage records it beside the tables.
    refs = references(json.loads((tables / "endpoint_references.json").read_text())["endpoints"])
    long = findings.loc["long"]
    assert "arm B (40 epochs) has no runs" in notes_text(long["notes"], refs[long["endpoint"]])
    html = (workdir / "results" / "faults" / "report" / "report.html").read_text()
    missing = re.search(r'<div class="missing" id="missing-runs">.*?</div>', html, re.DOTALL).group(
        0
    )
    assert (
        "1 training run(s) are missing" in missing
        and f"results/faults/runs/{KILLED}/seed-0" in missing
    )
    assert ">diverged<" in html


def test_next_run_retrains_exactly_the_killed_job_and_the_report_is_whole_again(killed_run):
    workdir, _, _ = killed_run
    dry = snakemake(workdir, "-n", "--cores", "2", *CONFIG)
    assert dry.returncode == 0, dry.stderr
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", dry.stdout, flags=re.MULTILINE))
    assert counts["train_seed_0"] == "1" and f"runs/{KILLED}/seed-0/metrics.json" in dry.stdout
    assert "retrain_audit" not in counts and "prepare_data" not in counts
    result = snakemake(workdir, "--cores", "2", *CONFIG)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    html = (workdir / "results" / "faults" / "report" / "report.html").read_text()
    assert 'id="missing-runs"' not in html
    assert KILLED in set(pd.read_csv(workdir / "results/faults/tables/runs.csv")["condition"])

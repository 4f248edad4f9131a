"""The end-to-end run through SLURM (profiles/slurm) gives the same tables as the local one.

Needs a SLURM cluster whose nodes share this filesystem, e.g. the one-node cluster that
.ci/slurm-up.sh starts on localhost. Without one (no `sinfo`, no controller answering, no
idle node) the test is skipped, unless TIPSBENCH_REQUIRE_SLURM=1 (CI sets it): then it fails.

The SLURM run keeps two of the tests' end-to-end studies (tests/configs/e2e.yaml, cut to them
in the copy): every rule still runs as a SLURM job, at a fraction of the jobs. Training is
deterministic on one machine and backend, so every accuracy, loss, endpoint and count of those
studies must equal the local run's exactly; only the timing columns may differ, and in
findings.csv the columns that depend on the run's family of claims (the Holm correction runs
over fewer claims here than in the local run).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import E2E, experiment_of, load_fixture
from workflow_helpers import TRAIN_RULE, copy_workflow, training_jobs

pytestmark = [pytest.mark.slurm, pytest.mark.workflow]

REQUIRE_SLURM = os.environ.get("TIPSBENCH_REQUIRE_SLURM") == "1"
# Seconds the SLURM run may take before it is stopped (under 4 minutes on a quiet 2-core machine).
TIMEOUT = 900
# Seconds to wait for a node to become idle (e.g. one still completing slurm-up.sh's test job).
IDLE_WAIT = 60
# The studies the SLURM run keeps (of tests/configs/e2e.yaml): a one-claim study, one with a
# speed claim and one with three more kinds of claims. Every condition that can be the best arm
# (whose confusion table is compared) is among theirs; only the full-batch arm is left out.
STUDIES = ("loss", "optimizer", "dropout")
TABLES = (
    "runs",
    "endpoints",
    "summary",
    "arm_endpoints",
    "findings",
    "robustness",
    "curves",
    "probes",
    "determinism",
    "confusion",
    "tuning",
    "jobs",
)
# Measured values (wall clock, peak memory): the only columns in which the two runs may differ.
TIMING = {
    "fit_seconds",
    "samples_per_second",
    "job_seconds",
    "started_at",
    "finished_at",
    "peak_rss_mb",
    "cpu_seconds",
    "pretraining_seconds",
}
# findings.csv columns that depend on the family the Holm correction runs over.
FAMILY = {
    "p_holm",
    "p_equivalence_holm",
    "verdict_case",
    "verdict",
    "censoring_blocked",
    "seeds_to_decide",
}
TIME_LIKE = re.compile(r"second|time|duration|elapsed|_at$")
SUBMITTED = re.compile(
    r"^Job \d+ has been submitted with SLURM jobid (\d+) \(log: (.+)\)\.$", re.MULTILINE
)


def unavailable(reason: str) -> None:
    if REQUIRE_SLURM:
        pytest.fail(
            f"no usable SLURM cluster: {reason} "
            "(TIPSBENCH_REQUIRE_SLURM=1; start one with .ci/slurm-up.sh)"
        )
    pytest.skip(f"no usable SLURM cluster: {reason}")


def cluster_problem() -> str | None:
    """Why the cluster cannot take jobs now, or None when a node is idle (or mixed: has free
    CPUs)."""
    if shutil.which("sinfo") is None:
        return "`sinfo` not found (SLURM client not installed)"
    deadline = time.monotonic() + IDLE_WAIT
    while True:
        try:
            result = subprocess.run(
                ["sinfo", "-h", "-N", "-o", "%N %T"], capture_output=True, text=True, timeout=30
            )
        except subprocess.TimeoutExpired:
            return "`sinfo` timed out (slurmctld not answering)"
        if result.returncode != 0:
            return f"`sinfo` failed: {result.stderr.strip() or result.returncode}"
        states = dict(line.split(maxsplit=1) for line in result.stdout.splitlines() if line.strip())
        if any(state in ("idle", "mixed") for state in states.values()):
            return None
        if time.monotonic() >= deadline:
            return f"no idle node after {IDLE_WAIT}s (sinfo: {states or 'no nodes'})"
        time.sleep(2)


def run_snakemake(workdir: Path, *arguments: str) -> subprocess.CompletedProcess:
    """Like workflow_helpers.snakemake, but on timeout stop Snakemake with SIGINT so it cancels
    its SLURM jobs."""
    command = [str(Path(sys.executable).with_name("snakemake")), *arguments]
    process = subprocess.Popen(
        command, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
        pytest.fail(
            f"the SLURM run took over {TIMEOUT}s and was stopped:\n"
            f"{stdout[-3000:]}\n{stderr[-5000:]}"
        )
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


@pytest.fixture(scope="session", autouse=True)
def slurm_cluster():
    """Skip (or fail) every test here before any run starts, the local smoke run included."""
    problem = cluster_problem()
    if problem:
        unavailable(problem)


@pytest.fixture(scope="module")
def slurm_run(tmp_path_factory):
    """The end-to-end config, cut to STUDIES, run through profiles/slurm on a copy of the
    repository: (results, workdir, log)."""
    workdir = copy_workflow(tmp_path_factory.mktemp("slurm"))
    experiment = workdir / "tests" / "configs" / "e2e.yaml"
    config = yaml.safe_load(experiment.read_text())
    config["studies"] = {name: config["studies"][name] for name in STUDIES}
    experiment.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    started = time.monotonic()
    result = run_snakemake(workdir, "--profile", "profiles/slurm", *E2E)
    seconds = time.monotonic() - started
    log = result.stdout + result.stderr
    assert result.returncode == 0, (
        f"SLURM run failed after {seconds:.0f}s:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    )
    print(f"SLURM end-to-end run: {seconds:.0f}s")
    return workdir / "results" / config["run_name"], workdir, log


def job_stats(log: str) -> Counter:
    """Snakemake's 'Job stats' table (rule -> count) from a run's output."""
    table = log.split("Job stats:", 1)[1].split("\n\n", 1)[0]
    return Counter(
        {
            rule: int(count)
            for rule, count in re.findall(r"^(\w+)\s+(\d+)$", table, flags=re.MULTILINE)
        }
    )


def test_every_job_ran_as_a_slurm_job(slurm_run):
    run, workdir, log = slurm_run
    stats = job_stats(log)
    # `all` only gathers the targets and runs inside Snakemake itself; everything else is a
    # SLURM job.
    expected = Counter(
        {rule: count for rule, count in stats.items() if rule not in ("all", "total")}
    )
    fixture = load_fixture()
    fixture["studies"] = {name: fixture["studies"][name] for name in STUDIES}
    kept = experiment_of(fixture)
    assert training_jobs(expected) == len(kept.conditions) * len(kept.seed_blocks)
    assert expected["report"] == 1
    submitted = SUBMITTED.findall(log)
    assert len(submitted) == sum(expected.values()), (
        f"{len(submitted)} SLURM submissions for {expected}"
    )
    assert len({jobid for jobid, _ in submitted}) == len(submitted)
    logs_root = workdir / ".snakemake" / "slurm_logs"
    # One log per job, written by slurmd under
    # .snakemake/slurm_logs/rule_<rule>/[<wildcards>/]<jobid>.log.
    per_rule = Counter()
    for jobid, path in submitted:
        path = Path(path)
        assert path.is_relative_to(logs_root) and path.name == f"{jobid}.log", path
        assert path.exists(), f"no SLURM log {path}"
        assert "Finished jobid: 0" in path.read_text(), f"job {jobid} did not finish: {path}"
        per_rule[path.relative_to(logs_root).parts[0].removeprefix("rule_")] += 1
    assert per_rule == expected
    train_logs = [
        path for path in logs_root.glob("rule_*/*/*.log") if TRAIN_RULE.match(path.parts[-3][5:])
    ]
    assert len(train_logs) == training_jobs(expected)
    assert (run / "report" / "report.html").exists() and (run / "report" / "report.pdf").exists()


def test_timing_columns_are_the_known_ones(slurm_run):
    """A new time-like column must be added to TIMING here, not compared exactly and fail at
    random."""
    run, _, _ = slurm_run
    for table in TABLES:
        columns = set(pd.read_csv(run / "tables" / f"{table}.csv").columns)
        assert {column for column in columns if TIME_LIKE.search(column)} <= TIMING, table


@pytest.mark.parametrize("table", TABLES)
def test_tables_equal_the_local_run(slurm_run, e2e_run, table):
    slurm, _, _ = slurm_run
    local, _ = e2e_run
    expected = pd.read_csv(local / "tables" / f"{table}.csv")
    actual = pd.read_csv(slurm / "tables" / f"{table}.csv")
    assert list(actual.columns) == list(expected.columns)
    # The local run's rows of the kept studies (by study, or by the conditions they train).
    if "study" in expected:
        expected = expected[expected["study"].isin(STUDIES)]
    elif "condition" in expected:
        expected = expected[expected["condition"].isin(set(actual["condition"]))]
    assert len(actual) == len(expected) and (table in ("robustness", "tuning") or len(actual))
    ignored = TIMING | (FAMILY if table == "findings" else set())
    kept = [column for column in expected.columns if column not in ignored]
    pd.testing.assert_frame_equal(
        actual[kept].reset_index(drop=True),
        expected[kept].reset_index(drop=True),
        check_exact=True,
    )

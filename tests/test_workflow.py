"""Workflow gates: lint and format clean, the default grid's dry run, pinned versions agree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from workflow_helpers import copy_workflow, snakemake

pytestmark = pytest.mark.workflow


def test_snakemake_lint_is_clean(tmp_path):
    result = snakemake(copy_workflow(tmp_path), "--lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


def test_snakefmt_check_passes():
    snakefmt = Path(sys.executable).with_name("snakefmt")
    result = subprocess.run(
        [str(snakefmt), "--check", "Snakefile", "workflow/rules"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_lint_and_format_are_clean(command):
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), *command, "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dry_run_of_default_grid_lists_exactly_forty_training_jobs(tmp_path):
    workdir = copy_workflow(tmp_path)
    # The default experiment with the data file pointed at the committed subset, so the
    # dry run works on a clone without ../shared; nothing else differs.
    smoke = yaml.safe_load((ROOT / "config" / "smoke.yaml").read_text())
    (workdir / "local-data.yaml").write_text(
        yaml.safe_dump({"data": {"path": smoke["data"]["path"], "sha256": smoke["data"]["sha256"]}})
    )
    result = snakemake(workdir, "-n", "--cores", "4", "--configfile", "local-data.yaml")
    assert result.returncode == 0, result.stderr
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, flags=re.MULTILINE))
    assert counts["train"] == "40"
    assert counts["prepare_data"] == "1"
    assert counts["statistics"] == "1"
    assert counts["plot_study"] == "14"  # 7 studies x 2 registered study figures
    assert counts["plot_run"] == "1"
    assert counts["report"] == "1"
    jobs = re.findall(r"runs/([\w.\-]+)/seed-(\d)/metrics.json", result.stdout)
    assert len(set(jobs)) == 40


def test_environment_yml_and_requirements_pin_the_same_versions():
    requirements = {
        line.split("==")[0].lower(): line.split("==")[1]
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(
        item["pip"] for item in environment["dependencies"] if isinstance(item, dict)
    )
    pinned = {entry.split("==")[0].lower(): entry.split("==")[1] for entry in pip_section}
    assert pinned == requirements

"""Workflow gates: lint and format clean, pinned versions agree (test_shipped_configs.py
dry-runs every shipped config)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import E2E, ROOT, experiment_of, load_fixture, validated
from workflow_helpers import copy_workflow, snakemake, training_jobs

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


@pytest.mark.parametrize("replace", [False, True])
def test_a_standalone_config_is_not_merged_with_the_default_one(tmp_path, replace):
    # A cluster job re-reads the config from the same files, but Snakemake does not pass it
    # --replace-workflow-config: `standalone: true` must give the jobs the run's grid alone.
    fixture = load_fixture()
    assert fixture["standalone"] is True
    arguments = ["-n", "--cores", "1", *E2E] + (["--replace-workflow-config"] if replace else [])
    result = snakemake(copy_workflow(tmp_path), *arguments)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    experiment = experiment_of(validated(fixture))
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, re.M))
    assert training_jobs(counts) == len(experiment.conditions) * len(experiment.seed_blocks)


def test_the_readme_lists_the_findings_columns_as_declared():
    # One declaration of the findings table's columns (tipsbench.stats.FINDINGS), shown in
    # the README: a column added, renamed or reworded there and not here fails.
    from tipsbench.stats import FINDINGS, findings_columns_markdown

    readme = (ROOT / "README.md").read_text()
    assert findings_columns_markdown() in readme
    listed = re.findall(r"^\| `(\w+)` \|", readme, flags=re.MULTILINE)
    assert [column for column in listed if column in FINDINGS] == list(FINDINGS)


def test_no_function_of_the_package_is_longer_than_a_hundred_lines():
    import ast

    long = []
    for path in sorted((ROOT / "workflow" / "tipsbench").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > 100:
                    long.append(f"{path.name}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, long

"""Every shipped config (config/*.yaml) validates and dry-runs, with the jobs its grid implies.

A preset is run the way its own header comment says: the first comment line that names it
after ``--configfile`` gives the config files; a file whose header names no command is an
overlay of config/config.yaml, and one that says ``standalone: true`` replaces it. The dry run
points the data at the committed subset of the preset's dataset (the full data is not on every
machine), and every expected count comes from the preset's resolved grid and the figure
registry, never from a number written here: adding a study or a preset breaks no test.
"""

from __future__ import annotations

import re
import shlex

import pytest
import yaml
from conftest import ROOT, experiment_of, merge, validated
from workflow_helpers import copy_workflow, snakemake, training_jobs

from tipsbench.config import check_config
from tipsbench.plots import figures_of

pytestmark = pytest.mark.workflow

PRESETS = sorted(path.name for path in (ROOT / "config").glob("*.yaml"))
# The committed subset of each dataset, with its own checksums (from the smoke presets).
SUBSETS = {
    "mnist": ROOT / "config" / "smoke.yaml",
    "fashion_mnist": ROOT / "config" / "fashion-smoke.yaml",
}


def invocation(name: str) -> list[str]:
    """The config files a preset is run with."""
    if name == "config.yaml":
        return []
    for line in (ROOT / "config" / name).read_text().splitlines():
        if not line.startswith("#"):
            break
        if "--configfile" in line and f"config/{name}" in line:
            after = line.split("--configfile", 1)[1].split("`")[0]
            files = []
            for word in shlex.split(after):
                if word.startswith("-"):
                    break
                files.append(word)
            return files
    return [f"config/{name}"]


def resolved(files: list[str]) -> dict:
    """The config Snakemake builds from these files (common.smk's `standalone` rule)."""
    given: dict = {}
    for path in files:
        given = merge(given, yaml.safe_load((ROOT / path).read_text()))
    if given.get("standalone"):
        return given
    return merge(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()), given)


def subset_data(config: dict) -> dict:
    """The data section that points a config at the committed subset of its dataset."""
    dataset = config.get("data", {}).get("dataset", "mnist")
    smoke = yaml.safe_load(SUBSETS[dataset].read_text())["data"]
    return {"data": {"path": smoke["path"], "sha256": smoke["sha256"]}}


@pytest.mark.parametrize("name", PRESETS)
def test_every_shipped_config_validates_and_dry_runs_its_grid(name, tmp_path):
    files = invocation(name)
    config = resolved(files)
    local = subset_data(config)
    full = validated(merge(config, local))
    check_config(full, check_paths=False)
    experiment = experiment_of(full)
    workdir = copy_workflow(tmp_path)
    (workdir / "local-data.yaml").write_text(yaml.safe_dump(local))
    arguments = ["-n", "--cores", "2"]
    if files or local:
        arguments += ["--configfile", *files, "local-data.yaml"]
    result = snakemake(workdir, *arguments)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    counts = {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", result.stdout, re.M)}
    assert training_jobs(counts) == len(experiment.conditions) * len(experiment.seed_blocks)
    # One plotting job per study that has figures, one for the run's figures.
    plotted = [
        study.name for study in experiment.claims if figures_of(experiment.features(study.name))[0]
    ]
    plot_jobs = {rule: n for rule, n in counts.items() if rule.startswith("plot_study_")}
    assert plot_jobs == {f"plot_study_{name.replace('-', '_')}": 1 for name in plotted}
    assert counts["plot_run"] == 1
    assert counts["prepare_data"] == counts["statistics"] == counts["report"] == 1


def test_each_preset_header_names_files_that_exist():
    # The convention the test above relies on: what a header names is there.
    for name in PRESETS:
        files = invocation(name)
        assert all((ROOT / path).exists() for path in files), name

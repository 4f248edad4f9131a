"""Run Snakemake on a private copy of the repository, so tests never touch results/ of the
checkout."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# This repository; also imported by benchmarks/speed.py, so it does not come from conftest.
ROOT = Path(__file__).resolve().parents[1]
COPIED = (
    "Snakefile",
    "environment.yml",
    "workflow",
    "config",
    "report_templates",
    "profiles",
    "tests/data",
    "tests/configs",
)


def copy_workflow(target: Path, tree: Path = ROOT) -> Path:
    """Copy what the workflow needs (not results/, not .snakemake/) from ``tree`` into
    ``target``."""
    for name in COPIED:
        source = tree / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def snakemake(workdir: Path, *arguments: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run the Snakemake of this Python environment in ``workdir``; capture its output."""
    executable = Path(sys.executable).with_name("snakemake")
    return subprocess.run(
        [str(executable), *arguments],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# The training rules: one per block of seeds (workflow/rules/train.smk), train_seeds_0_4 or
# train_seed_5.
TRAIN_RULE = re.compile(r"^train_seeds?_\d+(_\d+)?$")


def training_jobs(counts: Mapping[str, int | str]) -> int:
    """How many training jobs a Snakemake job-count table (rule -> count) holds."""
    return sum(int(count) for rule, count in counts.items() if TRAIN_RULE.match(rule))

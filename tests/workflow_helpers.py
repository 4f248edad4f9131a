"""Run Snakemake on a private copy of the repository, so tests never touch results/ of the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

COPIED = ("Snakefile", "environment.yml", "workflow", "config", "report_templates", "profiles", "tests/data")


def copy_workflow(target: Path) -> Path:
    """Copy what the workflow needs (not results/, not .snakemake/) into ``target``."""
    for name in COPIED:
        source = ROOT / name
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

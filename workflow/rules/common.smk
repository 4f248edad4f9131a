# Validates the config, resolves it into the grid of unique conditions and builds the
# target lists every stage asks for. Helpers only: no rules here.

import os
import re
import sys
from pathlib import Path

from snakemake.utils import validate

# The tipsbench package sits beside the rules; the workflow and every job it starts
# (scripts, cluster jobs) import it from there, installed or not.
PACKAGE_ROOT = str(Path(workflow.basedir) / "workflow")
sys.path.insert(0, PACKAGE_ROOT)
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, [PACKAGE_ROOT, os.getenv("PYTHONPATH")]))
)

from tipsbench.grid import resolve_grid

validate(config, schema="../schemas/config.schema.yaml")
GRID = resolve_grid(config)
RUN = f"results/{config['run_name']}"


wildcard_constraints:
    condition="|".join(re.escape(name) for name in GRID.conditions),
    seed=r"\d+",
    study="|".join(re.escape(name) for name in GRID.studies),


def get_run_outputs(filename):
    """One path per (condition, seed) to the given output of the train rule."""
    return expand(
        f"{RUN}/runs/{{condition}}/seed-{{seed}}/{filename}",
        condition=GRID.conditions,
        seed=GRID.seeds,
    )


def get_hyperparameters(wildcards):
    """The resolved hyperparameters of a condition."""
    return GRID.conditions[wildcards.condition]


def get_train_threads():
    """A training job takes the cores Snakemake was given (the framework never uses more than exist)."""
    cores = workflow.cores if isinstance(workflow.cores, int) else os.cpu_count()
    return max(1, cores)


def get_data_input():
    """The local data file, or nothing when the dataset is downloaded with Keras."""
    return [config["data"]["path"]] if config["data"]["path"] else []


def get_arms():
    """Every study arm as a plain dict (study, role, label, condition, slide accuracy)."""
    return [vars(arm) for arm in GRID.arms]


def get_figures():
    """One accuracy figure per study."""
    return expand(f"{RUN}/figures/{{study}}-accuracy.svg", study=GRID.studies)


def get_final_output():
    """What `snakemake` builds by default: the report."""
    return [f"{RUN}/report/report.html"]

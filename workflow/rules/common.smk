# Validates the config, resolves it into the grid of unique conditions and builds the
# target lists every stage asks for. Helpers only: no rules here.

import os
import re
import sys
from pathlib import Path

# The tipsbench package sits beside the rules; the workflow and every job it starts
# (scripts, cluster jobs) import it from there, installed or not.
PACKAGE_ROOT = str(Path(workflow.basedir) / "workflow")
sys.path.insert(0, PACKAGE_ROOT)
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, [PACKAGE_ROOT, os.getenv("PYTHONPATH")]))
)

from tipsbench.config import ConfigError, check_config
from tipsbench.grid import resolve_grid

# Validate the config (Snakemake's validate against the schema, which also fills in its
# defaults, then the checks a schema cannot make) before anything else. A bad config ends
# the run with one line, "config error: <key>: <what was expected>", and exit status 1:
# sys.exit(message) is the one way out of a Snakefile that Snakemake prints without a
# traceback. `snakemake --lint` checks the code, not the data, so it skips data.path.
try:
    check_config(
        config,
        Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml",
        check_paths=getattr(workflow, "check_envvars", True),  # False only for --lint
    )
except ConfigError as error:
    sys.exit(str(error))
GRID = resolve_grid(config)
RUN = f"results/{config['run_name']}"


wildcard_constraints:
    condition="|".join(re.escape(name) for name in GRID.conditions),
    seed=r"\d+",
    study="|".join(re.escape(name) for name in GRID.studies),


def run_folder(condition, seed):
    """Where the train rule writes one (condition, seed)."""
    return f"{RUN}/runs/{condition}/seed-{seed}"


def get_runs():
    """The (condition, seed) pairs the tables are built from.

    All of them; with `--config partial=True` only those whose training finished, so
    that tables and report can be built after `--keep-going` left some jobs failed.
    """
    pairs = [(condition, seed) for condition in GRID.conditions for seed in GRID.seeds]
    if config["partial"]:
        pairs = [
            pair
            for pair in pairs
            if os.path.exists(f"{run_folder(*pair)}/metrics.json")
        ]
    return pairs


def get_missing_runs():
    """The (condition, seed) pairs left out of a partial report, as run folders."""
    finished = set(get_runs())
    return [
        run_folder(condition, seed)
        for condition in GRID.conditions
        for seed in GRID.seeds
        if (condition, seed) not in finished
    ]


def get_run_outputs(filename):
    """One path per (condition, seed) the tables use, to the given output of the train rule."""
    return [f"{run_folder(*pair)}/{filename}" for pair in get_runs()]


def get_hyperparameters(wildcards):
    """The resolved hyperparameters of a condition."""
    return GRID.conditions[wildcards.condition]


def get_train_priority(wildcards):
    """Costliest conditions first, so that the last jobs to start are short ones (0-100)."""
    return TRAIN_PRIORITY[wildcards.condition]


def condition_cost(hyperparameters):
    """A condition's relative training cost: weights x epochs, plus a per-batch share.

    784 inputs and 10 classes are MNIST's shapes; only the ordering of conditions matters.
    """
    units = hyperparameters["units"]
    weights = (
        784 * units
        + (hyperparameters["hidden_layers"] - 1) * units * units
        + 10 * units
    )
    batches_share = 1 + 100 / hyperparameters["batch_size"]
    return weights * hyperparameters["epochs"] * batches_share


TRAIN_COST = {name: condition_cost(hp) for name, hp in GRID.conditions.items()}
TRAIN_PRIORITY = {
    name: round(100 * cost / max(TRAIN_COST.values()))
    for name, cost in TRAIN_COST.items()
}


def get_data_input():
    """The local data file, or nothing when the dataset is downloaded with Keras."""
    return [config["data"]["path"]] if config["data"]["path"] else []


def get_arms():
    """Every study arm as a plain dict (study, role, label, condition, slide accuracy)."""
    return [vars(arm) for arm in GRID.arms]


def get_report_inputs(wildcards):
    """Tables, figures and templates the report presents."""
    tables = ("runs", "summary", "findings", "curves", "jobs", "confusion")
    return {
        **{name: f"{RUN}/tables/{name}.csv" for name in tables},
        "accuracy_figures": expand(
            f"{RUN}/figures/{{study}}-accuracy.svg", study=GRID.studies
        ),
        "curve_figures": expand(
            f"{RUN}/figures/{{study}}-curves.svg", study=GRID.studies
        ),
        "confusion_figure": f"{RUN}/figures/confusion.svg",
        "data_info": f"{RUN}/data/data.json",
        "determinism": f"{RUN}/tables/determinism.csv",
        "templates": sorted(str(path) for path in Path("report_templates").iterdir()),
    }


def get_audit_pair():
    """The (condition, seed) the determinism audit retrains; defaults to arm A of the first study."""
    audit = config["determinism"]
    condition = audit["condition"] or GRID.arms[0].condition
    seed = GRID.seeds[0] if audit["seed"] is None else audit["seed"]
    runs = get_runs()
    if (condition, seed) not in runs and runs:
        # A partial report audits a run that exists rather than train a missing one.
        condition, seed = runs[0]
    return condition, seed


def get_audit_inputs(wildcards):
    """The audited run's original files and those of its rerun."""
    condition, seed = get_audit_pair()
    original = run_folder(condition, seed)
    rerun = f"{RUN}/audit/{condition}/seed-{seed}"
    return {
        "metrics": f"{original}/metrics.json",
        "history": f"{original}/history.csv",
        "weights": f"{original}/weights.npz",
        "rerun_metrics": f"{rerun}/metrics.json",
        "rerun_history": f"{rerun}/history.csv",
        "rerun_weights": f"{rerun}/weights.npz",
    }


def get_comparison_inputs():
    """The findings tables of the runs the comparison puts side by side."""
    return [
        f"results/{run}/tables/findings.csv" for run in config["comparison"]["runs"]
    ]


def get_configfile_arguments():
    """The --configfile paths this invocation was given, relative to the working directory."""
    return [os.path.relpath(path) for path in workflow.overwrite_configfiles]


def get_final_output():
    """What `snakemake` builds by default: the report."""
    return [f"{RUN}/report/report.html", f"{RUN}/report/report.pdf"]

# Validates the config, resolves it ONCE into the experiment (tipsbench.experiment) and
# builds the target lists every stage asks for. Helpers only: no rules here. Rules hand
# their scripts parts of EXPERIMENT, never the raw config.

import copy
import os
import re
import sys
from dataclasses import asdict
from pathlib import Path

# The tipsbench package sits beside the rules; the workflow and every job it starts
# (scripts, cluster jobs) import it from there, installed or not.
PACKAGE_ROOT = str(Path(workflow.basedir) / "workflow")
sys.path.insert(0, PACKAGE_ROOT)
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, [PACKAGE_ROOT, os.getenv("PYTHONPATH")]))
)

from tipsbench import layout
from tipsbench.config import (
    ConfigError,
    check_config,
    check_config_files,
    check_standalone,
)
from tipsbench.cost import planned_cost
from tipsbench.data import DATASETS
from tipsbench.experiment import resolve_experiment
from tipsbench.plots import figure_spec, figures_of
from tipsbench.schema import non_default

# Before the config is used at all: a key written twice in one of the config files (the
# Snakefile's and every --configfile) is refused, since YAML keeps the last one silently, and
# `standalone` must be true or false, since the text "false" would count as true below. Either
# ends the run with one line, like every config error (see below).
try:
    check_config_files(workflow.configfiles)
    check_standalone(config)
except ConfigError as error:
    sys.exit(str(error))

# A complete experiment (`standalone: true`) replaces the default config instead of being
# merged over it: keep only what the command line gave (its config files, then --config).
# Snakemake's own --replace-workflow-config does the same in this process, but is not passed
# on to the jobs a cluster executor starts, which would then merge the default studies back in
# and ask for files this run never makes; the jobs do get the same config files.
if config.get("standalone") and not workflow.config_settings.replace_workflow_config:
    config.clear()
    config.update(copy.deepcopy(workflow.config_settings.overwrite_config))

# Validate the config (Snakemake's validate against the schema, which also fills in its
# defaults, then the checks a schema cannot make) before anything else. A bad config ends
# the run with one line, "config error: <key>: <what was expected>", and exit status 1:
# sys.exit(message) is the one way out of a Snakefile that Snakemake prints without a
# traceback. `snakemake --lint` checks the code, not the data, so it skips data.path.
try:
    # check_paths is False only for --lint.
    check_config(config, check_paths=getattr(workflow, "check_envvars", True))
except ConfigError as error:
    sys.exit(str(error))
EXPERIMENT = resolve_experiment(config)
RUN = layout.run_root(EXPERIMENT.run_name)
STUDIES = [study.name for study in EXPERIMENT.studies]
# The config's own studies get figures and sections; sweep points are rows of the
# robustness table and points of its figure.
CLAIMS = [study.name for study in EXPERIMENT.claims]


wildcard_constraints:
    condition="|".join(re.escape(name) for name in EXPERIMENT.conditions),
    seed=r"\d+",


def run_folder(condition, seed):
    """Where the train rule writes one (condition, seed)."""
    return layout.run_folder(RUN, condition, seed)


def get_runs():
    """The (condition, seed) pairs the tables are built from.

    All of them; with `--config partial=True` only those whose training finished, so
    that tables and report can be built after `--keep-going` left some jobs failed.
    """
    pairs = [
        (condition, seed)
        for condition in EXPERIMENT.conditions
        for seed in EXPERIMENT.seeds
    ]
    if EXPERIMENT.partial:
        pairs = [
            pair
            for pair in pairs
            if os.path.exists(layout.run_files(run_folder(*pair))["metrics"])
        ]
    return pairs


def get_missing_runs():
    """The (condition, seed) pairs left out of a partial report, as run folders."""
    finished = set(get_runs())
    return [
        run_folder(condition, seed)
        for condition in EXPERIMENT.conditions
        for seed in EXPERIMENT.seeds
        if (condition, seed) not in finished
    ]


def train_rule_name(seeds):
    """What the training of one block of seeds is called (train_seeds_0_4, train_seed_5)."""
    if len(seeds) == 1:
        return f"train_seed_{seeds[0]}"
    return f"train_seeds_{seeds[0]}_{seeds[-1]}"


def train_outputs(seeds):
    """A training job's outputs: every file of each of its seeds, named <file>_<seed>."""
    return {
        f"{name}_{seed}": path
        for seed in seeds
        for name, path in layout.run_files(run_folder("{condition}", seed)).items()
    }


def get_job_files(seeds):
    """The params function of a training job: per seed, its run's files (its outputs)."""

    def files(wildcards):
        return [
            (seed, layout.run_files(run_folder(wildcards.condition, seed)))
            for seed in seeds
        ]

    return files


def get_audit_files(wildcards):
    """The audit job's one seed and the files it retrains it into."""
    folder = layout.audit_folder(RUN, wildcards.condition, wildcards.seed)
    return [(int(wildcards.seed), layout.run_files(folder))]


def get_run_outputs(name):
    """One path per (condition, seed) the tables use, to the train rule's output ``name``."""
    return [layout.run_files(run_folder(*pair))[name] for pair in get_runs()]


def get_hyperparameters(wildcards):
    """What a condition's training job is told: its hyperparameters that differ from the
    schema's defaults (the job fills in the rest). A hyperparameter added with a default
    changes no job's parameters, so it retrains nothing that is finished."""
    return non_default(EXPERIMENT.conditions[wildcards.condition])


def get_train_priority(seeds):
    """The priority of a training job of ``seeds`` (0-100): costliest jobs first (the
    condition's cost times its seeds), so that the last jobs to start are short ones and the
    cores finish together."""
    largest = max(TRAIN_COST.values()) * max(map(len, EXPERIMENT.seed_blocks))

    def priority(wildcards):
        return round(100 * TRAIN_COST[wildcards.condition] * len(seeds) / largest)

    return priority


def condition_cost(hyperparameters):
    """A condition's planned cost per seed (tipsbench.cost, the one cost model)."""
    return planned_cost(
        hyperparameters,
        EXPERIMENT.dataset.input_size,
        EXPERIMENT.dataset.num_classes,
        EXPERIMENT.data["train_size"]
        or DATASETS[EXPERIMENT.dataset.name].sizes["train"],
    )


TRAIN_COST = {name: condition_cost(hp) for name, hp in EXPERIMENT.conditions.items()}


def get_data_input():
    """The local data file, or nothing when the dataset is downloaded with Keras."""
    return [EXPERIMENT.data["path"]] if EXPERIMENT.data["path"] else []


def get_arms():
    """Every study arm as a plain record (study, role, label, condition, slide accuracy)."""
    return [vars(arm) for arm in EXPERIMENT.arms]


def get_study_endpoints():
    """Per study (sweep points included), the endpoints its claims are judged on, as plain
    records (tipsbench.endpoints.EndpointRef.from_record)."""
    return {
        study.name: [asdict(claim.endpoint) for claim in study.claims]
        for study in EXPERIMENT.studies
    }


def get_figure_tables(figures):
    """The tables some figures read, by name (the figure registry in tipsbench.plots says
    which)."""
    names = dict.fromkeys(
        name for figure in figures for name in figure_spec(figure).tables
    )
    return {name: layout.table(RUN, name) for name in names}


def get_figure_labels(study=None):
    """What a figure's labels say: the study, its claims and its arms (label and loss), the
    confidence level, the dataset's words, the sweep axes, and each claim's unit."""
    return {
        "study": study,
        "claims": [
            asdict(claim)
            for spec in EXPERIMENT.studies
            if spec.name == study
            for claim in spec.claims
        ],
        # Every claim's endpoint, for the run's figures that read all findings.
        "endpoints": [asdict(reference) for reference in EXPERIMENT.endpoints],
        "arms": {
            arm.role: {
                "label": arm.label,
                "loss": EXPERIMENT.conditions[arm.condition]["loss"],
            }
            for arm in EXPERIMENT.arms
            if arm.study == study
        },
        "confidence": EXPERIMENT.statistics["confidence"],
        # How a diverged run is scored, as the statistics stage scores it.
        "diverged_score": EXPERIMENT.statistics["diverged_score"],
        "item": EXPERIMENT.dataset.item,
        "class_names": list(EXPERIMENT.dataset.class_names),
        "sweeps": [dict(axis) for axis in EXPERIMENT.sweeps],
        "units": {
            f"{spec.name}/{claim.name}": claim.unit
            for spec in EXPERIMENT.studies
            for claim in spec.claims
            if claim.unit
        },
    }


def get_study_figures(study):
    """One study's figures (those its claims need), by name, and their files."""
    return {
        figure: layout.figure(RUN, f"{study}-{figure}")
        for figure in figures_of(EXPERIMENT.features(study))[0]
    }


def get_run_figures():
    """The figures of the whole run, by name, and their files."""
    return {
        figure: layout.figure(RUN, figure)
        for figure in figures_of(EXPERIMENT.features())[1]
    }


def get_figures():
    """Every figure of the run: each study's figures (those its claims need), then the run's."""
    return [
        path for study in CLAIMS for path in get_study_figures(study).values()
    ] + list(get_run_figures().values())


# The tables the report presents.
REPORT_TABLES = (
    "runs",
    "endpoints",
    "summary",
    "arm_endpoints",
    "findings",
    "robustness",
    "curves",
    "jobs",
    "confusion",
    "tuning",
    "sensitivity",
    "cost",
    "determinism",
)


def get_report_inputs(wildcards):
    """Tables, figures and templates the report presents."""
    return {
        **{name: layout.table(RUN, name) for name in REPORT_TABLES},
        "figures": get_figures(),
        "data_info": f"{RUN}/data/data.json",
        "templates": sorted(str(path) for path in Path("report_templates").iterdir()),
    }


def get_retrain_targets():
    """Per condition, the files whose --forcerun retrains it (all its seeds)."""
    seeds = [str(seed) for seed in EXPERIMENT.seeds]
    pattern = "{" + ",".join(seeds) + "}" if len(seeds) > 1 else seeds[0]
    return {
        condition: layout.run_files(run_folder(condition, pattern))["metrics"]
        for condition in EXPERIMENT.conditions
    }


def get_audit_pair():
    """The (condition, seed) the determinism audit retrains; defaults to arm A of the first
    study, and the last seed of the first block: a run its job trained after others, which the
    audit retrains alone, so that it also checks that sharing a process changes no number.
    """
    audit = EXPERIMENT.determinism
    condition = audit["condition"] or EXPERIMENT.arms[0].condition
    seed = EXPERIMENT.seed_blocks[0][-1] if audit["seed"] is None else audit["seed"]
    runs = get_runs()
    if (condition, seed) not in runs and runs:
        # A partial report audits a run that exists rather than train a missing one.
        condition, seed = runs[0]
    return condition, seed


def get_audit_inputs(wildcards):
    """The audited run's original files and those of its rerun."""
    condition, seed = get_audit_pair()
    original = layout.run_files(run_folder(condition, seed))
    rerun = layout.run_files(layout.audit_folder(RUN, condition, seed))
    compared = ("metrics", "history", "probe", "weights")
    return {
        **{name: original[name] for name in compared},
        **{f"rerun_{name}": rerun[name] for name in compared},
    }


def get_comparison_inputs():
    """The findings tables of the runs the comparison puts side by side."""
    return [
        layout.table(layout.run_root(run), "findings")
        for run in EXPERIMENT.comparison_runs
    ]


def get_comparison_references():
    """The endpoint references of those runs' findings (each run's statistics stage)."""
    return [
        layout.record(layout.run_root(run), "endpoint_references")
        for run in EXPERIMENT.comparison_runs
    ]


def get_configfile_arguments():
    """The --configfile paths this invocation was given, relative to the working directory."""
    return [os.path.relpath(path) for path in workflow.overwrite_configfiles]


def get_final_output():
    """What `snakemake` builds by default: the report."""
    return [f"{RUN}/report/report.html", f"{RUN}/report/report.pdf"]

"""Snakemake adapter: the summary, arm-endpoint, findings, robustness, sensitivity and cost tables
from the runs, endpoints, tuning and jobs tables and the test images each run got right, and
the reference of every endpoint key the tables hold (for the comparison of runs)."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

from dataclasses import asdict  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from tipsbench.cost import cost_table  # noqa: E402
from tipsbench.experiment import Study, study_references  # noqa: E402
from tipsbench.files import write_csv, write_json  # noqa: E402
from tipsbench.robustness import robustness_table  # noqa: E402
from tipsbench.stats import arm_endpoints_table, findings_table, summary_table  # noqa: E402
from tipsbench.tuning import sensitivity_table  # noqa: E402

runs = pd.read_csv(snakemake.input.runs)
endpoints = pd.read_csv(snakemake.input.endpoints)
settings = dict(snakemake.params.settings)
studies = [Study.from_record(record) for record in snakemake.params.studies]
refs = study_references(snakemake.params.studies)
write_csv(summary_table(runs, settings), snakemake.output.summary)
write_csv(arm_endpoints_table(endpoints, refs, settings), snakemake.output.arm_endpoints)
write_json({"endpoints": [asdict(ref) for ref in refs.values()]}, snakemake.output.references)
with np.load(snakemake.input.test_correct) as arrays:
    test_correct = {name: arrays[name] for name in arrays.files}
findings = findings_table(
    endpoints, studies, settings, smoke=snakemake.params.smoke, test_correct=test_correct
)
write_csv(findings, snakemake.output.findings)
write_csv(robustness_table(findings, list(snakemake.params.sweeps)), snakemake.output.robustness)
tuning = pd.read_csv(snakemake.input.tuning)
write_csv(sensitivity_table(tuning, settings["smallest_effect"]), snakemake.output.sensitivity)
jobs = pd.read_csv(snakemake.input.jobs)
write_csv(cost_table(jobs, runs, snakemake.params.peak_gflops), snakemake.output.cost)

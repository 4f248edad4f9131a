"""Snakemake adapter: the summary and findings tables from the runs table."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

import pandas as pd  # noqa: E402

from tipsbench.experiment import Study  # noqa: E402
from tipsbench.files import write_csv  # noqa: E402
from tipsbench.robustness import robustness_table  # noqa: E402
from tipsbench.stats import findings_table, summary_table  # noqa: E402

runs = pd.read_csv(snakemake.input.runs)
settings = dict(snakemake.params.settings)
studies = [Study.from_record(record) for record in snakemake.params.studies]
write_csv(summary_table(runs, settings), snakemake.output.summary)
findings = findings_table(runs, studies, settings, smoke=snakemake.params.smoke)
write_csv(findings, snakemake.output.findings)
write_csv(robustness_table(findings, list(snakemake.params.sweeps)), snakemake.output.robustness)

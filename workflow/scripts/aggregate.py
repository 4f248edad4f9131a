"""Snakemake adapter: collect the runs' metrics and histories into the run's tables."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

from tipsbench.tables import aggregate_runs  # noqa: E402
from tipsbench.files import write_csv  # noqa: E402

tables = aggregate_runs(snakemake.params.arms, snakemake.input.metrics, snakemake.input.histories)
for name, table in tables.items():
    write_csv(table, snakemake.output[name])

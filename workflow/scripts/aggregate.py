"""Snakemake adapter: collect the runs' metrics, histories and predictions into the run's tables."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

from tipsbench.data import load_prepared  # noqa: E402
from tipsbench.files import write_csv  # noqa: E402
from tipsbench.tables import aggregate_runs  # noqa: E402

data = load_prepared(snakemake.input.data)
tables = aggregate_runs(
    snakemake.params.arms,
    snakemake.input.metrics,
    snakemake.input.histories,
    snakemake.input.predictions,
    labels=data["labels_test"],
    num_classes=data["y_test"].shape[1],
    studies=snakemake.params.studies,
    settings=snakemake.params.statistics,
    smoke=snakemake.params.smoke,
)
for name, table in tables.items():
    write_csv(table, snakemake.output[name])

"""Snakemake adapter: draw a job's registered figures (tipsbench.plots), each output one,
from the tables they read, in one process."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

import pandas as pd  # noqa: E402

from tipsbench.files import save_figure  # noqa: E402
from tipsbench.plots import figure_spec  # noqa: E402

tables = {name: pd.read_csv(path) for name, path in snakemake.input.items()}
labels = dict(snakemake.params.labels)
for figure, path in snakemake.output.items():
    save_figure(figure_spec(figure).draw(tables, labels), path)

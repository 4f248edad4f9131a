"""Snakemake adapter: draw one study's accuracy figure from runs.csv."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

import pandas as pd  # noqa: E402

from tipsbench.plots import study_accuracy_figure  # noqa: E402
from tipsbench.files import atomic_path  # noqa: E402

study = snakemake.wildcards.study
runs = pd.read_csv(snakemake.input.runs)
figure = study_accuracy_figure(runs[runs["study"] == study], snakemake.params.studies[study].get("title", study))
with atomic_path(snakemake.output.figure) as temporary:
    figure.savefig(temporary, format="svg")

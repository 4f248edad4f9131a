"""Snakemake adapter: draw one study's accuracy dot plot and learning curves from the tables."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

import pandas as pd  # noqa: E402

from tipsbench.files import save_figure  # noqa: E402
from tipsbench.plots import learning_curves_figure, study_accuracy_figure  # noqa: E402

study = snakemake.wildcards.study
runs = pd.read_csv(snakemake.input.runs)
summary = pd.read_csv(snakemake.input.summary)
curves = pd.read_csv(snakemake.input.curves)
save_figure(
    study_accuracy_figure(runs[runs["study"] == study], summary[summary["study"] == study]),
    snakemake.output.accuracy,
)
save_figure(learning_curves_figure(curves[curves["study"] == study]), snakemake.output.curves)

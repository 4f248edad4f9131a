"""Snakemake adapter: draw the best arm's confusion matrix from confusion.csv."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

import pandas as pd  # noqa: E402

from tipsbench.files import save_figure  # noqa: E402
from tipsbench.plots import confusion_figure  # noqa: E402

save_figure(confusion_figure(pd.read_csv(snakemake.input.confusion)), snakemake.output.figure)

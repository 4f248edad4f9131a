"""Snakemake adapter: render the HTML report from the tables and figures."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

from tipsbench.files import write_text  # noqa: E402
from tipsbench.report import build_context, render  # noqa: E402

figures = {Path(path).name.removesuffix("-accuracy.svg"): Path(path).read_text() for path in snakemake.input.figures}
context = build_context(
    snakemake.params.config,
    snakemake.params.conditions,
    pd.read_csv(snakemake.input.runs),
    pd.read_csv(snakemake.input.summary),
    figures,
)
write_text(render(context, Path(snakemake.input.template).parent), snakemake.output.html)

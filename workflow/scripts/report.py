"""Snakemake adapter: render report.html and report.pdf.

report.html is self-contained; both are rendered from the tables and figures.
"""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

from tipsbench.files import atomic_path, read_json, write_text  # noqa: E402
from tipsbench.report import build_context, render, write_pdf  # noqa: E402

tables = {name: pd.read_csv(snakemake.input[name]) for name in snakemake.params.tables}
figures = {Path(path).stem: Path(path).read_text() for path in snakemake.input.figures}
context = build_context(
    snakemake.params.experiment,
    tables,
    figures,
    read_json(snakemake.input.data_info),
    configfiles=snakemake.params.configfiles,
    retrain=snakemake.params.retrain,
    missing=snakemake.params.missing,
)
template_dir = Path(snakemake.input.templates[0]).parent
write_text(render(context, template_dir), snakemake.output.html)
with atomic_path(snakemake.output.pdf) as temporary:
    write_pdf(render(context, template_dir, print_mode=True), temporary)

"""Snakemake adapter: draw one registered figure (tipsbench.plots) from the tables it reads."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

import pandas as pd  # noqa: E402

from tipsbench.files import save_figure  # noqa: E402
from tipsbench.plots import figure_spec  # noqa: E402

spec = figure_spec(snakemake.wildcards.figure)
tables = {name: pd.read_csv(snakemake.input[name]) for name in spec.tables}
save_figure(spec.draw(tables, dict(snakemake.params.labels)), snakemake.output.figure)

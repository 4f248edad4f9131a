"""Snakemake adapter: the comparison page and its verdicts table from several runs' findings."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

from pathlib import Path  # noqa: E402

import jinja2  # noqa: E402
import pandas as pd  # noqa: E402

from tipsbench.compare import comparison_context, verdict_table  # noqa: E402
from tipsbench.endpoints import references  # noqa: E402
from tipsbench.files import read_json, write_csv, write_text  # noqa: E402

runs = list(snakemake.params.runs)
table = verdict_table({run: pd.read_csv(path) for run, path in zip(runs, snakemake.input.findings)})
# A key names one endpoint with its parameters in every run: the runs' references merge.
refs = {
    key: ref
    for path in snakemake.input.references
    for key, ref in references(read_json(path)["endpoints"]).items()
}
write_csv(table, snakemake.output.table)
template = Path(snakemake.input.template)
environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(template.parent)),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
html = environment.get_template(template.name).render(
    css=Path(snakemake.input.css).read_text(), **comparison_context(table, runs, refs)
)
write_text(html, snakemake.output.html)

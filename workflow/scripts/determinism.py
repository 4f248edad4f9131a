"""Snakemake adapter: compare the audited run's rerun with its original into determinism.csv."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

import pandas as pd  # noqa: E402

from tipsbench.audit import determinism_table  # noqa: E402
from tipsbench.files import read_json, read_weights, write_csv  # noqa: E402


def load_run(prefix=""):
    """The metrics, history and weights of the original run (prefix "") or its rerun ("rerun_")."""
    return {
        "metrics": read_json(snakemake.input[f"{prefix}metrics"]),
        "history": pd.read_csv(snakemake.input[f"{prefix}history"]),
        "probe": pd.read_csv(snakemake.input[f"{prefix}probe"]),
        "weights": read_weights(snakemake.input[f"{prefix}weights"]),
    }


write_csv(determinism_table(load_run(), load_run("rerun_")), snakemake.output.table)

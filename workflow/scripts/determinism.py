"""Snakemake adapter: compare the audited run's rerun with its original into determinism.csv."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from tipsbench.audit import determinism_table  # noqa: E402
from tipsbench.files import read_json, write_csv  # noqa: E402


def load_run(metrics, history, weights):
    with np.load(weights) as archive:
        arrays = [archive[f"w{index}"] for index in range(len(archive.files))]
    return {"metrics": read_json(metrics), "history": pd.read_csv(history), "weights": arrays}


original = load_run(snakemake.input.metrics, snakemake.input.history, snakemake.input.weights)
rerun = load_run(snakemake.input.rerun_metrics, snakemake.input.rerun_history, snakemake.input.rerun_weights)
write_csv(determinism_table(original, rerun), snakemake.output.table)

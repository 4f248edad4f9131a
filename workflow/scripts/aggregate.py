"""Snakemake adapter: read every run's files.

Writes the runs, endpoints, curves, probes, layers, jobs, confusion and tuning tables and which
test images each job got right.
"""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from tipsbench.data import load_prepared  # noqa: E402
from tipsbench.endpoints import EndpointRef  # noqa: E402
from tipsbench.files import read_json, write_csv, write_npz  # noqa: E402
from tipsbench.grid import Arm  # noqa: E402
from tipsbench.tables import build_tables  # noqa: E402

metrics, histories, probes, layers, predictions = {}, {}, {}, {}, {}
for metrics_path, history_path, probe_path, layers_path, predictions_path in zip(
    snakemake.input.metrics,
    snakemake.input.histories,
    snakemake.input.probes,
    snakemake.input.layers,
    snakemake.input.predictions,
):
    run = read_json(metrics_path)
    key = (run["condition"], int(run["seed"]))
    metrics[key] = run
    histories[key] = pd.read_csv(history_path)
    probes[key] = pd.read_csv(probe_path)
    layers[key] = pd.read_csv(layers_path)
    with np.load(predictions_path) as archive:
        predictions[key] = archive["predicted"]
data = load_prepared(snakemake.input.data)
tables = build_tables(
    [Arm(**arm) for arm in snakemake.params.arms],
    metrics,
    histories,
    predictions,
    labels=data["labels_test"],
    num_classes=data["y_test"].shape[1],
    probes=probes,
    layers=layers,
    endpoints={
        study: [EndpointRef.from_record(record) for record in records]
        for study, records in snakemake.params.endpoints.items()
    },
)
write_npz(tables.pop("test_correct"), snakemake.output.test_correct)
for name, table in tables.items():
    write_csv(table, snakemake.output[name])

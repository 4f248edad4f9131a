"""Snakemake adapter: train one (condition, seed) and write its output files."""

import time

JOB_STARTED = time.time()

from tipsbench.files import send_output_to  # noqa: E402
from tipsbench.training import configure_runtime  # noqa: E402

send_output_to(snakemake.log[0])
# The backend and thread pools are chosen before Keras is imported.
configure_runtime(snakemake.params.backend, snakemake.threads)

from tipsbench.data import load_prepared  # noqa: E402
from tipsbench.files import write_csv, write_json, write_npz, write_weights  # noqa: E402
from tipsbench.training import job_timing, train_condition  # noqa: E402

result = train_condition(
    dict(snakemake.params.hyperparameters),
    load_prepared(snakemake.input.data),
    seed=int(snakemake.wildcards.seed),
    threads=snakemake.threads,
    probe=dict(snakemake.params.probe),
)
write_csv(result["history"], snakemake.output.history)
write_csv(result["probe"], snakemake.output.probe)
write_csv(result["layers"], snakemake.output.layers)
write_weights(result["weights"], snakemake.output.weights)
write_npz({"predicted": result["predictions"]}, snakemake.output.predictions)
# metrics.json is written last: its presence means the run's other files are complete.
write_json(
    {"condition": snakemake.wildcards.condition, **result["metrics"], **job_timing(JOB_STARTED)},
    snakemake.output.metrics,
)

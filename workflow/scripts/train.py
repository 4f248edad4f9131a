"""Snakemake adapter: train one condition with each seed of the job, in one process, and
write each seed's files."""

import time

JOB_STARTED = time.time()

from tipsbench.files import send_output_to  # noqa: E402
from tipsbench.training import configure_runtime  # noqa: E402

send_output_to(snakemake.log[0])
# The backend and thread pools are chosen before Keras is imported.
configure_runtime(snakemake.params.backend, snakemake.threads)

from tipsbench.data import load_prepared  # noqa: E402
from tipsbench.schema import hyperparameters  # noqa: E402
from tipsbench.training import train_seeds  # noqa: E402

# The job is told what differs from the schema's defaults; the defaults fill the rest.
train_seeds(
    hyperparameters(**snakemake.params.hyperparameters),
    load_prepared(snakemake.input.data),
    condition=snakemake.wildcards.condition,
    files={int(seed): files for seed, files in snakemake.params.files},
    started=JOB_STARTED,
    threads=snakemake.threads,
    probe=dict(snakemake.params.probe),
)

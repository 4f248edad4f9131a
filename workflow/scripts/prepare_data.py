"""Snakemake adapter: verify the configured dataset and write the preprocessed arrays."""

import sys

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

from tipsbench.data import DataError, prepare_dataset  # noqa: E402
from tipsbench.files import write_json, write_npz  # noqa: E402

try:
    prepared, info = prepare_dataset(snakemake.params.data)
except DataError as error:
    # Wrong or missing data is the user's to fix: one line in the log, no traceback.
    sys.exit(f"data error: {error}")
write_npz(prepared, snakemake.output.data)
write_json(info, snakemake.output.info)
print(info)

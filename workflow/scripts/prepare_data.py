"""Snakemake adapter: verify the configured dataset and write the preprocessed arrays."""

from tipsbench.files import send_output_to

send_output_to(snakemake.log[0])

from tipsbench.data import prepare_dataset  # noqa: E402
from tipsbench.files import write_json, write_npz  # noqa: E402

prepared, info = prepare_dataset(snakemake.params.data)
write_npz(prepared, snakemake.output.data)
write_json(info, snakemake.output.info)
print(info)

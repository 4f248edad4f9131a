"""Snakemake adapter: train one (condition, seed) and write its four output files."""

from tipsbench.files import send_output_to
from tipsbench.training import configure_runtime

send_output_to(snakemake.log[0])
# The backend and thread pools are chosen before Keras is imported.
configure_runtime(snakemake.params.backend, snakemake.threads)

from tipsbench.data import load_prepared  # noqa: E402
from tipsbench.files import write_csv, write_json, write_npz  # noqa: E402
from tipsbench.training import train_condition  # noqa: E402

result = train_condition(
    dict(snakemake.params.hyperparameters),
    load_prepared(snakemake.input.data),
    seed=int(snakemake.wildcards.seed),
    threads=snakemake.threads,
)
write_csv(result["history"], snakemake.output.history)
write_npz({f"w{index}": weight for index, weight in enumerate(result["weights"])}, snakemake.output.weights)
write_npz({"predicted": result["predictions"]}, snakemake.output.predictions)
write_json({"condition": snakemake.wildcards.condition, **result["metrics"]}, snakemake.output.metrics)

# Stage 1, data: verify the configured dataset and write its preprocessed arrays once per run.


rule prepare_data:
    """Load the dataset, check its array checksums, slice, flatten, scale and one-hot encode it."""
    input:
        get_data_input(),
    output:
        data=f"{RUN}/data/prepared.npz",
        info=f"{RUN}/data/data.json",
    log:
        f"{RUN}/logs/prepare_data.log",
    conda:
        "../../environment.yml"
    params:
        data=EXPERIMENT.data,
    script:
        "../scripts/prepare_data.py"

# Stage 2, runs: one training job per (condition, seed).


rule train:
    """Train one condition with one seed: learning curve, probe, final metrics, weights, predictions."""
    input:
        data=f"{RUN}/data/prepared.npz",
    output:
        **layout.run_files(run_folder("{condition}", "{seed}")),
    log:
        f"{RUN}/logs/train/{{condition}}-seed-{{seed}}.log",
    priority: get_train_priority
    conda:
        "../../environment.yml"
    # One framework thread per job, and Snakemake's --cores decides how many jobs run side by
    # side: at batch 100 one thread trains as fast as two (benchmarks/README.md), so the
    # cores are better spent on independent runs. --set-threads train=N changes it (the
    # audit must then match: retrain_audit=N).
    threads: 1
    resources:
        mem_mb=1500,
        runtime=60,
    params:
        hyperparameters=get_hyperparameters,
        backend=EXPERIMENT.backend,
        probe=EXPERIMENT.probe,
    script:
        "../scripts/train.py"


use rule train as retrain_audit with:
    output:
        **layout.run_files(layout.audit_folder(RUN, "{condition}", "{seed}")),
    log:
        f"{RUN}/logs/audit/{{condition}}-seed-{{seed}}.log",


rule determinism:
    """Compare the audited run, retrained from scratch, with its original: bit-identical or by how much."""
    input:
        unpack(get_audit_inputs),
    output:
        table=layout.table(RUN, "determinism"),
    log:
        f"{RUN}/logs/determinism.log",
    conda:
        "../../environment.yml"
    script:
        "../scripts/determinism.py"

# Stage 2, runs: one training job per condition and block of seeds (EXPERIMENT.seed_blocks),
# each seed's files in its own folder, as if trained alone.


# One rule per block of seeds: a job's outputs are every seed's files, and which seeds a
# block holds is fixed by the config, so each block is a rule of its own (train_seeds_0_4,
# train_seed_5, ...), all alike.
for seeds in EXPERIMENT.seed_blocks:

    rule:
        name:
            train_rule_name(seeds)
        input:
            data=f"{RUN}/data/prepared.npz",
        output:
            **train_outputs(seeds),
        log:
            layout.train_log(RUN, "{condition}", seeds),
        priority: get_train_priority(seeds)
        conda:
            "../../environment.yml"
        # One framework thread per job, and Snakemake's --cores decides how many jobs run side
        # by side: at batch 100 one thread trains as fast as two (benchmarks/README.md), so the
        # cores are better spent on independent runs.
        threads: 1
        resources:
            mem_mb=1500,
            # Minutes, for a cluster's wall-clock limit: 30 per seed (a lee2017 fit takes 3).
            runtime=30 * len(seeds),
        params:
            hyperparameters=get_hyperparameters,
            backend=EXPERIMENT.backend,
            probe=EXPERIMENT.probe,
            files=get_job_files(seeds),
        script:
            "../scripts/train.py"


rule retrain_audit:
    """Retrain one (condition, seed) alone, in a process of its own, for the determinism audit."""
    input:
        data=f"{RUN}/data/prepared.npz",
    output:
        **layout.run_files(layout.audit_folder(RUN, "{condition}", "{seed}")),
    log:
        f"{RUN}/logs/audit/{{condition}}-seed-{{seed}}.log",
    # First (the training jobs have 0-100): a short job only the report needs, done long
    # before the end, so that the last minutes belong to the training jobs filling the cores.
    priority: 101
    conda:
        "../../environment.yml"
    # The thread count of the run it audits.
    threads: 1
    resources:
        mem_mb=1500,
        runtime=30,
    params:
        hyperparameters=get_hyperparameters,
        backend=EXPERIMENT.backend,
        probe=EXPERIMENT.probe,
        files=get_audit_files,
    script:
        "../scripts/train.py"


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

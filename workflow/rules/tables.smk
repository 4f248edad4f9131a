# Stage 3, tables: tidy pandas tables of every study arm, seed, epoch and training job.


rule aggregate:
    """Collect every run's records into the runs, curves, jobs, confusion and tuning tables."""
    input:
        metrics=get_run_outputs("metrics"),
        histories=get_run_outputs("history"),
        predictions=get_run_outputs("predictions"),
        data=f"{RUN}/data/prepared.npz",
    output:
        runs=report(
            layout.table(RUN, "runs"),
            category="Tables",
            labels={"table": "runs", "content": "one row per study arm and seed"},
        ),
        curves=layout.table(RUN, "curves"),
        jobs=layout.table(RUN, "jobs"),
        confusion=layout.table(RUN, "confusion"),
        tuning=layout.table(RUN, "tuning"),
    log:
        f"{RUN}/logs/aggregate.log",
    conda:
        "../../environment.yml"
    params:
        arms=get_arms(),
    script:
        "../scripts/aggregate.py"

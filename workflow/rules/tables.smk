# Stage 3, tables: tidy pandas tables of every study arm, seed, epoch and training job.


rule aggregate:
    """Collect every run's records into the runs, endpoints, curves, probes, layers, jobs, confusion and tuning tables."""
    input:
        metrics=get_run_outputs("metrics"),
        histories=get_run_outputs("history"),
        probes=get_run_outputs("probe"),
        layers=get_run_outputs("layers"),
        predictions=get_run_outputs("predictions"),
        data=f"{RUN}/data/prepared.npz",
    output:
        runs=report(
            layout.table(RUN, "runs"),
            category="Tables",
            labels={"table": "runs", "content": "one row per study arm and seed"},
        ),
        endpoints=report(
            layout.table(RUN, "endpoints"),
            category="Tables",
            labels={
                "table": "endpoints",
                "content": "one row per study arm, seed and endpoint",
            },
        ),
        curves=layout.table(RUN, "curves"),
        probes=layout.table(RUN, "probes"),
        layers=layout.table(RUN, "layers"),
        jobs=layout.table(RUN, "jobs"),
        confusion=layout.table(RUN, "confusion"),
        tuning=layout.table(RUN, "tuning"),
        test_correct=layout.array_table(RUN, "test_correct"),
    log:
        f"{RUN}/logs/aggregate.log",
    conda:
        "../../environment.yml"
    params:
        arms=get_arms(),
        endpoints=get_study_endpoints(),
    script:
        "../scripts/aggregate.py"

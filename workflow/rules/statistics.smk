# Stage 4, statistics: per-arm summaries and per-claim findings (paired tests, verdicts)
# from the runs and endpoints tables alone; numbers only, the words come with the report.


rule statistics:
    """Describe every arm, judge every claim on its endpoint, each claim across its sweeps, and what the run cost."""
    input:
        runs=layout.table(RUN, "runs"),
        endpoints=layout.table(RUN, "endpoints"),
        test_correct=layout.array_table(RUN, "test_correct"),
        tuning=layout.table(RUN, "tuning"),
        jobs=layout.table(RUN, "jobs"),
    output:
        summary=report(
            layout.table(RUN, "summary"),
            category="Tables",
            labels={"table": "summary", "content": "one row per study arm"},
        ),
        findings=report(
            layout.table(RUN, "findings"),
            category="Tables",
            labels={"table": "findings", "content": "one row per claim: the verdicts"},
        ),
        arm_endpoints=layout.table(RUN, "arm_endpoints"),
        robustness=layout.table(RUN, "robustness"),
        sensitivity=layout.table(RUN, "sensitivity"),
        cost=layout.table(RUN, "cost"),
        # Each endpoint key of the tables with its reference: what the comparison of runs
        # reads beside a run's findings (tipsbench.endpoints.references).
        references=layout.record(RUN, "endpoint_references"),
    log:
        f"{RUN}/logs/statistics.log",
    conda:
        "../../environment.yml"
    params:
        studies=EXPERIMENT.study_records(),
        settings=EXPERIMENT.statistics,
        sweeps=[dict(axis) for axis in EXPERIMENT.sweeps],
        smoke=EXPERIMENT.smoke,
        peak_gflops=EXPERIMENT.peak_gflops,
    script:
        "../scripts/statistics.py"

# Stage 4, statistics: per-arm summaries and per-study findings (paired tests, verdicts)
# from the runs table alone; numbers only, the words come with the report.


rule statistics:
    """Describe every arm, compare every study's two arms, and each claim across its sweeps."""
    input:
        runs=layout.table(RUN, "runs"),
    output:
        summary=report(
            layout.table(RUN, "summary"),
            category="Tables",
            labels={"table": "summary", "content": "one row per study arm"},
        ),
        findings=report(
            layout.table(RUN, "findings"),
            category="Tables",
            labels={"table": "findings", "content": "one row per study: the verdicts"},
        ),
        robustness=layout.table(RUN, "robustness"),
    log:
        f"{RUN}/logs/statistics.log",
    conda:
        "../../environment.yml"
    params:
        studies=EXPERIMENT.study_records(),
        settings=EXPERIMENT.statistics,
        sweeps=[dict(axis) for axis in EXPERIMENT.sweeps],
        smoke=EXPERIMENT.smoke,
    script:
        "../scripts/statistics.py"

# Stage 4, statistics: per-arm summaries and per-study findings (paired tests, verdicts)
# from the runs table alone; numbers only, the words come with the report.


rule statistics:
    """Describe every arm and compare every study's two arms: summary and findings tables."""
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
    log:
        f"{RUN}/logs/statistics.log",
    conda:
        "../../environment.yml"
    params:
        studies=EXPERIMENT.study_records(),
        settings=EXPERIMENT.statistics,
        smoke=EXPERIMENT.smoke,
    script:
        "../scripts/statistics.py"

# Stage 3, tables: tidy pandas tables of every study arm and seed.


rule aggregate:
    """Collect every run's metrics and history into runs.csv, summary.csv and curves.csv."""
    input:
        metrics=get_run_outputs("metrics.json"),
        histories=get_run_outputs("history.csv"),
    output:
        runs=f"{RUN}/tables/runs.csv",
        summary=f"{RUN}/tables/summary.csv",
        curves=f"{RUN}/tables/curves.csv",
    log:
        f"{RUN}/logs/aggregate.log",
    conda:
        "../../environment.yml"
    params:
        arms=get_arms(),
    script:
        "../scripts/aggregate.py"

# Stage 3, tables: tidy pandas tables of every study arm, seed, epoch and training job.


rule aggregate:
    """Collect every run into runs, summary, findings, curves, jobs and confusion tables."""
    input:
        metrics=get_run_outputs("metrics.json"),
        histories=get_run_outputs("history.csv"),
        predictions=get_run_outputs("predictions.npz"),
        data=f"{RUN}/data/prepared.npz",
    output:
        runs=report(
            f"{RUN}/tables/runs.csv",
            category="Tables",
            labels={"table": "runs", "content": "one row per study arm and seed"},
        ),
        summary=report(
            f"{RUN}/tables/summary.csv",
            category="Tables",
            labels={"table": "summary", "content": "one row per study arm"},
        ),
        findings=report(
            f"{RUN}/tables/findings.csv",
            category="Tables",
            labels={"table": "findings", "content": "one row per study: the verdicts"},
        ),
        curves=f"{RUN}/tables/curves.csv",
        jobs=f"{RUN}/tables/jobs.csv",
        confusion=f"{RUN}/tables/confusion.csv",
    log:
        f"{RUN}/logs/aggregate.log",
    conda:
        "../../environment.yml"
    params:
        arms=get_arms(),
        studies=config["studies"],
        statistics=config["statistics"],
        smoke=config["smoke"],
    script:
        "../scripts/aggregate.py"

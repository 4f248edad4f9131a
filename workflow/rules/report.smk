# Stage 4, figures and report: plots read only tables, the report reads tables and figures.


rule plot_study:
    """Draw one study's test accuracy per seed and its learning curves."""
    input:
        runs=f"{RUN}/tables/runs.csv",
        summary=f"{RUN}/tables/summary.csv",
        curves=f"{RUN}/tables/curves.csv",
    output:
        accuracy=report(
            f"{RUN}/figures/{{study}}-accuracy.svg",
            category="Studies",
            subcategory="{study}",
            labels={"study": "{study}", "figure": "test accuracy per seed"},
        ),
        curves=report(
            f"{RUN}/figures/{{study}}-curves.svg",
            category="Studies",
            subcategory="{study}",
            labels={"study": "{study}", "figure": "learning curves"},
        ),
    log:
        f"{RUN}/logs/plot/{{study}}.log",
    conda:
        "../../environment.yml"
    script:
        "../scripts/plot_study.py"


rule plot_confusion:
    """Draw the confusion matrix of the best arm's test predictions."""
    input:
        confusion=f"{RUN}/tables/confusion.csv",
    output:
        figure=report(
            f"{RUN}/figures/confusion.svg",
            category="Final model",
            labels={"figure": "confusion matrix"},
        ),
    log:
        f"{RUN}/logs/plot/confusion.log",
    conda:
        "../../environment.yml"
    script:
        "../scripts/plot_confusion.py"


rule report:
    """Render the self-contained HTML report and its PDF from the tables and figures."""
    input:
        unpack(get_report_inputs),
    output:
        html=f"{RUN}/report/report.html",
        pdf=f"{RUN}/report/report.pdf",
    log:
        f"{RUN}/logs/report.log",
    conda:
        "../../environment.yml"
    params:
        config=config,
        conditions=GRID.conditions,
        configfiles=get_configfile_arguments(),
        repository=workflow.basedir,
        missing=get_missing_runs(),
    script:
        "../scripts/report.py"

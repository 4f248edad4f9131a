# Stage 4, figures and report: plots read only tables, the report reads tables and figures.


rule plot_study:
    """Draw one study's test accuracy per seed, mean and slide value."""
    input:
        runs=f"{RUN}/tables/runs.csv",
    output:
        figure=f"{RUN}/figures/{{study}}-accuracy.svg",
    log:
        f"{RUN}/logs/plot/{{study}}.log",
    conda:
        "../../environment.yml"
    params:
        studies=config["studies"],
    script:
        "../scripts/plot_study.py"


rule report:
    """Render the HTML report from the tables, the figures and the report templates."""
    input:
        runs=f"{RUN}/tables/runs.csv",
        summary=f"{RUN}/tables/summary.csv",
        figures=get_figures(),
        template="report_templates/report.html.j2",
        css="report_templates/report.css",
    output:
        html=f"{RUN}/report/report.html",
    log:
        f"{RUN}/logs/report.log",
    conda:
        "../../environment.yml"
    params:
        config=config,
        conditions=GRID.conditions,
    script:
        "../scripts/report.py"

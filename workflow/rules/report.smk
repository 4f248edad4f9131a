# Stages 5 and 6, figures and report: plots read only tables, the report reads tables,
# figures and the records the jobs wrote. Figures come from the registry in tipsbench.plots.


rule plot_study:
    """Draw one registered per-study figure of one study from the tables it needs."""
    input:
        unpack(get_figure_tables),
    output:
        figure=report(
            layout.figure(RUN, "{study}-{figure}"),
            category="Studies",
            subcategory="{study}",
            labels={"study": "{study}", "figure": "{figure}"},
        ),
    log:
        f"{RUN}/logs/plot/{{study}}-{{figure}}.log",
    wildcard_constraints:
        figure="|".join(STUDY_FIGURES),
    conda:
        "../../environment.yml"
    params:
        labels=get_figure_labels,
    script:
        "../scripts/plot.py"


rule plot_run:
    """Draw one registered figure of the whole run (e.g. the best arm's confusion matrix)."""
    input:
        unpack(get_figure_tables),
    output:
        figure=report(
            layout.figure(RUN, "{figure}"),
            category="Run",
            labels={"figure": "{figure}"},
        ),
    log:
        f"{RUN}/logs/plot/{{figure}}.log",
    wildcard_constraints:
        figure="|".join(RUN_FIGURES),
    conda:
        "../../environment.yml"
    params:
        labels=get_figure_labels,
    script:
        "../scripts/plot.py"


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
        tables=list(REPORT_TABLES),
        experiment=EXPERIMENT.report_record(),
        configfiles=get_configfile_arguments(),
        missing=get_missing_runs(),
        retrain=get_retrain_targets(),
    script:
        "../scripts/report.py"

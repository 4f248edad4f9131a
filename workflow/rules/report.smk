# Stages 5 and 6, figures and report: plots read only tables, the report reads tables,
# figures and the records the jobs wrote. Figures come from the registry in tipsbench.plots.


# One job per study draws all of that study's figures, and one job the run's: a figure is
# cheap, a Python process with matplotlib and pandas is not (about 1.5 s to start), so ~30
# processes become one per study. Which figures a study has depends on its claims, so each
# study is a rule of its own (plot_study_<study>), all alike, as the training rules are per
# block.
for study in CLAIMS:

    rule:
        """Draw all of one study's registered figures from the tables they read."""
        name:
            f"plot_study_{study.replace('-', '_')}"
        input:
            **get_figure_tables(get_study_figures(study)),
        output:
            **{
                figure: report(
                    path,
                    category="Studies",
                    subcategory=study,
                    labels={"study": study, "figure": figure},
                )
                for figure, path in get_study_figures(study).items()
            },
        log:
            f"{RUN}/logs/plot/{study}.log",
        conda:
            "../../environment.yml"
        params:
            labels=get_figure_labels(study),
        script:
            "../scripts/plot.py"


rule plot_run:
    """Draw the registered figures of the whole run (the forest plot, the best arm's confusion
    matrix, and the robustness and tuning figures where the run has them)."""
    input:
        **get_figure_tables(get_run_figures()),
    output:
        **{
            figure: report(path, category="Run", labels={"figure": figure})
            for figure, path in get_run_figures().items()
        },
    log:
        f"{RUN}/logs/plot/run.log",
    conda:
        "../../environment.yml"
    params:
        labels=get_figure_labels(),
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

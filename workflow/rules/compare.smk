# Companion report: the verdict of every claim under several runs side by side (the slides'
# protocol, the lecturer's 2017 demo, Fashion-MNIST). It reads the finished runs' findings;
# build each run first with its own config.


rule compare:
    """Put the findings of the configured runs side by side, per claim, in one HTML page."""
    input:
        findings=get_comparison_inputs(),
        references=get_comparison_references(),
        template="report_templates/compare.html.j2",
        css="report_templates/report.css",
    output:
        html="results/comparison/comparison.html",
        table="results/comparison/verdicts.csv",
    log:
        "results/comparison/compare.log",
    conda:
        "../../environment.yml"
    params:
        runs=list(EXPERIMENT.comparison_runs),
    script:
        "../scripts/compare.py"

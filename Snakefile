# tipsbench: the seven claims of "Tips for Training DNN" rebuilt over seeds.
# config -> data -> runs -> tables -> statistics -> figures -> report; one rule file per stage.


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/statistics.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/compare.smk"


rule all:
    """Build the report of the configured run (and everything it needs)."""
    default_target: True
    input:
        get_final_output(),

# succinct-paging: experiments for paging with one-bit predictions
# (Antoniadis et al., ICML 2023). See README.md; the contract is docs/contract.md.
from snakemake.utils import min_version

min_version("8.10")


# The default experiment, unless config files are given: `--configfile X`
# replaces it (Snakemake would otherwise deep-merge X into it), so a config
# file means exactly what it says. `--config key=value` still edits either.
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/traces.smk"
include: "workflow/rules/truth.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/plots.smk"
include: "workflow/rules/proofs.smk"
include: "workflow/rules/arrivals.smk"
include: "workflow/rules/learned.smk"
include: "workflow/rules/k_sweep.smk"
include: "workflow/rules/cache.smk"
include: "workflow/rules/report.smk"


localrules:
    all,


rule all:
    input:
        get_final_output(),
        REPORT_TABLES,
        "results/benchmarks.csv",
    default_target: True


include: "workflow/rules/accounting.smk"

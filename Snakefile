# succinct-paging: experiments for paging with one-bit predictions
# (Antoniadis et al., ICML 2023). See README.md; the contract is docs/contract.md.
from snakemake.utils import min_version

min_version("8.10")


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
include: "workflow/rules/k_sweep.smk"


localrules:
    all,


rule all:
    input:
        get_final_output(),
    default_target: True

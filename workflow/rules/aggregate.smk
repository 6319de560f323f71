rule aggregate:
    """Concatenate the per-job run tables into the runs table (contract §6)."""
    input:
        run_tables(),
    output:
        parquet="results/runs.parquet",
        csv=report("results/runs.csv", caption="../report/runs.rst", category="Tables", subcategory="CSV (download)"),
    log:
        "logs/aggregate.log",
    benchmark:
        "results/benchmarks/aggregate.tsv",
    params:
        sort_keys=RUNS_SORT_KEYS,
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/concat_tables.py"


rule summarize:
    """Pooled ratios per family, k, algorithm, error model and rate, with
    instance-bootstrap intervals; paired per-instance differences."""
    input:
        runs="results/runs.parquet",
    output:
        summary=report(
            "results/summary.csv", caption="../report/summary.rst", category="Tables", subcategory="CSV (download)"
        ),
        paired=report("results/paired_differences.csv", caption="../report/paired_differences.rst", category="Tables",
                      subcategory="CSV (download)"),
    log:
        "logs/summarize.log",
    benchmark:
        "results/benchmarks/summarize.tsv",
    params:
        master_seed=config["master_seed"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/summarize.py"


rule latex_table:
    """Pooled ratios of one family and k as a booktabs LaTeX table, for a paper."""
    input:
        summary="results/summary.csv",
    output:
        tex=report(
            "results/tables/summary_{family}_k{k}.tex",
            caption="../report/latex_table.rst",
            category="Tables",
            subcategory="LaTeX",
            labels={"family": "{family}", "k": "{k}", "table": "LaTeX (booktabs)"},
        ),
    log:
        "logs/tables/{family}_k{k}.log",
    benchmark:
        "results/benchmarks/tables/{family}_k{k}.tsv",
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/latex_table.py"


rule empirical_constants:
    """Empirical counterparts of (β, γ) per family, k and one-bit algorithm
    (contract §9): the largest extra cost per wrong bit over the runs."""
    input:
        runs="results/runs.parquet",
    output:
        csv=report(
            "results/empirical_constants.csv",
            caption="../report/empirical_constants.rst",
            category="Smoothness: cost against wrong bits", subcategory="Tables",
        ),
    log:
        "logs/empirical_constants.log",
    benchmark:
        "results/benchmarks/empirical_constants.tsv",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/empirical_constants.py"


rule excluded_instances:
    """The real-trace instances left out as trivial (at most k distinct
    pages; config key exclude_trivial), per family and k."""
    input:
        truth=[f"results/truth/{fam}/k{k}.npz" for fam, k in sorted(family_ks())],
    output:
        csv=report("results/excluded_instances.csv", caption="../report/excluded_instances.rst", category="Tables", subcategory="CSV (download)"),
    log:
        "logs/excluded_instances.log",
    benchmark:
        "results/benchmarks/excluded_instances.tsv",
    params:
        family_ks=sorted(family_ks()),  # sorted: the config's key order must not rerun the job
        exclude_trivial=config["exclude_trivial"],
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/excluded_instances.py"


rule config_used:
    """The effective configuration of this run (defaults filled in), for
    provenance next to the results."""
    output:
        yaml=report("results/config.used.yaml", caption="../report/config_used.rst", category="Tables", subcategory="Provenance"),
    log:
        "logs/config_used.log",
    benchmark:
        "results/benchmarks/config_used.tsv",
    params:
        config=config,
        repo_root=workflow.basedir,
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/config_used.py"

rule aggregate:
    """Concatenate the per-job run tables into the runs table (contract §6)."""
    input:
        run_tables(),
    output:
        parquet="results/runs.parquet",
        csv=report("results/runs.csv", caption="../report/runs.rst", category="Tables", subcategory="CSV (download)"),
    log:
        "logs/aggregate.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/aggregate.py"


rule summarize:
    """Pooled ratios per family, k, algorithm, error model and rate."""
    input:
        runs="results/runs.parquet",
    output:
        summary=report(
            "results/summary.csv", caption="../report/summary.rst", category="Tables", subcategory="CSV (download)"
        ),
    log:
        "logs/summarize.log",
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
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/latex_table.py"

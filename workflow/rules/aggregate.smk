rule aggregate:
    """Concatenate the per-job run tables into the runs table (SPEC §6)."""
    input:
        run_tables(),
    output:
        parquet="results/runs.parquet",
        csv=report("results/runs.csv", caption="../report/runs.rst", category="Tables"),
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
        summary=report("results/summary.csv", caption="../report/summary.rst", category="Tables"),
    log:
        "logs/summarize.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/summarize.py"

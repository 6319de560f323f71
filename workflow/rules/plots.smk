rule plot_family:
    """Ratio vs rate, consistency and robustness figures of one family and k."""
    input:
        summary="results/summary.csv",
        runs="results/runs.parquet",
    output:
        expand(
            "results/figures/{name}_{{family}}_k{{k}}.{ext}",
            name=FIGURES,
            ext=("pdf", "png"),
        ),
    log:
        "logs/figures/{family}_k{k}.log",
    script:
        "../scripts/plot_family.py"

rule plot_family:
    """Ratio vs rate, consistency and robustness figures of one family and k."""
    input:
        summary="results/summary.csv",
        runs="results/runs.parquet",
    output:
        report(
            "results/figures/ratio_vs_rate_{family}_k{k}.png",
            caption="../report/ratio_vs_rate.rst",
            category="Smoothness: ratio vs error rate",
            subcategory="{family}",
            labels={"family": "{family}", "k": "{k}", "figure": "ratio vs rate"},
        ),
        report(
            "results/figures/consistency_{family}_k{k}.png",
            caption="../report/consistency.rst",
            category="Consistency: perfect predictions",
            subcategory="{family}",
            labels={"family": "{family}", "k": "{k}", "figure": "consistency"},
        ),
        report(
            "results/figures/robustness_{family}_k{k}.png",
            caption="../report/robustness.rst",
            category="Robustness: all predictions wrong",
            subcategory="{family}",
            labels={"family": "{family}", "k": "{k}", "figure": "robustness"},
        ),
        "results/figures/ratio_vs_rate_{family}_k{k}.pdf",
        "results/figures/consistency_{family}_k{k}.pdf",
        "results/figures/robustness_{family}_k{k}.pdf",
    log:
        "logs/figures/{family}_k{k}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/plot_family.py"

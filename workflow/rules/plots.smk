rule plot_family:
    """The figures of one family and k: ratio vs rate, consistency and
    robustness; extra cost per OPT against wrong bits per OPT with the
    proven slopes (contract §1.4, §9) and the fault ratio against
    Σ η / Σ OPT (one job: the figures are cheap, a job start is not)."""
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
        smoothness=report(
            "results/figures/smoothness_{family}_k{k}.png",
            caption="../report/smoothness.rst",
            category="Smoothness: cost against wrong bits",
            subcategory="{family}",
            labels={"family": "{family}", "k": "{k}", "figure": "extra cost vs η"},
        ),
        ratio_vs_eta=report(
            "results/figures/ratio_vs_eta_{family}_k{k}.png",
            caption="../report/ratio_vs_eta.rst",
            category="Smoothness: cost against wrong bits",
            subcategory="{family}",
            labels={"family": "{family}", "k": "{k}", "figure": "ratio vs η / OPT"},
        ),
        smoothness_pdf="results/figures/smoothness_{family}_k{k}.pdf",
        ratio_vs_eta_pdf="results/figures/ratio_vs_eta_{family}_k{k}.pdf",
    log:
        "logs/figures/{family}_k{k}.log",
    benchmark:
        "results/benchmarks/figures/{family}_k{k}.tsv",
    params:
        layout=config["plots"]["layout"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/plot_family.py"


rule gallery:
    """Copy the figures a newcomer should see first into docs/figures/ (tracked,
    shown in the README) with a Markdown index. Not part of `all`:
    run `snakemake --cores 2 gallery` on the default config."""
    input:
        expand("results/figures/{name}.png", name=gallery_figures()),
    output:
        figures=expand("docs/figures/{name}.png", name=gallery_figures()),
        index="docs/figures/README.md",
    log:
        "logs/gallery.log",
    benchmark:
        "results/benchmarks/gallery.tsv",
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/gallery.py"

# The dependence on k (contract §9): the k-sweep families at every k of the
# k_sweep section, one job per family and k.


rule k_sweep_job:
    """Run every k_sweep algorithm under every error setting on one family at
    one k (N derived from k), for every instance and replicate seed."""
    output:
        "results/k_sweep/{sweep_family}/k{k}.parquet",
    wildcard_constraints:
        sweep_family="loop|uniform|loop_2k",
    log:
        "logs/k_sweep/{sweep_family}/k{k}.log",
    benchmark:
        "results/benchmarks/k_sweep/{sweep_family}/k{k}.tsv",
    params:
        # the keys of the section a job depends on (the family and k name its file)
        section={key: config["k_sweep"][key] for key in ("phases", "phases_per_k", "instances", "seeds", "errors", "algorithms")},
        master_seed=config["master_seed"],
        budget_factor=config["followbits_robust"]["budget_factor"],
        switch_factor=config["combine"]["switch_factor"],
    threads: 1
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/k_sweep.py"


rule k_sweep_table:
    """Concatenate the k-sweep jobs into results/k_sweep.csv (runs-table columns)."""
    input:
        [f"results/k_sweep/{fam}/k{k}.parquet" for fam in config["k_sweep"]["families"] for k in config["k_sweep"]["ks"]],
    output:
        report("results/k_sweep.csv", caption="../report/k_sweep.rst", category="The dependence on k", subcategory="Tables"),
    log:
        "logs/k_sweep/table.log",
    benchmark:
        "results/benchmarks/k_sweep/table.tsv",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/k_sweep_table.py"


rule plot_k_dependence:
    """Extra cost per wrong keep bit, robustness, the Yao family and
    MARK&PREDICT's two sides against k."""
    input:
        "results/k_sweep.csv",
    output:
        report(
            "results/figures/k_dependence.png",
            caption="../report/k_dependence.rst",
            category="The dependence on k", subcategory="Figures",
        ),
        "results/figures/k_dependence.pdf",
    log:
        "logs/figures/k_dependence.log",
    benchmark:
        "results/benchmarks/figures/k_dependence.tsv",
    params:
        layout=config["plots"]["layout"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/plot_k_dependence.py"

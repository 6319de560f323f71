rule lower_bounds:
    """Play the adaptive lower-bound adversaries of contract §4 against every
    configured deterministic algorithm, for every k and number of rounds
    (followed step by step: O(n) per run)."""
    output:
        report(
            "results/lower_bounds.csv",
            caption="../report/lower_bounds_table.rst",
            category="Lower bounds and the price of robustness", subcategory="Tables",
        ),
    log:
        "logs/lower_bounds.log",
    benchmark:
        "results/benchmarks/lower_bounds.tsv",
    params:
        families=config["lower_bounds"]["families"],
        algorithms=config["lower_bounds"]["algorithms"],
        ks=config["lower_bounds"]["ks"],
        rounds=config["lower_bounds"]["rounds"],
        budget_factor=config["followbits_robust"]["budget_factor"],
        switch_factor=config["combine"]["switch_factor"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/lower_bounds.py"


rule plot_lower_bounds:
    """cost − OPT against η0 / η1 on the lower-bound families, with the lines
    (k−1)·η0 and η1, and cost/OPT against the number of rounds with the line k."""
    input:
        "results/lower_bounds.csv",
    output:
        report(
            "results/figures/lower_bounds.png",
            caption="../report/lower_bounds.rst",
            category="Lower bounds and the price of robustness", subcategory="Figures",
        ),
        "results/figures/lower_bounds.pdf",
    log:
        "logs/figures/lower_bounds.log",
    benchmark:
        "results/benchmarks/figures/lower_bounds.tsv",
    params:
        layout=config["plots"]["layout"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/plot_lower_bounds.py"


rule robust_search:
    """Worst-case bits of followbits_robust (contract §3.3): the smallest γ (β = k−1)
    and β (γ = 1) that no searched sequence violates, per k and budget."""
    output:
        csv=report(
            "results/robust_search.csv",
            caption="../report/robust_search.rst",
            category="Lower bounds and the price of robustness", subcategory="Tables",
        ),
        markdown="results/robust_search.md",
    log:
        "logs/robust_search.log",
    benchmark:
        "results/benchmarks/robust_search.tsv",
    params:
        ks=config["lower_bounds"]["robust_search"]["ks"],
        budget_factors=config["lower_bounds"]["robust_search"]["budget_factors"],
        random=config["lower_bounds"]["robust_search"]["random"],
        restarts=config["lower_bounds"]["robust_search"]["restarts"],
        local_steps=config["lower_bounds"]["robust_search"]["local_steps"],
        min_length=config["lower_bounds"]["robust_search"]["min_length"],
        max_length=config["lower_bounds"]["robust_search"]["max_length"],
        seed=config["master_seed"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/robust_search.py"

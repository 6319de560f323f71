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
        settings=run_settings(),
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


rule lower_bounds_randomized:
    """The randomized lower-bound family lb_yao (uniform requests over k+1
    pages, every bit 0) against the randomized algorithms: pooled
    (E[cost] − OPT)/η0 per k with a jackknife-t interval over instances."""
    output:
        report(
            "results/lower_bounds_randomized.csv",
            caption="../report/lower_bounds_randomized_table.rst",
            category="Lower bounds and the price of robustness", subcategory="Tables",
        ),
    log:
        "logs/lower_bounds_randomized.log",
    benchmark:
        "results/benchmarks/lower_bounds_randomized.tsv"
    params:
        part="bounds",
        # the keys of lb_yao (the search has its own rule); sorted: the YAML key order must not rerun it
        section=key_sorted({key: value for key, value in config["lower_bounds"]["randomized"].items() if key != "search"}),
        master_seed=config["master_seed"],
        settings=run_settings(),
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/lower_bounds_randomized.py"


rule lower_bounds_search:
    """Hill climbing over lb_yao bit assignments for the worst
    (E[cost] − OPT − η1)/η0 of mark0 and mark0_eager (against 2H_k)."""
    output:
        report(
            "results/lower_bounds_search.csv",
            caption="../report/lower_bounds_search.rst",
            category="Lower bounds and the price of robustness", subcategory="Tables",
        ),
    log:
        "logs/lower_bounds_search.log",
    benchmark:
        "results/benchmarks/lower_bounds_search.tsv"
    params:
        part="search",
        section=key_sorted(config["lower_bounds"]["randomized"]["search"]),  # only the search's keys, sorted
        master_seed=config["master_seed"],
        settings=run_settings(),
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/lower_bounds_randomized.py"


rule plot_lower_bounds_randomized:
    """(E[cost] − OPT)/η0 on lb_yao per k and randomized algorithm, with
    H_k − 1, H_k, 2H_k and the hill-climbed worst bits."""
    input:
        table="results/lower_bounds_randomized.csv",
        search="results/lower_bounds_search.csv",
    output:
        report(
            "results/figures/lower_bounds_randomized.png",
            caption="../report/lower_bounds_randomized.rst",
            category="Lower bounds and the price of robustness", subcategory="Figures",
        ),
        "results/figures/lower_bounds_randomized.pdf",
    log:
        "logs/figures/lower_bounds_randomized.log",
    benchmark:
        "results/benchmarks/figures/lower_bounds_randomized.tsv"
    params:
        layout=config["plots"]["layout"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/plot_lower_bounds_randomized.py"


rule tightness:
    """The largest adversarial slope found (greedy adversary, adaptive lower
    bounds, lb_yao and its search) next to every proven β, γ, with the status
    met / approached / gap; table and figure."""
    input:
        lower_bounds="results/lower_bounds.csv",
        randomized="results/lower_bounds_randomized.csv",
        search="results/lower_bounds_search.csv",
        adversarial=["results/adversarial/runs.csv"] if config["adversarial"]["families"] else [],
    output:
        table=report(
            "results/tightness.csv",
            caption="../report/tightness_table.rst",
            category="Lower bounds and the price of robustness", subcategory="Tables",
        ),
        png=report(
            "results/figures/tightness.png",
            caption="../report/tightness.rst",
            category="Lower bounds and the price of robustness", subcategory="Figures",
        ),
        pdf="results/figures/tightness.pdf",
    log:
        "logs/tightness.log",
    benchmark:
        "results/benchmarks/tightness.tsv"
    params:
        layout=config["plots"]["layout"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/tightness.py"

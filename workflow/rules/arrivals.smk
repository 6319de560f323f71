# Next-arrival predictions (contract §7): full-prediction and one-bit algorithms on
# one noise axis σ. Config section `arrivals`; helpers in common.smk.


rule arrivals_simulate:
    """Noisy next-arrival predictions at every σ, the bits made from them, and
    every configured algorithm, for every instance and replicate of one
    family and k (OPT and the true bits read from the truth file)."""
    input:
        traces="results/traces/{family}.npz",
        truth="results/truth/{family}/k{k}.npz",
    output:
        "results/arrivals/runs/{family}/k{k}.parquet",
    log:
        "logs/arrivals/runs/{family}/k{k}.log",
    benchmark:
        "results/benchmarks/arrivals/runs/{family}/k{k}.tsv",
    params:
        algorithms=config["arrivals"]["algorithms"],
        sigmas=config["arrivals"]["sigmas"],
        seeds=config["seeds"],
        master_seed=config["master_seed"],
        settings=run_settings(),
    threads: 1
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/arrivals_simulate.py"


rule arrivals_aggregate:
    """Concatenate the next-arrival run tables (one row per run)."""
    input:
        arrival_run_tables(),
    output:
        parquet="results/arrivals/runs.parquet",
        csv=report(
            "results/arrivals/runs.csv",
            caption="../report/arrivals_runs.rst",
            category="Next-arrival predictions", subcategory="Tables",
        ),
    log:
        "logs/arrivals/aggregate.log",
    benchmark:
        "results/benchmarks/arrivals/aggregate.tsv",
    params:
        sort_keys=["trace_family", "k", "sigma", "instance", "seed", "algorithm"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/concat_tables.py"


rule arrivals_plots:
    """Ratio vs σ of one-bit and full-prediction algorithms, one figure per
    family and k (one job: the figures are cheap, a job start is not)."""
    input:
        "results/arrivals/runs.parquet",
    output:
        png=[
            report(
                f"results/figures/arrivals_vs_sigma_{fam}_k{k}.png",
                caption="../report/arrivals_vs_sigma.rst",
                category="Next-arrival predictions",
                subcategory=fam,
                labels={"family": fam, "k": str(k), "figure": "ratio vs σ"},
            )
            for fam, k in arrival_family_ks()
        ],
        pdf=expand("results/figures/arrivals_vs_sigma_{fk}.pdf", fk=arrival_figure_keys()),
    log:
        "logs/figures/arrivals_vs_sigma.log",
    benchmark:
        "results/benchmarks/figures/arrivals_vs_sigma.tsv",
    params:
        family_ks=arrival_family_ks(),
        layout=config["plots"]["layout"],
        master_seed=config["master_seed"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/plot_arrivals.py"


rule adversarial_job:
    """Greedy adversarial placement of wrong bits vs the random models at the
    same number of wrong bits, on short prefixes of a few instances of one
    family at one k (the truth of a prefix is not the prefix of the truth
    file's bits, so the job computes it: O(length log length) per instance)."""
    input:
        traces="results/traces/{family}.npz",
    output:
        "results/adversarial/runs/{family}/k{k}.parquet",
    log:
        "logs/adversarial/{family}/k{k}.log",
    benchmark:
        "results/benchmarks/adversarial/{family}/k{k}.tsv",
    params:
        instances=config["adversarial"]["instances"],
        length=config["adversarial"]["length"],
        budgets=config["adversarial"]["budgets"],
        kinds=config["adversarial"]["kinds"],
        algorithms=config["adversarial"]["algorithms"],
        seeds=config["adversarial"]["seeds"],
        samples=config["adversarial"]["samples"],
        max_candidates=config["adversarial"]["max_candidates"],
        master_seed=config["master_seed"],
        settings=run_settings(),
    threads: 1
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/adversarial.py"


rule adversarial:
    """Concatenate the adversarial jobs, in (family, k) order, into one table."""
    input:
        [f"results/adversarial/runs/{fam}/k{k}.parquet" for fam, k in adversarial_family_ks()],
    output:
        csv=report(
            "results/adversarial/runs.csv",
            caption="../report/adversarial_runs.rst",
            category="Adversarial wrong bits", subcategory="Tables",
        ),
    log:
        "logs/adversarial.log",
    benchmark:
        "results/benchmarks/adversarial.tsv",
    params:
        sort_keys=None,  # the inputs' order is the table's
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/concat_tables.py"


rule plot_adversarial:
    """Extra faults vs number of wrong bits, adversarial and random, per family and k."""
    input:
        "results/adversarial/runs.csv",
    output:
        png=[
            report(
                f"results/figures/adversarial_{fam}_k{k}.png",
                caption="../report/adversarial.rst",
                category="Adversarial wrong bits",
                subcategory=fam,
                labels={"family": fam, "k": str(k), "figure": "adversarial vs random"},
            )
            for fam, k in adversarial_family_ks()
        ],
        pdf=[f"results/figures/adversarial_{fam}_k{k}.pdf" for fam, k in adversarial_family_ks()],
    log:
        "logs/figures/adversarial.log",
    benchmark:
        "results/benchmarks/figures/adversarial.tsv",
    params:
        family_ks=adversarial_family_ks(),
        layout=config["plots"]["layout"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/plot_adversarial.py"

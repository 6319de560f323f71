# The dependence on k (contract §9): the k-sweep families at every k of the
# k_sweep section, one job per family, k and shard of replicate seeds.


rule k_sweep_truth:
    """The instances of one family at one k with their truth (OPT, bits,
    phases, next requests), made once for the jobs of its seed chunks when
    there are several (a family and k in one job makes its own)."""
    output:
        temp(directory("results/k_sweep/{sweep_family}/k{k}/truth")),
    wildcard_constraints:
        sweep_family="[A-Za-z][A-Za-z0-9_]*",
    log:
        "logs/k_sweep/{sweep_family}/k{k}/truth.log",
    benchmark:
        "results/benchmarks/k_sweep/{sweep_family}/k{k}/truth.tsv",
    params:
        section={key: config["k_sweep"][key] for key in ("phases", "phases_per_k", "instances")},
        master_seed=config["master_seed"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/k_sweep_truth.py"


rule k_sweep_job:
    """Run every k_sweep algorithm under every error setting on one family at
    one k (N derived from k), for every instance and the replicate seeds
    first … last (one shard: experiments.k_sweep.shard_seeds sizes them by
    k_sweep.requests_per_job, so no job dominates the sweep). The shards of
    a family and k read one truth file (k_sweep_truth)."""
    input:
        unpack(k_sweep_truth_input),
    output:
        "results/k_sweep/{sweep_family}/k{k}/seeds{first}-{last}.parquet",
    wildcard_constraints:
        sweep_family="[A-Za-z][A-Za-z0-9_]*",  # the families are the config's (validated there)
        first="[0-9]+",
        last="[0-9]+",
    log:
        "logs/k_sweep/{sweep_family}/k{k}/seeds{first}-{last}.log",
    benchmark:
        "results/benchmarks/k_sweep/{sweep_family}/k{k}/seeds{first}-{last}.tsv",
    params:
        # the keys of the section a job depends on (the family, k and seeds name its file)
        section={key: config["k_sweep"][key] for key in ("phases", "phases_per_k", "instances", "seeds", "errors", "algorithms")},
        master_seed=config["master_seed"],
        settings=run_settings(),
    threads: 1
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/k_sweep.py"


rule k_sweep_table:
    """Concatenate the k-sweep shards into results/k_sweep.csv (runs-table
    columns, canonical order: the same bytes however the seeds are sharded)."""
    input:
        k_sweep_shards(),
    output:
        csv=report("results/k_sweep.csv", caption="../report/k_sweep.rst", category="The dependence on k", subcategory="Tables"),
    log:
        "logs/k_sweep/table.log",
    benchmark:
        "results/benchmarks/k_sweep/table.tsv",
    params:
        sort_keys=RUNS_SORT_KEYS,
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/concat_tables.py"


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


rule robustness_k:
    """Robustness under stress from the k-sweep: followbits_robust against its
    phase bound, combine(A,B) against min(A,B), the randomized algorithms
    against H_k (table and figure)."""
    input:
        "results/k_sweep.csv",
    output:
        table=report(
            "results/robustness_k.csv",
            caption="../report/robustness_k_table.rst",
            category="The dependence on k", subcategory="Tables",
        ),
        png=report(
            "results/figures/robustness_k.png",
            caption="../report/robustness_k.rst",
            category="The dependence on k", subcategory="Figures",
        ),
        pdf="results/figures/robustness_k.pdf",
    log:
        "logs/k_sweep/robustness_k.log",
    benchmark:
        "results/benchmarks/k_sweep/robustness_k.tsv"
    params:
        settings=run_settings(),
        layout=config["plots"]["layout"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/robustness_k.py"

# Learned predictors (contract §10): runs on past-only predictions from the
# bit-source registry, and the answer table and figure.


rule learned_runs:
    """Run every configured algorithm that reads what a learned predictor
    gives, on that predictor's predictions, for each predictor of a group
    ("+"-joined ids; learned.predictors_per_job) and one family and k (the
    truth file is read, not recomputed). Rows enter results/runs.parquet
    with error_model = the predictor id and an empty rate."""
    input:
        traces="results/traces/{family}.npz",
        truth="results/truth/{family}/k{k}.npz",
    output:
        "results/runs/{family}/k{k}/learned_{predictors}.parquet",
    log:
        "logs/runs/{family}/k{k}/learned_{predictors}.log",
    benchmark:
        "results/benchmarks/runs/{family}/k{k}/learned_{predictors}.tsv"
    wildcard_constraints:
        predictors="[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*",
    params:
        algorithms=config["learned"]["algorithms"],
        params=lambda w: learned_params(w.predictors),
        seeds=config["seeds"],
        master_seed=config["master_seed"],
        settings=run_settings(),
    threads: 1
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/learned_runs.py"


rule learned_answer:
    """The answer table and figure: OPT, LRU, every prediction-free baseline
    and every (learned predictor x algorithm) pair per family and k."""
    input:
        runs="results/runs.parquet",
    output:
        csv=report(
            "results/learned/answer.csv",
            caption="../report/learned_answer.rst",
            category="Learned predictors",
            subcategory="Tables",
        ),
        png=report(
            "results/figures/learned_answer.png",
            caption="../report/learned_answer_figure.rst",
            category="Learned predictors",
            subcategory="Figures",
        ),
        pdf="results/figures/learned_answer.pdf",
    log:
        "logs/learned_answer.log",
    benchmark:
        "results/benchmarks/learned_answer.tsv"
    params:
        layout=config["plots"]["layout"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/learned_answer.py"

rule simulate:
    """Inject prediction errors at one rate under every configured error model
    and run every algorithm that uses predictions, for every instance and
    replicate seed. One job per rate, so a new rate only adds jobs; the error
    models share a job because a job's compute (well under a second in the
    default config) is smaller than its start-up (about one second)."""
    input:
        traces="results/traces/{family}.npz",
        truth="results/truth/{family}/k{k}.npz",
    output:
        "results/runs/{family}/k{k}/rate{rate}.parquet",
    log:
        "logs/runs/{family}/k{k}/rate{rate}.log",
    benchmark:
        "results/benchmarks/runs/{family}/k{k}/rate{rate}.tsv",
    params:
        algorithms=algorithms_with(predictions=True),
        error_models=config["error_models"],
        seeds=config["seeds"],
        master_seed=config["master_seed"],
        settings=run_settings(),
    threads: 1
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/simulate.py"


rule baseline:
    """Run the prediction-free algorithms (OPT, LRU, ...) once per family and k."""
    input:
        traces="results/traces/{family}.npz",
        truth="results/truth/{family}/k{k}.npz",
    output:
        "results/runs/{family}/k{k}/baseline.parquet",
    log:
        "logs/runs/{family}/k{k}/baseline.log",
    benchmark:
        "results/benchmarks/runs/{family}/k{k}/baseline.tsv",
    params:
        algorithms=algorithms_with(predictions=False),
        error_models=["none"],
        seeds=config["seeds"],
        master_seed=config["master_seed"],
        settings=run_settings(),
    threads: 1
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/simulate.py"

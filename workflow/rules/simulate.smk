rule simulate:
    """Inject prediction errors at one rate and run every algorithm that uses
    predictions, for every instance and replicate seed."""
    input:
        traces="results/traces/{family}.npz",
        truth="results/truth/{family}/k{k}.npz",
    output:
        "results/runs/{family}/k{k}/{model}/rate{rate}.parquet",
    log:
        "logs/runs/{family}/k{k}/{model}/rate{rate}.log",
    params:
        algorithms=algorithms_with(predictions=True),
        seeds=config["seeds"],
        master_seed=config["master_seed"],
        budget_factor=config["followbits_robust"]["budget_factor"],
        switch_factor=config["combine"]["switch_factor"],
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
    params:
        algorithms=algorithms_with(predictions=False),
        seeds=config["seeds"],
        master_seed=config["master_seed"],
        budget_factor=config["followbits_robust"]["budget_factor"],
        switch_factor=config["combine"]["switch_factor"],
    threads: 1
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/simulate.py"

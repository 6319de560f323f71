rule truth:
    """OPT, true discard bits (LFD) and true phase bits for one family and k."""
    input:
        "results/traces/{family}.npz",
    output:
        "results/truth/{family}/k{k}.npz",
    log:
        "logs/truth/{family}/k{k}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/truth.py"

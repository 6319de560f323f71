rule truth:
    """OPT, true discard bits (LFD) and true phase bits for one family and k."""
    input:
        "results/traces/{family}.npz",
    output:
        "results/truth/{family}/k{k}.npz",
    log:
        "logs/truth/{family}/k{k}.log",
    benchmark:
        "results/benchmarks/truth/{family}/k{k}.tsv",
    params:
        exclude_trivial=lambda w: excludes_trivial(w.family),
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/truth.py"

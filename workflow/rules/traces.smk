rule traces:
    """One trace family as a dense-id .npz: synthetic (seeded), real (mirror) or the user's files."""
    input:
        trace_inputs,
    output:
        "results/traces/{family}.npz",
    log:
        "logs/traces/{family}.log",
    benchmark:
        "results/benchmarks/traces/{family}.tsv",
    params:
        spec=lambda wc: trace_spec(wc.family),
        content=lambda wc: trace_content(wc.family),
        mirror=lambda wc: mirror_dir(wc.family),
        verify=config["traces"]["verify_checksums"],
        master_seed=config["master_seed"],
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/make_traces.py"


rule fetch_traces:
    """Download a real family's public source and cut the instances (needs network)."""
    output:
        directory("results/mirror/{source}"),
    log:
        "logs/fetch/{source}.log",
    benchmark:
        "results/benchmarks/fetch/{source}.tsv",
    params:
        family=lambda wc: wc.source,
        sources="results/mirror/sources",
    wildcard_constraints:
        source="brightkite|citibike",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/fetch_traces.py"

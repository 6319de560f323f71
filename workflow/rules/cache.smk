rule arc_reproduction:
    """The ARC paper's published LRU and ARC hit ratios next to ours (our LRU
    kernel, libcachesim's ARC) on the ARC traces at the paper's cache sizes."""
    input:
        runs="results/runs.parquet",
        published=str(Path(workflow.basedir) / "resources/arc_paper_hit_ratios.csv"),  # in the repository
    output:
        csv=report("results/tables/arc_reproduction.csv", caption="../report/arc_reproduction.rst",
                   category="Cache traces", subcategory="ARC paper"),
        md="results/tables/arc_reproduction.md",
    log:
        "logs/tables/arc_reproduction.log",
    benchmark:
        "results/benchmarks/tables/arc_reproduction.tsv"
    params:
        families=arc_family_ks(),
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/arc_reproduction.py"

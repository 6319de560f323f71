# HTML views of the result tables, so the report shows them (a CSV can only
# be downloaded from a Snakemake report). The CSV files stay the data.


rule report_table:
    """A result table (CSV) as an HTML table for the report."""
    input:
        "results/{table}.csv",
    output:
        report(
            "results/report_tables/{table}.html",
            caption="../report/report_table.rst",
            category="Tables",
            subcategory="View in the report",
            labels={"table": "{table}"},
        ),
    log:
        "logs/report_tables/{table}.log",
    benchmark:
        "results/benchmarks/report_tables/{table}.tsv",
    wildcard_constraints:
        table="summary|empirical_constants|paired_differences|robust_search|lower_bounds|k_sweep|learned/answer",
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/report_table.py"


#: HTML views of the tables this config produces (rule all asks for them).
REPORT_TABLES = [
    f"results/report_tables/{table}.html"
    for table in ("summary", "empirical_constants", "paired_differences", "lower_bounds", "robust_search")
    + (("k_sweep",) if config["k_sweep"]["families"] else ())
    + (("learned/answer",) if config["learned"]["families"] else ())
]

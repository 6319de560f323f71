# Per-job accounting (issue 19). Every rule that computes has a `benchmark:`
# file at its log path with logs/ → results/benchmarks/ and .log → .tsv; the
# rule below gathers whatever benchmark files exist for every rule of the
# workflow (found from the rules' own benchmark patterns, so rules added later
# need no edit), and the end of the run states the totals.


rule benchmarks_table:
    """Gather the per-job benchmark files into results/benchmarks.csv (rule,
    wildcards, wall seconds, max RSS, CPU seconds) and state the total CPU
    seconds, the longest job and its share. Runs after everything else that
    `all` asks for."""
    input:
        [f for f in rules.all.input if f != "results/benchmarks.csv"],
    output:
        report("results/benchmarks.csv", caption="../report/benchmarks.rst", category="Tables", subcategory="Run accounting"),
    log:
        "logs/benchmarks_table.log",
    params:
        patterns=lambda wildcards: benchmark_patterns(),
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    script:
        "../scripts/benchmarks_table.py"


onsuccess:
    accounting_statement()

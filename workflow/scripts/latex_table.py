import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# Booktabs LaTeX table of one trace family and k (pooled ratios, contract §6):
# one row per algorithm, one column per error rate of one error model.
from succinct_paging.experiments.summary import read_summary, write_latex_table
from succinct_paging.experiments.learned import injected_rows  # learned rows have no error rate

summary = injected_rows(read_summary(snakemake.input.summary))  # noqa: F821
write_latex_table(summary, snakemake.wildcards.family, int(snakemake.wildcards.k), snakemake.output.tex)  # noqa: F821

import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# Per-job accounting: the benchmark files of every rule as one table (issue 19).
from succinct_paging.accounting import gather, statement, write_table

rows = gather(snakemake.params.patterns)  # noqa: F821
write_table(rows, snakemake.output[0])  # noqa: F821
print(statement(rows), file=sys.stderr)

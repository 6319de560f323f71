import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# Per family and k: how many instances the truth jobs kept and which they left
# out as trivial (at most k distinct pages; config key exclude_trivial).
from succinct_paging.experiments.grid import write_excluded_table

table = write_excluded_table(snakemake.params.family_ks, snakemake.input.truth, snakemake.output.csv)  # noqa: F821
print(table.to_string(), file=sys.stderr)

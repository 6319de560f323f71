import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# The k-sweep jobs as one table, results/k_sweep.csv (runs-table columns, canonical order).
from succinct_paging.experiments.grid import concat_runs, write_runs_csv

runs = concat_runs(snakemake.input)  # noqa: F821
print(f"{len(runs)} runs from {len(snakemake.input)} jobs", file=sys.stderr)  # noqa: F821
write_runs_csv(runs, snakemake.output[0])  # noqa: F821

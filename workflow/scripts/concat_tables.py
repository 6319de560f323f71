import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821
# The one merge step: per-job Parquet tables concatenated (in input order, or
# sorted by params.sort_keys) into the outputs named csv and/or parquet.
from succinct_paging.experiments.grid import concat_tables, write_runs, write_runs_csv

table = concat_tables(snakemake.input, snakemake.params.sort_keys)  # noqa: F821
out = snakemake.output  # noqa: F821
if "parquet" in out.keys():
    write_runs(table, out.parquet)
if "csv" in out.keys():
    write_runs_csv(table, out.csv)
print(f"{len(table)} rows from {len(snakemake.input)} tables", file=sys.stderr)  # noqa: F821

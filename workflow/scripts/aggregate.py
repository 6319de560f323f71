import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])

from succinct_paging.experiments.grid import concat_runs, write_runs, write_runs_csv

runs = concat_runs(snakemake.input)
print(f"{len(runs)} runs from {len(snakemake.input)} tables", file=sys.stderr)
write_runs(runs, snakemake.output.parquet)
write_runs_csv(runs, snakemake.output.csv)

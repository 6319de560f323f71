import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821
# Concatenate the per-job next-arrival run tables in canonical order.
import pandas as pd

from succinct_paging.experiments.arrivals import sort_rows, to_frame
from succinct_paging.experiments.grid import write_runs, write_runs_csv

frames = [pd.read_parquet(path) for path in snakemake.input]  # noqa: F821
runs = sort_rows(pd.concat(frames, ignore_index=True) if frames else to_frame([]),
                 snakemake.params.sort_keys)  # noqa: F821
write_runs(runs, snakemake.output.parquet)  # noqa: F821
write_runs_csv(runs, snakemake.output.csv)  # noqa: F821
print(f"{len(runs)} runs from {len(frames)} tables", file=sys.stderr)

import os
import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])
os.environ["NUMBA_NUM_THREADS"] = str(snakemake.threads)

import pandas as pd

from succinct_paging.experiments.grid import run_grid, write_runs
from succinct_paging.settings import RunSettings
from succinct_paging.store import load_npz, load_traces

traces = load_traces(snakemake.input.traces)
truth = load_npz(snakemake.input.truth)
rate = float(snakemake.wildcards.rate) if "rate" in snakemake.wildcards.keys() else None
runs = pd.concat(
    [
        run_grid(
            family=snakemake.wildcards.family,
            traces=traces,
            truth=truth,
            k=int(snakemake.wildcards.k),
            algorithms=snakemake.params.algorithms,
            error_model=model,
            rate=rate,
            replicates=snakemake.params.seeds,
            master_seed=snakemake.params.master_seed,
            settings=RunSettings(**snakemake.params.settings),
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
        for model in snakemake.params.error_models
    ],
    ignore_index=True,
)
write_runs(runs, snakemake.output[0])

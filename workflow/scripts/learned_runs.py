import os
import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821
os.environ["NUMBA_NUM_THREADS"] = str(snakemake.threads)  # noqa: F821
# Runs on the predictions of each learned predictor of a group, one family and k (contract §10).
import pandas as pd

from succinct_paging.experiments.grid import write_runs
from succinct_paging.experiments.learned import learned_runs
from succinct_paging.settings import RunSettings
from succinct_paging.store import load_npz, load_traces

p = snakemake.params  # noqa: F821
traces = load_traces(snakemake.input.traces)  # noqa: F821
truth = load_npz(snakemake.input.truth)  # noqa: F821
runs = pd.concat([
    learned_runs(
        family=snakemake.wildcards.family,  # noqa: F821
        traces=traces,
        truth=truth,
        k=int(snakemake.wildcards.k),  # noqa: F821
        predictor=predictor,
        algorithms=p.algorithms,
        replicates=p.seeds,
        master_seed=p.master_seed,
        params=p.params[predictor],
        settings=RunSettings(**p.settings),
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    for predictor in snakemake.wildcards.predictors.split("+")  # noqa: F821
], ignore_index=True)
write_runs(runs, snakemake.output[0])  # noqa: F821

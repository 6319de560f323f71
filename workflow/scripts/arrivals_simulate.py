import os
import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821
os.environ["NUMBA_NUM_THREADS"] = str(snakemake.threads)  # noqa: F821
# One family and k under next-arrival predictions at every σ (contract §7).
from succinct_paging.experiments.arrivals import run_arrivals_grid
from succinct_paging.experiments.grid import write_runs
from succinct_paging.settings import RunSettings
from succinct_paging.store import load_npz, load_traces

p = snakemake.params  # noqa: F821
runs = run_arrivals_grid(
    family=snakemake.wildcards.family,  # noqa: F821
    traces=load_traces(snakemake.input.traces),  # noqa: F821
    k=int(snakemake.wildcards.k),  # noqa: F821
    algorithms=p.algorithms,
    sigmas=p.sigmas,
    replicates=p.seeds,
    master_seed=p.master_seed,
    settings=RunSettings(**p.settings),
    progress=lambda line: print(line, file=sys.stderr, flush=True),
    truth=load_npz(snakemake.input.truth),  # noqa: F821
)
write_runs(runs, snakemake.output[0])  # noqa: F821

import os
import sys

sys.stderr = open(snakemake.log[0], "w")
os.environ["NUMBA_NUM_THREADS"] = str(snakemake.threads)

from succinct_paging.experiment import run_grid, write_runs
from succinct_paging.store import load_npz, load_traces

model = snakemake.wildcards.get("model", "none")
runs = run_grid(
    family=snakemake.wildcards.family,
    traces=load_traces(snakemake.input.traces),
    truth=load_npz(snakemake.input.truth),
    k=int(snakemake.wildcards.k),
    algorithms=snakemake.params.algorithms,
    error_model=model,
    rate=float(snakemake.wildcards.rate) if model != "none" else None,
    replicates=snakemake.params.seeds,
    master_seed=snakemake.params.master_seed,
    budget_factor=snakemake.params.budget_factor,
    switch_factor=snakemake.params.switch_factor,
    progress=lambda line: print(line, file=sys.stderr, flush=True),
)
write_runs(runs, snakemake.output[0])

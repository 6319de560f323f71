import os
import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
os.environ["NUMBA_NUM_THREADS"] = str(snakemake.threads)  # noqa: F821
# One family at one k of the k-sweep (contract §9), for one chunk of replicate seeds.
from succinct_paging.settings import RunSettings
from succinct_paging.experiments.grid import write_runs
from succinct_paging.experiments.k_sweep import run_job

p = snakemake.params  # noqa: F821
runs = run_job(
    family=snakemake.wildcards.sweep_family,  # noqa: F821
    k=int(snakemake.wildcards.k),  # noqa: F821
    section=p.section,
    master_seed=p.master_seed,
    settings=RunSettings(**p.settings),
    progress=lambda line: print(line, file=sys.stderr, flush=True),
    seeds=range(int(snakemake.wildcards.first), int(snakemake.wildcards.last) + 1),  # noqa: F821
)
write_runs(runs, snakemake.output[0])  # noqa: F821

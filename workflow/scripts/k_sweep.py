import os
import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
os.environ["NUMBA_NUM_THREADS"] = str(snakemake.threads)  # noqa: F821
# One family at one k of the k-sweep (contract §9), for one chunk of replicate seeds.
from succinct_paging.settings import RunSettings
from succinct_paging.experiments.grid import write_runs
from succinct_paging.experiments.k_sweep import read_truth, run_job

p = snakemake.params  # noqa: F821
family, k = snakemake.wildcards.sweep_family, int(snakemake.wildcards.k)  # noqa: F821
truth = snakemake.input.get("truth")  # noqa: F821 (present when the seeds of this family and k are sharded)
runs = run_job(
    family=family,
    k=k,
    section=p.section,
    master_seed=p.master_seed,
    settings=RunSettings(**p.settings),
    progress=lambda line: print(line, file=sys.stderr, flush=True),
    seeds=range(int(snakemake.wildcards.first), int(snakemake.wildcards.last) + 1),  # noqa: F821
    instances=read_truth(truth, family, k, p.section) if truth else None,
)
write_runs(runs, snakemake.output[0])  # noqa: F821

import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# Adaptive lower-bound adversaries (contract §4) against each deterministic algorithm.
from succinct_paging.proofs.lower_bounds import lower_bound_table, write_table
from succinct_paging.settings import RunSettings

p = snakemake.params  # noqa: F821
table = lower_bound_table(
    families=p.families,
    algorithms=p.algorithms,
    ks=p.ks,
    rounds=p.rounds,
    settings=RunSettings(**p.settings),
    progress=lambda line: print(line, file=sys.stderr, flush=True),  # noqa: F821
)
write_table(table, snakemake.output[0])  # noqa: F821

import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# Worst-case bits of followbits_robust: the price of robustness (contract §3.3).
from succinct_paging.proofs.robust_search import search, write_tables

p = snakemake.params  # noqa: F821
table = search(
    ks=p.ks,
    budget_factors=p.budget_factors,
    n_random=p.random,
    restarts=p.restarts,
    local_steps=p.local_steps,
    min_len=p.min_length,
    max_len=p.max_length,
    seed=p.seed,
    progress=lambda line: print(line, file=sys.stderr, flush=True),  # noqa: F821
)
write_tables(table, snakemake.output.csv, snakemake.output.markdown)  # noqa: F821

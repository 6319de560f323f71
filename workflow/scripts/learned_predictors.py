import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821
# Learned one-bit predictors (past only) on the configured families.
from succinct_paging.experiments.grid import write_runs_csv
from succinct_paging.experiments.learned import learned_table
from succinct_paging.store import load_traces

p = snakemake.params  # noqa: F821
family_traces = [
    (fam, int(k), load_traces(path))
    for (fam, ks), path in zip(p.family_ks, snakemake.input.traces)  # noqa: F821
    for k in ks
]
table = learned_table(
    family_traces,
    predictors=p.predictors,
    algorithms=p.algorithms,
    replicates=p.seeds,
    master_seed=p.master_seed,
    min_count=p.min_count,
    learning_rate=p.learning_rate,
    budget_factor=p.budget_factor,
    switch_factor=p.switch_factor,
    progress=lambda line: print(line, file=sys.stderr, flush=True),
)
write_runs_csv(table, snakemake.output[0])  # noqa: F821

import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821
# Greedy adversarial wrong bits vs the random models.
import pandas as pd

from succinct_paging.experiments.adversarial import adversarial_table
from succinct_paging.experiments.grid import write_runs_csv
from succinct_paging.store import load_traces

p = snakemake.params  # noqa: F821
tables = []
for (family, ks), path in zip(p.family_ks, snakemake.input.traces):  # noqa: F821
    traces = [(name, pages[: p.length]) for name, pages in load_traces(path)[: p.instances]]
    for k in ks:
        tables.append(adversarial_table(
            family, traces, int(k), p.algorithms, p.budgets, kinds=p.kinds, seeds=tuple(range(p.seeds)),
            samples=p.samples, max_candidates=p.max_candidates, master_seed=p.master_seed,
            budget_factor=p.budget_factor, switch_factor=p.switch_factor,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        ))
write_runs_csv(pd.concat(tables, ignore_index=True), snakemake.output[0])  # noqa: F821

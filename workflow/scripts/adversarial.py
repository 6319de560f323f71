import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821
# One family at one k of the adversarial experiment (prefixes of the first instances).
from succinct_paging.experiments.adversarial import adversarial_table
from succinct_paging.experiments.grid import write_runs
from succinct_paging.settings import RunSettings
from succinct_paging.store import load_traces

p = snakemake.params  # noqa: F821
traces = [(name, pages[: p.length]) for name, pages in load_traces(snakemake.input.traces)[: p.instances]]  # noqa: F821
table = adversarial_table(
    snakemake.wildcards.family, traces, int(snakemake.wildcards.k), p.algorithms, p.budgets,  # noqa: F821
    kinds=p.kinds, seeds=tuple(range(p.seeds)), samples=p.samples, max_candidates=p.max_candidates,
    master_seed=p.master_seed, settings=RunSettings(**p.settings),
    progress=lambda line: print(line, file=sys.stderr, flush=True),
)
write_runs(table, snakemake.output[0])  # noqa: F821

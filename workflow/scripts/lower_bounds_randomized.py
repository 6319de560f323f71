import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# The randomized lower-bound family lb_yao (results/lower_bounds_randomized.csv) or the
# hill-climbing search over its bits (results/lower_bounds_search.csv), by params.part.
from succinct_paging.proofs.yao import lower_bounds, search_table
from succinct_paging.settings import RunSettings
from succinct_paging.store import atomic_path

p = snakemake.params  # noqa: F821
sec = p.section
if p.part == "bounds":
    table = lower_bounds(sec["ks"], sec["algorithms"], sec["phases_per_k"], sec["instances"], sec["seeds"],
                         p.master_seed, RunSettings(**p.settings))
else:  # params.section is the search subsection
    table = search_table(sec["ks"], sec["algorithms"], sec["phases_per_k"], sec["steps"], sec["search_seeds"],
                         sec["held_out_seeds"], p.master_seed, RunSettings(**p.settings))
with atomic_path(snakemake.output[0]) as tmp:  # noqa: F821
    table.to_csv(tmp, index=False, float_format="%.6g")
print(table.to_string(), file=sys.stderr)

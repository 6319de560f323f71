import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# The ARC paper's published LRU and ARC hit ratios next to ours (contract §10).
from succinct_paging.experiments.cache import write_arc_reproduction  # noqa: E402

table = write_arc_reproduction(
    snakemake.input.runs,  # noqa: F821
    snakemake.input.published,  # noqa: F821
    snakemake.params.families,  # noqa: F821
    snakemake.output.csv,  # noqa: F821
    snakemake.output.md,  # noqa: F821
)
print(table.to_string(index=False), file=sys.stderr)

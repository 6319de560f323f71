import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# The dependence on k (contract §9): four panels against k.
from pathlib import Path

from succinct_paging.experiments.k_sweep import read_sweep
from succinct_paging.plotting.k_dependence import plot_k_dependence

stem = Path(str(snakemake.output[0])).with_suffix("")  # noqa: F821
written = plot_k_dependence(read_sweep(snakemake.input[0]), stem, layout=snakemake.params.layout)  # noqa: F821
print("\n".join(written), file=sys.stderr)

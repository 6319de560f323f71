import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# cost − OPT against η0 / η1 on the lower-bound families, with (k−1)·η0 and η1; cost/OPT against rounds.
from pathlib import Path

from succinct_paging.proofs.lower_bounds import read_table
from succinct_paging.plotting.proofs import plot_lower_bounds

stem = Path(str(snakemake.output[0])).with_suffix("")  # noqa: F821
written = plot_lower_bounds(read_table(snakemake.input[0]), stem, layout=snakemake.params.layout)  # noqa: F821
print("\n".join(written), file=sys.stderr)  # noqa: F821

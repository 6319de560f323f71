import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# (E[cost] − OPT)/η0 on lb_yao per k and randomized algorithm, against H_k − 1, H_k and 2H_k.
from pathlib import Path

import pandas as pd

from succinct_paging.plotting.randomized import plot_randomized_lower_bounds

stem = Path(str(snakemake.output[0])).with_suffix("")  # noqa: F821
written = plot_randomized_lower_bounds(pd.read_csv(snakemake.input.table), pd.read_csv(snakemake.input.search),  # noqa: F821
                                       stem, layout=snakemake.params.layout)  # noqa: F821
print("\n".join(written), file=sys.stderr)

import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821
# Ratio vs σ: one-bit and full-prediction algorithms on one noise axis (contract §7),
# one figure per family and k.
import os

import pandas as pd

from succinct_paging.plotting.arrivals import plot_arrivals_vs_sigma

runs = pd.read_parquet(snakemake.input[0])  # noqa: F821
for (family, k), png in zip(snakemake.params.family_ks, snakemake.output.png):  # noqa: F821
    stem = os.path.splitext(png)[0]
    if not stem.endswith(f"arrivals_vs_sigma_{family}_k{k}"):
        raise ValueError(f"output {png} does not belong to family {family}, k {k}")
    written = plot_arrivals_vs_sigma(runs, family, int(k), stem, layout=snakemake.params.layout,  # noqa: F821
                                     master_seed=snakemake.params.master_seed)  # noqa: F821
    print("\n".join(written), file=sys.stderr, flush=True)

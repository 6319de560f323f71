import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821
# Extra faults vs number of wrong bits: greedy adversary vs random models.
import os

import pandas as pd

from succinct_paging.plotting.adversarial import plot_adversarial

runs = pd.read_csv(snakemake.input[0])  # noqa: F821
for (family, k), png in zip(snakemake.params.family_ks, snakemake.output.png):  # noqa: F821
    stem = os.path.splitext(png)[0]
    if not stem.endswith(f"adversarial_{family}_k{k}"):
        raise ValueError(f"output {png} does not belong to family {family}, k {k}")
    print("\n".join(plot_adversarial(runs, family, int(k), stem, layout=snakemake.params.layout)),  # noqa: F821
          file=sys.stderr, flush=True)

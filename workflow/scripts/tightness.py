import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# Largest adversarial slopes next to the proven β, γ (results/tightness.csv and its figure).
from pathlib import Path

import pandas as pd

from succinct_paging.experiments.tightness import tightness
from succinct_paging.plotting.tightness import plot_tightness
from succinct_paging.proofs.lower_bounds import read_table
from succinct_paging.store import atomic_path

inp = snakemake.input  # noqa: F821
adversarial = pd.read_csv(inp.adversarial[0]) if inp.adversarial else None
table = tightness(adversarial, read_table(inp.lower_bounds), pd.read_csv(inp.search), pd.read_csv(inp.randomized))
with atomic_path(snakemake.output.table) as tmp:  # noqa: F821
    table.to_csv(tmp, index=False, float_format="%.6g", na_rep="", lineterminator="\n")
print(table.to_string(), file=sys.stderr)
written = plot_tightness(table, Path(str(snakemake.output.png)).with_suffix(""), layout=snakemake.params.layout)  # noqa: F821
print("\n".join(written), file=sys.stderr)

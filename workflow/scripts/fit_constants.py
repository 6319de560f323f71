import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821 (snakemake comes from Snakemake)
# Fitted (α, β, γ) per algorithm, trace family and k, next to the proven ones.
import pandas as pd

from succinct_paging.proofs.fit import fit_table, write_csv, write_markdown
from succinct_paging.proofs.lower_bounds import read_table

fits = fit_table(
    runs=pd.read_parquet(snakemake.input.runs),  # noqa: F821
    lower_bounds=read_table(snakemake.input.lower_bounds),  # noqa: F821
    n_boot=snakemake.params.bootstrap,  # noqa: F821
    master_seed=snakemake.params.master_seed,  # noqa: F821
)
print(f"{len(fits)} fits", file=sys.stderr)  # noqa: F821
write_csv(fits, snakemake.output.csv)  # noqa: F821
write_markdown(fits, snakemake.output.markdown)  # noqa: F821

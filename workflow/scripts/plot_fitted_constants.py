import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821 (snakemake comes from Snakemake)
# The (α, β) plane: frontier α + β = k, proven and fitted constants.
from pathlib import Path

from succinct_paging.proofs.fit import read_csv
from succinct_paging.plotting.proofs import plot_fitted_constants

stem = Path(str(snakemake.output[0])).with_suffix("")  # noqa: F821
written = plot_fitted_constants(read_csv(snakemake.input[0]), stem, layout=snakemake.params.layout)  # noqa: F821
print("\n".join(written), file=sys.stderr)  # noqa: F821

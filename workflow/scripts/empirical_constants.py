import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# Empirical constants of contract §9: per family, k and one-bit algorithm the
# largest (faults − α·OPT)/η0 over false_keep runs and (faults − α·OPT)/η1 over
# false_discard runs (seed means for randomized algorithms), next to the proven β, γ.
import pandas as pd

from succinct_paging.experiments.constants import write_empirical_constants

table = write_empirical_constants(pd.read_parquet(snakemake.input.runs), snakemake.output.csv)  # noqa: F821
print(table.to_string(), file=sys.stderr)

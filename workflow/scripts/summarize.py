import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821 (snakemake comes from Snakemake)
# Family ratios (contract §6) of the runs table: Σ faults / Σ OPT per trace family,
# k, algorithm and error setting, with seed range and per-instance quartiles.
import pandas as pd

from succinct_paging.experiments.summary import write_summary

runs = pd.read_parquet(snakemake.input.runs)  # noqa: F821
write_summary(runs, snakemake.output.summary)  # noqa: F821

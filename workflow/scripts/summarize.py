import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# Family ratios (contract §6) of the runs table: Σ faults / Σ OPT per trace family,
# k, algorithm and error setting, with instance-bootstrap intervals (contract §9),
# seed range and per-instance quartiles; paired per-instance differences.
import pandas as pd

from succinct_paging.experiments.summary import write_paired_differences, write_summary

runs = pd.read_parquet(snakemake.input.runs)  # noqa: F821
summary = write_summary(runs, snakemake.output.summary, master_seed=snakemake.params.master_seed)  # noqa: F821
paired = write_paired_differences(runs, snakemake.output.paired, master_seed=snakemake.params.master_seed)  # noqa: F821
print(f"{len(summary)} summary rows, {len(paired)} paired differences", file=sys.stderr)

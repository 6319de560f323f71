import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# Robustness under stress from the k-sweep: results/robustness_k.csv and its figure.
from pathlib import Path

from succinct_paging.experiments.k_sweep import read_sweep
from succinct_paging.experiments.robustness import robustness_table
from succinct_paging.plotting.robustness_k import plot_robustness_k
from succinct_paging.settings import RunSettings
from succinct_paging.store import atomic_path

table = robustness_table(read_sweep(snakemake.input[0]), RunSettings(**snakemake.params.settings))  # noqa: F821
with atomic_path(snakemake.output.table) as tmp:  # noqa: F821
    table.to_csv(tmp, index=False, float_format="%.6g", na_rep="", lineterminator="\n")
print(f"{len(table)} rows", file=sys.stderr)
written = plot_robustness_k(table, Path(str(snakemake.output.png)).with_suffix(""), layout=snakemake.params.layout)  # noqa: F821
print("\n".join(written), file=sys.stderr)

import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# The three figures of one trace family and k (contract §6): ratio vs error rate,
# consistency (rate 0) and robustness (rate 1), each as PDF and PNG.
import os

import pandas as pd

from succinct_paging.plotting.family import figure_stems, plot_family
from succinct_paging.experiments.summary import read_summary
from succinct_paging.experiments.learned import injected_rows  # learned rows have no error rate

family = snakemake.wildcards.family  # noqa: F821
k = int(snakemake.wildcards.k)  # noqa: F821
outputs = [os.path.abspath(str(p)) for p in snakemake.output]  # noqa: F821
out_dir = os.path.dirname(outputs[0])
if any(os.path.dirname(p) != out_dir for p in outputs):
    raise ValueError(f"plot_family writes into one directory; outputs are {outputs}")

summary = injected_rows(read_summary(snakemake.input.summary))  # noqa: F821
runs = injected_rows(pd.read_parquet(snakemake.input.runs))  # noqa: F821
written = plot_family(summary, runs, family, k, out_dir, layout=snakemake.params.layout)  # noqa: F821

# Fail loudly if the rule's declared outputs and the library's names drift apart.
missing = sorted(set(outputs) - {os.path.abspath(p) for p in written})
if missing:
    stems = figure_stems(family, k, out_dir)
    raise ValueError(f"declared outputs not written by plot_family: {missing}; it writes {stems}")
print("\n".join(written), file=sys.stderr)  # noqa: F821

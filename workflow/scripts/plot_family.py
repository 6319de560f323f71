import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# The five figures of one trace family and k, each as PDF and PNG: ratio vs error
# rate, consistency (rate 0) and robustness (rate 1) (contract §6); smoothness,
# (cost − α·OPT)/OPT against η/OPT with the proven slopes, and the pooled ratio
# against Σ η / Σ OPT (contract §1.4, §9).
import os

import pandas as pd

from succinct_paging.experiments.learned import injected_rows  # learned rows have no error rate
from succinct_paging.experiments.summary import read_summary
from succinct_paging.plotting.family import plot_family, plot_ratio_vs_rate
from succinct_paging.plotting.smoothness import plot_smoothness

family = snakemake.wildcards.family  # noqa: F821
k = int(snakemake.wildcards.k)  # noqa: F821
layout = snakemake.params.layout  # noqa: F821
out = snakemake.output  # noqa: F821

summary = injected_rows(read_summary(snakemake.input.summary))  # noqa: F821
# only this family and k's rows (the figures select them anyway): a read of the
# whole runs table (2.2 M rows in config/paper.yaml) per figure job is what it would cost
runs = injected_rows(pd.read_parquet(snakemake.input.runs,  # noqa: F821
                                     filters=[("trace_family", "==", family), ("k", "==", k)]))
written = plot_family(summary, runs, family, k, os.path.dirname(os.path.abspath(out.smoothness)), layout=layout)
written += plot_smoothness(runs, family, k, os.path.splitext(out.smoothness)[0], layout=layout)
written += plot_ratio_vs_rate(summary, family, k, os.path.splitext(out.ratio_vs_eta)[0], layout=layout, x="eta")

# Fail loudly if the rule's declared outputs and the library's names drift apart.
expected = {os.path.abspath(str(p)) for p in out}
if expected != {os.path.abspath(p) for p in written}:
    raise ValueError(f"plot_family wrote {sorted(written)}, the rule declares {sorted(expected)}")
print("\n".join(written), file=sys.stderr)

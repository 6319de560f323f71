import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)

from succinct_paging.experiments.grid import compute_truth
from succinct_paging.store import load_traces, save_npz

traces = load_traces(snakemake.input[0])  # noqa: F821
k = int(snakemake.wildcards.k)  # noqa: F821
truth = compute_truth(traces, k, exclude_trivial=snakemake.params.exclude_trivial)  # noqa: F821
print(f"k={k}: OPT total {truth['opt'].sum()} over {len(truth['opt'])} instances", file=sys.stderr)
print(f"k={k}: {len(truth['excluded'])} of {len(traces)} instances excluded as trivial "
      f"(at most k distinct pages): {', '.join(truth['excluded'])}", file=sys.stderr)
save_npz(snakemake.output[0], **truth)  # noqa: F821

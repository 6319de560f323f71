import sys

sys.stderr = open(snakemake.log[0], "w")

from succinct_paging.experiments.grid import compute_truth
from succinct_paging.store import load_traces, save_npz

traces = load_traces(snakemake.input[0])
k = int(snakemake.wildcards.k)
truth = compute_truth(traces, k)
print(f"k={k}: OPT total {truth['opt'].sum()} over {len(traces)} instances", file=sys.stderr)
save_npz(snakemake.output[0], **truth)

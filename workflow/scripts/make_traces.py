import json
import sys

sys.stderr = open(snakemake.log[0], "w")

from succinct_paging.experiments.grid import make_family
from succinct_paging.store import save_traces

traces = make_family(
    snakemake.wildcards.family,
    json.loads(snakemake.params.spec),
    snakemake.params.mirror,
    snakemake.params.verify,
    snakemake.params.master_seed,
)
print(f"{snakemake.wildcards.family}: {len(traces)} instances, "
      f"{sum(len(p) for _, p in traces)} requests", file=sys.stderr)
save_traces(snakemake.output[0], traces)

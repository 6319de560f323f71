import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# One trace family as a dense-id .npz (contract §5), with what each trace
# holds: requests, distinct pages and the share of pages requested only once.
import json  # noqa: E402
import warnings  # noqa: E402

from succinct_paging.experiments.grid import make_family  # noqa: E402
from succinct_paging.store import save_traces  # noqa: E402
from succinct_paging.traces import trace_stats  # noqa: E402

family = snakemake.wildcards.family  # noqa: F821
warnings.simplefilter("always")  # every doubtful file gets its own line in the log
traces = make_family(
    family,
    json.loads(snakemake.params.spec),  # noqa: F821
    snakemake.params.mirror,  # noqa: F821
    snakemake.params.verify,  # noqa: F821
    snakemake.params.master_seed,  # noqa: F821
)
for name, pages in traces:
    s = trace_stats(pages)
    print(f"{family}/{name}: {s['requests']} requests, {s['distinct']} distinct pages, "
          f"{s['one_time_share']:.1%} of them requested once", file=sys.stderr)
print(f"{family}: {len(traces)} instances, {sum(len(p) for _, p in traces)} requests", file=sys.stderr)
save_traces(snakemake.output[0], traces)  # noqa: F821

"""Rebuild one real-trace mirror folder from the public sources (contract §5).

Snakemake script: params.family ("brightkite" | "citibike"), optional
params.sources (download folder); output[0] is the family's folder.
"""

import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (injected by Snakemake)

from succinct_paging.traces import fetch_and_cut  # noqa: E402

fetch_and_cut(
    snakemake.params.family,  # noqa: F821
    snakemake.output[0],  # noqa: F821
    source_dir=snakemake.params.get("sources"),  # noqa: F821
)

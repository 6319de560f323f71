import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# The effective configuration of this run (validated, defaults filled in), for
# provenance next to the results: commit and package versions in the comment header,
# paths relative to the repository; keys sorted, so the same config gives the same bytes.
import json

import yaml

from succinct_paging.provenance import header, relative_paths
from succinct_paging.store import atomic_path

root = snakemake.params.repo_root  # noqa: F821
config = relative_paths(json.loads(json.dumps(snakemake.params.config)), root)  # noqa: F821 (plain dicts and lists)
with atomic_path(snakemake.output.yaml) as tmp:  # noqa: F821
    tmp.write_text(header(root) + yaml.safe_dump(config, sort_keys=True, allow_unicode=True, width=100), encoding="utf-8")
print(f"wrote {snakemake.output.yaml}", file=sys.stderr)  # noqa: F821

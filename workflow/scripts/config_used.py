import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# The effective configuration of this run (validated, defaults filled in), for
# provenance next to the results; keys sorted, so the same config gives the same bytes.
import json

import yaml

from succinct_paging.store import atomic_path

config = json.loads(json.dumps(snakemake.params.config))  # noqa: F821 (plain dicts and lists)
header = "# Effective configuration of the run that wrote results/ (rule config_used; defaults filled in).\n"
with atomic_path(snakemake.output.yaml) as tmp:  # noqa: F821
    tmp.write_text(header + yaml.safe_dump(config, sort_keys=True, allow_unicode=True, width=100), encoding="utf-8")
print(f"wrote {snakemake.output.yaml}", file=sys.stderr)  # noqa: F821

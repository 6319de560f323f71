import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# The instances of one k-sweep family at one k with their truth, for the jobs of its seed chunks.
from succinct_paging.experiments.k_sweep import write_truth

p = snakemake.params  # noqa: F821
write_truth(snakemake.output[0], snakemake.wildcards.sweep_family, int(snakemake.wildcards.k),  # noqa: F821
            p.section, p.master_seed)
print(f"k_sweep {snakemake.wildcards.sweep_family} k={snakemake.wildcards.k}: truth written", file=sys.stderr)  # noqa: F821

import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# Copy the gallery figures into docs/figures/ and write a Markdown index of
# them (what the README's "Gallery" section shows).
import os
import shutil

from succinct_paging.plotting.family import gallery_index

for src, dst in zip(snakemake.input, snakemake.output.figures):  # noqa: F821
    os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
    shutil.copyfile(src, dst)
    print(f"{src} -> {dst}", file=sys.stderr)  # noqa: F821
names = [os.path.basename(p) for p in snakemake.output.figures]  # noqa: F821
with open(snakemake.output.index, "w", encoding="utf-8") as fh:  # noqa: F821
    fh.write(gallery_index(names))

import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821
# The answer table and figure of the learned predictors (contract §10).
import pandas as pd

from succinct_paging.experiments.grid import write_runs_csv
from succinct_paging.experiments.learned import answer_table
from succinct_paging.plotting.learned import plot_answer

answer = answer_table(pd.read_parquet(snakemake.input.runs))  # noqa: F821
write_runs_csv(answer, snakemake.output.csv)  # noqa: F821
plot_answer(answer, str(snakemake.output.png)[: -len(".png")], snakemake.params.layout)  # noqa: F821
print(f"{len(answer)} rows", file=sys.stderr)

"""The ``bound`` column uses the k and budget the run used (issue 20 item 6):
k capped at the number of pages, the budget capped at the trace length."""

import numpy as np

from succinct_paging.experiments.grid import compute_truth, run_grid
from succinct_paging.settings import RunSettings


def test_bound_is_evaluated_at_the_capped_k_and_budget():
    rng = np.random.default_rng(4)
    pages = rng.integers(0, 5, size=60)  # 5 pages, k = 12 is capped to 5
    traces = [("t0", pages)]
    truth = compute_truth(traces, 12)
    runs = run_grid("fam", traces, truth, 12, ["followbits", "followbits_robust"], "flip", 0.5, [0], 3,
                    settings=RunSettings(budget_factor=40))
    fb = runs[runs["algorithm"] == "followbits"].iloc[0]
    assert fb["bound"] == fb["opt"] + (5 - 1) * fb["eta0"] + fb["eta1"]  # k − 1 = 4, not 11
    robust = runs[runs["algorithm"] == "followbits_robust"].iloc[0]
    n_phases = int(truth["n_phases"][0])
    assert robust["bound"] == (min(40 * 12, 60) + 5) * n_phases  # budget capped at n = 60, k at 5
    assert (runs["faults"] <= runs["bound"]).all()

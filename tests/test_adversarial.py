"""Adversarial error injection (src/succinct_paging/experiments/adversarial.py).

- At the same number of wrong bits the adversary
  is never better for the algorithm than the random models, checked on small
  inputs against the random model's *exact* mean (every placement enumerated)
  and, with sampled placements, against the reported mean.
- The greedy search against a plain-Python greedy on the reference
  simulators, and the documented case where greedy alone is myopic.
- Bookkeeping (η of each kind) and the proven bound of followbits under the
  adversary.
"""

import itertools

import numpy as np
import pytest

from naive import naive_opt, naive_phase_bits, naive_simulate
from succinct_paging.experiments.adversarial import (
    KINDS,
    _Runner,
    adversarial_curve,
    adversarial_table,
    eligible_positions,
    greedy_placement,
    true_bits,
)

DETERMINISTIC = ["followbits", "followbits_robust", "combine(followbits,lru)"]
RANDOMIZED = ["mark0", "mark_predict"]


def _small_cases(n_cases, seed):
    rng = np.random.default_rng(seed)
    for _ in range(n_cases):
        k = int(rng.integers(2, 5))
        pages = rng.integers(0, int(rng.integers(k + 1, k + 5)), size=int(rng.integers(8, 22)))
        yield pages.astype(np.int64), k


def _exact_random_mean(alg, pages, k, truth, kind, b, seeds):
    runner = _Runner(alg, pages, k, seeds)
    costs = []
    for wrong in itertools.combinations(eligible_positions(truth, kind), b):
        bits = truth.copy()
        bits[list(wrong)] ^= 1
        costs.append(runner.cost(bits))
    return float(np.mean(costs)), max(costs)


@pytest.mark.parametrize("alg", DETERMINISTIC + RANDOMIZED)
def test_adversary_never_better_than_random(alg):
    seeds = tuple(range(16)) if alg in RANDOMIZED else (0,)
    checked = 0
    for pages, k in _small_cases(40 if alg in RANDOMIZED else 80, seed=len(alg)):
        opt, truth, _ = true_bits(alg, pages, k)
        for kind in KINDS:
            m = len(eligible_positions(truth, kind))
            budgets = [b for b in (0, 1, 2, 3) if b <= m]
            # samples large enough that every placement is enumerated: exact means
            exact = adversarial_curve(alg, pages, k, truth, budgets, kind, seeds, samples=10**6)
            sampled = adversarial_curve(alg, pages, k, truth, budgets, kind, seeds, samples=5, rng_seed=3)
            for row_e, row_s in zip(exact, sampled):
                b = row_e["wrong_bits"]
                mean, worst = _exact_random_mean(alg, pages, k, truth, kind, b, seeds)
                assert row_e["random"] == pytest.approx(mean)
                assert row_e["adversarial"] >= mean - 1e-9
                assert row_e["adversarial"] == pytest.approx(worst)  # all placements were seen
                assert row_s["adversarial"] >= row_s["random"] - 1e-9
                assert row_s["adversarial"] <= worst + 1e-9  # it is a real placement
                checked += 1
    assert checked > 100


def test_greedy_alone_is_myopic_documented_case():
    """Why the adversary also keeps the random placements: here no single
    wrong keep costs more than one fault, but some pairs cost two."""
    pages = np.array([2, 0, 2, 0, 1, 0, 2, 2, 1, 0])
    opt, truth, _ = true_bits("followbits", pages, 2)
    path = greedy_placement("followbits", pages, 2, truth, 2, "false_keep")
    mean, worst = _exact_random_mean("followbits", pages, 2, truth, "false_keep", 2, (0,))
    assert path[2][2] == 5 and mean == pytest.approx(5.1) and worst == 6
    row = adversarial_curve("followbits", pages, 2, truth, [2], "false_keep", samples=100)[0]
    assert row["greedy"] == 5 and row["adversarial"] == 6 and row["source"] == "random placement"


def _naive_greedy(alg, pages, k, truth, budget, kind):
    """Plain greedy on the reference simulator: at each step the eligible
    position whose flip maximises the faults (ties: the earliest)."""
    bits = [int(b) for b in truth]
    pool = [t for t in range(len(pages))
            if kind == "flip" or (kind == "false_keep") == (truth[t] == 1)]
    path = [naive_simulate(alg, pages, k, bits)]
    for _ in range(budget):
        if not pool:
            break
        best = None
        for t in pool:
            bits[t] ^= 1
            c = naive_simulate(alg, pages, k, bits)
            bits[t] ^= 1
            if best is None or c > best[0]:
                best = (c, t)
        bits[best[1]] ^= 1
        pool.remove(best[1])
        path.append(best[0])
    return path


@pytest.mark.parametrize("alg", DETERMINISTIC)
def test_greedy_matches_reference(alg):
    for pages, k in _small_cases(30, seed=7):
        pl = pages.tolist()
        truth = np.array(naive_opt(pl, k)[1], dtype=np.uint8)
        assert np.array_equal(truth, true_bits(alg, pages, k)[1])
        for kind in KINDS:
            got = [c for _, _, c in greedy_placement(alg, pages, k, truth, 4, kind)]
            assert got == _naive_greedy(alg, pl, k, truth, 4, kind), dict(pages=pl, k=k, kind=kind)


def test_phase_bits_for_phase_algorithms():
    pages = np.array([0, 1, 2, 0, 3, 1, 2, 4, 0, 1, 3, 2])
    assert true_bits("mark_predict", pages, 3)[1].tolist() == naive_phase_bits(pages.tolist(), 3)


def test_table_bookkeeping_and_followbits_bound():
    rng = np.random.default_rng(9)
    traces = [(f"i{i}", rng.integers(0, 9, size=60)) for i in range(2)]
    df = adversarial_table("fam", traces, 4, ["followbits", "mark0"], [0, 1, 3, 6], seeds=(0, 1), samples=8,
                           max_candidates=20, master_seed=5)
    assert set(df["model"]) == {"adversarial", "random"}
    keep = df[df["kind"] == "false_keep"]
    assert (keep["eta1"] == 0).all() and (keep["eta0"] == keep["wrong_bits"]).all()
    disc = df[df["kind"] == "false_discard"]
    assert (disc["eta0"] == 0).all() and (disc["eta1"] == disc["wrong_bits"]).all()
    at0 = df[df["wrong_bits"] == 0]
    assert (at0["faults"] == at0["opt"]).all()  # true bits: both algorithms are optimal
    for _, g in df.groupby(["instance", "algorithm", "kind", "wrong_bits"]):
        assert len(g) == 2
        assert g.loc[g["model"] == "adversarial", "faults"].item() >= g.loc[g["model"] == "random", "faults"].item() - 1e-9
    fb = df[(df["algorithm"] == "followbits") & (df["model"] == "adversarial")]
    assert (fb["faults"] <= fb["bound"] + 1e-9).all()  # (1, k-1, 1) under the adversary
    with pytest.raises(ValueError, match="reads no bits"):
        greedy_placement("lru", traces[0][1], 4, np.zeros(60, np.uint8), 1)

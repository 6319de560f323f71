"""The adaptive lower-bound adversaries of contract §4 (succinct_paging.proofs.lower_bounds)
and their figure."""

import numpy as np
import pandas as pd
import pytest

import succinct_paging as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from succinct_paging.proofs.lower_bounds import (COLUMNS, FAMILIES, STEPPED, Tracker, adversary, lower_bound_table,
                                                 read_table, write_table)
from succinct_paging.plotting.proofs import identical_groups, plot_lower_bounds
from succinct_paging.settings import RunSettings

KS = range(2, 17)
DETERMINISTIC = ["followbits", "followbits_robust", "combine(followbits,lru)", "lru", "fifo"]


@pytest.mark.parametrize("rounds", [1, 5, 30])
def test_lb_keep_is_tight_for_followbits(rounds):
    """(k−1)·(η0 − 1) ≤ cost − OPT ≤ (k−1)·η0 for every k = 2 … 16 — in fact
    cost − OPT = (k−1)·η0 exactly, with η0 = rounds and η1 = 0."""
    for k in KS:
        r = adversary("lb_keep", "followbits", k, rounds)
        gap = r["cost"] - r["opt"]
        assert (k - 1) * (r["eta0"] - 1) <= gap <= (k - 1) * r["eta0"], (k, r)
        assert r["eta1"] == 0 and set(r["bits"][:-k].tolist()) == {0}
        assert (r["cost"], r["opt"], r["eta0"]) == (k * (rounds + 1), k + rounds, rounds)
        assert gap == (k - 1) * r["eta0"]


@pytest.mark.parametrize("rounds", [1, 5, 30])
def test_lb_discard_is_tight_for_followbits(rounds):
    """η1 − 1 ≤ cost − OPT ≤ η1 with η0 = 0, for every k = 2 … 16 (each wrong
    discard bit costs exactly one fault)."""
    for k in KS:
        r = adversary("lb_discard", "followbits", k, rounds)
        gap = r["cost"] - r["opt"]
        assert r["eta0"] == 0
        assert r["eta1"] - 1 <= gap <= r["eta1"], (k, r)
        assert (r["cost"], r["opt"], r["eta1"]) == (k + 2 * rounds, k + rounds, rounds)


@pytest.mark.parametrize("algorithm", DETERMINISTIC)
def test_lb_all_ones_every_request_faults(algorithm):
    """Every request is the page missing from the cache: cost = n, and with
    all bits 1, cost − OPT = η1; cost/OPT tends to k (α + (k−1)γ ≥ k)."""
    for k in (2, 3, 5, 8):
        r = adversary("lb_all_ones", algorithm, k, 40)
        assert r["cost"] == r["n"] == k * 41
        assert r["eta0"] == 0 and r["cost"] - r["opt"] == r["eta1"]
        assert r["opt"] <= k + 40  # LFD on k+1 pages: one fault per k requests
        assert len(set(r["pages"].tolist())) == k + 1


@pytest.mark.parametrize("algorithm", DETERMINISTIC)
def test_adversaries_force_a_fault_on_every_chosen_request(algorithm):
    """Adaptivity: on lb_keep every request after the warm-up and before the
    closing pass faults (it is the page just evicted, or a fresh page); the
    closing pass only hits; the trace's cost is the kernel's cost."""
    for k in (2, 3, 6):
        r = adversary("lb_keep", algorithm, k, 8)
        n_close = k
        assert r["cost"] == r["n"] - n_close
        assert r["cost"] == sp.simulate(algorithm, r["pages"], k, r["bits"])
        d = adversary("lb_discard", algorithm, k, 8)
        assert d["cost"] == sp.simulate(algorithm, d["pages"], k, d["bits"])
        assert d["cost"] >= k + 2 * 8  # fresh page and the evicted page fault in every round


def test_adversary_depends_on_the_algorithm():
    """The sequence is built against the algorithm: FIFO and LRU are evicted
    differently on lb_discard, so their traces differ, and each faults on
    the page it evicted."""
    a = adversary("lb_discard", "lru", 4, 6)
    b = adversary("lb_discard", "fifo", 4, 6)
    assert not np.array_equal(a["pages"], b["pages"])


def test_probing_agrees_with_recorded_evictions():
    """combine's cache is found by probing; for base algorithms both ways
    must give the same trace."""
    for fam in FAMILIES:
        for alg in ("followbits", "followbits_robust", "lru", "fifo"):
            for k in (2, 3, 5):
                a = adversary(fam, alg, k, 6, method="kernel")
                b = adversary(fam, alg, k, 6, method="probe")
                assert np.array_equal(a["pages"], b["pages"]) and np.array_equal(a["bits"], b["bits"])


STEPPED_IDS = list(STEPPED) + [f"combine({a},{b})" for a in STEPPED for b in STEPPED if a != b]


@pytest.mark.parametrize("algorithm", STEPPED_IDS)
def test_step_by_step_adversary_equals_the_kernel_reruns(algorithm):
    """The incremental adversary (plain-Python step-by-step simulation)
    builds exactly the trace of the O(n²) reference that reruns the numba
    kernel on every prefix, on every family, with several budgets."""
    for fam in FAMILIES:
        for k in (2, 3, 5):
            for budget in (None, 1, k + 1):
                a = adversary(fam, algorithm, k, 7, RunSettings(fixed_budget=budget))
                b = adversary(fam, algorithm, k, 7, RunSettings(fixed_budget=budget), method="kernel")
                assert np.array_equal(a["pages"], b["pages"]) and np.array_equal(a["bits"], b["bits"])
                assert (a["cost"], a["opt"], a["eta0"], a["eta1"]) == (b["cost"], b["opt"], b["eta0"], b["eta1"])


@settings(max_examples=60, deadline=None)
@given(data=st.data(), algorithm=st.sampled_from(STEPPED_IDS), k=st.integers(1, 4),
       budget=st.integers(1, 6), switch=st.sampled_from([1.0, 1.5, 2.0]))
def test_stepper_evictions_equal_the_kernel_on_any_sequence(data, algorithm, k, budget, switch):
    """On arbitrary pages and bits, the stepper's cache after every request
    and its total cost equal the kernel's (cache found by probing the kernel
    on the prefix: a page is cached iff requesting it adds no fault)."""
    n = data.draw(st.integers(1, 30))
    pages = data.draw(st.lists(st.integers(0, k + 2), min_size=n, max_size=n))
    bits = data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    step = Tracker(algorithm, k, RunSettings(switch_factor=switch, fixed_budget=budget), method="step")
    ref = Tracker(algorithm, k, RunSettings(switch_factor=switch, fixed_budget=budget), method="probe")
    for p, b in zip(pages, bits):
        assert step.request(p, b) == ref.request(p, b)
        assert step.cache == ref.cache and step.cost == ref.cost
    assert step.cost == sp.simulate(algorithm, pages, k, bits, budget=budget, switch_factor=switch)


def test_ratio_tends_to_k_with_rounds():
    """With 1000 rounds the ratio on lb_keep and lb_all_ones is within a few
    percent of k, and grows with the number of rounds (the table's rounds
    column)."""
    table = lower_bound_table(["lb_keep", "lb_all_ones"], ["followbits", "lru"], [2, 8, 16], [10, 100, 1000])
    assert list(table.columns) == COLUMNS and sorted(set(table["rounds"])) == [10, 100, 1000]
    for (fam, alg, k), g in table.groupby(["family", "algorithm", "k"]):
        ratio = (g.sort_values("rounds")["cost"] / g.sort_values("rounds")["opt"]).to_numpy()
        assert np.all(np.diff(ratio) > 0) and ratio[-1] <= k, (fam, alg, k, ratio)
        assert ratio[-1] >= 0.98 * k, (fam, alg, k, ratio)
    keep = table[(table["family"] == "lb_keep") & (table["algorithm"] == "followbits")]
    for row in keep.itertuples():
        assert row.cost == row.k * (row.rounds + 1) and row.opt == row.k + row.rounds


def test_identical_algorithms_are_grouped():
    """The figure draws algorithms with identical rows once: on lb_all_ones
    every algorithm faults on every request of the same trace."""
    table = lower_bound_table(["lb_all_ones", "lb_discard"], ["followbits", "lru", "fifo"], [3, 4], [2, 5])
    groups = identical_groups(table[table["family"] == "lb_all_ones"])
    assert sorted(map(sorted, groups)) == [["fifo", "followbits", "lru"]]
    discard = table[table["family"] == "lb_discard"]
    for g in identical_groups(discard):
        rows = [discard[discard["algorithm"] == a][["cost", "opt", "eta0", "eta1"]].to_numpy() for a in g]
        assert all(np.array_equal(rows[0], r) for r in rows[1:])


def test_reference_run_k8():
    """contract §4's reference run (k = 8, R = 30) gives OPT 38 and η0 = 30 as
    stated, but cost 248, not 242: warm-up k faults + k per round, each round
    being the fresh page and the k−1 evicted pages. 248 − 38 = 210 =
    (k−1)·η0, the upper end of the stated range."""
    r = adversary("lb_keep", "followbits", 8, 30)
    assert (r["cost"], r["opt"], r["eta0"], r["eta1"]) == (248, 38, 30, 0)


def test_without_closing_pass_eta0_equals_opt():
    """Why the closing pass exists: with all-0 bits η0 = OPT identically
    (every true 1-bit is matched by one LFD fault), so the trace without the
    closing pass misses the lower half of the tightness claim."""
    r = adversary("lb_keep", "followbits", 5, 10)
    k = 5
    pages, bits = r["pages"][:-k], np.zeros(len(r["pages"]) - k, dtype=np.uint8)
    opt, truth = sp.discard_bits(pages, k)
    eta0 = int(((bits == 0) & (truth == 1)).sum())
    assert eta0 == opt
    cost = sp.simulate("followbits", pages, k, bits)
    assert cost - opt < (k - 1) * (eta0 - 1)


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="deterministic"):
        adversary("lb_keep", "marker", 3, 2)
    with pytest.raises(ValueError, match="opt"):
        adversary("lb_keep", "opt", 3, 2)
    with pytest.raises(ValueError, match="lb_nope"):
        adversary("lb_nope", "lru", 3, 2)
    with pytest.raises(ValueError, match="k >= 2"):
        adversary("lb_keep", "lru", 1, 2)


def test_table_roundtrip_and_determinism(tmp_path):
    t1 = lower_bound_table(FAMILIES, ["followbits", "combine(followbits, lru)"], [2, 3], [2, 4])
    t2 = lower_bound_table(FAMILIES, ["followbits", "combine(followbits, lru)"], [2, 3], [2, 4])
    assert list(t1.columns) == COLUMNS and len(t1) == 3 * 2 * 2 * 2
    assert set(t1["algorithm"]) == {"followbits", "combine(followbits,lru)"}
    pd.testing.assert_frame_equal(t1, t2)
    write_table(t1, tmp_path / "lb.csv")
    pd.testing.assert_frame_equal(read_table(tmp_path / "lb.csv"), t1, check_dtype=False)


def test_figure_is_written_reproducibly(tmp_path):
    table = lower_bound_table(FAMILIES, ["followbits", "lru"], [2, 4, 8], [3, 6])
    p1 = plot_lower_bounds(table, tmp_path / "a" / "lower_bounds")
    p2 = plot_lower_bounds(table, tmp_path / "b" / "lower_bounds")
    assert [p.rsplit(".", 1)[1] for p in p1] == ["pdf", "png"]
    for x, y in zip(p1, p2):
        assert open(x, "rb").read() == open(y, "rb").read()
    assert b"CreationDate" not in open(p1[0], "rb").read()

"""Robustness under stress (issue 20 item 2): the k-sweep family hot_set,
the robustness table, and combine's bound checked run by run."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from succinct_paging.bounds import combine_bound, combine_factor
from succinct_paging.experiments.k_sweep import HOT_REPEAT, hot_set, make_instances, n_pages, pooled, run_job
from succinct_paging.experiments.robustness import COLUMNS, robustness_table
from succinct_paging.simulation import simulate
from succinct_paging.truth import setup_instance

SECTION = {
    "phases": 60, "phases_per_k": 0, "instances": 1, "seeds": 3,
    "errors": [{"model": "flip", "rate": 0.0}, {"model": "flip", "rate": 1.0}, {"model": "soon", "rate": 0.5}],
    "algorithms": ["lru", "marker", "followbits", "followbits_robust", "mark0", "mark0_eager", "mark_predict",
                   "combine(followbits,lru)", "combine(mark0,marker)"],
}
KS = (3, 4, 8, 16)


def test_hot_set_trace():
    pages = hot_set(5, 4)
    round_ = [0, 1, 2] * HOT_REPEAT
    assert pages.tolist() == (round_ + [3] + round_ + [4] + round_ + [5] + round_ + [6] + round_ + [7])
    assert n_pages("hot_set", 4) == 8
    (name, p), = make_instances("hot_set", 6, 30, 5, 0)
    assert name == "hot_set-k6" and len(p) == 30 * (HOT_REPEAT * 5 + 1) and p.max() == 11
    inst = setup_instance(p, 6)
    assert inst.n_phases == 30  # one k-phase per round
    assert inst.opt == 6 + 29  # cold start, then one fault per round


@pytest.fixture(scope="module")
def runs():
    return pd.concat([run_job("hot_set", k, SECTION, 7) for k in KS], ignore_index=True)


def test_wrong_bits_cost_followbits_and_mark0_three_times_their_fallback(runs):
    pool = pooled(runs).set_index(["k", "algorithm", "error_model", "rate"])["ratio"]
    for k in KS:
        lru = pooled(runs[(runs["k"] == k) & (runs["algorithm"] == "lru")])["ratio"].iloc[0]
        marker = pooled(runs[(runs["k"] == k) & (runs["algorithm"] == "marker")])["ratio"].iloc[0]
        assert lru < 1.05  # LRU is as good as OPT here
        assert pool[(k, "followbits", "flip", 1.0)] >= 3 * lru, k
        assert pool[(k, "mark0", "flip", 1.0)] >= 3 * marker, k
        assert pool[(k, "followbits", "flip", 0.0)] == 1.0  # perfect bits: OPT


def test_robust_variants_hold_their_bounds_and_act(runs):
    table = robustness_table(runs)
    assert list(table.columns) == COLUMNS
    robust = table[table["algorithm"] == "followbits_robust"]
    assert (robust["worst_over_bound"] <= 1.0).all()
    comb = table[table["algorithm"].str.startswith("combine(")]
    assert (comb["worst_over_bound"] <= 1.0).all() and comb["worst_over_bound"].notna().all()
    assert (comb["worst_over_min_parts"] <= combine_factor(2.0)).all()
    flipped = table[(table["error_model"] == "flip") & (table["rate"] == 1.0)].set_index(["k", "algorithm"])
    for k in KS:
        # the phase budget acts from k = 3 on; the combiners stay near their fallback
        assert flipped.loc[(k, "followbits_robust"), "ratio"] < flipped.loc[(k, "followbits"), "ratio"]
        assert flipped.loc[(k, "combine(followbits,lru)"), "times_fallback"] < 1.5
        assert flipped.loc[(k, "combine(mark0,marker)"), "times_fallback"] < 1.5
        assert flipped.loc[(k, "mark_predict"), "ratio_over_h_k"] < 2


@settings(max_examples=150, deadline=None)
@given(k=st.integers(1, 4), data=st.data())
def test_combine_never_exceeds_its_derived_bound(k, data):
    n_pages_ = data.draw(st.integers(k + 1, k + 4))
    pages = np.array(data.draw(st.lists(st.integers(0, n_pages_ - 1), min_size=1, max_size=60)))
    bits = np.array(data.draw(st.lists(st.integers(0, 1), min_size=len(pages), max_size=len(pages))))
    s = data.draw(st.sampled_from([1.5, 2.0, 3.0]))
    a = simulate("followbits", pages, k, bits)
    b = simulate("lru", pages, k, bits)
    c = simulate("combine(followbits,lru)", pages, k, bits, switch_factor=s)
    assert c <= combine_bound(min(a, b), k, s)


def test_combine_bound_arithmetic():
    assert combine_factor(2.0) == 5.0 and combine_factor(3.0) == 5.5
    assert combine_bound(0, 4) == 2.0 + 4 * 1
    assert combine_bound(10, 4) == 50 + 2 + 4 * (1 + 4)  # log2(21) = 4.39
    with pytest.raises(ValueError, match="switch_factor"):
        combine_factor(1.0)

"""Learned predictors (contract §10; src/succinct_paging/kernels/learned.py,
the registry entries of src/succinct_paging/bitsources.py,
src/succinct_paging/experiments/learned.py).

- Past-only for every registered learned predictor (hypothesis): the
  predictions made on pages[:m] are the first m made on pages.
- Every kernel equals its plain-Python twin in tests/naive_learned.py.
- OPTgen with an unbounded window labels exactly OPT's hits as "kept".
- The first version's predictors keep their rules; logistic learns the
  obvious cases.
- learned_runs rows and the answer table agree with simulate().
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import naive_learned as naive
import succinct_paging as sp
from strategies import pages_and_k
from succinct_paging.bitsources import learned_ids, predictions
from succinct_paging.experiments.grid import compute_truth, run_grid
from succinct_paging.experiments.learned import answer_table, learned_runs, predict_bits, target_check
from succinct_paging.kernels import learned as L
from succinct_paging.truth import run_opt


class View:
    """What a learned source reads: pages, N, k."""

    def __init__(self, pages, n_pages, k):
        self.pages, self.n_pages, self.k = pages, n_pages, k

    @property
    def n(self):
        return int(self.pages.shape[0])


def _dense(pages):
    pages = np.asarray(pages, dtype=np.int64)
    return pages, int(pages.max()) + 1 if pages.size else 1


@pytest.mark.parametrize("source", learned_ids())
@settings(max_examples=60, deadline=None)
@given(case=pages_and_k(max_k=6, max_len=120), cut=st.integers(1, 120))
def test_every_learned_predictor_sees_only_the_past(source, case, cut):
    pages, k = case
    pages, n_pages = _dense(pages)
    m = min(cut, len(pages))
    params = {"window_per_k": 2} if "window_per_k" in sp.bitsources.get(source).params else None
    full = predictions(source, View(pages, n_pages, k), params=params)
    prefix = predictions(source, View(pages[:m], n_pages, k), params=params)
    assert set(full) == set(prefix) == set(sp.bitsources.get(source).kinds)
    for kind in full:
        assert np.array_equal(prefix[kind], full[kind][:m]), kind


@settings(max_examples=80, deadline=None)
@given(case=pages_and_k(max_k=6, max_len=80))
def test_optgen_unbounded_window_counts_opt_hits(case):
    pages, k = case
    pages, n_pages = _dense(pages)
    k = min(k, n_pages)
    opt, _ = run_opt(pages, n_pages, k)
    labels = L.optgen_labels(pages, n_pages, k, len(pages) + 1)
    assert int((labels == 0).sum()) == len(pages) - opt
    assert labels.tolist() == naive.optgen_labels(pages.tolist(), k, len(pages) + 1)


@settings(max_examples=60, deadline=None)
@given(case=pages_and_k(max_k=6, max_len=80), window=st.integers(1, 12))
def test_optgen_window_labels_equal_reference(case, window):
    pages, k = case
    pages, n_pages = _dense(pages)
    assert L.optgen_labels(pages, n_pages, k, window).tolist() == naive.optgen_labels(pages.tolist(), k, window)


@pytest.mark.parametrize("labeler,learner", [("lru", "logistic"), ("lru", "counters"), ("optgen", "counters"),
                                             ("optgen", "logistic")])
@settings(max_examples=40, deadline=None)
@given(case=pages_and_k(max_k=6, max_len=100), window=st.integers(1, 20), threshold=st.integers(0, 31),
       late=st.booleans(), history=st.integers(0, 2))
def test_online_loop_equals_reference(labeler, learner, case, window, threshold, late, history):
    pages, k = case
    pages, n_pages = _dense(pages)
    dist, cnt = L.reuse_features(pages, n_pages)
    bits = L.online_bits(pages, n_pages, k, {"lru": 0, "optgen": 1}[labeler], {"logistic": 0, "counters": 1}[learner],
                         window, threshold, 0.05, dist, cnt, late, history)
    expect = naive.online_bits(pages.tolist(), k, labeler, learner, window, threshold, 0.05, late, history)
    assert bits.tolist() == expect


@settings(max_examples=60, deadline=None)
@given(case=pages_and_k(max_k=6, max_len=100))
def test_arrival_predictors_and_their_bits_equal_reference(case):
    pages, k = case
    pages, n_pages = _dense(pages)
    plist = pages.tolist()
    assert L.popu_kernel(pages, n_pages).tolist() == naive.popu(plist)
    pl = L.pleco_kernel(pages, n_pages, 30, 5)
    assert pl.tolist() == naive.pleco(plist, 30, 5)
    discard, phase = L.online_arrival_bits(pages, n_pages, k, pl)
    assert (discard.tolist(), phase.tolist()) == naive.online_arrival_bits(plist, k, pl.tolist())


def test_reuse_features_and_first_version_rules():
    rng = np.random.default_rng(0)
    for seed in range(30):
        n_pages = int(rng.integers(2, 20))
        pages = rng.integers(0, n_pages, 120).astype(np.int64)
        k = int(rng.integers(1, 6))
        dist, cnt = L.reuse_features(pages, n_pages)
        nd, nc = naive.reuse_features(pages.tolist())
        assert dist.tolist() == nd and cnt.tolist() == nc
        lru_faults = []
        cache = []
        for p in pages.tolist():  # lru_miss = "this request is an LRU fault"
            lru_faults.append(0 if p in cache else 1)
            if p in cache:
                cache.remove(p)
            elif len(cache) == k:
                cache.pop(0)
            cache.append(p)
        assert predict_bits("lru_miss", pages, n_pages, k).tolist() == lru_faults
        assert predict_bits("frequency", pages, n_pages, k, min_count=3).tolist() == [int(c < 3) for c in nc]


def test_logistic_learns_obvious_patterns():
    k = 5
    scan = np.array([i % (k + 1) for i in range(3000)], dtype=np.int64)
    assert predict_bits("logistic", scan, k + 1, k)[500:].all()  # every reuse distance is k
    small = np.random.default_rng(1).integers(0, k - 1, size=3000).astype(np.int64)
    assert not predict_bits("logistic", small, k - 1, k)[500:].any()  # the working set fits


def test_optgen_learns_a_scan_is_averse_and_a_small_set_friendly():
    k = 5
    scan = np.array([i % (3 * k) for i in range(3000)], dtype=np.int64)
    bits = predictions("optgen", View(scan, 3 * k, k))["discard"]
    assert bits[1000:].mean() > 0.5  # OPT keeps only k-1 of 3k pages of a cycle
    small = np.random.default_rng(1).integers(0, k - 1, size=3000).astype(np.int64)
    assert not predictions("optgen", View(small, k - 1, k))["discard"][500:].any()
    for history in (0, 1, 2):  # with or without the page's latest labels in its context
        assert predictions("optgen", View(scan, 3 * k, k), params={"history": history})["discard"][1000:].mean() > 0.5


def test_optgen_history_out_of_range_names_the_parameter():
    pages = np.arange(10, dtype=np.int64) % 3
    with pytest.raises(ValueError, match="params.history must be in 0"):
        predictions("optgen", View(pages, 3, 2), params={"history": 3})


def test_learned_runs_and_answer_table():
    rng = np.random.default_rng(5)
    traces = [(f"i{s}", rng.integers(0, 25, 400).astype(np.int64)) for s in range(3)]
    k = 4
    truth = compute_truth(traces, k)
    base = run_grid("fam", traces, truth, k, ["opt", "lru", "marker"], "none", None, [0, 1], 3)
    algs = ["followbits", "followbits_robust", "combine(followbits,lru)", "mark_predict", "blind_oracle"]
    one = learned_runs("fam", traces, truth, k, "optgen", algs, [0, 1], 3)
    full = learned_runs("fam", traces, truth, k, "popu", algs, [0, 1], 3)
    assert set(one["algorithm"]) == {"followbits", "followbits_robust", "combine(followbits,lru)"}
    assert set(full["algorithm"]) == set(algs)
    assert one["rate"].isna().all() and set(one["error_model"]) == {"optgen"}
    for name, pages in traces:  # rows equal simulate() on the predictor's bits, η against the truth
        bits = predictions("optgen", View(pages, 25, k))["discard"]
        row = one[(one["instance"] == name) & (one["algorithm"] == "followbits") & (one["seed"] == 0)].iloc[0]
        assert row["faults"] == sp.simulate("followbits", pages, k, bits=bits)
        _, true = sp.discard_bits(pages, k)
        assert (row["eta0"], row["eta1"]) == sp.count_errors(bits, true)
    answer = answer_table(pd.concat([base, one, full], ignore_index=True))
    lru = answer[(answer["predictor"] == "none") & (answer["algorithm"] == "lru")].iloc[0]
    opt = answer[(answer["predictor"] == "none") & (answer["algorithm"] == "opt")].iloc[0]
    assert lru["faults"] == sum(sp.simulate("lru", p, k) for _, p in traces)
    assert lru["lru_excess_removed"] == 0 and opt["lru_excess_removed"] == 1
    fb = answer[(answer["predictor"] == "optgen") & (answer["algorithm"] == "followbits")].iloc[0]
    assert math.isclose(fb["lru_excess_removed"], (lru["faults"] - fb["faults"]) / (lru["faults"] - opt["faults"]))
    assert math.isclose(fb["hit_ratio"], 1 - fb["faults"] / 1200)
    check = target_check(answer)
    assert set(check["predictor"]) == {"optgen", "popu"} and (check["cases"] == 1).all()
    with pytest.raises(ValueError, match="reads the truth"):
        learned_runs("fam", traces, truth, k, "flip", algs, [0], 3)

"""Learned one-bit predictors (src/succinct_paging/experiments/learned.py).

- They see only the past: the bits of a prefix of a trace are the prefix of
  the bits of the whole trace, for every predictor.
- Reuse distances and the lru_miss rule against plain-Python references.
- The logistic model learns the obvious cases (a cyclic scan of k+1 pages is
  all 1; a working set smaller than k is all 0).
- The table: true bits give OPT with η = 0, baselines match simulate().
"""

import numpy as np
import pytest

import succinct_paging as sp
from succinct_paging.experiments.learned import PREDICTORS, _reuse_features, learned_table, predict_bits


def _case(seed, n=300):
    rng = np.random.default_rng(seed)
    n_pages = int(rng.integers(2, 30))
    w = 1.0 / np.arange(1, n_pages + 1) ** rng.uniform(0, 1.5)
    return rng.choice(n_pages, size=n, p=w / w.sum()).astype(np.int64), n_pages, int(rng.integers(1, 8))


def _naive_reuse(pages):
    dist, cnt = [], []
    for t, p in enumerate(pages):
        prev = [s for s in range(t) if pages[s] == p]
        cnt.append(len(prev))
        dist.append(-1 if not prev else len(set(pages[prev[-1] + 1:t]) - {p}))
    return dist, cnt


def _naive_lru_faults(pages, k):
    cache, out = [], []
    for p in pages:
        if p in cache:
            cache.remove(p)
            out.append(0)
        else:
            out.append(1)
            if len(cache) == k:
                cache.pop(0)
        cache.append(p)
    return out


@pytest.mark.parametrize("predictor", PREDICTORS)
def test_predictors_see_only_the_past(predictor):
    for seed in range(30):
        pages, n_pages, k = _case(seed)
        full = predict_bits(predictor, pages, n_pages, k)
        for m in (1, 17, 150, 299):
            assert np.array_equal(predict_bits(predictor, pages[:m], n_pages, k), full[:m])


def test_reuse_distances_and_lru_miss_rule():
    for seed in range(40):
        pages, n_pages, k = _case(seed, n=120)
        dist, cnt = _reuse_features(pages, n_pages)
        nd, nc = _naive_reuse(pages.tolist())
        assert dist.tolist() == nd and cnt.tolist() == nc
        # lru_miss = "this request is an LRU fault"
        assert predict_bits("lru_miss", pages, n_pages, k).tolist() == _naive_lru_faults(pages.tolist(), k)


def test_logistic_learns_obvious_patterns():
    k = 5
    scan = np.array([i % (k + 1) for i in range(3000)], dtype=np.int64)
    bits = predict_bits("logistic", scan, k + 1, k)
    assert bits[500:].all()  # every reuse distance is k: LRU always misses
    small = np.random.default_rng(1).integers(0, k - 1, size=3000).astype(np.int64)
    bits = predict_bits("logistic", small, k - 1, k)
    assert not bits[500:].any()  # the working set fits: nothing is ever evicted


def test_learned_table_references():
    traces = [(f"i{s}", _case(s, n=400)[0]) for s in range(4)]
    algs = ["lru", "marker", "followbits", "mark0", "combine(followbits,lru)"]
    df = learned_table([("fam", 4, traces)], list(PREDICTORS), algs, [0, 1], master_seed=3)
    assert set(df["predictor"]) == {"none", "perfect", *PREDICTORS}
    perfect = df[df["predictor"] == "perfect"]
    assert (perfect["ratio"] == 1).all() and (perfect["eta0"] == 0).all() and (perfect["eta1"] == 0).all()
    lru = df[(df["predictor"] == "none") & (df["algorithm"] == "lru")].iloc[0]
    assert lru["faults"] == sum(sp.simulate("lru", p, 4) for _, p in traces)
    assert lru["opt"] == sum(int(sp.discard_bits(p, 4)[0]) for _, p in traces)
    rows = df[df["predictor"].isin(PREDICTORS)]
    assert (rows["ratio"] >= 1).all() and rows["eta0"].notna().all()
    with pytest.raises(ValueError, match="discard bits"):
        learned_table([("fam", 4, traces)], ["lru_miss"], ["mark_predict"], [0], 1)

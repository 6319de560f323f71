"""Learned one-bit predictors that see only the past.

Each predictor reads the requests up to and including ``t`` and outputs a
discard bit for request ``t`` (1 = "safe to discard", contract §1.2). None of
them looks at the future, so none can learn from the true (LFD) bits: those
depend on requests after ``t``, some of them far after the page's next
request. They learn from an *online proxy label* instead: whether LRU with
the same cache size ``k`` evicts the page before its next request. That
label is revealed online, at the latest when LRU evicts the page (label 1) or
when the page is requested again while still in LRU's cache (label 0), and
it is the same as "k or more distinct other pages are requested before the
page returns" (reuse distance >= k).

Predictors (ids of the ``predictor`` column):

- ``lru_miss``: bit 1 iff this request is an LRU miss (the page's last reuse
  distance was >= k, or it is the page's first request): "this page will
  come back as late as it did last time". A recency rule with threshold k.
- ``frequency``: bit 1 iff the page has been requested fewer than
  ``min_count`` times before (rare pages are safe to discard).
- ``logistic``: online logistic regression on reuse features (first request,
  last reuse distance / k, whether it was >= k, log of the request count,
  the page's running mean of its revealed labels), trained by one SGD step
  per revealed proxy label; bit 1 iff the predicted probability is > 1/2.

All are O(log n) per request (a Fenwick tree gives reuse distances).
"""

import math

import numpy as np
import pandas as pd
from numba import njit

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.bounds import robust_budget
from succinct_paging.errors import count_errors
from succinct_paging.seeds import derive_seed
from succinct_paging.simulation import run_parsed
from succinct_paging.truth import setup_instance

PREDICTORS = ("lru_miss", "frequency", "logistic")

_N_FEATURES = 6


@njit(cache=True)
def _reuse_features(pages, n_pages):
    """Per request: previous request count of its page and its reuse
    distance (distinct other pages since its previous request; -1 on a first
    request). Fenwick tree over time marking each page's latest request."""
    n = pages.shape[0]
    tree = np.zeros(n + 1, dtype=np.int64)
    last = np.full(n_pages, -1, dtype=np.int64)
    count = np.zeros(n_pages, dtype=np.int64)
    dist = np.empty(n, dtype=np.int64)
    cnt = np.empty(n, dtype=np.int64)
    for t in range(n):
        p = pages[t]
        s = last[p]
        cnt[t] = count[p]
        if s < 0:
            dist[t] = -1
        else:
            # marks in (s, t): prefix(t - 1) - prefix(s)
            total = 0
            i = t  # 1-based prefix up to index t-1
            while i > 0:
                total += tree[i]
                i -= i & (-i)
            i = s + 1
            while i > 0:
                total -= tree[i]
                i -= i & (-i)
            dist[t] = total
            i = s + 1
            while i <= n:
                tree[i] -= 1
                i += i & (-i)
        i = t + 1
        while i <= n:
            tree[i] += 1
            i += i & (-i)
        last[p] = t
        count[p] += 1
    return dist, cnt


@njit(cache=True)
def _logistic_bits(pages, n_pages, k, dist, cnt, learning_rate):
    """Online logistic regression on the LRU proxy label; see the module."""
    n = pages.shape[0]
    bits = np.empty(n, dtype=np.uint8)
    w = np.zeros(_N_FEATURES)
    feats = np.zeros((n, _N_FEATURES))
    label_sum = np.zeros(n_pages)
    label_cnt = np.zeros(n_pages)
    # LRU of size k over pages, as a doubly linked list (head = least recent)
    prev = np.full(n_pages, -1, dtype=np.int64)
    nxt = np.full(n_pages, -1, dtype=np.int64)
    in_lru = np.zeros(n_pages, dtype=np.bool_)
    pending = np.full(n_pages, -1, dtype=np.int64)  # request whose label is unrevealed
    head = -1
    tail = -1
    size = 0
    for t in range(n):
        p = pages[t]
        x = feats[t]
        x[0] = 1.0
        if dist[t] < 0:
            x[1] = 1.0
        else:
            x[2] = min(dist[t], 4 * k) / k
            x[3] = 1.0 if dist[t] >= k else 0.0
        x[4] = math.log1p(cnt[t]) / 5.0
        x[5] = (label_sum[p] + 0.5) / (label_cnt[p] + 1.0)
        z = 0.0
        for j in range(_N_FEATURES):
            z += w[j] * x[j]
        bits[t] = 1 if z > 0.0 else 0
        # reveal labels: p hit in LRU -> label 0 for its pending request
        if in_lru[p]:
            s = pending[p]
            if s >= 0:
                _sgd(w, feats[s], 0.0, learning_rate)
                label_cnt[p] += 1.0
            a = prev[p]
            b = nxt[p]
            if a >= 0:
                nxt[a] = b
            else:
                head = b
            if b >= 0:
                prev[b] = a
            else:
                tail = a
            size -= 1
        elif size == k:
            v = head  # LRU evicts v: label 1 for its pending request
            s = pending[v]
            if s >= 0:
                _sgd(w, feats[s], 1.0, learning_rate)
                label_sum[v] += 1.0
                label_cnt[v] += 1.0
                pending[v] = -1
            head = nxt[v]
            if head >= 0:
                prev[head] = -1
            else:
                tail = -1
            in_lru[v] = False
            size -= 1
        # append p as most recent
        prev[p] = tail
        nxt[p] = -1
        if tail >= 0:
            nxt[tail] = p
        else:
            head = p
        tail = p
        in_lru[p] = True
        size += 1
        pending[p] = t
    return bits


@njit(cache=True, inline="always")
def _sgd(w, x, y, lr):
    z = 0.0
    for j in range(w.shape[0]):
        z += w[j] * x[j]
    if z >= 0:
        prob = 1.0 / (1.0 + math.exp(-z))
    else:
        e = math.exp(z)
        prob = e / (1.0 + e)
    g = y - prob
    for j in range(w.shape[0]):
        w[j] += lr * g * x[j]


def predict_bits(predictor, pages, n_pages, k, min_count=2, learning_rate=0.05):
    """Discard bits of ``predictor`` (one of :data:`PREDICTORS`) on validated
    input (dense int64 ``pages``). Uses requests ``<= t`` only for bit ``t``."""
    dist, cnt = _reuse_features(pages, n_pages)
    if predictor == "lru_miss":
        return ((dist < 0) | (dist >= k)).astype(np.uint8)
    if predictor == "frequency":
        return (cnt < min_count).astype(np.uint8)
    if predictor == "logistic":
        return _logistic_bits(pages, n_pages, k, dist, cnt, float(learning_rate))
    raise ValueError(f"unknown predictor {predictor!r}; allowed: {', '.join(PREDICTORS)}")


def learned_table(family_traces, predictors, algorithms, replicates, master_seed, min_count=2,
                  learning_rate=0.05, budget_factor=2, switch_factor=2.0, progress=None):
    """Pooled table: one row per (family, k, predictor, algorithm).

    ``family_traces``: list of ``(family, k, traces)``. For each predictor
    (and the references ``perfect`` = true bits, ``none`` = prediction-free
    algorithms) the bits are computed per instance; every discard-bit
    algorithm runs on them. Columns: ``trace_family, k, predictor,
    algorithm, instances, seeds, n, faults, opt, ratio, eta0, eta1,
    eta0_per_opt, eta1_per_opt`` (η pooled over instances, counted once per
    instance, against the true discard bits). Ratio = Σ faults / Σ OPT over
    instances and seeds.
    """
    parsed = [parse_algorithm(a) for a in algorithms]
    for a in parsed:
        if a.prediction not in ("none", "discard"):
            raise ValueError(f"algorithm {a.id!r}: learned predictors make discard bits only")
    rows = []
    for family, k, traces in family_traces:
        budget = robust_budget(budget_factor, k)
        acc = {}
        for instance, pages in traces:
            inst = setup_instance(pages, k)
            pages, n, n_pages, kk, opt, truth = inst.pages, inst.n, inst.n_pages, inst.k, inst.opt, inst.discard
            sources = {"perfect": truth, "none": np.zeros(n, dtype=np.uint8)}
            for pred in predictors:
                sources[pred] = predict_bits(pred, pages, n_pages, kk, min_count, learning_rate)
            for pred, bits in sources.items():
                eta0, eta1 = count_errors(bits, truth)
                for alg in parsed:
                    if (pred == "none") != (alg.prediction == "none"):
                        continue
                    a = acc.setdefault((pred, alg.id), dict(instances=0, seeds=0, n=0, faults=0, opt=0,
                                                            eta0=0, eta1=0, opt_once=0))
                    reps = replicates if alg.randomized else replicates[:1]
                    a["instances"] += 1
                    a["seeds"] = len(reps)
                    a["n"] += n
                    a["eta0"] += eta0 if pred != "none" else 0
                    a["eta1"] += eta1 if pred != "none" else 0
                    a["opt_once"] += opt
                    for rep in reps:
                        seed = derive_seed(master_seed, "learned", family, instance, k, rep, alg.id)
                        a["faults"] += run_parsed(alg, pages, bits, kk, n_pages, seed, budget, switch_factor)
                        a["opt"] += opt
            if progress:
                progress(f"{family} k={k}: {instance} done")
        order = ("none", "perfect") + tuple(predictors)
        for pred in order:
            for alg in parsed:
                if (pred, alg.id) not in acc:
                    continue
                a = acc[(pred, alg.id)]
                none = pred == "none"
                rows.append(dict(
                    trace_family=family, k=k, predictor=pred, algorithm=alg.id,
                    instances=a["instances"], seeds=a["seeds"], n=a["n"], faults=a["faults"], opt=a["opt"],
                    ratio=a["faults"] / a["opt"] if a["opt"] else math.nan,
                    eta0=None if none else a["eta0"], eta1=None if none else a["eta1"],
                    eta0_per_opt=math.nan if none or not a["opt_once"] else a["eta0"] / a["opt_once"],
                    eta1_per_opt=math.nan if none or not a["opt_once"] else a["eta1"] / a["opt_once"],
                ))
    df = pd.DataFrame(rows, columns=["trace_family", "k", "predictor", "algorithm", "instances", "seeds",
                                     "n", "faults", "opt", "ratio", "eta0", "eta1", "eta0_per_opt",
                                     "eta1_per_opt"])
    return df.astype({"eta0": "Int64", "eta1": "Int64"})

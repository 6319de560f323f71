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

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.bounds import robust_budget
from succinct_paging.errors import count_errors
from succinct_paging.seeds import derive_seed
from succinct_paging.simulation import run_parsed
from succinct_paging.truth import setup_instance

PREDICTORS = ("lru_miss", "frequency", "logistic")

def predict_bits(predictor, pages, n_pages, k, min_count=2, learning_rate=0.05):
    """Discard bits of ``predictor`` (a past-only source of
    :mod:`succinct_paging.bitsources`) on validated input (dense int64
    ``pages``). Uses requests ``< t`` and the page of request ``t`` only for
    bit ``t``."""
    from succinct_paging.bitsources import get, learned_ids
    if predictor not in learned_ids():
        raise ValueError(f"unknown predictor {predictor!r}; allowed: {', '.join(learned_ids())}")
    src = get(predictor)
    params = {key: value for key, value in (("min_count", min_count), ("learning_rate", learning_rate))
              if key in src.params}
    view = _PagesView(pages, n_pages, k)
    return src.load()(view, 0, src.resolve(params), kinds=("discard",))["discard"]


class _PagesView:
    def __init__(self, pages, n_pages, k):
        self.pages, self.n_pages, self.k = pages, n_pages, k

    @property
    def n(self):
        return int(self.pages.shape[0])


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

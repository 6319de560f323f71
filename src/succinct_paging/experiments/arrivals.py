"""Workflow job logic for next-arrival predictions (contract §7): one noise axis σ
for full-prediction and one-bit algorithms.

For every instance and replicate the predictions are ``a = next + ε`` with
``ε`` lognormal(0, σ) (:mod:`succinct_paging.arrivals`). The standard normal
draws behind ``ε`` depend on (family, instance, replicate) only, so the same
draws serve every σ (``ε = exp(σ·z)``: common random numbers, the curves vs σ
are not jagged by fresh noise) and every k. At each σ:

- full-prediction algorithms (kind ``arrivals``) read ``a`` directly;
- discard-bit algorithms read the discard bits of LFD run on ``a``, and
  phase-bit algorithms the phase bits of ``a`` (contract §7, last item); their
  realised η0, η1 are counted against the true bits of the same kind;
- prediction-free algorithms run once (``error_model`` ``none``, σ empty).

Rows of the table (one per run)::

    trace_family, instance, n, N, k, algorithm, prediction, error_model,
    sigma, seed, faults, opt, eta0, eta1, ratio

``prediction`` is the kind the algorithm reads (``arrivals``, ``discard``,
``phase``, ``none``), ``error_model`` is ``lognormal`` (or ``none``).
"""

import math

import numpy as np
import pandas as pd

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.bitsources import draw
from succinct_paging.seeds import derive_seed
from succinct_paging.settings import RunSettings

# The kernels (numba) are imported by the function that runs them: the merge
# and figure jobs read run tables without importing numba (issue 19).

COLUMNS = [
    "trace_family", "instance", "n", "N", "k", "algorithm", "prediction", "error_model",
    "sigma", "seed", "faults", "opt", "eta0", "eta1", "ratio",
]

#: Canonical row order of the table.
SORT_KEYS = ["trace_family", "k", "sigma", "instance", "seed", "algorithm"]

def _with_truth(traces, k, truth):
    """Yield ``(instance, inst, opt)`` for every trace: ``inst`` has the
    pages, N, the capped k and the true bits. An instance that ``truth`` (the
    grid's truth file of the same family and k) covers is read from it; one
    it leaves out (a trivial instance: at most k distinct pages) is made by
    :func:`succinct_paging.truth.setup_instance`, as every instance is
    without ``truth``. The same values either way."""
    from succinct_paging.experiments.grid import TruthView, truth_slices
    from succinct_paging.truth import setup_instance
    from succinct_paging.validate import as_cache_size, as_pages

    covered = {instance: (bits, opt) for instance, _, bits, opt, _ in truth_slices(traces, truth)} \
        if truth is not None else {}
    for instance, pages in traces:
        if instance in covered:
            bits, opt = covered[instance]
            pages, n_pages = as_pages(pages)
            yield instance, TruthView(pages, n_pages, as_cache_size(k, n_pages), bits), opt
        else:
            inst = setup_instance(pages, k)
            yield instance, inst, inst.opt


def run_arrivals_grid(family, traces, k, algorithms, sigmas, replicates, master_seed,
                      settings=RunSettings(), progress=None, truth=None):
    """Rows (see the module) for one family and cache size ``k``.

    ``traces``: list of ``(instance, pages)`` with dense ids; ``algorithms``:
    ids of any kind (contract §3, §7, ``combine``); ``sigmas``: noise parameters
    >= 0; ``replicates``: replicate seeds. Algorithm seeds derive from the
    master seed and the names, not from σ; ``settings``: the
    :class:`~succinct_paging.settings.RunSettings` of every run; ``truth``:
    the loaded truth file of the family and k (OPT and the true bits are
    read from it; the instances it leaves out, and all of them without it,
    get theirs computed). Every instance of ``traces`` runs. O(n log k)
    per run.
    """
    from succinct_paging.simulation import run_parsed

    parsed = [parse_algorithm(a) for a in algorithms]
    baseline = [a for a in parsed if a.prediction == "none"]
    predicted = [a for a in parsed if a.prediction != "none"]
    kinds = {a.prediction for a in predicted}
    rows = []
    for i, (instance, inst, opt) in enumerate(_with_truth(traces, k, truth)):
        pages, n, n_pages, kk = inst.pages, inst.n, inst.n_pages, inst.k
        ratio = (lambda f: f / opt) if opt else (lambda f: math.nan)  # noqa: E731
        zeros = np.zeros(n, dtype=np.uint8)
        for rep in replicates:
            for alg in baseline:
                seed = derive_seed(master_seed, "arrivals-alg", family, instance, k, rep, alg.id)
                f = run_parsed(alg, pages, zeros, kk, n_pages, seed, settings)
                rows.append((family, instance, n, n_pages, k, alg.id, "none", "none", math.nan,
                             rep, f, opt, None, None, ratio(f)))
            noise_seed = derive_seed(master_seed, "arrivals-noise", family, instance, rep)
            records = {}  # combine's prediction-free parts (LRU): run once per replicate for every σ
            for sigma in sigmas:
                drawn = draw("lognormal", inst, noise_seed, {"sigma": float(sigma)}, ("arrivals", *kinds))
                a = drawn["arrivals"][0]
                for alg in predicted:
                    b, eta0, eta1 = drawn[alg.prediction] if alg.prediction != "arrivals" else (zeros, None, None)
                    seed = derive_seed(master_seed, "arrivals-alg", family, instance, k, rep, alg.id)
                    f = run_parsed(alg, pages, b, kk, n_pages, seed, settings, predictions=a, records=records)
                    rows.append((family, instance, n, n_pages, k, alg.id, alg.prediction, "lognormal",
                                 float(sigma), rep, f, opt, eta0, eta1, ratio(f)))
        if progress:
            progress(f"{family} k={k}: instance {i + 1}/{len(traces)} ({instance}) done")
    return to_frame(rows)


def to_frame(rows):
    """Rows as a typed DataFrame (nullable η columns, float σ)."""
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.astype({
        "trace_family": str, "instance": str, "algorithm": str, "prediction": str,
        "error_model": str, "n": "int64", "N": "int64", "k": "int64", "seed": "int64",
        "faults": "int64", "opt": "int64", "eta0": "Int64", "eta1": "Int64",
        "sigma": "float64", "ratio": "float64",
    })


def sort_rows(df, keys=SORT_KEYS):
    """Canonical row order (independent of job order); baselines first."""
    return df.sort_values(list(keys), na_position="first", kind="mergesort").reset_index(drop=True)


def pooled(df, master_seed=0):
    """Σ faults / Σ OPT per (algorithm, prediction, σ) over instances and
    seeds of one family and k, with the min and max over seeds of the
    per-seed pooled ratio, the pooled realised error rates η0/n, η1/n and
    ``ci_low``, ``ci_high``, ``ci_method``: the same 95 % interval over
    instances as the summary table (instance bootstrap seeded from
    ``master_seed``, family and k; jackknife-t below 10 instances; none for
    one instance; issue 20). Baselines have σ NaN."""
    from succinct_paging.experiments.summary import instance_intervals

    keys = ["algorithm", "prediction", "sigma"]
    d = df.assign(sigma=df["sigma"].fillna(-1.0))
    per_seed = d.groupby(keys + ["seed"], sort=True)[["faults", "opt"]].sum()
    per_seed = (per_seed["faults"] / per_seed["opt"].where(per_seed["opt"] > 0)).groupby(level=keys)
    g = d.groupby(keys, sort=True)
    out = pd.DataFrame({
        "faults": g["faults"].sum(), "opt": g["opt"].sum(), "n": g["n"].sum(),
        "eta0": g["eta0"].sum(min_count=1).astype("float64"),
        "eta1": g["eta1"].sum(min_count=1).astype("float64"),
        "ratio_seed_min": per_seed.min(), "ratio_seed_max": per_seed.max(),
    })
    out["ratio"] = out["faults"] / out["opt"].where(out["opt"] > 0)
    if len(d):
        family, k = str(d["trace_family"].iloc[0]), int(d["k"].iloc[0])
        low, high, method = instance_intervals(d, keys, family, k, master_seed)
        out["ci_low"], out["ci_high"], out["ci_method"] = low, high, method
    else:
        out["ci_low"], out["ci_high"], out["ci_method"] = np.nan, np.nan, ""
    out = out.reset_index()
    out["sigma"] = out["sigma"].where(out["sigma"] >= 0)
    return out

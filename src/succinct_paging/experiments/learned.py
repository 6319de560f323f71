"""Learned predictors in the workflow (contract §10): runs on their
predictions and the answer table.

The predictors themselves are entries of the bit-source registry
(:mod:`succinct_paging.bitsources`; kernels in
:mod:`succinct_paging.kernels.learned`): ``lru_miss``, ``frequency``,
``logistic`` (the first version's, same outputs), ``optgen`` and
``optgen_logistic`` (OPTgen labels), ``popu`` and ``pleco`` (next-arrival
predictions). This module runs algorithms on them (:func:`learned_runs`,
rows of the runs table) and pools the answer (:func:`answer_table`,
:func:`target_check`).
"""

import math

import numpy as np
import pandas as pd

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.seeds import derive_seed
from succinct_paging.settings import RunSettings


def predict_bits(predictor, pages, n_pages, k, min_count=2, learning_rate=0.05):
    """Discard bits of ``predictor`` (a past-only source of
    :mod:`succinct_paging.bitsources`) on validated input (dense int64
    ``pages``). Uses requests ``< t`` and the page of request ``t`` only for
    bit ``t``."""
    from succinct_paging.bitsources import get, learned_ids
    from succinct_paging.experiments.grid import TruthView
    if predictor not in learned_ids():
        raise ValueError(f"unknown predictor {predictor!r}; allowed: {', '.join(learned_ids())}")
    src = get(predictor)
    params = {key: value for key, value in (("min_count", min_count), ("learning_rate", learning_rate))
              if key in src.params}
    view = TruthView(pages, n_pages, k, {})  # a past-only source reads no true bits
    return src.load()(view, 0, src.resolve(params), kinds=("discard",))["discard"]


def learned_runs(family, traces, truth, k, predictor, algorithms, replicates, master_seed, params=None,
                 settings=RunSettings(), progress=None):
    """Runs-table rows (:data:`succinct_paging.experiments.grid.COLUMNS`) of
    one (family, k, learned predictor) job (contract §10).

    ``truth``: the loaded truth file of (family, k) (not recomputed; its
    ``instances`` say which traces run). Per instance the predictor's
    predictions are made once (they do not depend on the seed); every
    algorithm of ``algorithms`` whose prediction kind the predictor gives
    runs on them (``arrivals`` algorithms only on next-arrival predictors;
    prediction-free ids are skipped: the baseline job has them).
    ``error_model`` = the predictor id, ``rate`` = NaN, η0/η1 realised
    against the true bits of the kind the algorithm reads (empty for
    ``arrivals``). Algorithm seeds are the grid's
    (``derive_seed(master_seed, "alg", family, instance, k, seed, id)``),
    so learned and injected bits meet the same coins; rows are built by
    :func:`succinct_paging.experiments.grid.run_row` with ``settings`` (a
    :class:`~succinct_paging.settings.RunSettings`). O(runs × n log k).
    """
    from succinct_paging.bitsources import draw, get
    from succinct_paging.experiments.grid import TruthView, run_row, to_frame, truth_slices
    from succinct_paging.validate import as_cache_size

    src = get(predictor)
    if src.reads != "past":
        raise ValueError(f"bit source {predictor!r} reads the truth; learned runs take past-only sources")
    parsed = [a for a in (parse_algorithm(x) for x in algorithms) if a.prediction in src.kinds]
    kinds = tuple(sorted({a.prediction for a in parsed}))
    covered = truth_slices(traces, truth)
    rows = []
    for i, (instance, pages, true_bits, opt, n_phases) in enumerate(covered):
        n = len(pages)
        n_pages = int(pages.max()) + 1 if n else 0
        view = TruthView(pages, n_pages, as_cache_size(k, n_pages), true_bits)
        drawn = draw(predictor, view, 0, params, kinds + (("arrivals",) if "arrivals" in src.kinds else ()))
        arrivals = drawn["arrivals"][0] if "arrivals" in drawn else None
        no_bits = (np.zeros(n, dtype=np.uint8), None, None)  # what an arrivals algorithm gets as bits
        for rep in replicates:
            for alg in parsed:
                bits, eta0, eta1 = drawn[alg.prediction] if alg.prediction != "arrivals" else no_bits
                seed = derive_seed(master_seed, "alg", family, instance, k, rep, alg.id)
                rows.append(run_row(family, instance, pages, n_pages, k, alg, bits, eta0, eta1, predictor, math.nan,
                                    rep, opt, n_phases, seed, settings, predictions=arrivals))
        if progress:
            progress(f"{family} k={k} {predictor}: instance {i + 1}/{len(covered)} ({instance}) done")
    return to_frame(rows)


def injected_rows(df):
    """The rows of a runs (or summary) table that are not on learned bits:
    prediction-free baselines and injected errors (the figures and tables of
    contract §6 plot against the error rate; learned rows have none)."""
    from succinct_paging.bitsources import learned_ids
    return df[~df["error_model"].astype(str).isin(learned_ids())]


#: Columns of :func:`answer_table`.
ANSWER_COLUMNS = ["trace_family", "k", "predictor", "algorithm", "prediction", "instances", "n", "faults", "opt",
                  "hit_ratio", "ratio", "lru_excess_removed", "eta0", "eta1"]


def answer_table(runs):
    """The answer table (contract §10) from a runs table: per family and k,
    OPT, LRU, every prediction-free algorithm present, and every
    (learned predictor × algorithm) pair: faults and OPT summed over the
    instances (faults averaged over seeds first), hit ratio 1 − faults/n,
    ratio faults/OPT, the share of LRU's excess removed
    (LRU − A)/(LRU − OPT) (NaN when LRU = OPT or LRU is missing), and the
    predictor's realised η0, η1 summed over instances (seed means; empty for
    baselines and next-arrival algorithms). ``predictor`` is ``none`` for
    baselines. Only the (family, k) with learned rows appear; rows on
    injected errors are ignored. O(rows)."""
    from succinct_paging.algorithms import display_order
    from succinct_paging.bitsources import learned_ids

    learned = list(learned_ids())
    keep = (runs["error_model"].astype(str) == "none") | runs["error_model"].astype(str).isin(learned)
    df = runs[keep].copy()
    with_learned = set(zip(*[df.loc[df["error_model"].astype(str) != "none", c] for c in ("trace_family", "k")]))
    df = df[[fk in with_learned for fk in zip(df["trace_family"], df["k"])]]
    if df.empty:
        return pd.DataFrame(columns=ANSWER_COLUMNS)
    df["eta0"] = df["eta0"].astype("float64")
    df["eta1"] = df["eta1"].astype("float64")
    keys = ["trace_family", "k", "error_model", "algorithm", "prediction"]
    per = df.groupby(keys + ["instance"], sort=True, dropna=False).agg(
        n=("n", "first"), opt=("opt", "first"), faults=("faults", "mean"),
        eta0=("eta0", "mean"), eta1=("eta1", "mean")).reset_index()
    g = per.groupby(keys, sort=True, dropna=False)
    out = g.agg(instances=("instance", "nunique"), n=("n", "sum"), faults=("faults", "sum"), opt=("opt", "sum"),
                eta0=("eta0", lambda s: s.sum(min_count=1)), eta1=("eta1", lambda s: s.sum(min_count=1)))
    out = out.reset_index().rename(columns={"error_model": "predictor"})
    out["hit_ratio"] = 1.0 - out["faults"] / out["n"]
    out["ratio"] = out["faults"] / out["opt"].where(out["opt"] > 0)
    lru = out[(out["predictor"] == "none") & (out["algorithm"] == "lru")].set_index(["trace_family", "k"])["faults"]
    ref = pd.Series([lru.get((f, k), np.nan) for f, k in zip(out["trace_family"], out["k"])], index=out.index)
    excess = ref - out["opt"]
    out["lru_excess_removed"] = (ref - out["faults"]) / excess.where(excess > 0)
    rank_p = {p: i for i, p in enumerate(["none"] + learned)}
    order = {a: i for i, a in enumerate(display_order(out["algorithm"]))}
    out["_p"] = out["predictor"].map(rank_p)
    out["_a"] = out["algorithm"].map(order)
    out = out.sort_values(["trace_family", "k", "_p", "_a"], kind="mergesort").drop(columns=["_p", "_a"])
    return out[ANSWER_COLUMNS].reset_index(drop=True)


def target_check(answer, share=0.5, slack=0.05,
                 robust=("followbits_robust", "combine(followbits,lru)", "combine(mark0,marker)")):
    """The issue's target per predictor on an :func:`answer_table`: on how
    many (family, k) its best algorithm removes at least ``share`` of LRU's
    excess, and the worst ratio of a robust/combined algorithm on its bits to
    LRU's faults (target: <= 1 + ``slack``). Returns a DataFrame with
    ``predictor, cases, cases_reaching_share, best_share_median,
    robust_worst_vs_lru``."""
    rows = []
    pred = answer[answer["predictor"] != "none"]
    lru = answer[(answer["predictor"] == "none") & (answer["algorithm"] == "lru")].set_index(
        ["trace_family", "k"])["faults"]
    for p, part in pred.groupby("predictor", sort=False):
        best = part.groupby(["trace_family", "k"])["lru_excess_removed"].max()
        rob = part[part["algorithm"].isin(robust)]
        worst = max((f / lru.get((fam, k), np.nan) for fam, k, f in
                     zip(rob["trace_family"], rob["k"], rob["faults"])), default=np.nan)
        rows.append((p, len(best), int((best >= share).sum()), float(best.median()), worst))
    return pd.DataFrame(rows, columns=["predictor", "cases", "cases_reaching_share", "best_share_median",
                                       "robust_worst_vs_lru"])

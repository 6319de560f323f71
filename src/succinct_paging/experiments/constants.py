"""Empirical constants: the measured counterparts of (β, γ) (contract §9).

An algorithm is (α, β, γ)-competitive if E[cost] ≤ α·OPT + β·η0 + γ·η1 on
every input (contract §1.4). With α fixed at its proven value, the smallest β
that the measured ``false_keep`` runs (where η1 = 0) do not contradict is

    beta_emp = max over those runs with η0 > 0 of (faults − α·OPT) / η0,

and likewise ``gamma_emp`` over the ``false_discard`` runs (η0 = 0) with
η1 > 0. A deterministic algorithm's proven bound holds run by run, so
``beta_emp ≤ beta_proven`` must hold (a larger value is a counterexample to
the bound). A randomized algorithm's bound holds in expectation, so its runs
are first averaged over the seeds of each (instance, error model, rate):
(mean faults − α·OPT) / mean η. Its ``beta_emp`` is then an estimate of a
worst expected slope, exposed to the sampling noise of a few seeds.

These are worst cases over the runs, not least-squares slopes: a single run
that meets the bound exactly (``followbits`` on ``loop``, every wrong keep
bit costing k − 1 faults) gives ``beta_emp = beta_proven``. Because a maximum
over runs with a tiny η is fragile (one BrightKite user with η0 = 1), each
row also has the *pooled* slope Σ(faults − α·OPT)/Ση over the same points
with a 95 % jackknife-t interval over instances (none from one instance;
:mod:`succinct_paging.experiments.intervals`).

Algorithms that read bits but have no (α, β, γ) bound of their own
(``followbits_robust``, ``combine(A, B)``; issue 20) get rows too, measured
with the reference α = 1 and empty proven constants, so their smoothness is
on the same scale as the others'.

Pure pandas; O(R log R) for R runs.
"""

import numpy as np
import pandas as pd

from succinct_paging.algorithms import display_order, parse_algorithm
from succinct_paging.experiments.intervals import jackknife_ratio_interval
from succinct_paging.store import atomic_path

#: Columns of :func:`empirical_constants`, in order.
COLUMNS = ["trace_family", "k", "algorithm", "alpha", "beta_emp", "gamma_emp", "beta_proven", "gamma_proven",
           "beta_q90", "gamma_q90", "beta_points", "gamma_points", "beta_pooled", "beta_pooled_low",
           "beta_pooled_high", "gamma_pooled", "gamma_pooled_low", "gamma_pooled_high"]

#: α with which algorithms without proven (α, β, γ) are measured.
REFERENCE_ALPHA = 1.0

#: Error model whose runs measure each constant, and the η it divides by.
MEASURED = {"beta": ("false_keep", "eta0"), "gamma": ("false_discard", "eta1")}

_NEED = ["trace_family", "k", "algorithm", "error_model", "rate", "instance", "seed", "faults", "opt", "eta0",
         "eta1"]


def proven_constants(algorithm, k):
    """Proven ``(α, β, γ)`` of ``algorithm`` at cache size ``k`` from the
    registry (contract §3), or None where its bound is not of that form
    (``followbits_robust``, ``combine``, prediction-free algorithms) or the
    id is not registered (a runs table may hold ids of an unloaded plug-in)."""
    try:
        constants = parse_algorithm(algorithm).constants
    except ValueError:
        return None
    return None if constants is None else tuple(float(v) for v in constants(int(k)))


def measured_constants(algorithm, k):
    """``(α, β, γ)`` used to measure ``algorithm``: the proven constants
    (:func:`proven_constants`), else ``(REFERENCE_ALPHA, NaN, NaN)`` for an
    algorithm that reads discard or phase bits, else None."""
    consts = proven_constants(algorithm, k)
    if consts is not None:
        return consts
    try:
        parsed = parse_algorithm(algorithm)
    except ValueError:
        return None
    return (REFERENCE_ALPHA, np.nan, np.nan) if parsed.prediction in ("discard", "phase") else None


def slopes(runs, include_unproven=False):
    """Per-point slopes behind :func:`empirical_constants`.

    One row per *point*: a run of a deterministic algorithm, or an (instance,
    error model, rate) of a randomized one averaged over its seeds, for the
    ``false_keep`` runs with η0 > 0 (``constant == "beta"``) and the
    ``false_discard`` runs with η1 > 0 (``"gamma"``) of every algorithm with
    proven (α, β, γ). Columns ``trace_family, k, algorithm, constant,
    error_model, rate, instance, faults, opt, eta, alpha, slope`` with
    ``slope = (faults − α·OPT) / eta`` (faults and eta are seed means for
    randomized algorithms). Also used by the smoothness figures.
    ``include_unproven``: also algorithms without proven constants, measured
    with α = REFERENCE_ALPHA (:func:`measured_constants`).
    """
    missing = [c for c in _NEED if c not in runs.columns]
    if missing:
        raise ValueError(f"runs table lacks columns {missing}")
    cols = ["trace_family", "k", "algorithm", "constant", "error_model", "rate", "instance", "faults", "opt",
            "eta", "alpha", "slope"]
    frames = []
    df = runs[_NEED].copy()
    for col in ("trace_family", "algorithm", "error_model", "instance"):
        df[col] = df[col].astype(str)
    df["k"] = pd.to_numeric(df["k"]).astype("int64")
    for (alg, k), part in df.groupby(["algorithm", "k"], sort=True):
        consts = measured_constants(alg, k) if include_unproven else proven_constants(alg, k)
        if consts is None:
            continue
        randomized = parse_algorithm(alg).randomized
        for name, (model, eta_col) in MEASURED.items():
            sub = part[part["error_model"] == model].copy()
            if len(sub) == 0:
                continue
            sub["faults"] = pd.to_numeric(sub["faults"]).astype(float)
            sub["opt"] = pd.to_numeric(sub["opt"]).astype(float)
            sub["eta"] = pd.to_numeric(sub[eta_col]).astype(float)
            keys = ["trace_family", "k", "algorithm", "error_model", "rate", "instance"]
            if randomized:
                sub = sub.groupby(keys, sort=True)[["faults", "opt", "eta"]].mean().reset_index()
            sub = sub[sub["eta"] > 0]
            if len(sub) == 0:
                continue
            sub = sub.assign(constant=name, alpha=consts[0])
            sub["slope"] = (sub["faults"] - sub["alpha"] * sub["opt"]) / sub["eta"]
            frames.append(sub[cols])
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("trace_family", "algorithm", "constant",
                                                                   "error_model", "instance") else float)
                             for c in cols})
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["trace_family", "k", "algorithm", "constant", "rate", "instance"],
                           kind="mergesort").reset_index(drop=True)


def empirical_constants(runs):
    """The empirical constants of contract §9 as a DataFrame (:data:`COLUMNS`).

    One row per (trace family, k, algorithm) for every algorithm of ``runs``
    that reads predictions and has proven (α, β, γ) in the registry:

    - ``alpha``, ``beta_proven``, ``gamma_proven``: the proven constants;
    - ``beta_emp``: the largest (faults − α·OPT)/η0 over the ``false_keep``
      points with η0 > 0 (see :func:`slopes`; NaN if there are none);
    - ``gamma_emp``: likewise over the ``false_discard`` points with η1 > 0;
    - ``beta_q90``, ``gamma_q90``: the 90 % quantiles of the same slopes
      (linear interpolation), a less extreme upper value;
    - ``beta_points``, ``gamma_points``: how many points were maximised over;
    - ``beta_pooled`` (``_low``, ``_high``): Σ(faults − α·OPT)/Ση0 over the
      same points with its 95 % jackknife-t interval over instances (empty
      from one instance); likewise ``gamma_pooled``.

    Algorithms reading bits without proven constants (``followbits_robust``,
    ``combine``) are measured with α = 1 and have empty proven columns.

    Sorted by family, k and display order of the algorithms. Deterministic.
    """
    s = slopes(runs, include_unproven=True)
    rows = []
    want = runs[["trace_family", "k", "algorithm"]].drop_duplicates()
    for fam, k, alg in sorted(zip(want["trace_family"].astype(str), pd.to_numeric(want["k"]).astype(int),
                                  want["algorithm"].astype(str))):
        consts = measured_constants(alg, k)
        if consts is None:
            continue
        mine = s[(s["trace_family"] == fam) & (s["k"] == k) & (s["algorithm"] == alg)]
        vals = {}
        for name in MEASURED:
            pts = mine[mine["constant"] == name]
            v = pts["slope"].to_numpy(dtype=float)
            vals[name] = (v.max() if len(v) else np.nan, np.quantile(v, 0.9) if len(v) else np.nan, len(v),
                          *_pooled_slope(pts))
        rows.append((fam, int(k), alg, consts[0], vals["beta"][0], vals["gamma"][0], consts[1], consts[2],
                     vals["beta"][1], vals["gamma"][1], vals["beta"][2], vals["gamma"][2], *vals["beta"][3:],
                     *vals["gamma"][3:]))
    out = pd.DataFrame(rows, columns=COLUMNS)
    out = out.astype({"k": "int64", "beta_points": "int64", "gamma_points": "int64"})
    for col in COLUMNS[3:10] + COLUMNS[12:]:
        out[col] = out[col].astype(float)
    rank = {a: i for i, a in enumerate(display_order(out["algorithm"]))}
    out["_r"] = out["algorithm"].map(rank)
    out = out.sort_values(["trace_family", "k", "_r"], kind="mergesort").drop(columns="_r")
    return out.reset_index(drop=True)


def _pooled_slope(points):
    """``(slope, low, high)``: Σ(faults − α·OPT)/Ση over ``points`` (rows of
    :func:`slopes`) with a 95 % jackknife-t interval over their instances."""
    if len(points) == 0:
        return np.nan, np.nan, np.nan
    extra = (points["faults"] - points["alpha"] * points["opt"]).groupby(points["instance"]).sum()
    eta = points["eta"].groupby(points["instance"]).sum()
    return jackknife_ratio_interval(extra.to_numpy(), eta.reindex(extra.index).to_numpy())


def write_empirical_constants(runs, path):
    """Write :func:`empirical_constants` of ``runs`` as CSV atomically (floats
    ``%.6g``, NaN empty; byte-identical for the same runs); return it."""
    table = empirical_constants(runs)
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, float_format="%.6g", na_rep="", lineterminator="\n", encoding="utf-8")
    return table


__all__ = ["COLUMNS", "MEASURED", "REFERENCE_ALPHA", "proven_constants", "measured_constants", "slopes",
           "empirical_constants", "write_empirical_constants"]

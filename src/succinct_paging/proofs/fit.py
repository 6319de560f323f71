"""Fitted constants: cost ≈ α̂·OPT + β̂·η0 + γ̂·η1 by non-negative least squares.

For every algorithm with predictions, trace family and cache size k, the
runs (all error models, rates, instances and seeds) are fitted by NNLS with
no intercept, and a seeded row bootstrap gives percentile intervals. The
proven (α, β, γ) of contract §3 are reported next to the fit.

Choices (documented here because they change the numbers):

- **Per k.** The proven β depends on k (k−1, 2H_k, H_k), so fits pool rows of
  one k only; the table has a ``k`` column. The lower-bound families
  (``results/lower_bounds.csv``) are fitted the same way, per family,
  algorithm and k, over their numbers of rounds; ``followbits`` on
  ``lb_keep`` must give β̂ within 5% of k−1 (it gives it exactly: there
  cost = OPT + (k−1)·η0 on every run).
- **Unweighted.** Each run is one row; long traces weigh more, which is what
  an additive bound is about.
- **Unidentified coefficients are NaN.** A column that is zero on every row
  (η1 on ``lb_keep``, η0 on ``lb_discard``) is left out of the fit and its
  coefficient reported as NaN, not as 0.
- **NNLS by enumeration.** With three columns the exact NNLS solution is the
  best non-negative unconstrained least-squares fit over the 2³ subsets of
  columns (some optimum has linearly independent positive columns), so no
  iterative solver (and no scipy) is needed. Bootstrap resamples whose
  design is rank-deficient are skipped and counted (``n_boot``).
"""

import itertools
import math

import numpy as np
import pandas as pd

from succinct_paging.algorithms import REGISTRY, parse_algorithm
from succinct_paging.seeds import derive_seed
from succinct_paging.store import atomic_path

PARAMS = ("alpha", "beta", "gamma")
FEATURES = ("opt", "eta0", "eta1")

#: Columns of ``results/fitted_constants.csv``.
COLUMNS = (["algorithm", "trace_family", "k", "alpha", "beta", "gamma",
            "alpha_lo", "alpha_hi", "beta_lo", "beta_hi", "gamma_lo", "gamma_hi",
            "proven_alpha", "proven_beta", "proven_gamma", "n_runs", "n_boot", "source"])

_RANK_TOL = 1e-10


def _nnls_gram(gram, rhs, yy):
    """Exact NNLS for a batch of problems given by their Gram matrices.

    ``gram``: (B, p, p) = X'WX, ``rhs``: (B, p) = X'Wy, ``yy``: (B,) = y'Wy.
    Returns ``(coef, ok)``: (B, p) coefficients and a (B,) mask, False where
    X has rank < p (the minimiser is then not unique). For each of the 2^p − 1
    supports the unconstrained solution is computed for the whole batch at
    once; the best non-negative one wins (ties to the larger support).
    """
    gram = np.asarray(gram, dtype=float)
    rhs = np.asarray(rhs, dtype=float)
    yy = np.asarray(yy, dtype=float)
    b, p, _ = gram.shape
    diag = np.sqrt(np.einsum("bii->bi", gram))
    ok = np.all(diag > 0, axis=1)
    scale = np.where(diag > 0, diag, 1.0)
    g = gram / (scale[:, :, None] * scale[:, None, :])  # unit diagonal: rank test is scale-free
    r = rhs / scale
    ok &= np.linalg.eigvalsh(g)[:, 0] > _RANK_TOL
    g = np.where(ok[:, None, None], g, np.eye(p))
    best = np.zeros((b, p))
    best_rss = yy.copy()
    tol = 1e-12 * np.maximum(1.0, np.abs(yy))
    for size in range(p, 0, -1):
        for cols in itertools.combinations(range(p), size):
            idx = list(cols)
            sol = np.linalg.solve(g[:, idx][:, :, idx], r[:, idx][:, :, None])[:, :, 0]
            z = np.zeros((b, p))
            z[:, idx] = sol
            rss = yy - 2 * np.einsum("bi,bi->b", z, r) + np.einsum("bi,bij,bj->b", z, g, z)
            better = np.all(sol >= 0, axis=1) & (rss < best_rss - tol)
            best[better] = z[better]
            best_rss[better] = rss[better]
    return best / scale, ok


def nnls(X, y):
    """Non-negative least squares ``min ||X c − y||², c ≥ 0`` for a few columns.

    ``X`` must have full column rank (raises ValueError otherwise). Exact:
    enumerates the supports. O(n·p² + 2^p·p³).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    coef, ok = _nnls_gram((X.T @ X)[None], (X.T @ y)[None], np.array([y @ y]))
    if not ok[0]:
        raise ValueError("nnls: the design matrix does not have full column rank")
    return coef[0]


def fit_constants(X, y, n_boot=1000, seed=0, level=0.95):
    """NNLS fit of ``y ≈ X c`` with percentile bootstrap intervals.

    Columns of ``X`` that are zero on every row are not fitted (NaN).
    Returns a dict: ``coef``, ``lo``, ``hi`` (arrays of length p, NaN where
    not identified or not estimable) and ``n_boot`` (resamples used).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = X.shape
    live = np.flatnonzero(np.any(X != 0, axis=0))
    coef = np.full(p, np.nan)
    lo = np.full(p, np.nan)
    hi = np.full(p, np.nan)
    if n == 0 or live.size == 0:
        return {"coef": coef, "lo": lo, "hi": hi, "n_boot": 0}
    Xl = X[:, live]
    c, ok = _nnls_gram((Xl.T @ Xl)[None], (Xl.T @ y)[None], np.array([y @ y]))
    if not ok[0]:
        return {"coef": coef, "lo": lo, "hi": hi, "n_boot": 0}
    coef[live] = c[0]
    used = 0
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        # resampled rows as multiplicities: W[b, i] = times row i is drawn in resample b
        w = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(n_boot)]).astype(float)
        gram = np.einsum("bn,ni,nj->bij", w, Xl, Xl)
        rhs = np.einsum("bn,ni,n->bi", w, Xl, y)
        yy = w @ (y * y)
        draws, ok = _nnls_gram(gram, rhs, yy)
        draws = draws[ok]
        used = len(draws)
        if used:
            a = (1 - level) / 2
            lo[live] = np.quantile(draws, a, axis=0)
            hi[live] = np.quantile(draws, 1 - a, axis=0)
    return {"coef": coef, "lo": lo, "hi": hi, "n_boot": used}


def proven(algorithm, k):
    """Proven (α, β, γ) of contract §3, or NaNs where the bound is not of that form."""
    entry = REGISTRY.get(algorithm)
    if entry is not None and entry.constants is not None:
        return tuple(float(v) for v in entry.constants(k))
    return (math.nan, math.nan, math.nan)


def _fit_groups(frame, source, n_boot, master_seed):
    rows = []
    for (alg, fam, k), g in frame.groupby(["algorithm", "trace_family", "k"], sort=True):
        X = g[list(FEATURES)].to_numpy(dtype=float)
        y = g["faults"].to_numpy(dtype=float)
        res = fit_constants(X, y, n_boot, derive_seed(master_seed, "fit", source, alg, fam, int(k)))
        pa, pb, pg = proven(alg, int(k))
        c, lo, hi = res["coef"], res["lo"], res["hi"]
        rows.append((alg, fam, int(k), c[0], c[1], c[2], lo[0], hi[0], lo[1], hi[1], lo[2], hi[2],
                     pa, pb, pg, len(g), res["n_boot"], source))
    return rows


def fit_table(runs=None, lower_bounds=None, n_boot=1000, master_seed=0):
    """The fitted-constants table (:data:`COLUMNS`).

    ``runs``: the contract §6 runs table (rows of algorithms without predictions
    and rows with missing η are ignored). ``lower_bounds``: the table of
    :func:`succinct_paging.proofs.lower_bounds.lower_bound_table` (its ``family`` is
    the trace family, ``cost`` the faults). Every bootstrap is seeded from
    ``master_seed`` and the group's names.
    """
    rows = []
    if runs is not None and len(runs):
        r = runs[(runs["prediction"].astype(str) != "none") & runs["eta0"].notna() & runs["eta1"].notna()]
        r = r[["algorithm", "trace_family", "k", "faults", "opt", "eta0", "eta1"]].astype(
            {"algorithm": str, "trace_family": str, "k": "int64", "faults": "int64", "opt": "int64",
             "eta0": "int64", "eta1": "int64"})
        rows += _fit_groups(r, "runs", n_boot, master_seed)
    if lower_bounds is not None and len(lower_bounds):
        lb = lower_bounds.rename(columns={"family": "trace_family", "cost": "faults"})
        keep = [parse_algorithm(a).prediction != "none" for a in lb["algorithm"]]
        lb = lb[np.array(keep, dtype=bool)]
        rows += _fit_groups(lb, "lower_bounds", n_boot, master_seed)
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.astype({"algorithm": str, "trace_family": str, "k": "int64", "n_runs": "int64",
                      "n_boot": "int64", "source": str})


def write_csv(df, path):
    """Write the fitted-constants table as CSV, atomically (NaN as empty)."""
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, float_format="%.6g", lineterminator="\n")


def read_csv(path):
    return pd.read_csv(path, dtype={"algorithm": str, "trace_family": str, "source": str})


def _cell(est, lo, hi):
    if est is None or (isinstance(est, float) and math.isnan(est)):
        return "—"
    if math.isnan(lo) or math.isnan(hi):
        return f"{est:.3g}"
    return f"{est:.3g} [{lo:.3g}, {hi:.3g}]"


def _proven_cell(a, b, g):
    if any(math.isnan(v) for v in (a, b, g)):
        return "—"
    return f"({a:.3g}, {b:.3g}, {g:.3g})"


def render_markdown(df):
    """The table as Markdown: estimates with 95% bootstrap intervals and the
    proven constants."""
    lines = [
        "| algorithm | trace family | k | runs | α̂ [95% CI] | β̂ [95% CI] | γ̂ [95% CI] | proven (α, β, γ) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in df.itertuples(index=False):
        lines.append(
            f"| `{r.algorithm}` | {r.trace_family} | {r.k} | {r.n_runs} | "
            f"{_cell(r.alpha, r.alpha_lo, r.alpha_hi)} | {_cell(r.beta, r.beta_lo, r.beta_hi)} | "
            f"{_cell(r.gamma, r.gamma_lo, r.gamma_hi)} | {_proven_cell(r.proven_alpha, r.proven_beta, r.proven_gamma)} |")
    lines += [
        "",
        "Non-negative least squares of faults on (OPT, η0, η1) without intercept, per algorithm, "
        "trace family and k, over all error models, rates, instances and seeds (lower-bound families: "
        "over their numbers of rounds). Intervals: 2.5–97.5% percentiles of a seeded row bootstrap. "
        "—: not identified (the error never occurs in these runs) or no proven bound of this form.",
    ]
    return "\n".join(lines) + "\n"


def write_markdown(df, path):
    with atomic_path(path) as tmp:
        tmp.write_text(render_markdown(df))

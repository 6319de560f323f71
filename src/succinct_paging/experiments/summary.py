"""Per-family aggregation of the runs table (contract §6).

A trace family's ratio is the *pooled* ratio Σ faults / Σ OPT over its
instances and seeds, never the mean of per-instance ratios: the mean is
dominated by instances with a tiny OPT (some BrightKite users have OPT of a
few faults). The per-instance spread is reported separately as quantiles,
and the uncertainty of the pooled ratio as a 95 % bootstrap interval that
resamples instances (contract §9): an instance's rows (its seeds) are drawn
together, and a family with one instance gets no interval. Below
:data:`JACKKNIFE_BELOW` instances the bootstrap has too few distinct
resamples (at most 35 from 4 instances) and its percentile interval is too
narrow, so a jackknife-t interval over the instances is used instead
(issue 20; :mod:`succinct_paging.experiments.intervals`); ``ci_method`` says
which.

Pure pandas; no simulation and no plotting here.
"""

import numpy as np
import pandas as pd

from succinct_paging.algorithms import display_order
from succinct_paging.errors import ERROR_MODELS
from succinct_paging.experiments.intervals import jackknife_ratio_interval
from succinct_paging.seeds import derive_seed
from succinct_paging.store import atomic_path

#: One summary row per combination of these columns.
KEYS = ["trace_family", "k", "algorithm", "prediction", "error_model", "rate"]

#: Columns of :func:`family_ratios`, in output order.
SUMMARY_COLUMNS = KEYS + [
    "runs",
    "instances",
    "seeds",
    "faults",
    "opt",
    "ratio",
    "ci_low",
    "ci_high",
    "ratio_seed_min",
    "ratio_seed_max",
    "ratio_q25",
    "ratio_median",
    "ratio_q75",
    "bound_ratio",
    "eta0_mean",
    "eta1_mean",
    "ci_method",
]

#: Families with fewer instances than this get a jackknife-t interval
#: instead of the instance bootstrap.
JACKKNIFE_BELOW = 10

_REQUIRED = KEYS + ["instance", "seed", "faults", "opt", "eta0", "eta1", "bound"]

#: Bootstrap resamples of every interval (contract §9).
N_BOOT = 1000

#: Two-sided level of the bootstrap intervals.
LEVEL = 0.95

#: Float format of the summary CSV: enough digits to read, few enough that
#: reruns are byte-identical.
FLOAT_FORMAT = "%.6g"


def _as_float(series):
    """Float64 numpy view of a (possibly nullable) numeric column, NA -> NaN."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _pooled(faults, opt):
    """Σfaults / ΣOPT with ΣOPT == 0 mapped to NaN (no meaningful ratio)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(opt > 0, faults / np.where(opt > 0, opt, 1.0), np.nan)


def instance_weights(master_seed, family, k, n_instances, n_boot=N_BOOT):
    """Bootstrap multiplicities of ``n_instances`` instances: an
    ``(n_boot, n_instances)`` int array whose row b counts how often each
    instance is drawn in resample b (``n_instances`` draws with replacement).

    Seeded by ``derive_seed(master_seed, "bootstrap", family, k)``: the same
    resamples serve every algorithm, error model and rate of the family and
    k, so intervals of different settings (and paired differences) use the
    same draws. O(n_boot · n_instances).
    """
    rng = np.random.default_rng(derive_seed(master_seed, "bootstrap", str(family), int(k)))
    if n_instances == 0:
        return np.zeros((n_boot, 0), dtype=np.int64)
    return rng.multinomial(n_instances, np.full(n_instances, 1.0 / n_instances), size=n_boot)


def bootstrap_ratio_interval(faults, opt, weights, level=LEVEL):
    """Percentile interval of the pooled ratio Σ faults / Σ OPT under
    instance resampling.

    ``faults``, ``opt``: ``(G, m)`` arrays, one row per setting and one column
    per instance (each instance's sums over its seeds; for the ratio the
    scale of a row does not matter). ``weights``: ``(B, m)`` multiplicities
    (:func:`instance_weights`). Returns ``(low, high)``, arrays of length G:
    the (1 − level)/2 and (1 + level)/2 quantiles (linear interpolation) of
    the B resampled ratios; NaN where m < 2 (one instance: no interval) or a
    setting's Σ OPT is 0. Vectorised: O(B · m · G).
    """
    faults = np.atleast_2d(np.asarray(faults, dtype=float))
    opt = np.atleast_2d(np.asarray(opt, dtype=float))
    g, m = faults.shape
    low = np.full(g, np.nan)
    high = np.full(g, np.nan)
    if m < 2 or g == 0:
        return low, high
    w = np.asarray(weights, dtype=float)
    num = w @ faults.T  # (B, G)
    den = w @ opt.T
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    ok = np.isfinite(r).all(axis=0) & (opt.sum(axis=1) > 0)
    a = (1.0 - level) / 2.0
    if ok.any():
        q = np.quantile(r[:, ok], [a, 1.0 - a], axis=0)
        low[ok], high[ok] = q[0], q[1]
    return low, high


def _instance_matrix(df, value_cols):
    """Per group ``_g`` and instance, the sums of ``value_cols`` as dense
    ``(n_groups_here, n_instances)`` matrices over the sorted instances of
    ``df`` (zeros where a group lacks an instance). Returns (groups,
    instances, {col: matrix})."""
    per = df.groupby(["_g", "instance"], sort=True)[value_cols].sum()
    groups = np.unique(per.index.get_level_values(0))
    instances = np.unique(per.index.get_level_values(1).astype(str))
    gi = np.searchsorted(groups, per.index.get_level_values(0))
    ii = np.searchsorted(instances, per.index.get_level_values(1).astype(str))
    mats = {}
    for col in value_cols:
        m = np.zeros((len(groups), len(instances)))
        m[gi, ii] = per[col].to_numpy(dtype=float)
        mats[col] = m
    return groups, instances, mats


def _jackknife_rows(faults, opt):
    """Jackknife-t ``(low, high)`` per row of ``(G, m)`` instance sums,
    leaving out the instances a row lacks (both sums 0)."""
    low = np.full(faults.shape[0], np.nan)
    high = low.copy()
    for i in range(faults.shape[0]):
        has = (faults[i] != 0) | (opt[i] != 0)
        _, low[i], high[i] = jackknife_ratio_interval(faults[i, has], opt[i, has])
    return low, high


def _bootstrap_columns(df, master_seed, n_boot):
    """``ci_low``, ``ci_high``, ``ci_method`` per group ``_g`` (Series):
    instance-resampled per (trace_family, k) with :func:`instance_weights`,
    or a jackknife-t interval when the family has fewer than
    :data:`JACKKNIFE_BELOW` instances; no interval from one instance."""
    low = pd.Series(np.nan, index=np.unique(df["_g"]), dtype=float)
    high = low.copy()
    method = pd.Series("", index=low.index, dtype=object)
    for (fam, k), part in df.groupby(["trace_family", "k"], sort=True):
        groups, instances, mats = _instance_matrix(part, ["faults", "opt"])
        if len(instances) < JACKKNIFE_BELOW:
            lo, hi = _jackknife_rows(mats["faults"], mats["opt"])
            kind = "jackknife-t"
        else:
            # Rows of a group that lacks an instance get zero weight there: fine
            # for a pooled ratio (that instance contributes nothing).
            w = instance_weights(master_seed, fam, k, len(instances), n_boot)
            lo, hi = bootstrap_ratio_interval(mats["faults"], mats["opt"], w)
            kind = "bootstrap"
        # A group with one instance of its own gets no interval, even if the
        # family has more instances elsewhere.
        n_own = part.groupby("_g")["instance"].nunique().reindex(groups).to_numpy()
        lo[n_own < 2] = np.nan
        hi[n_own < 2] = np.nan
        low[groups] = lo
        high[groups] = hi
        method[groups] = np.where(np.isfinite(lo), kind, "")
    return low, high, method


def instance_intervals(df, keys, family, k, master_seed=0, n_boot=N_BOOT):
    """95 % intervals over instances of Σfaults/ΣOPT per group of ``keys``
    of one family and k (rows of ``df`` with ``instance``, ``faults``,
    ``opt``): the instance bootstrap of :func:`family_ratios` (same seeded
    resamples) from :data:`JACKKNIFE_BELOW` instances on, jackknife-t below,
    none for one instance. Returns ``(low, high, method)`` Series indexed by
    the group keys (a MultiIndex for several keys)."""
    part = df.assign(_g=df.groupby(keys, sort=True).ngroup())
    index = df.groupby(keys, sort=True).size().index
    low, high, method = _bootstrap_columns(part.assign(trace_family=str(family), k=int(k)), master_seed, n_boot)
    return (pd.Series(low.to_numpy(), index=index), pd.Series(high.to_numpy(), index=index),
            pd.Series(method.to_numpy(), index=index))


def family_ratios(runs, master_seed=0, n_boot=N_BOOT):
    """Aggregate a runs table (contract §6) into one row per family setting.

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per run with at least the columns ``trace_family, instance, k,
        algorithm, prediction, error_model, rate, seed, faults, opt, eta0,
        eta1, bound``. Baseline rows (prediction-free algorithms) carry
        ``error_model == "none"`` and a NaN ``rate``; ``eta0``/``eta1`` may be
        nullable integers with NA there.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per distinct
        ``(trace_family, k, algorithm, prediction, error_model, rate)``
        (NaN rates are kept as their own group), sorted by those keys with
        NaN rates last. Per group:

        - ``runs``: number of runs; ``instances``, ``seeds``: distinct counts;
          ``faults``, ``opt``: the sums.
        - ``ratio`` = Σ faults / Σ OPT over all instances and seeds (pooled).
        - ``ci_low`` / ``ci_high``: 95 % percentile bootstrap interval of
          ``ratio`` from ``n_boot`` resamples of the instances, each with all
          its seeds (contract §9; :func:`instance_weights`, seeded from
          ``master_seed``, family and k); a jackknife-t interval when the
          family has fewer than :data:`JACKKNIFE_BELOW` instances; NaN for a
          single instance. ``ci_method``: ``bootstrap``, ``jackknife-t`` or
          empty (no interval).
        - ``ratio_seed_min`` / ``ratio_seed_max``: pool over instances for
          each seed separately, then the min / max over seeds.
        - ``ratio_q25`` / ``ratio_median`` / ``ratio_q75``: quantiles (linear
          interpolation) of the per-instance ratios, each instance pooled over
          its seeds as Σ faults / Σ OPT.
        - ``bound_ratio`` = Σ bound / Σ OPT, NaN if any run's bound is NaN.
        - ``eta0_mean`` / ``eta1_mean``: mean realised η0 / η1 of one run
          (i.e. of one instance under one seed); NaN where η is NA.

        A ratio whose Σ OPT is 0 is NaN.

    Notes
    -----
    The input is first sorted into a canonical order so that every float sum
    is taken in the same order: the result does not depend on the input's row
    order. O(R log R) for R runs.
    """
    missing = [c for c in _REQUIRED if c not in runs.columns]
    if missing:
        raise ValueError(f"runs table lacks columns {missing}")

    df = runs[_REQUIRED].copy()
    for col in ("faults", "opt", "bound", "eta0", "eta1", "rate"):
        df[col] = _as_float(df[col])
    df["k"] = pd.to_numeric(df["k"]).astype("int64")
    # Canonical order (mergesort is stable, NaN rates last) so float sums and
    # the output do not depend on how the runs table happened to be ordered.
    order = KEYS + ["instance", "seed", "faults", "opt", "bound", "eta0", "eta1"]
    df = df.sort_values(order, kind="mergesort", na_position="last").reset_index(drop=True)

    # Integer group ids avoid any NaN-key subtleties in the later groupbys.
    gid = df.groupby(KEYS, dropna=False, sort=False).ngroup().to_numpy()
    df["_g"] = gid
    n_groups = int(gid.max()) + 1 if len(df) else 0

    g = df.groupby("_g", sort=True)
    out = df.drop_duplicates("_g").set_index("_g")[KEYS].sort_index()
    out["runs"] = g.size()
    out["instances"] = g["instance"].nunique()
    out["seeds"] = g["seed"].nunique(dropna=False)
    sums = g[["faults", "opt", "bound", "eta0", "eta1"]].sum(min_count=1)
    out["faults"] = sums["faults"]
    out["opt"] = sums["opt"]
    out["ratio"] = _pooled(sums["faults"].to_numpy(), sums["opt"].to_numpy())
    ci_low, ci_high, ci_method = _bootstrap_columns(df, master_seed, n_boot)
    out["ci_low"] = ci_low
    out["ci_high"] = ci_high
    out["ci_method"] = ci_method

    per_seed = df.groupby(["_g", "seed"], sort=True, dropna=False)[["faults", "opt"]].sum()
    per_seed["r"] = _pooled(per_seed["faults"].to_numpy(), per_seed["opt"].to_numpy())
    seed_r = per_seed["r"].groupby(level="_g")
    out["ratio_seed_min"] = seed_r.min()
    out["ratio_seed_max"] = seed_r.max()

    per_inst = df.groupby(["_g", "instance"], sort=True, dropna=False)[["faults", "opt"]].sum()
    per_inst["r"] = _pooled(per_inst["faults"].to_numpy(), per_inst["opt"].to_numpy())
    inst_r = per_inst["r"].groupby(level="_g")
    out["ratio_q25"] = inst_r.quantile(0.25)
    out["ratio_median"] = inst_r.quantile(0.5)
    out["ratio_q75"] = inst_r.quantile(0.75)

    # Σbound must be NaN as soon as one run has no bound (sum() would skip it).
    any_nan_bound = df["bound"].isna().groupby(df["_g"]).any()
    bound_sum = sums["bound"].where(~any_nan_bound, np.nan)
    out["bound_ratio"] = _pooled(bound_sum.to_numpy(), sums["opt"].to_numpy())

    eta = g[["eta0", "eta1"]].mean()
    out["eta0_mean"] = eta["eta0"]
    out["eta1_mean"] = eta["eta1"]

    out = out.sort_values(KEYS, kind="mergesort", na_position="last").reset_index(drop=True)
    for col in ("runs", "instances", "seeds"):
        out[col] = out[col].astype("int64")
    # Integer sums stay integers in the CSV (``%.6g`` would round 1234567).
    for col in ("faults", "opt"):
        out[col] = out[col].round().astype("Int64")
    assert len(out) == n_groups
    return out[SUMMARY_COLUMNS]


def write_summary(runs, csv_path, master_seed=0):
    """Write :func:`family_ratios` of ``runs`` to ``csv_path`` atomically
    (bootstrap seeded from ``master_seed``).

    Floats are written with :data:`FLOAT_FORMAT` and NaN as an empty field, so
    two calls on the same runs (in any row order) give byte-identical files.
    The CSV is written through :func:`.store.atomic_path`, so a crash never
    leaves a half-written summary behind. Returns the summary frame.
    """
    summary = family_ratios(runs, master_seed=master_seed)
    with atomic_path(csv_path) as tmp:
        summary.to_csv(tmp, index=False, float_format=FLOAT_FORMAT, na_rep="", lineterminator="\n",
                       encoding="utf-8")
    return summary


def read_summary(csv_path):
    """Read a CSV written by :func:`write_summary` back with the right types.

    Only empty fields are missing values: the literal ``none`` of
    ``error_model`` / ``prediction`` stays a string.
    """
    df = pd.read_csv(csv_path, keep_default_na=False, na_values=[""])
    for col in ("trace_family", "algorithm", "prediction", "error_model"):
        df[col] = df[col].astype(str)
    df["k"] = df["k"].astype("int64")
    for col in ("faults", "opt"):
        df[col] = df[col].astype("Int64")
    for col in [c for c in SUMMARY_COLUMNS[len(KEYS) + 5 :] if c != "ci_method"] + ["rate"]:
        df[col] = df[col].astype(float)
    if "ci_method" in df.columns:
        df["ci_method"] = df["ci_method"].fillna("").astype(str)
    return df


def per_instance_ratios(runs):
    """Per-instance ratios: Σ faults / Σ OPT of each instance over its seeds.

    Returns a frame with the :data:`KEYS`, ``instance`` and ``ratio``
    (NaN rates kept), sorted by keys then instance. Used for the spread
    overlays of the figures.
    """
    cols = KEYS + ["instance"]
    df = runs[cols + ["faults", "opt"]].copy()
    df["faults"] = _as_float(df["faults"])
    df["opt"] = _as_float(df["opt"])
    df["rate"] = _as_float(df["rate"])
    df["k"] = pd.to_numeric(df["k"]).astype("int64")
    agg = df.groupby(cols, dropna=False, sort=False)[["faults", "opt"]].sum().reset_index()
    agg["ratio"] = _pooled(agg["faults"].to_numpy(), agg["opt"].to_numpy())
    agg = agg.sort_values(cols, kind="mergesort", na_position="last").reset_index(drop=True)
    return agg[cols + ["ratio"]]


# --------------------------------------------------------------------------
# paired differences per instance
# --------------------------------------------------------------------------

#: Columns of :func:`paired_differences`.
PAIRED_COLUMNS = ["trace_family", "k", "error_model", "rate", "algorithm", "reference", "instances",
                  "diff", "ci_low", "ci_high", "better", "worse"]


def _pairs(algorithms):
    """(algorithm, reference) pairs compared per instance: every other
    algorithm against ``lru``; ``followbits`` against ``mark0``; each
    ``combine(A,B)`` against A and against B."""
    algs = display_order(algorithms)
    out = []
    if "lru" in algs:
        out += [(a, "lru") for a in algs if a not in ("lru", "opt")]
    if "followbits" in algs and "mark0" in algs:
        out.append(("followbits", "mark0"))
    for a in algs:
        if a.startswith("combine(") and a.endswith(")"):
            for part in a[len("combine("):-1].split(","):
                if part in algs:
                    out.append((a, part))
    return list(dict.fromkeys(out))


def paired_differences(runs, master_seed=0, n_boot=N_BOOT):
    """Paired per-instance differences of two algorithms on the same bits.

    For every (trace family, k, error model, rate) and every pair of
    :func:`_pairs` (``algorithm`` − ``reference``): per instance, the mean
    faults over seeds of each (the same instance, predicted bits of the same
    replicates: common random numbers); then

    - ``diff`` = Σ_i (faults_alg,i − faults_ref,i) / Σ_i OPT_i, the
      difference of the pooled ratios (contract §6);
    - ``ci_low`` / ``ci_high``: its 95 % bootstrap interval resampling the
      instances (the same draws as the summary's, :func:`instance_weights`);
      NaN for one instance;
    - ``better`` / ``worse``: instances where the algorithm pays fewer / more
      faults than the reference.

    A prediction-free reference (``lru``: error model ``none``) is paired with
    every error model and rate of the algorithm; a prediction-free algorithm
    against ``lru`` appears once, with error model ``none``. Only instances
    that both algorithms ran are used. Sorted by the first five columns.
    """
    need = ["trace_family", "k", "algorithm", "error_model", "rate", "instance", "faults", "opt"]
    missing = [c for c in need if c not in runs.columns]
    if missing:
        raise ValueError(f"runs table lacks columns {missing}")
    df = runs[need].copy()
    df["faults"] = _as_float(df["faults"])
    df["opt"] = _as_float(df["opt"])
    df["rate"] = _as_float(df["rate"])
    df["k"] = pd.to_numeric(df["k"]).astype("int64")
    for col in ("trace_family", "algorithm", "error_model", "instance"):
        df[col] = df[col].astype(str)
    df["rate"] = df["rate"].fillna(-1.0)  # NaN keys cannot be merged on; restored below
    keys = ["trace_family", "k", "algorithm", "error_model", "rate", "instance"]
    per = df.groupby(keys, sort=True)[["faults", "opt"]].mean().reset_index()
    rows = []
    for alg, ref in _pairs(per["algorithm"].unique()):
        a = per[per["algorithm"] == alg]
        r = per[per["algorithm"] == ref].drop(columns=["algorithm", "opt"])
        on = ["trace_family", "k", "instance"]
        if not ((r["error_model"] == "none").all() and (a["error_model"] != "none").any()):
            on += ["error_model", "rate"]
        else:
            r = r.drop(columns=["error_model", "rate"])
        m = a.merge(r, on=on, suffixes=("", "_ref"))
        if len(m) == 0:
            continue
        m["d"] = m["faults"] - m["faults_ref"]
        for (fam, k), part in m.groupby(["trace_family", "k"], sort=True):
            settings = part.groupby(["error_model", "rate"], sort=True)
            instances = np.unique(part["instance"])
            w = instance_weights(master_seed, fam, k, len(instances), n_boot)
            d_mat = np.zeros((settings.ngroups, len(instances)))
            o_mat = np.zeros_like(d_mat)
            meta = []
            for j, ((model, rate), g) in enumerate(settings):
                idx = np.searchsorted(instances, g["instance"].to_numpy())
                d_mat[j, idx] = g["d"].to_numpy()
                o_mat[j, idx] = g["opt"].to_numpy()
                meta.append((model, rate, len(g), int((g["d"] < 0).sum()), int((g["d"] > 0).sum())))
            lo, hi = bootstrap_ratio_interval(d_mat, o_mat, w)
            diff = _pooled(d_mat.sum(axis=1), o_mat.sum(axis=1))
            for j, (model, rate, n_inst, better, worse) in enumerate(meta):
                own = n_inst >= 2
                rows.append((fam, int(k), model, np.nan if rate < 0 else rate, alg, ref, n_inst, diff[j],
                             lo[j] if own else np.nan, hi[j] if own else np.nan, better, worse))
    out = pd.DataFrame(rows, columns=PAIRED_COLUMNS)
    out = out.astype({"k": "int64", "instances": "int64", "better": "int64", "worse": "int64",
                      "rate": "float64", "diff": "float64", "ci_low": "float64", "ci_high": "float64"})
    return out.sort_values(PAIRED_COLUMNS[:6], kind="mergesort", na_position="first").reset_index(drop=True)


def write_paired_differences(runs, csv_path, master_seed=0):
    """Write :func:`paired_differences` to ``csv_path`` atomically
    (:data:`FLOAT_FORMAT`, NaN empty); return the frame."""
    table = paired_differences(runs, master_seed=master_seed)
    with atomic_path(csv_path) as tmp:
        table.to_csv(tmp, index=False, float_format=FLOAT_FORMAT, na_rep="", lineterminator="\n",
                     encoding="utf-8")
    return table


# --------------------------------------------------------------------------
# LaTeX (booktabs) table for a paper
# --------------------------------------------------------------------------

#: Preference order of the LaTeX table's error model (flip first: its rate 1
#: is the all-wrong predictor).
LATEX_ERROR_MODELS = ERROR_MODELS


_TEX_SPECIAL = str.maketrans({
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
})


def _tex_escape(text):
    """Escape LaTeX's special characters in an id or family name."""
    return str(text).translate(_TEX_SPECIAL)


def _tex_ratio(value):
    """A ratio with two decimals (three significant digits above 100); -- if NaN."""
    if not np.isfinite(value):
        return "--"
    if abs(value) >= 1000:
        return f"{value:.0f}"
    if abs(value) >= 100:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _tex_interval(low, high):
    """``[low, high]`` in small type, or '' when there is no interval."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    return rf"{{\scriptsize [{_tex_ratio(low)}, {_tex_ratio(high)}]}}"


def latex_table(summary, family, k, error_model=None):
    """Booktabs LaTeX table of the pooled ratios of one family and cache size.

    Parameters
    ----------
    summary : pandas.DataFrame
        A :func:`family_ratios` frame (or :func:`read_summary` of its CSV).
    family, k :
        The trace family and cache size to tabulate.
    error_model : str, optional
        Whose rates make the columns; default the first of
        :data:`LATEX_ERROR_MODELS` present for this family and k.

    Returns
    -------
    str
        A ``table*`` environment (full text width in a two-column paper, a
        plain table otherwise; needs ``\\usepackage{booktabs}``) with one row
        per algorithm: those using predictions first, one column per error
        rate of ``error_model``; then, under a ``\\midrule``, the
        prediction-free algorithms, whose single ratio spans all columns.
        Values are Σ faults / Σ OPT over instances and seeds (contract §6);
        where the summary has ``ci_low``/``ci_high``, a row in small type under
        each algorithm gives the 95 % instance-bootstrap interval (contract §9).
        Caption and ``\\label{tab:summary-<family>-k<k>}`` are included.
        Deterministic: the same summary gives the same bytes.
    """
    sub = summary[(summary["trace_family"].astype(str) == str(family))
                  & (pd.to_numeric(summary["k"]).astype("int64") == int(k))]
    if len(sub) == 0:
        raise ValueError(f"no summary rows for family {family!r} and k={k}")
    rate = _as_float(sub["rate"])
    base = sub[(sub["prediction"].astype(str) == "none") | np.isnan(rate)]
    pred = sub[~sub.index.isin(base.index)]
    models = [m for m in LATEX_ERROR_MODELS if m in set(pred["error_model"].astype(str))]
    models += sorted(set(pred["error_model"].astype(str)) - set(models))
    if error_model is None:
        error_model = models[0] if models else None
    elif error_model not in models:
        raise ValueError(f"error model {error_model!r} has no rows for {family!r}, k={k}; have {models}")
    pred = pred[pred["error_model"].astype(str) == str(error_model)]
    rates = sorted(set(_as_float(pred["rate"]).tolist()))
    n_cols = max(len(rates), 1)

    def order(frame):
        # Configured (first-seen) order would depend on the CSV; use the ids' order.
        return display_order(frame["algorithm"].astype(str))

    has_ci = {"ci_low", "ci_high"} <= set(sub.columns)

    def interval(frame):
        """{rate: interval cell} of the rows of one algorithm ('' if none)."""
        if not has_ci:
            return {}
        return {r: _tex_interval(lo, hi) for r, lo, hi in
                zip(_as_float(frame["rate"]).tolist(), _as_float(frame["ci_low"]).tolist(),
                    _as_float(frame["ci_high"]).tolist())}

    lines = []
    any_ci = False
    for alg in order(pred):
        d = pred[pred["algorithm"].astype(str) == alg]
        by_rate = dict(zip(_as_float(d["rate"]).tolist(), _as_float(d["ratio"]).tolist()))
        cells = [_tex_ratio(by_rate.get(r, np.nan)) for r in rates]
        lines.append(rf"\texttt{{{_tex_escape(alg)}}} & " + " & ".join(cells) + r" \\")
        ci = interval(d)
        if any(ci.values()):
            any_ci = True
            lines.append(" & " + " & ".join(ci.get(r, "") for r in rates) + r" \\[1pt]")
    base_lines = []
    for alg in order(base):
        row = base[base["algorithm"].astype(str) == alg]
        value = _as_float(row["ratio"])[0]
        ci = next(iter(interval(row).values()), "")
        any_ci = any_ci or bool(ci)
        cell = _tex_ratio(value) + (" " + ci if ci else "")
        base_lines.append(rf"\texttt{{{_tex_escape(alg)}}} & \multicolumn{{{n_cols}}}{{c}}{{{cell}}} \\")

    instances = int(sub["instances"].max()) if "instances" in sub else 0
    seeds = int(sub["seeds"].max()) if "seeds" in sub else 0
    fam, model = _tex_escape(family), _tex_escape(error_model) if error_model else ""
    caption = (
        rf"Fault ratio $\sum \mathrm{{faults}} / \sum \mathrm{{OPT}}$ on \texttt{{{fam}}}, $k = {int(k)}$,"
        rf" pooled over {instances} instance{'s' if instances != 1 else ''}"
        rf" and {seeds} seed{'s' if seeds != 1 else ''}"
    )
    if rates:
        caption += rf", against the error rate $r$ of error model \texttt{{{model}}}"
    if base_lines:
        caption += "; below the rule, the algorithms without predictions"
    if any_ci:
        methods = set(sub["ci_method"].astype(str)) - {"", "nan"} if "ci_method" in sub.columns else {"bootstrap"}
        what = {frozenset({"bootstrap"}): "bootstrap interval (whole instances resampled)",
                frozenset({"jackknife-t"}): "jackknife-t interval over instances (fewer than 10 instances)"}.get(
            frozenset(methods), "interval over instances (bootstrap; jackknife-t below 10 instances)")
        caption += rf"; in small type, the 95\,\% {what} of the pooled ratio"
    caption += "."
    header = (r"algorithm & " + " & ".join(f"{r:g}" for r in rates) + r" \\") if rates else r"algorithm & ratio \\"
    out = [
        "% Generated by the succinct-paging workflow (rule latex_table); needs \\usepackage{booktabs}.",
        # table*: one column per rate is wider than a column of a two-column
        # paper; in a one-column document table* is a plain table.
        r"\begin{table*}[t]",
        r"\centering",
        r"\small",
        r"\setlength{\tabcolsep}{4pt}",
        rf"\caption{{{caption}}}",
        rf"\label{{tab:summary-{str(family).replace('_', '-')}-k{int(k)}}}",
        r"\begin{tabular}{l" + "r" * n_cols + "}",
        r"\toprule",
    ]
    if rates:
        out += [rf" & \multicolumn{{{n_cols}}}{{c}}{{error rate $r$ (\texttt{{{model}}})}} \\",
                rf"\cmidrule(lr){{2-{n_cols + 1}}}"]
    out += [header, r"\midrule"]
    out += lines
    if lines and base_lines:
        out.append(r"\midrule")
    out += base_lines
    out += [r"\bottomrule", r"\end{tabular}", r"\end{table*}", ""]
    return "\n".join(out)


def write_latex_table(summary, family, k, path, error_model=None):
    """Write :func:`latex_table` to ``path`` atomically; return the text."""
    text = latex_table(summary, family, k, error_model=error_model)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return text


__all__ = [
    "KEYS",
    "SUMMARY_COLUMNS",
    "FLOAT_FORMAT",
    "family_ratios",
    "write_summary",
    "read_summary",
    "per_instance_ratios",
    "N_BOOT",
    "LEVEL",
    "instance_weights",
    "bootstrap_ratio_interval",
    "PAIRED_COLUMNS",
    "paired_differences",
    "write_paired_differences",
    "latex_table",
    "write_latex_table",
]

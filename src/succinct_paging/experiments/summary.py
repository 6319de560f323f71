"""Per-family aggregation of the runs table (contract §6).

A trace family's ratio is the *pooled* ratio Σ faults / Σ OPT over its
instances and seeds, never the mean of per-instance ratios: the mean is
dominated by instances with a tiny OPT (some BrightKite users have OPT of a
few faults). The per-instance spread is reported separately as quantiles.

Pure pandas; no simulation and no plotting here.
"""

import numpy as np
import pandas as pd

from succinct_paging.algorithms import display_order
from succinct_paging.errors import ERROR_MODELS
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
    "ratio_seed_min",
    "ratio_seed_max",
    "ratio_q25",
    "ratio_median",
    "ratio_q75",
    "bound_ratio",
    "eta0_mean",
    "eta1_mean",
]

_REQUIRED = KEYS + ["instance", "seed", "faults", "opt", "eta0", "eta1", "bound"]

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


def family_ratios(runs):
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


def write_summary(runs, csv_path):
    """Write :func:`family_ratios` of ``runs`` to ``csv_path`` atomically.

    Floats are written with :data:`FLOAT_FORMAT` and NaN as an empty field, so
    two calls on the same runs (in any row order) give byte-identical files.
    The CSV is written through :func:`.store.atomic_path`, so a crash never
    leaves a half-written summary behind. Returns the summary frame.
    """
    summary = family_ratios(runs)
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
    for col in SUMMARY_COLUMNS[len(KEYS) + 5 :] + ["rate"]:
        df[col] = df[col].astype(float)
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
        Values are Σ faults / Σ OPT over instances and seeds (contract §6).
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

    lines = []
    for alg in order(pred):
        d = pred[pred["algorithm"].astype(str) == alg]
        by_rate = dict(zip(_as_float(d["rate"]).tolist(), _as_float(d["ratio"]).tolist()))
        cells = [_tex_ratio(by_rate.get(r, np.nan)) for r in rates]
        lines.append(rf"\texttt{{{_tex_escape(alg)}}} & " + " & ".join(cells) + r" \\")
    base_lines = []
    for alg in order(base):
        value = _as_float(base.loc[base["algorithm"].astype(str) == alg, "ratio"])[0]
        base_lines.append(rf"\texttt{{{_tex_escape(alg)}}} & \multicolumn{{{n_cols}}}{{c}}{{{_tex_ratio(value)}}} \\")

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
    "latex_table",
    "write_latex_table",
]

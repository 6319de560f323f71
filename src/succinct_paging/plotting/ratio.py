"""Figure of contract §6: the fault ratio of one trace family and k against
the error rate (or the realised wrong bits per OPT fault), one panel per
error model, with the proven bounds and the interval over instances."""

import math

import matplotlib
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import NullLocator

from succinct_paging.plotting.family_common import (
    LOG_THRESHOLD,
    POOLED_LABEL,
    direct_labels,
    finite,
    is_baseline,
    label_ticks_without_overlap,
    legend_columns,
    placeholder,
    select,
    set_log_y,
)
from succinct_paging.plotting.style import (
    ERROR_MODELS,
    algorithm_colour,
    algorithm_marker,
    algorithm_order,
    error_model_order,
    new_figure,
    rc,
    save_figure,
)
from succinct_paging.plotting.style import layout as layout_spec


def wrong_bits_per_opt(frame):
    """Σ (η0 + η1) / Σ OPT of each summary row: the wrong bits per OPT fault
    (η0 under false_keep, η1 under false_discard, both under flip). The
    summary's η means are per run, so Σ η = mean · runs."""
    eta = frame["eta0_mean"].astype(float).fillna(0.0) + frame["eta1_mean"].astype(float).fillna(0.0)
    opt = frame["opt"].astype(float).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(opt > 0, eta.to_numpy() * frame["runs"].astype(float).to_numpy() / opt, np.nan)


def _bound_touches(ratio, bound, rel=1e-9):
    """Mask of points whose measured ratio meets the bound (within rounding)."""
    ok = np.isfinite(ratio) & np.isfinite(bound)
    return ok & (np.abs(ratio - np.where(ok, bound, 0.0)) <= rel * np.maximum(1.0, np.abs(np.where(ok, bound, 0.0))))



def interval_label(rows):
    """Legend text of the shaded interval of summary ``rows`` (its
    ``ci_method``), or "" when no row has an interval (one instance)."""
    if "ci_low" not in rows.columns or not np.isfinite(rows["ci_low"].to_numpy(dtype=float)).any():
        return ""
    methods = set(rows["ci_method"]) - {""} if "ci_method" in rows.columns else {"bootstrap"}
    if methods == {"jackknife-t"}:
        return "95 % jackknife-t interval over instances (< 10 instances)"
    if methods == {"bootstrap"}:
        return "95 % bootstrap interval over instances"
    return "95 % interval over instances (bootstrap; jackknife-t below 10 instances)"

def plot_ratio_vs_rate(summary, family, k, out_stem, layout=None, x="rate"):
    """Competitive ratio against error rate, one panel per error model.

    ``x = "rate"``: the x axis is the error rate r; ``x = "eta"``: it is the
    realised wrong bits per OPT fault, Σ η / Σ OPT (:func:`wrong_bits_per_opt`),
    so that phase bits and discard bits, whose rates mean different amounts
    of error, are compared at equal error.

    For each prediction-using algorithm: pooled ratio Σ faults / Σ OPT
    (solid, markers), shaded its 95 % interval over instances
    (``ci_low``/``ci_high``: bootstrap, or jackknife-t below 10 instances;
    none for a single instance, and then no legend entry), and its bound ratio
    Σ bound / Σ OPT (thin dashed, same colour) drawn *on top* of the
    measured curve; a black ring marks every point where the measured ratio
    meets the bound exactly. The y range fits the measured values and the
    baselines (one convention for every family): a bound that leaves the top
    is marked by a triangle at the top edge. Prediction-free baselines are
    horizontal dotted lines. The y axis starts at 1 and is logarithmic when
    the measured range exceeds :data:`LOG_THRESHOLD`. Panels sit side
    by side in the ``two_column`` layout and are stacked in ``one_column``
    (:data:`LAYOUTS`). Writes ``out_stem.pdf`` and ``out_stem.png``; returns
    their paths.
    """
    spec = layout_spec(layout)
    narrow = spec["name"] == "one_column"
    sub = select(summary, family, k)
    if x not in ("rate", "eta"):
        raise ValueError(f"x must be 'rate' or 'eta', got {x!r}")
    by_eta = x == "eta"
    title = (f"{family}, k = {int(k)}: fault ratio vs wrong bits per OPT fault" if by_eta
             else f"{family}, k = {int(k)}: fault ratio vs prediction error rate")
    if sub is None or len(sub) == 0:
        return placeholder(out_stem, title, "no data for this trace family and k in this config", layout=layout)
    base_mask = is_baseline(sub)
    pred = sub[~base_mask]
    base = sub[base_mask]
    models = error_model_order(pred["error_model"])
    if not models:
        return placeholder(out_stem, title, "no runs with predictions in this config", layout=layout)
    pred_algs = algorithm_order(pred["algorithm"])
    base_algs = algorithm_order(base["algorithm"])
    base_ratio = {a: float(base.loc[base["algorithm"] == a, "ratio"].iloc[0]) for a in base_algs}

    has_ci = {"ci_low", "ci_high"} <= set(pred.columns)
    # The y range fits what was measured (bounds may leave the top).
    shown = list(finite(pred["ratio"])) + (list(finite(pred["ci_high"])) if has_ci else [])
    shown += list(finite(list(base_ratio.values())))
    hi = max(shown) if shown else 1.1
    log = hi / 1.0 > LOG_THRESHOLD
    # y starts at 1 (no algorithm beats OPT), padded just enough that the
    # opt baseline at exactly 1 is not hidden by the axis spine.
    if log:
        lo, hi = 0.95, hi * 1.25
    else:
        top = max(hi, 1.1) - 1.0
        lo, hi = 1.0 - 0.02 * top, 1.0 + 1.06 * top
    pred = pred.assign(_x=wrong_bits_per_opt(pred) if by_eta else pred["rate"].astype(float))
    rates = np.unique(finite(pred["_x"]))
    positive = rates[rates > 0]
    # Configs usually sample small rates densely (0.01, 0.02, 0.05, ...):
    # a symmetric-log x axis (linear below the smallest positive rate) keeps
    # them apart while still showing r = 0.
    symlog = not by_eta and len(positive) >= 2 and positive.min() / positive.max() < 0.1
    pad = 0.03 * max(float(rates.max() - rates.min()), 0.1)

    lw, ms = spec["line"], spec["marker"]
    alg_handles = [
        Line2D([], [], color=algorithm_colour(a), marker=algorithm_marker(a), linestyle="-",
               linewidth=1.2 * lw, markersize=ms, label=a)
        for a in pred_algs
    ]
    base_handles = [
        Line2D([], [], color=algorithm_colour(a), linestyle=":", linewidth=1.1 * lw,
               label=f"{a} (no predictions)")
        for a in base_algs
    ]
    style_handles = [
        Line2D([], [], color="#555555", linestyle="-", linewidth=1.2 * lw, label=POOLED_LABEL),
        *([Patch(facecolor="#555555", alpha=0.25, label=interval_label(pred))] if interval_label(pred) else []),
        Line2D([], [], color="#555555", linestyle="--", linewidth=0.8 * lw,
               label="proven upper bound (realised η0, η1)"),
        Line2D([], [], color="black", marker="o", markerfacecolor="none", linestyle="none",
               markersize=1.9 * ms, label="measured = bound"),
        Line2D([], [], color="#555555", marker="^", linestyle="none", markersize=ms,
               label="bound above the panel"),
    ]
    handles, ncols = legend_columns([alg_handles, base_handles, style_handles], max_cols=2 if narrow else 4)
    legend_rows = math.ceil(len(handles) / ncols)
    # Heights in inches: the axes get a fixed share, titles, tick labels and
    # the legend (rows of small text) come on top.
    row_in = spec["small"] * 1.45 / 72.0
    if narrow:
        height = 1.55 * len(models) + 0.75 + legend_rows * row_in
    else:
        height = 2.35 + 0.75 + legend_rows * row_in

    # Expected width of one panel: the figure less the y labels (and, side
    # by side, the baseline names at the right).
    if narrow:
        axes_in = spec["width"] - 0.55
    else:
        axes_in = (spec["width"] - 0.55 - 0.45) / len(models) - 0.1

    with matplotlib.rc_context(rc(spec)):
        fig = new_figure(spec["width"], height)
        if narrow:
            axes = fig.subplots(len(models), 1, sharex=True, squeeze=False)[:, 0]
        else:
            axes = fig.subplots(1, len(models), sharey=True, squeeze=False)[0]
        top_marks = []
        fig.suptitle(title)
        for i, (ax, model) in enumerate(zip(axes, models)):
            m = pred[pred["error_model"] == model]
            for alg in pred_algs:
                d = m[m["algorithm"] == alg].sort_values(["_x", "rate"], kind="mergesort")
                if len(d) == 0:
                    continue
                c, mk = algorithm_colour(alg), algorithm_marker(alg)
                xs = d["_x"].to_numpy(dtype=float)
                if has_ci:
                    ax.fill_between(xs, d["ci_low"].to_numpy(dtype=float), d["ci_high"].to_numpy(dtype=float),
                                    color=c, alpha=0.22, linewidth=0, zorder=1)
                y = d["ratio"].to_numpy(dtype=float)
                ax.plot(xs, y, "-", color=c, marker=mk, markersize=ms, linewidth=1.2 * lw, zorder=2)
                b = d["bound_ratio"].to_numpy(dtype=float)
                if np.isfinite(b).any():
                    # The bound on top of the measured curve, thin and dashed,
                    # so that a bound met exactly stays visible.
                    ax.plot(xs, b, color=c, linestyle=(0, (4, 2)), linewidth=0.7 * lw, zorder=3)
                    touch = _bound_touches(y, b)
                    ax.plot(xs[touch], y[touch], linestyle="none", marker="o", markersize=1.9 * ms,
                            markerfacecolor="none", markeredgecolor="black", markeredgewidth=0.6, zorder=4)
                    over = np.isfinite(b) & (b > hi)
                    if over.any():
                        top_marks.append((ax, float(xs[over][0]), c))
            for alg in base_algs:
                ax.axhline(base_ratio[alg], linestyle=":", color=algorithm_colour(alg), linewidth=1.1 * lw)
            desc = ERROR_MODELS.get(model, "")
            sep = ": " if narrow else "\n"
            ax.set_title(f"error model {model}" + (f"{sep}{desc}" if desc else ""))
            if symlog:
                linthresh = float(positive.min())
                ax.set_xscale("symlog", linthresh=linthresh, linscale=0.5)
                ax.xaxis.set_minor_locator(NullLocator())
                ax.set_xlim(-0.15 * linthresh, float(rates.max()) * 1.15)
                label_ticks_without_overlap(ax, rates, axes_in, spec["small"])
                xlabel = f"error rate r (log scale above {linthresh:g})"
            else:
                ax.set_xlim(float(rates.min()) - pad, float(rates.max()) + pad)
                xlabel = "wrong bits per OPT fault, Σ η / Σ OPT" if by_eta else "error rate r"
            if not narrow or i == len(models) - 1:
                ax.set_xlabel(xlabel)
            ax.grid(True, which="major", color="#dddddd", linewidth=0.5)
            ax.set_axisbelow(True)
            if log:
                set_log_y(ax)
            ax.set_ylim(lo, hi)
            if narrow or i == 0:
                ax.set_ylabel("fault ratio ALG / OPT")
        for ax, x0, c in top_marks:
            # Where a bound first leaves the panel: a triangle on the top edge.
            ax.plot([x0], [1.0], transform=ax.get_xaxis_transform(), marker="^", color=c, markersize=ms,
                    linestyle="none", clip_on=False, zorder=5)
        if not narrow:
            # Name the dotted baselines where they end (one column has no room;
            # its legend names them).
            axes_in = 2.0 * 72.0
            direct_labels(
                axes[-1],
                [(base_ratio[a], a, algorithm_colour(a)) for a in base_algs if np.isfinite(base_ratio[a])],
                log,
                lo,
                hi,
                fontsize=spec["small"] - 0.5,
                gap=1.2 * spec["small"] / axes_in,
            )
        fig.legend(handles=handles, loc="outside lower center", ncols=ncols, frameon=False)
    return save_figure(fig, out_stem, spec)

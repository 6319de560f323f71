"""Figures of contract §6 for one trace family and one cache size k: ratio
vs error rate, consistency and robustness.

Inputs are a :func:`succinct_paging.experiments.summary.family_ratios` frame
(the family ratio is pooled, Σ faults / Σ OPT) and, for the per-instance
spread, the raw runs table. Sizes, fonts, colours and the writer come from
:mod:`succinct_paging.plotting.style`.
"""

import math
import os

import matplotlib
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator

from succinct_paging.bounds import harmonic
from succinct_paging.experiments.summary import per_instance_ratios
from succinct_paging.plotting.style import (
    ERROR_MODELS,
    LAYOUTS,
    algorithm_colour,
    algorithm_marker,
    algorithm_order,
    error_model_order,
    new_figure,
    rc,
    save_figure,
)
from succinct_paging.plotting.style import layout as layout_spec

#: Legend text of the pooled family ratio (contract §6).
POOLED_LABEL = "Σ faults / Σ OPT over instances and seeds"

#: Switch an axis to log scale when max / min of what it shows exceeds this.
LOG_THRESHOLD = 15.0


# --------------------------------------------------------------------------
# data selection
# --------------------------------------------------------------------------


def _is_baseline(frame):
    """Rows of prediction-free algorithms (error model ``none``, NaN rate)."""
    return (frame["prediction"].astype(str) == "none") | frame["rate"].isna()


def _select(frame, family, k):
    if frame is None:
        return None
    sel = (frame["trace_family"].astype(str) == str(family)) & (frame["k"].astype("int64") == int(k))
    return frame[sel]


def _at_rate(frame, error_model, rate):
    """Prediction rows at (error_model, rate) plus all baseline rows."""
    base = _is_baseline(frame)
    hit = (
        ~base
        & (frame["error_model"].astype(str) == error_model)
        & np.isclose(frame["rate"].astype(float).to_numpy(), rate, atol=1e-12)
    )
    return frame[hit | base], bool(hit.any())


def _instance_spread(runs, family, k, error_model, rate):
    """{algorithm: array of per-instance ratios} at the chosen setting."""
    if runs is None or len(runs) == 0:
        return {}
    sub = _select(runs, family, k)
    if sub is None or len(sub) == 0:
        return {}
    sub, _ = _at_rate(sub, error_model, rate)
    if len(sub) == 0:
        return {}
    inst = per_instance_ratios(sub)
    return {str(a): g["ratio"].to_numpy(dtype=float) for a, g in inst.groupby("algorithm", sort=True)}


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------


def _placeholder(out_stem, title, message, subtitle=None, layout=None):
    """A figure that only says why it is empty (Snakemake expects the file)."""
    spec = layout_spec(layout)
    with matplotlib.rc_context(rc(spec)):
        fig = new_figure(spec["width"], 0.45 * spec["width"])
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, message, ha="center", va="center", color="#444444", wrap=True)
        fig.suptitle(title)
        if subtitle:
            ax.set_title(subtitle)
    return save_figure(fig, out_stem, spec)


def _legend_columns(groups, max_cols):
    """Lay legend handles out so that each group starts a new column.

    Legends fill column by column; each group is cut into columns of the
    same height and padded with blank entries, so algorithms, baselines and
    the line-style key never share a column. Returns ``(handles, ncols)``.
    """
    groups = [g for g in groups if g]
    if len(groups) > max_cols:
        # Too narrow to give each group its own column: one flat list.
        flat = [h for g in groups for h in g]
        return flat, max(1, min(max_cols, len(flat)))
    rows = max(3, max((len(g) for g in groups[-1:]), default=3))
    while sum(math.ceil(len(g) / rows) for g in groups) > max_cols:
        rows += 1
    handles = []
    for g in groups:
        n_cols = math.ceil(len(g) / rows)
        handles += g + [Line2D([], [], linestyle="none", label=" ")] * (n_cols * rows - len(g))
    return handles, len(handles) // rows


def _value_formatter():
    return FuncFormatter(lambda v, _pos: f"{v:g}")


def _label_ticks_without_overlap(ax, values, axes_width_in, fontsize):
    """Ticks at every x in ``values``, labels only where they do not overlap.

    Positions are taken through the axis' scale (e.g. symlog) and limits;
    the first and last ticks are always labelled, the others greedily from
    the left. ``axes_width_in`` is the expected width of the axes in inches.
    """
    values = np.asarray(values, dtype=float)
    scale = ax.xaxis.get_transform()
    lo, hi = scale.transform(np.asarray(ax.get_xlim(), dtype=float))
    pos = (scale.transform(values) - lo) / (hi - lo) * axes_width_in
    texts = [f"{v:g}" for v in values]
    half = [(len(t) * 0.6 * fontsize / 72.0 + 0.05) / 2.0 for t in texts]
    keep = [i in (0, len(values) - 1) for i in range(len(values))]
    last = 0
    for i in range(1, len(values) - 1):
        clear_left = pos[i] - half[i] >= pos[last] + half[last]
        clear_right = pos[i] + half[i] <= pos[-1] - half[-1]
        if clear_left and clear_right:
            keep[i], last = True, i
    ax.set_xticks(values, labels=[t if k else "" for t, k in zip(texts, keep)])


def _set_log_y(ax):
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(_value_formatter())
    ax.yaxis.set_minor_formatter(NullFormatter())


def _finite(values):
    a = np.asarray(values, dtype=float)
    return a[np.isfinite(a)]


def _spread_positions(targets, gap, lo=0.0, hi=1.0):
    """Positions near sorted ``targets`` at least ``gap`` apart, within [lo, hi].

    Overlapping labels are merged into clusters, each centred on the mean of
    its targets (so a crowd of labels moves both ways, not only upwards).
    """
    clusters = [[t] for t in targets]

    def start(c):
        return sum(c) / len(c) - (len(c) - 1) * gap / 2.0

    merged = True
    while merged:
        merged = False
        out = [clusters[0]]
        for c in clusters[1:]:
            prev = out[-1]
            if start(c) < start(prev) + len(prev) * gap:
                out[-1] = prev + c
                merged = True
            else:
                out.append(c)
        clusters = out
    pos = [start(c) + j * gap for c in clusters for j in range(len(c))]
    shift = max(0.0, lo - pos[0]) if pos else 0.0
    pos = [p + shift for p in pos]
    over = pos[-1] - hi if pos else 0.0
    if over > 0:
        pos = [p - over for p in pos]
    return pos


def _direct_labels(ax, items, log, lo, hi, fontsize, gap=0.045):
    """Label horizontal lines at the right edge of ``ax`` without overlaps.

    ``items`` are ``(y, text, colour)`` in data coordinates; ``gap`` is the
    least distance of two labels as a fraction of the axes height.
    """
    if not items:
        return
    f = (lambda v: math.log10(v)) if log else (lambda v: v)
    span = f(hi) - f(lo)
    fr = sorted(((f(y) - f(lo)) / span, text, colour) for y, text, colour in items if y > 0 or not log)
    if not fr:
        return
    pos = _spread_positions([p for p, _, _ in fr], gap=gap, lo=0.02, hi=0.98)
    for p, (_, text, colour) in zip(pos, fr):
        ax.text(1.02, p, text, transform=ax.transAxes, ha="left", va="center", color=colour,
                fontsize=fontsize, clip_on=False)


# --------------------------------------------------------------------------
# 1. ratio vs error rate
# --------------------------------------------------------------------------


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
    sub = _select(summary, family, k)
    if x not in ("rate", "eta"):
        raise ValueError(f"x must be 'rate' or 'eta', got {x!r}")
    by_eta = x == "eta"
    title = (f"{family}, k = {int(k)}: fault ratio vs wrong bits per OPT fault" if by_eta
             else f"{family}, k = {int(k)}: fault ratio vs prediction error rate")
    if sub is None or len(sub) == 0:
        return _placeholder(out_stem, title, "no data for this trace family and k in this config", layout=layout)
    base_mask = _is_baseline(sub)
    pred = sub[~base_mask]
    base = sub[base_mask]
    models = error_model_order(pred["error_model"])
    if not models:
        return _placeholder(out_stem, title, "no runs with predictions in this config", layout=layout)
    pred_algs = algorithm_order(pred["algorithm"])
    base_algs = algorithm_order(base["algorithm"])
    base_ratio = {a: float(base.loc[base["algorithm"] == a, "ratio"].iloc[0]) for a in base_algs}

    has_ci = {"ci_low", "ci_high"} <= set(pred.columns)
    # The y range fits what was measured (bounds may leave the top).
    shown = list(_finite(pred["ratio"])) + (list(_finite(pred["ci_high"])) if has_ci else [])
    shown += list(_finite(list(base_ratio.values())))
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
    rates = np.unique(_finite(pred["_x"]))
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
    handles, ncols = _legend_columns([alg_handles, base_handles, style_handles], max_cols=2 if narrow else 4)
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
                _label_ticks_without_overlap(ax, rates, axes_in, spec["small"])
                xlabel = f"error rate r (log scale above {linthresh:g})"
            else:
                ax.set_xlim(float(rates.min()) - pad, float(rates.max()) + pad)
                xlabel = "wrong bits per OPT fault, Σ η / Σ OPT" if by_eta else "error rate r"
            if not narrow or i == len(models) - 1:
                ax.set_xlabel(xlabel)
            ax.grid(True, which="major", color="#dddddd", linewidth=0.5)
            ax.set_axisbelow(True)
            if log:
                _set_log_y(ax)
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
            _direct_labels(
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


# --------------------------------------------------------------------------
# 2./3. bar charts at one setting
# --------------------------------------------------------------------------


def _bars(ax, rows, spread, spec):
    """Bars of pooled ratios with a per-instance overlay; return plotted values.

    ``rows``: ``(algorithm, ratio, is_baseline)`` in display order;
    ``spread``: {algorithm: per-instance ratios}; ``spec``: the
    :func:`_layout`. Baseline bars are hatched. Few instances are drawn as
    dots, many as a box plot.
    """
    narrow = spec["name"] == "one_column"
    values = []
    for x, (alg, ratio, is_base) in enumerate(rows):
        c = algorithm_colour(alg)
        ax.bar(
            x,
            ratio,
            width=0.7,
            color=c,
            alpha=0.45 if is_base else 0.8,
            edgecolor=c,
            hatch="//" if is_base else None,
            linewidth=0.8,
        )
        values.append(ratio)
        pts = spread.get(alg, np.array([]))
        pts = pts[np.isfinite(pts)]
        # Spread on the right half of the bar, value label on the left half,
        # so the two never collide.
        xs, xl = (x + 0.17, x - 0.16) if len(pts) else (x, x)
        if len(pts) > 15:
            ax.boxplot(
                pts,
                positions=[xs],
                widths=0.24,
                manage_ticks=False,
                showfliers=True,
                patch_artist=True,
                flierprops={
                    "marker": ".",
                    "markersize": 0.8 * spec["marker"],
                    "markerfacecolor": "#222222",
                    "markeredgecolor": "none",
                },
                medianprops={"color": "#222222", "linewidth": 0.8},
                boxprops={"facecolor": "white", "edgecolor": "#222222", "alpha": 0.85, "linewidth": 0.6},
                whiskerprops={"color": "#222222", "linewidth": 0.6},
                capprops={"color": "#222222", "linewidth": 0.6},
            )
        elif len(pts):
            # Deterministic jitter (golden-ratio sequence over the sorted
            # points): looks scattered, yet identical on every run.
            offs = ((np.arange(len(pts)) * 0.6180339887) % 1.0 - 0.5) * 0.24 if len(pts) > 1 else np.zeros(1)
            ax.scatter(xs + offs, np.sort(pts), s=spec["marker"] ** 2 * 0.6, color="#222222", zorder=3,
                       linewidths=0)
        values.extend(pts.tolist())
        if np.isfinite(ratio):
            # One column: bars are narrow, so the value stands upright.
            ax.annotate(
                f"{ratio:.3g}",
                (xl, ratio),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                rotation=90 if narrow else 0,
                fontsize=spec["small"] - 1.0,
                color="#222222",
                zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.6},
            )
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r[0] for r in rows], rotation=55 if narrow else 30, ha="right", rotation_mode="anchor")
    ax.set_xlim(-0.6, len(rows) - 0.4)
    ax.grid(True, axis="y", color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)
    return values


def _bar_figure(summary, runs, family, k, error_model, rate, out_stem, title, ref_lines, spec):
    """Shared body of the consistency and robustness figures."""
    narrow = spec["name"] == "one_column"
    sub = _select(summary, family, k)
    chosen, _ = _at_rate(sub, error_model, rate)
    base_mask = _is_baseline(chosen)
    rows = []
    for is_base, mask in ((True, base_mask), (False, ~base_mask)):
        part = chosen[mask]
        for alg in algorithm_order(part["algorithm"]):
            rows.append((alg, float(part.loc[part["algorithm"] == alg, "ratio"].iloc[0]), is_base))
    spread = _instance_spread(runs, family, k, error_model, rate)
    n_inst = max((len(v) for v in spread.values()), default=0)

    values = [v for _, v, _ in rows] + [y for y, _, _, _ in ref_lines]
    for v in spread.values():
        values.extend(v.tolist())
    fin = _finite(values)
    hi = float(fin.max()) if len(fin) else 2.0
    log = hi > LOG_THRESHOLD

    # Inches: the axes, the slanted algorithm names under it, the titles and
    # the legend (2 columns, or 1 in the narrow layout) of 3-4 entries.
    longest = max((len(r[0]) for r in rows), default=8)
    names_in = longest * spec["small"] * 0.55 / 72.0 * (0.82 if narrow else 0.5) + 0.3
    legend_rows = (len(ref_lines) + 3) if narrow else math.ceil((len(ref_lines) + 2) / 2) + 1
    height = (2.0 if narrow else 2.2) + names_in + 0.55 + legend_rows * spec["small"] * 1.45 / 72.0

    with matplotlib.rc_context(rc(spec)):
        fig = new_figure(spec["width"], height)
        ax = fig.add_subplot()
        _bars(ax, rows, spread, spec)
        handles = []
        for y, label, colour, style in ref_lines:
            ax.axhline(y, color=colour, linestyle=style, linewidth=spec["line"], zorder=4)
            handles.append(Line2D([], [], color=colour, linestyle=style, linewidth=spec["line"], label=label))
        if log:
            _set_log_y(ax)
            ax.set_ylim(0.8, hi * 1.5)
        else:
            ax.set_ylim(0, hi * 1.12)
        ax.set_ylabel("fault ratio ALG / OPT")
        ax.set_xlabel("algorithm (hatched bars: no predictions)")
        rate_txt = f"r = {rate:g}, error model {error_model}"
        ax.set_title(f"{family}, k = {int(k)}: {rate_txt}")
        fig.suptitle(title)
        handles += [
            Patch(facecolor="#999999", edgecolor="#999999", label=POOLED_LABEL),
        ]
        if n_inst:
            noun = "instance" if n_inst == 1 else "instances"
            spread_label = (
                f"per-instance ratios, seeds pooled ({n_inst} {noun}; box: quartiles,\n"
                "whiskers: 1.5 IQR, dots: instances beyond)"
                if n_inst > 15
                else f"per-instance ratios, seeds pooled ({n_inst} {noun})"
            )
            if n_inst > 15:
                handles.append(Patch(facecolor="white", edgecolor="#222222", label=spread_label))
            else:
                dot = Line2D([], [], color="#222222", marker=".", linestyle="none", label=spread_label)
                handles.append(dot)
        fig.legend(handles=handles, loc="outside lower center", ncols=1 if narrow else 2, frameon=False)
    return save_figure(fig, out_stem, spec)


def _choose_error_model(summary, family, k, rate):
    """Error model with prediction rows at ``rate``: flip first, then others."""
    sub = _select(summary, family, k)
    if sub is None or len(sub) == 0:
        return None
    pred = sub[~_is_baseline(sub)]
    hit = pred[np.isclose(pred["rate"].astype(float).to_numpy(), rate, atol=1e-12)]
    models = error_model_order(hit["error_model"])
    return models[0] if models else None


def plot_consistency(summary, runs, family, k, out_stem, layout=None):
    """Perfect predictions (rate 0): pooled ratio per algorithm and baseline.

    Uses error model ``flip`` if it has rate-0 rows, otherwise the first other
    model that does (at rate 0 every model gives the true bits). Bars are the
    pooled ratios, the overlay the per-instance ratios from ``runs`` (may be
    None); horizontal lines at 1 (OPT) and 2 (MARK&PREDICT's bound).
    Writes a placeholder figure if there is no rate 0. ``layout``: see
    :data:`LAYOUTS`. Returns the paths.
    """
    spec = layout_spec(layout)
    title = "Consistency: perfect predictions"
    model = _choose_error_model(summary, family, k, 0.0)
    if model is None:
        return _placeholder(
            out_stem, title, "no data for rate 0 in this config", subtitle=f"{family}, k = {int(k)}",
            layout=layout,
        )
    refs = [
        (1.0, "OPT", "#000000", "-"),
        (2.0, "MARK&PREDICT bound 2·OPT", "#2ca02c", "--"),
    ]
    return _bar_figure(summary, runs, family, k, model, 0.0, out_stem, title, refs, spec)


def plot_robustness(summary, runs, family, k, out_stem, layout=None):
    """All predictions wrong (rate 1, error model ``flip``).

    Bars per algorithm plus baselines with a per-instance overlay; lines at
    k (the worst-case ratio of a deterministic marking algorithm, LRU's; on
    one fixed trace it is a reference, not a lower bound) and 2H_k (the
    randomized marking upper bound); log y
    when the range is large. Writes a placeholder figure if the config has no
    flip rows at rate 1. ``layout``: see :data:`LAYOUTS`. Returns the paths.
    """
    spec = layout_spec(layout)
    title = "Robustness: all predictions wrong"
    sub = _select(summary, family, k)
    has = False
    if sub is not None and len(sub):
        pred = sub[~_is_baseline(sub)]
        at_one = np.isclose(pred["rate"].astype(float).to_numpy(), 1.0, atol=1e-12)
        has = bool(((pred["error_model"] == "flip").to_numpy() & at_one).any())
    if not has:
        return _placeholder(
            out_stem,
            title,
            "no data for rate 1 (error model flip) in this config",
            subtitle=f"{family}, k = {int(k)}",
            layout=layout,
        )
    h2 = 2.0 * harmonic(int(k))
    refs = [
        (float(k), f"k = {int(k)}: worst-case ratio of LRU (not a bound on one trace)", "#000000", "-"),
        (h2, f"2H_k = {h2:.3g}: marker's upper bound (expected)", "#9467bd", "--"),
    ]
    return _bar_figure(summary, runs, family, k, "flip", 1.0, out_stem, title, refs, spec)


# --------------------------------------------------------------------------
# all figures of one family and k
# --------------------------------------------------------------------------


def figure_stems(family, k, out_dir):
    """Output stems (no extension) of :func:`plot_family`, in its order."""
    names = ("ratio_vs_rate", "consistency", "robustness")
    return [os.path.join(os.fspath(out_dir), f"{name}_{family}_k{int(k)}") for name in names]


def plot_family(summary, runs, family, k, out_dir, layout=None):
    """Write the three figures of ``family`` at cache size ``k`` to ``out_dir``.

    Files: ``ratio_vs_rate_<family>_k<k>``, ``consistency_<family>_k<k>``,
    ``robustness_<family>_k<k>``, each ``.pdf`` and ``.png``, sized for the
    paper ``layout`` (:data:`LAYOUTS`; default ``two_column``). A figure
    without data is still written, saying what is missing. Returns the six
    paths.
    """
    layout_spec(layout)  # reject a bad layout before drawing anything
    os.makedirs(os.fspath(out_dir), exist_ok=True)
    s_rate, s_cons, s_rob = figure_stems(family, k, out_dir)
    paths = []
    paths += plot_ratio_vs_rate(summary, family, k, s_rate, layout=layout)
    paths += plot_consistency(summary, runs, family, k, s_cons, layout=layout)
    paths += plot_robustness(summary, runs, family, k, s_rob, layout=layout)
    return paths


#: What each figure of :func:`plot_family` shows, for the gallery index.
FIGURE_BLURBS = {
    "ratio_vs_rate": (
        "Fault ratio ALG / OPT against the error rate, one panel per error model; dashed: each "
        "algorithm's proven bound at the realised η0, η1; dotted: algorithms without predictions."
    ),
    "consistency": (
        "Perfect predictions: FOLLOWBITS and MARK0 pay exactly OPT, MARK&PREDICT stays below 2·OPT; "
        "hatched bars: algorithms without predictions; dots: single instances."
    ),
    "robustness": (
        "Every predicted bit wrong: algorithms that follow the bits blindly can be as bad as k·OPT "
        "or worse, combine(A, B) stays within a constant of the better of A and B (lines: k and 2H_k)."
    ),
}


def gallery_index(file_names):
    """Markdown index of gallery figures (``<figure>_<family>_k<k>.png``).

    One heading, then per figure an image link and what it shows
    (:data:`FIGURE_BLURBS`). Written by the workflow's ``gallery`` rule to
    ``docs/figures/README.md``.
    """
    out = [
        "# Gallery",
        "",
        "Generated by `snakemake --cores 2 gallery` (rule `gallery`) from the workflow's",
        "figures; do not edit by hand. The README shows these figures.",
        "",
    ]
    for name in file_names:
        stem = os.path.splitext(os.path.basename(name))[0]
        kind = next((f for f in FIGURE_BLURBS if stem.startswith(f + "_")), None)
        rest = stem[len(kind) + 1 :] if kind else stem
        family, _, k = rest.rpartition("_k")
        label = f"{kind.replace('_', ' ') if kind else stem}: {family}, k = {k}" if kind else stem
        out += [f"## {label}", "", f"![{label}]({os.path.basename(name)})", ""]
        if kind:
            out += [FIGURE_BLURBS[kind], ""]
    return "\n".join(out)


__all__ = [
    "ERROR_MODELS",
    "FIGURE_BLURBS",
    "LAYOUTS",
    "figure_stems",
    "gallery_index",
    "plot_consistency",
    "plot_family",
    "plot_ratio_vs_rate",
    "plot_robustness",
]

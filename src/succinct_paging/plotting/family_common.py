"""Shared pieces of the per-family figures (contract §6): selecting a
family's rows, placeholders, legends, tick labels and log axes. Used by
:mod:`succinct_paging.plotting.ratio` (ratio against the error) and
:mod:`succinct_paging.plotting.bars` (consistency and robustness)."""

import math

import matplotlib
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from succinct_paging.experiments.summary import per_instance_ratios
from succinct_paging.plotting.style import (
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


def is_baseline(frame):
    """Rows of prediction-free algorithms (error model ``none``, NaN rate)."""
    return (frame["prediction"].astype(str) == "none") | frame["rate"].isna()


def select(frame, family, k):
    if frame is None:
        return None
    sel = (frame["trace_family"].astype(str) == str(family)) & (frame["k"].astype("int64") == int(k))
    return frame[sel]


def at_rate(frame, error_model, rate):
    """Prediction rows at (error_model, rate) plus all baseline rows."""
    base = is_baseline(frame)
    hit = (
        ~base
        & (frame["error_model"].astype(str) == error_model)
        & np.isclose(frame["rate"].astype(float).to_numpy(), rate, atol=1e-12)
    )
    return frame[hit | base], bool(hit.any())


def instance_spread(runs, family, k, error_model, rate):
    """{algorithm: array of per-instance ratios} at the chosen setting."""
    if runs is None or len(runs) == 0:
        return {}
    sub = select(runs, family, k)
    if sub is None or len(sub) == 0:
        return {}
    sub, _ = at_rate(sub, error_model, rate)
    if len(sub) == 0:
        return {}
    inst = per_instance_ratios(sub)
    return {str(a): g["ratio"].to_numpy(dtype=float) for a, g in inst.groupby("algorithm", sort=True)}


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------


def placeholder(out_stem, title, message, subtitle=None, layout=None):
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


def legend_columns(groups, max_cols):
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


def value_formatter():
    return FuncFormatter(lambda v, _pos: f"{v:g}")


def label_ticks_without_overlap(ax, values, axes_width_in, fontsize):
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


def set_log_y(ax):
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(value_formatter())
    ax.yaxis.set_minor_formatter(NullFormatter())


def finite(values):
    a = np.asarray(values, dtype=float)
    return a[np.isfinite(a)]


def spread_positions(targets, gap, lo=0.0, hi=1.0):
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


def direct_labels(ax, items, log, lo, hi, fontsize, gap=0.045):
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
    pos = spread_positions([p for p, _, _ in fr], gap=gap, lo=0.02, hi=0.98)
    for p, (_, text, colour) in zip(pos, fr):
        ax.text(1.02, p, text, transform=ax.transAxes, ha="left", va="center", color=colour,
                fontsize=fontsize, clip_on=False)

"""Figures of SPEC §6 for one trace family and one cache size k.

Inputs are a :func:`succinct_paging.summary.family_ratios` frame (the family
ratio is pooled, Σ faults / Σ OPT) and, for the per-instance spread, the raw
runs table. Every figure is written as PDF and PNG, reproducibly: no creation
date or software version in the metadata, TrueType fonts embedded in the PDF.

Matplotlib is used through :class:`matplotlib.figure.Figure` directly (no
pyplot): PNGs are rendered by the Agg backend and PDFs by the PDF backend
whatever the caller's interactive backend is, and no global figure registry
or backend setting is touched.

Each algorithm id has one colour and one marker in every figure: known ids
take theirs from :data:`KNOWN_ALGORITHMS` in order, any other id is mapped
into :data:`EXTRA_COLOURS` by a stable hash of its name, so it too keeps its
colour across figures and runs.
"""

import math
import os
import tempfile
import zlib

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator

from succinct_paging.bounds import harmonic
from succinct_paging.summary import _default_permissions, per_instance_ratios

#: SPEC ids in their colour order (prediction-free baselines first).
KNOWN_ALGORITHMS = [
    "opt",
    "lru",
    "fifo",
    "random",
    "marker",
    "followbits",
    "followbits_robust",
    "mark0",
    "mark0_eager",
    "mark_predict",
    "combine(followbits,lru)",
    "combine(mark0,marker)",
    "blind_oracle",
    "predictive_marker",
    "lmarker",
    "combine(blind_oracle,lru)",
]

_KNOWN_COLOURS = [
    "#000000",  # opt
    "#7f7f7f",  # lru
    "#8c564b",  # fifo
    "#bcbd22",  # random
    "#9467bd",  # marker
    "#1f77b4",  # followbits
    "#17becf",  # followbits_robust
    "#ff7f0e",  # mark0
    "#d62728",  # mark0_eager
    "#2ca02c",  # mark_predict
    "#08306b",  # combine(followbits,lru)
    "#e377c2",  # combine(mark0,marker)
    "#637939",  # blind_oracle
    "#843c39",  # predictive_marker
    "#7b4173",  # lmarker
    "#e7ba52",  # combine(blind_oracle,lru)
]

#: Colours for ids outside :data:`KNOWN_ALGORITHMS` (chosen by crc32 of the id).
EXTRA_COLOURS = [
    "#393b79",
    "#8ca252",
    "#bd9e39",
    "#ad494a",
    "#a55194",
    "#6b6ecf",
    "#b5cf6b",
    "#e7969c",
    "#de9ed6",
    "#3182bd",
    "#e6550d",
    "#31a354",
]

_MARKERS = ["o", "s", "^", "v", "D", "P", "X", "*", "<", ">", "h", "p"]

#: Panel order and one-line meaning of each error model (SPEC §2).
ERROR_MODELS = {
    "flip": "each bit flipped with prob. r",
    "false_keep": "each 1-bit (discard) becomes 0 with prob. r",
    "false_discard": "each 0-bit (keep) becomes 1 with prob. r",
}

_RC = {
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "font.size": 10,
    "axes.titlesize": 10,
    "figure.titlesize": 12,
    "legend.fontsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

#: Legend text of the pooled family ratio (SPEC §6).
POOLED_LABEL = "Σ faults / Σ OPT over instances and seeds"

#: Switch an axis to log scale when max / min of what it shows exceeds this.
LOG_THRESHOLD = 15.0


# --------------------------------------------------------------------------
# identities: colour, marker, order
# --------------------------------------------------------------------------


def _canonical(algorithm):
    """``combine(a, b)`` and ``combine(a,b)`` are one id."""
    return str(algorithm).replace(" ", "")


def algorithm_colour(algorithm):
    """Fixed colour of an algorithm id (same in every figure)."""
    a = _canonical(algorithm)
    if a in KNOWN_ALGORITHMS:
        return _KNOWN_COLOURS[KNOWN_ALGORITHMS.index(a)]
    return EXTRA_COLOURS[zlib.crc32(a.encode("utf-8")) % len(EXTRA_COLOURS)]


def algorithm_marker(algorithm):
    """Fixed marker of an algorithm id (same in every figure)."""
    a = _canonical(algorithm)
    if a in KNOWN_ALGORITHMS:
        return _MARKERS[KNOWN_ALGORITHMS.index(a) % len(_MARKERS)]
    return _MARKERS[zlib.crc32(a.encode("utf-8")) % len(_MARKERS)]


def _algorithm_order(algorithms):
    """Known ids in :data:`KNOWN_ALGORITHMS` order, then the others sorted."""
    algs = sorted(set(map(str, algorithms)))
    known = {a: KNOWN_ALGORITHMS.index(_canonical(a)) for a in algs if _canonical(a) in KNOWN_ALGORITHMS}
    return sorted(known, key=known.get) + [a for a in algs if a not in known]


def _error_model_order(models):
    models = sorted(set(map(str, models)))
    return [m for m in ERROR_MODELS if m in models] + [m for m in models if m not in ERROR_MODELS]


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


def _new_figure(width, height):
    return Figure(figsize=(width, height), layout="constrained")


def _save(fig, out_stem):
    """Write ``out_stem.pdf`` and ``out_stem.png`` atomically; return paths."""
    out_stem = os.fspath(out_stem)
    directory = os.path.dirname(os.path.abspath(out_stem))
    os.makedirs(directory, exist_ok=True)
    paths = []
    with matplotlib.rc_context(_RC):
        # Lay the figure out once and freeze it: both files then share one
        # layout, and the second save does not pay for it again.
        engine = fig.get_layout_engine()
        if engine is not None:
            fig.draw_without_rendering()
            fig.set_layout_engine("none")
    for ext, meta in (("pdf", {"CreationDate": None}), ("png", {"Software": None})):
        path = f"{out_stem}.{ext}"
        fd, tmp = tempfile.mkstemp(prefix=".fig-", suffix=f".{ext}.tmp", dir=directory)
        os.close(fd)
        try:
            with matplotlib.rc_context(_RC):
                fig.savefig(tmp, format=ext, metadata=meta, dpi=150)
            _default_permissions(tmp)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        paths.append(path)
    return paths


def _placeholder(out_stem, title, message, subtitle=None):
    """A figure that only says why it is empty (Snakemake expects the file)."""
    with matplotlib.rc_context(_RC):
        fig = _new_figure(7.0, 3.0)
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=13, color="#444444", wrap=True)
        fig.suptitle(title)
        if subtitle:
            ax.set_title(subtitle)
    return _save(fig, out_stem)


def _legend_columns(groups, max_cols):
    """Lay legend handles out so that each group starts a new column.

    Legends fill column by column; each group is cut into columns of the
    same height and padded with blank entries, so algorithms, baselines and
    the line-style key never share a column. Returns ``(handles, ncols)``.
    """
    groups = [g for g in groups if g]
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


def _direct_labels(ax, items, log, lo, hi):
    """Label horizontal lines at the right edge of ``ax`` without overlaps.

    ``items`` are ``(y, text, colour)`` in data coordinates.
    """
    if not items:
        return
    f = (lambda v: math.log10(v)) if log else (lambda v: v)
    span = f(hi) - f(lo)
    fr = sorted(((f(y) - f(lo)) / span, text, colour) for y, text, colour in items if y > 0 or not log)
    if not fr:
        return
    pos = _spread_positions([p for p, _, _ in fr], gap=0.045, lo=0.02, hi=0.98)
    for p, (_, text, colour) in zip(pos, fr):
        ax.text(1.02, p, text, transform=ax.transAxes, ha="left", va="center", color=colour,
                fontsize=8, clip_on=False)


# --------------------------------------------------------------------------
# 1. ratio vs error rate
# --------------------------------------------------------------------------


def plot_ratio_vs_rate(summary, family, k, out_stem):
    """Competitive ratio against error rate, one panel per error model.

    For each prediction-using algorithm: pooled ratio Σ faults / Σ OPT
    (solid, markers), a band between the per-seed minimum and maximum, and
    its bound ratio Σ bound / Σ OPT (dashed, same colour) where finite.
    Prediction-free baselines are horizontal dotted lines. The y axis starts
    at 1 and is logarithmic when the shown range is large. Writes
    ``out_stem.pdf`` and ``out_stem.png``; returns their paths.
    """
    sub = _select(summary, family, k)
    title = f"{family}, k = {int(k)} — fault ratio vs prediction error rate"
    if sub is None or len(sub) == 0:
        return _placeholder(out_stem, title, "no data for this trace family and k in this config")
    base_mask = _is_baseline(sub)
    pred = sub[~base_mask]
    base = sub[base_mask]
    models = _error_model_order(pred["error_model"])
    if not models:
        return _placeholder(out_stem, title, "no runs with predictions in this config")
    pred_algs = _algorithm_order(pred["algorithm"])
    base_algs = _algorithm_order(base["algorithm"])
    base_ratio = {a: float(base.loc[base["algorithm"] == a, "ratio"].iloc[0]) for a in base_algs}

    shown = list(_finite(pred["ratio"])) + list(_finite(pred["ratio_seed_max"]))
    shown += list(_finite(pred["bound_ratio"])) + list(_finite(list(base_ratio.values())))
    hi = max(shown) if shown else 1.1
    log = hi / 1.0 > LOG_THRESHOLD
    # y starts at 1 (no algorithm beats OPT), padded just enough that the
    # opt baseline at exactly 1 is not hidden by the axis spine.
    if log:
        lo, hi = 0.95, hi * 1.25
    else:
        top = max(hi, 1.1) - 1.0
        lo, hi = 1.0 - 0.02 * top, 1.0 + 1.06 * top
    rates = np.unique(_finite(pred["rate"]))
    positive = rates[rates > 0]
    # Configs usually sample small rates densely (0.01, 0.02, 0.05, ...):
    # a symmetric-log x axis (linear below the smallest positive rate) keeps
    # them apart while still showing r = 0.
    symlog = len(positive) >= 2 and positive.min() / positive.max() < 0.1
    pad = 0.03 * max(float(rates.max() - rates.min()), 0.1)

    with matplotlib.rc_context(_RC):
        fig = _new_figure(4.4 * len(models) + 1.2, 5.0)
        axes = fig.subplots(1, len(models), sharey=True, squeeze=False)[0]
        for i, (ax, model) in enumerate(zip(axes, models)):
            m = pred[pred["error_model"] == model]
            for alg in pred_algs:
                d = m[m["algorithm"] == alg].sort_values("rate", kind="mergesort")
                if len(d) == 0:
                    continue
                c, mk = algorithm_colour(alg), algorithm_marker(alg)
                x = d["rate"].to_numpy(dtype=float)
                ax.fill_between(
                    x,
                    d["ratio_seed_min"].to_numpy(dtype=float),
                    d["ratio_seed_max"].to_numpy(dtype=float),
                    color=c,
                    alpha=0.18,
                    linewidth=0,
                )
                y = d["ratio"].to_numpy(dtype=float)
                ax.plot(x, y, "-", color=c, marker=mk, markersize=5, linewidth=1.6)
                b = d["bound_ratio"].to_numpy(dtype=float)
                if np.isfinite(b).any():
                    ax.plot(x, b, "--", color=c, linewidth=1.1, alpha=0.9)
            for alg in base_algs:
                ax.axhline(base_ratio[alg], linestyle=":", color=algorithm_colour(alg), linewidth=1.5)
            desc = ERROR_MODELS.get(model, "")
            ax.set_title(f"{family}, k = {int(k)} — error model: {model}" + (f"\n({desc})" if desc else ""))
            if symlog:
                linthresh = float(positive.min())
                ax.set_xscale("symlog", linthresh=linthresh, linscale=0.5)
                ax.set_xticks(rates)
                ax.xaxis.set_major_formatter(_value_formatter())
                ax.xaxis.set_minor_locator(NullLocator())
                ax.set_xlim(-0.15 * linthresh, float(rates.max()) * 1.15)
                ax.set_xlabel(f"error rate r (log scale above {linthresh:g})")
            else:
                ax.set_xlim(float(rates.min()) - pad, float(rates.max()) + pad)
                ax.set_xlabel("error rate r")
            ax.grid(True, which="major", color="#dddddd", linewidth=0.6)
            ax.set_axisbelow(True)
            if log:
                _set_log_y(ax)
            ax.set_ylim(lo, hi)
            if i == 0:
                ax.set_ylabel("fault ratio ALG / OPT (pooled over instances)")
        _direct_labels(
            axes[-1],
            [(base_ratio[a], a, algorithm_colour(a)) for a in base_algs if np.isfinite(base_ratio[a])],
            log,
            lo,
            hi,
        )

        alg_handles = [
            Line2D([], [], color=algorithm_colour(a), marker=algorithm_marker(a), linestyle="-", label=a)
            for a in pred_algs
        ]
        base_handles = [
            Line2D([], [], color=algorithm_colour(a), linestyle=":", linewidth=1.5,
                   label=f"{a} (no predictions)")
            for a in base_algs
        ]
        style_handles = [
            Line2D([], [], color="#555555", linestyle="-", label=POOLED_LABEL),
            Patch(facecolor="#555555", alpha=0.25, label="range over seeds (min–max)"),
            Line2D([], [], color="#555555", linestyle="--", label="proven upper bound (realised η0, η1)"),
        ]
        handles, ncols = _legend_columns([alg_handles, base_handles, style_handles], max_cols=5)
        fig.legend(handles=handles, loc="outside lower center", ncols=ncols, frameon=False)
    return _save(fig, out_stem)


# --------------------------------------------------------------------------
# 2./3. bar charts at one setting
# --------------------------------------------------------------------------


def _bars(ax, rows, spread):
    """Bars of pooled ratios with a per-instance overlay; return plotted values.

    ``rows``: ``(algorithm, ratio, is_baseline)`` in display order;
    ``spread``: {algorithm: per-instance ratios}. Baseline bars are hatched.
    Few instances are drawn as dots, many as a box plot.
    """
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
            linewidth=1.0,
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
                    "markersize": 3,
                    "markerfacecolor": "#222222",
                    "markeredgecolor": "none",
                },
                medianprops={"color": "#222222"},
                boxprops={"facecolor": "white", "edgecolor": "#222222", "alpha": 0.85},
                whiskerprops={"color": "#222222"},
                capprops={"color": "#222222"},
            )
        elif len(pts):
            # Deterministic jitter (golden-ratio sequence over the sorted
            # points): looks scattered, yet identical on every run.
            offs = ((np.arange(len(pts)) * 0.6180339887) % 1.0 - 0.5) * 0.24 if len(pts) > 1 else np.zeros(1)
            ax.scatter(xs + offs, np.sort(pts), s=12, color="#222222", zorder=3, linewidths=0)
        values.extend(pts.tolist())
        if np.isfinite(ratio):
            ax.annotate(
                f"{ratio:.3g}",
                (xl, ratio),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color="#222222",
                zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.6},
            )
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r[0] for r in rows], rotation=30, ha="right", rotation_mode="anchor")
    ax.set_xlim(-0.6, len(rows) - 0.4)
    ax.grid(True, axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return values


def _bar_figure(summary, runs, family, k, error_model, rate, out_stem, title, ref_lines):
    """Shared body of the consistency and robustness figures."""
    sub = _select(summary, family, k)
    chosen, _ = _at_rate(sub, error_model, rate)
    base_mask = _is_baseline(chosen)
    rows = []
    for is_base, mask in ((True, base_mask), (False, ~base_mask)):
        part = chosen[mask]
        for alg in _algorithm_order(part["algorithm"]):
            rows.append((alg, float(part.loc[part["algorithm"] == alg, "ratio"].iloc[0]), is_base))
    spread = _instance_spread(runs, family, k, error_model, rate)
    n_inst = max((len(v) for v in spread.values()), default=0)

    values = [v for _, v, _ in rows] + [y for y, _, _, _ in ref_lines]
    for v in spread.values():
        values.extend(v.tolist())
    fin = _finite(values)
    hi = float(fin.max()) if len(fin) else 2.0
    log = hi > LOG_THRESHOLD

    with matplotlib.rc_context(_RC):
        fig = _new_figure(max(6.0, 0.75 * len(rows) + 2.5), 5.2)
        ax = fig.add_subplot()
        _bars(ax, rows, spread)
        handles = []
        for y, label, colour, style in ref_lines:
            ax.axhline(y, color=colour, linestyle=style, linewidth=1.3, zorder=4)
            handles.append(Line2D([], [], color=colour, linestyle=style, linewidth=1.3, label=label))
        if log:
            _set_log_y(ax)
            ax.set_ylim(0.8, hi * 1.5)
        else:
            ax.set_ylim(0, hi * 1.12)
        ax.set_ylabel("fault ratio ALG / OPT")
        ax.set_xlabel("algorithm (hatched bars: no predictions)")
        rate_txt = f"r = {rate:g}, error model {error_model}"
        ax.set_title(f"{family}, k = {int(k)} — {rate_txt}")
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
        fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    return _save(fig, out_stem)


def _choose_error_model(summary, family, k, rate):
    """Error model with prediction rows at ``rate``: flip first, then others."""
    sub = _select(summary, family, k)
    if sub is None or len(sub) == 0:
        return None
    pred = sub[~_is_baseline(sub)]
    hit = pred[np.isclose(pred["rate"].astype(float).to_numpy(), rate, atol=1e-12)]
    models = _error_model_order(hit["error_model"])
    return models[0] if models else None


def plot_consistency(summary, runs, family, k, out_stem):
    """Perfect predictions (rate 0): pooled ratio per algorithm and baseline.

    Uses error model ``flip`` if it has rate-0 rows, otherwise the first other
    model that does (at rate 0 every model gives the true bits). Bars are the
    pooled ratios, the overlay the per-instance ratios from ``runs`` (may be
    None); horizontal lines at 1 (OPT) and 2 (MARK&PREDICT's bound).
    Writes a placeholder figure if there is no rate 0. Returns the paths.
    """
    title = "Consistency: perfect predictions"
    model = _choose_error_model(summary, family, k, 0.0)
    if model is None:
        return _placeholder(
            out_stem, title, "no data for rate 0 in this config", subtitle=f"{family}, k = {int(k)}"
        )
    refs = [
        (1.0, "OPT", "#000000", "-"),
        (2.0, "MARK&PREDICT bound 2·OPT", "#2ca02c", "--"),
    ]
    return _bar_figure(summary, runs, family, k, model, 0.0, out_stem, title, refs)


def plot_robustness(summary, runs, family, k, out_stem):
    """All predictions wrong (rate 1, error model ``flip``).

    Bars per algorithm plus baselines with a per-instance overlay; lines at
    k (deterministic lower bound) and 2H_k (randomized marking bound); log y
    when the range is large. Writes a placeholder figure if the config has no
    flip rows at rate 1. Returns the paths.
    """
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
        )
    h2 = 2.0 * harmonic(int(k))
    refs = [
        (float(k), f"k = {int(k)}: deterministic lower bound", "#000000", "-"),
        (h2, f"2H_k = {h2:.3g}: randomized marking bound", "#9467bd", "--"),
    ]
    return _bar_figure(summary, runs, family, k, "flip", 1.0, out_stem, title, refs)


# --------------------------------------------------------------------------
# all figures of one family and k
# --------------------------------------------------------------------------


def figure_stems(family, k, out_dir):
    """Output stems (no extension) of :func:`plot_family`, in its order."""
    names = ("ratio_vs_rate", "consistency", "robustness")
    return [os.path.join(os.fspath(out_dir), f"{name}_{family}_k{int(k)}") for name in names]


def plot_family(summary, runs, family, k, out_dir):
    """Write the three figures of ``family`` at cache size ``k`` to ``out_dir``.

    Files: ``ratio_vs_rate_<family>_k<k>``, ``consistency_<family>_k<k>``,
    ``robustness_<family>_k<k>``, each ``.pdf`` and ``.png``. A figure without
    data is still written, saying what is missing. Returns the six paths.
    """
    os.makedirs(os.fspath(out_dir), exist_ok=True)
    s_rate, s_cons, s_rob = figure_stems(family, k, out_dir)
    paths = []
    paths += plot_ratio_vs_rate(summary, family, k, s_rate)
    paths += plot_consistency(summary, runs, family, k, s_cons)
    paths += plot_robustness(summary, runs, family, k, s_rob)
    return paths


__all__ = [
    "KNOWN_ALGORITHMS",
    "EXTRA_COLOURS",
    "ERROR_MODELS",
    "algorithm_colour",
    "algorithm_marker",
    "plot_ratio_vs_rate",
    "plot_consistency",
    "plot_robustness",
    "plot_family",
    "figure_stems",
]

"""Bar figures of contract §6 for one trace family and k: consistency
(perfect predictions) and robustness (every bit wrong), pooled bars with a
per-instance overlay and reference lines."""

import math

import matplotlib
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from succinct_paging.bounds import harmonic
from succinct_paging.plotting.family_common import (
    LOG_THRESHOLD,
    POOLED_LABEL,
    at_rate,
    finite,
    instance_spread,
    is_baseline,
    placeholder,
    select,
    set_log_y,
)
from succinct_paging.plotting.style import (
    algorithm_colour,
    algorithm_order,
    error_model_order,
    new_figure,
    rc,
    save_figure,
)
from succinct_paging.plotting.style import layout as layout_spec


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
    sub = select(summary, family, k)
    chosen, _ = at_rate(sub, error_model, rate)
    base_mask = is_baseline(chosen)
    rows = []
    for is_base, mask in ((True, base_mask), (False, ~base_mask)):
        part = chosen[mask]
        for alg in algorithm_order(part["algorithm"]):
            rows.append((alg, float(part.loc[part["algorithm"] == alg, "ratio"].iloc[0]), is_base))
    spread = instance_spread(runs, family, k, error_model, rate)
    n_inst = max((len(v) for v in spread.values()), default=0)

    values = [v for _, v, _ in rows] + [y for y, _, _, _ in ref_lines]
    for v in spread.values():
        values.extend(v.tolist())
    fin = finite(values)
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
            set_log_y(ax)
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
    sub = select(summary, family, k)
    if sub is None or len(sub) == 0:
        return None
    pred = sub[~is_baseline(sub)]
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
        return placeholder(
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
    sub = select(summary, family, k)
    has = False
    if sub is not None and len(sub):
        pred = sub[~is_baseline(sub)]
        at_one = np.isclose(pred["rate"].astype(float).to_numpy(), 1.0, atol=1e-12)
        has = bool(((pred["error_model"] == "flip").to_numpy() & at_one).any())
    if not has:
        return placeholder(
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

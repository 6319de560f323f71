"""Smoothness figure of one trace family and k: extra cost against the number
of wrong bits, with the slopes of the proven bounds (contract §1.4, §9).

The bounds are linear in the wrong bits: cost ≤ α·OPT + β·η0 + γ·η1. Under
``false_keep`` only η0 grows, under ``false_discard`` only η1, so

    y = (cost − α·OPT) / OPT   against   x = η0 / OPT   (resp. η1 / OPT)

must stay below the line y = β·x (resp. γ·x) of the algorithm's proven
(α, β, γ). One point per run of a deterministic algorithm, one per
(instance, rate) of a randomized one with faults and η averaged over the
seeds (its bound holds in expectation): exactly the points over which
:func:`succinct_paging.experiments.constants.empirical_constants` takes its
maximum. The bound lines are drawn on top of the points, thin, and a point on
its line (the bound met exactly) gets a black ring. The y range fits the
points (one convention for every family); a bound line that leaves the
panel is still named, with its slope, in the legend. Algorithms reading
discard bits and those reading phase bits (``mark_predict``) are drawn in
separate rows: their η count different bits (on BrightKite η0/OPT of phase
bits reaches 117 and would squeeze every discard-bit point into x < 2).
"""

import math

import matplotlib
import numpy as np
from matplotlib.lines import Line2D

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.experiments.constants import proven_constants, slopes
from succinct_paging.plotting.style import (
    ERROR_MODEL_COLOURS,
    algorithm_colour,
    algorithm_marker,
    algorithm_order,
    new_figure,
    rc,
    save_figure,
)
from succinct_paging.plotting.style import layout as layout_spec

#: Panels: constant, error model, its η, the x label.
PANELS = (
    ("beta", "false_keep", "η0", "β"),
    ("gamma", "false_discard", "η1", "γ"),
)

#: Relative tolerance of "the point lies on its bound line".
TOUCH_REL = 1e-9


def smoothness_points(runs, family, k):
    """The points of the figure: :func:`slopes` of ``runs`` restricted to
    ``family`` and ``k``, with ``x = eta / opt`` and
    ``y = (faults − alpha·opt) / opt`` added."""
    pts = slopes(runs[(runs["trace_family"].astype(str) == str(family))
                      & (runs["k"].astype("int64") == int(k))])
    pts = pts.assign(x=pts["eta"] / pts["opt"], y=(pts["faults"] - pts["alpha"] * pts["opt"]) / pts["opt"])
    return pts


def seen_label(alg, sym, slope, worst):
    """Legend text of one algorithm: its proven slope and the largest slope
    seen; a negative largest slope (cost below α·OPT on every point, as for
    mark_predict whose α is 2) is said in words."""
    text = f"{alg}: {sym} = {slope:.3g}, largest seen {worst:.3g}"
    return text + (" (< 0: cost below α·OPT)" if worst < 0 else "")


def plot_smoothness(runs, family, k, out_stem, layout=None):
    """Write ``out_stem.pdf`` and ``.png``: two panels (``false_keep``: x =
    η0/OPT; ``false_discard``: x = η1/OPT; side by side, stacked in the
    ``one_column`` layout), y = (cost − α·OPT)/OPT per point (see the
    module), the line of slope β (resp. γ) of each algorithm's proven bound
    on top, rings where a point meets it. A panel without runs says so.
    Returns the two paths. O(R log R) for R runs."""
    spec = layout_spec(layout)
    narrow = spec["name"] == "one_column"
    pts = smoothness_points(runs, family, k)
    algs = algorithm_order(pts["algorithm"].unique()) if len(pts) else []
    kind_of = {a: parse_algorithm(a).prediction for a in algs}
    kinds = [kd for kd in ("discard", "phase") if kd in kind_of.values()] or ["discard"]
    n_leg = len(algs) * 2 + 2
    leg_cols = 1 if narrow else 2
    legend_in = math.ceil(n_leg / leg_cols) * spec["small"] * 1.45 / 72.0
    rows = len(kinds)
    height = (2 * rows * 1.9 + 0.2 if narrow else 2.4 * rows) + 0.7 + legend_in
    lw, ms = spec["line"], spec["marker"]
    with matplotlib.rc_context(rc(spec)):
        fig = new_figure(spec["width"], height)
        axes = (fig.subplots(2 * rows, 1, squeeze=False)[:, 0] if narrow
                else fig.subplots(rows, 2, squeeze=False).ravel())
        handles = []
        for ax, (kind, (const, model, eta_name, sym)) in zip(axes, [(kd, p) for kd in kinds for p in PANELS]):
            mine = [a for a in algs if kind_of[a] == kind]
            p = pts[(pts["constant"] == const) & pts["algorithm"].isin(mine)]
            prefix = f"{kind} bits, " if len(kinds) > 1 else ""
            ax.set_title(f"{prefix}{model}: only {eta_name} grows", color=ERROR_MODEL_COLOURS[model])
            ax.set_xlabel(f"{eta_name} / OPT (wrong {kind} {'keep' if const == 'beta' else 'discard'} bits"
                          " per OPT fault)" if kind == "phase" else
                          f"{eta_name} / OPT (wrong {'keep' if const == 'beta' else 'discard'} bits per OPT fault)")
            ax.set_ylabel("(cost − α·OPT) / OPT")
            ax.grid(True, color="#dddddd", linewidth=0.5)
            ax.set_axisbelow(True)
            if len(p) == 0:
                ax.text(0.5, 0.5, f"no {model} runs with {eta_name} > 0\nin this config", ha="center",
                        va="center", transform=ax.transAxes, color="#444444")
                continue
            xmax = float(p["x"].max()) * 1.05
            ylo = min(0.0, float(p["y"].min()))
            yhi = max(float(p["y"].max()), 0.0)
            span = max(yhi - ylo, 1e-9)
            for alg in mine:
                a = p[p["algorithm"] == alg]
                if len(a) == 0:
                    continue
                c, mk = algorithm_colour(alg), algorithm_marker(alg)
                slope = proven_constants(alg, k)[1 if const == "beta" else 2]
                ax.scatter(a["x"], a["y"], s=(0.9 * ms) ** 2, marker=mk, facecolors="none", edgecolors=c,
                           linewidths=0.7, alpha=0.85, zorder=2)
                ax.plot([0.0, xmax], [0.0, slope * xmax], color=c, linewidth=0.7 * lw, linestyle=(0, (4, 2)),
                        zorder=3)
                touch = np.abs(a["slope"].to_numpy() - slope) <= TOUCH_REL * max(1.0, abs(slope))
                if touch.any():
                    ax.scatter(a["x"][touch], a["y"][touch], s=(1.9 * ms) ** 2, marker="o", facecolors="none",
                               edgecolors="black", linewidths=0.6, zorder=4)
                worst = float(a["slope"].max())
                handles.append(Line2D([], [], color=c, marker=mk, markerfacecolor="none", linestyle=(0, (4, 2)),
                                      linewidth=0.7 * lw, label=seen_label(alg, sym, slope, worst)))
            ax.set_xlim(0.0, xmax)
            ax.set_ylim(ylo - 0.04 * span, yhi + 0.08 * span)
        handles += [
            Line2D([], [], color="#555555", linestyle=(0, (4, 2)), linewidth=0.7 * lw,
                   label="proven slope (β, then γ panel)" if narrow else "proven slope (β left, γ right)"),
            Line2D([], [], color="black", marker="o", markerfacecolor="none", linestyle="none",
                   markersize=1.9 * ms, label="point on its bound line"),
        ]
        if narrow:
            fig.suptitle(f"{family}, k = {int(k)}: extra cost against wrong bits, per OPT\n"
                         "one point per run (randomized: per instance\nand rate, seeds averaged)")
        else:
            fig.suptitle(f"{family}, k = {int(k)}: extra cost per OPT against wrong bits per OPT\n"
                         "one point per run (randomized algorithms: per instance and rate, seeds averaged)")
        fig.legend(handles=handles, loc="outside lower center", ncols=leg_cols, frameon=False)
    return save_figure(fig, out_stem, spec)


__all__ = ["PANELS", "smoothness_points", "seen_label", "plot_smoothness"]

"""Figure of the lower-bound families (contract §4).

- :func:`plot_lower_bounds`: cost − OPT against the error that each family
  creates (η0 for ``lb_keep``, η1 for ``lb_discard`` and ``lb_all_ones``),
  with the lines (k−1)·η0 (one per k, in k's colour) and η1; one panel per
  family.

It writes PDF and PNG atomically and reproducibly (no creation date or
software version in the metadata), through :class:`matplotlib.figure.Figure`
with the Agg/PDF backends (no pyplot, no global state). Algorithm colours and
markers are those of :mod:`succinct_paging.plotting.family`.
"""

import math

import matplotlib
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm
from matplotlib.lines import Line2D

from succinct_paging.proofs.lower_bounds import FAMILIES
from succinct_paging.plotting.style import algorithm_marker, new_figure, rc, save_figure
from succinct_paging.plotting.style import layout as layout_spec

_FAMILY_AXIS = {
    "lb_keep": ("eta0", "η0 (wrong keep bits)", "(k−1)·η0"),
    "lb_discard": ("eta1", "η1 (wrong discard bits)", "η1"),
    "lb_all_ones": ("eta1", "η1 (wrong discard bits)", "η1"),
}

_FAMILY_TITLE = {
    "lb_keep": "lb_keep (all bits 0): α + β ≥ k",
    "lb_discard": "lb_discard (η0 = 0): γ ≥ 1",
    "lb_all_ones": "lb_all_ones (all bits 1): α + (k−1)γ ≥ k",
}


def _k_colours(ks):
    ks = sorted(set(int(k) for k in ks))
    cmap = colormaps["viridis"]
    bounds = [ks[0] - 0.5] + [k + 0.5 for k in ks] if len(ks) > 1 else [ks[0] - 0.5, ks[0] + 0.5]
    norm = BoundaryNorm(bounds, cmap.N)
    return {k: cmap(norm(k)) for k in ks}, ScalarMappable(norm=norm, cmap=cmap), ks


def _grid(spec, n_panels, panel_height):
    """A figure of the layout's width with ``n_panels`` axes, at most three
    per row (one per row in ``one_column``); returns ``(fig, axes)``."""
    cols = 1 if spec["name"] == "one_column" else min(3, n_panels)
    rows = math.ceil(n_panels / cols)
    fig = new_figure(spec["width"], panel_height * rows + 0.8)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    return fig, axes[:n_panels]


def plot_lower_bounds(table, out_stem, layout=None):
    """cost − OPT against η per lower-bound family (see module docstring).

    ``table``: the lower-bound table (family, algorithm, k, rounds, cost,
    opt, eta0, eta1); ``layout``: a :data:`succinct_paging.plotting.style.LAYOUTS`
    name. Returns the written paths.
    """
    spec = layout_spec(layout)
    with matplotlib.rc_context(rc(spec)):
        families = [f for f in FAMILIES if f in set(table["family"])] or ["lb_keep"]
        fig, axes = _grid(spec, len(families), 2.4)
        colours, mappable, ks = _k_colours(table["k"]) if len(table) else ({}, None, [])
        algorithms = list(dict.fromkeys(table["algorithm"]))
        sizes = {a: 70 - 14 * i for i, a in enumerate(algorithms)}
        for ax, fam in zip(axes, families):
            col, xlabel, line_label = _FAMILY_AXIS[fam]
            sub = table[table["family"] == fam]
            xmax = max(1.0, float(sub[col].max()) if len(sub) else 1.0) * 1.05
            if fam == "lb_keep":
                for k in ks:
                    ax.plot([0, xmax], [0, (k - 1) * xmax], color=colours[k], lw=0.8, ls="--", zorder=1)
            else:
                ax.plot([0, xmax], [0, xmax], color="black", lw=1.0, ls="--", zorder=1)
            for alg in algorithms:
                a = sub[sub["algorithm"] == alg]
                if not len(a):
                    continue
                ax.scatter(a[col], a["cost"] - a["opt"], s=sizes[alg], marker=algorithm_marker(alg),
                           facecolors="none", edgecolors=[colours[int(k)] for k in a["k"]], linewidths=1.1,
                           zorder=3)
            ax.set_xlabel(xlabel)
            ax.set_ylabel("cost − OPT (faults)")
            ax.set_title(_FAMILY_TITLE[fam])
            ax.set_xlim(left=0)
            ax.set_ylim(bottom=0)
            ax.text(0.03, 0.97, f"dashed: {line_label}" + (" for each k" if fam == "lb_keep" else ""),
                    transform=ax.transAxes, va="top", fontsize=spec["small"])
        handles = [Line2D([], [], ls="none", marker=algorithm_marker(a), markerfacecolor="none",
                          markeredgecolor="black", label=a) for a in algorithms]
        if handles:
            fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4), frameon=False,
                       title="algorithm (marker); colour: k")
        if mappable is not None:
            cb = fig.colorbar(mappable, ax=list(axes), shrink=0.9, pad=0.01)
            cb.set_label("k (cache size)")
            step = max(1, len(ks) // 8)
            cb.set_ticks(ks[::step])
        fig.suptitle("Adaptive lower-bound adversaries (contract §4): cost − OPT against the prediction error")
    return save_figure(fig, out_stem, spec)

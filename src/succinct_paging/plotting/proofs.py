"""Figure of the lower-bound families (contract §4).

- :func:`plot_lower_bounds`: cost − OPT against the error that each family
  creates (η0 for ``lb_keep``, η1 for ``lb_discard`` and ``lb_all_ones``),
  with the lines (k−1)·η0 (one per k, in k's colour) and η1; one panel per
  family; then cost/OPT against the number of rounds on ``lb_keep`` and
  ``lb_all_ones`` with the line k per k. Algorithms with identical rows on a
  family are drawn once and named together (:func:`identical_groups`).

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
from succinct_paging.plotting.style import algorithm_marker, algorithm_order, new_figure, rc, save_figure
from succinct_paging.plotting.style import layout as layout_spec

_FAMILY_AXIS = {
    "lb_keep": ("eta0", "η0 (wrong keep bits)", "(k−1)·η0"),
    "lb_discard": ("eta1", "η1 (wrong discard bits)", "η1"),
    "lb_all_ones": ("eta1", "η1 (wrong discard bits)", "η1"),
}

_FAMILY_TITLE = {
    "lb_keep": "lb_keep (bits 0): α + β ≥ k",
    "lb_discard": "lb_discard (η0 = 0): γ ≥ 1",
    "lb_all_ones": "lb_all_ones (bits 1)",
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


def identical_groups(sub):
    """Algorithms of one family's rows that produced exactly the same rows
    (k, rounds, n, cost, OPT, η0, η1), as lists in display order; the first of
    each list is the one drawn."""
    groups = {}
    for alg in algorithm_order(sub["algorithm"]):
        a = sub[sub["algorithm"] == alg].sort_values(["k", "rounds"])
        key = tuple(map(tuple, a[["k", "rounds", "n", "cost", "opt", "eta0", "eta1"]].to_numpy().tolist()))
        groups.setdefault(key, []).append(alg)
    return list(groups.values())


def _same_note(groups, everywhere):
    """Groups of identical algorithms of one panel beyond those identical on
    every family (which the legend names)."""
    same = [" = ".join(g) for g in groups if len(g) > 1 and tuple(g) not in everywhere]
    return ("same rows: " + "; ".join(same)) if same else ""


def _identical_everywhere(table, families):
    """Groups of algorithms with identical rows on every family, each a tuple."""
    algorithms = algorithm_order(table["algorithm"])
    key = {a: [] for a in algorithms}
    for fam in families:
        for group in identical_groups(table[table["family"] == fam]):
            for a in group:
                key[a].append(group[0])
    groups = {}
    for a in algorithms:
        groups.setdefault(tuple(key[a]), []).append(a)
    return [tuple(g) for g in groups.values()]


#: Families whose ratio cost/OPT is drawn against the number of rounds.
_CONVERGING = ("lb_keep", "lb_all_ones")


def plot_lower_bounds(table, out_stem, layout=None):
    """cost − OPT against η per lower-bound family, and cost/OPT against the
    number of rounds on ``lb_keep`` and ``lb_all_ones`` with the line k
    (see module docstring). Algorithms whose rows are identical on a family
    are drawn once and named together in the panel.

    ``table``: the lower-bound table (family, algorithm, k, rounds, cost,
    opt, eta0, eta1); ``layout``: a :data:`succinct_paging.plotting.style.LAYOUTS`
    name. Returns the written paths.
    """
    spec = layout_spec(layout)
    with matplotlib.rc_context(rc(spec)):
        families = [f for f in FAMILIES if f in set(table["family"])] or ["lb_keep"]
        converging = [f for f in _CONVERGING if f in families and table[table["family"] == f]["rounds"].nunique() > 1]
        fig, axes = _grid(spec, len(families) + len(converging), 2.2)
        colours, mappable, ks = _k_colours(table["k"]) if len(table) else ({}, None, [])
        everywhere = _identical_everywhere(table, families)
        algorithms = [g[0] for g in everywhere]
        sizes = {a: 70 - 14 * i for i, a in enumerate(algorithms)}
        for ax, fam in zip(axes, families):
            col, xlabel, line_label = _FAMILY_AXIS[fam]
            sub = table[table["family"] == fam]
            groups = identical_groups(sub)
            xmax = max(1.0, float(sub[col].max()) if len(sub) else 1.0) * 1.05
            if fam == "lb_keep":
                for k in ks:
                    ax.plot([0, xmax], [0, (k - 1) * xmax], color=colours[k], lw=0.8, ls="--", zorder=1)
            else:
                ax.plot([0, xmax], [0, xmax], color="black", lw=1.0, ls="--", zorder=1)
            for group in groups:
                alg = group[0]
                a = sub[sub["algorithm"] == alg]
                ax.scatter(a[col], a["cost"] - a["opt"], s=sizes.get(alg, 30), marker=algorithm_marker(alg),
                           facecolors="none", edgecolors=[colours[int(k)] for k in a["k"]], linewidths=1.1,
                           zorder=3)
            ax.set_xlabel(xlabel)
            ax.set_ylabel("cost − OPT (faults)")
            ax.set_title(_FAMILY_TITLE[fam])
            ax.set_xlim(left=0)
            ax.set_ylim(bottom=0)
            note = _same_note(groups, everywhere)
            ax.text(0.03, 0.97, f"dashed: {line_label}" + (" for each k" if fam == "lb_keep" else "")
                    + ("\n" + note if note else ""), transform=ax.transAxes, va="top", fontsize=spec["small"] - 1)
        for ax, fam in zip(axes[len(families):], converging):
            sub = table[table["family"] == fam]
            groups = identical_groups(sub)
            for k in ks:
                ax.axhline(k, color=colours[k], lw=0.8, ls="--", zorder=1)
            for group in groups:
                alg = group[0]
                for k, a in sub[sub["algorithm"] == alg].groupby("k"):
                    a = a.sort_values("rounds")
                    ax.plot(a["rounds"], a["cost"] / a["opt"], color=colours[int(k)], lw=0.7,
                            marker=algorithm_marker(alg), markerfacecolor="none", ms=spec["marker"] + 1, zorder=3)
            ax.set_xscale("log")
            ax.set_xlabel("rounds R")
            ax.set_ylabel("cost / OPT")
            ax.set_ylim(bottom=1)
            ax.set_title(f"{fam}: cost/OPT against R (dashed: k)")
            note = _same_note(groups, everywhere)
            if note:
                ax.text(0.97, 0.03, note, transform=ax.transAxes, ha="right", va="bottom", fontsize=spec["small"] - 1)
        handles = [Line2D([], [], ls="none", marker=algorithm_marker(g[0]), markerfacecolor="none",
                          markeredgecolor="black", label=" = ".join(g)) for g in everywhere]
        if handles:
            fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 3), frameon=False,
                       title="algorithm (marker; algorithms joined by = have identical rows on every family "
                             "and are drawn once); colour: k")
        if mappable is not None:
            cb = fig.colorbar(mappable, ax=list(axes), shrink=0.9, pad=0.01)
            cb.set_label("k (cache size)")
            step = max(1, len(ks) // 8)
            cb.set_ticks(ks[::step])
        fig.suptitle("Adaptive lower-bound adversaries (contract §4)")
    return save_figure(fig, out_stem, spec)

"""Figure of the lower-bound families (contract §4).

- :func:`plot_lower_bounds`: on ``lb_keep`` cost − OPT against η0 with the
  lines (k−1)·η0 (one per k, in k's colour) and cost/OPT against the number
  of rounds with the line k per k; on ``lb_discard`` and ``lb_all_ones`` the
  identity cost − OPT = η1 (every algorithm) as (cost − OPT)/η1 against k.
  Algorithms with identical rows on a family are drawn once and named
  together (:func:`identical_groups`).

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


def _same_curves(table, a, b):
    """Whether families ``a`` and ``b`` have the same cost/OPT at every
    (algorithm, k, rounds) they share (then one panel shows both)."""
    x = table[table["family"] == a].set_index(["algorithm", "k", "rounds"])
    y = table[table["family"] == b].set_index(["algorithm", "k", "rounds"])
    common = x.index.intersection(y.index)
    return len(common) > 0 and bool(((x.loc[common, "cost"] * y.loc[common, "opt"])
                                     == (y.loc[common, "cost"] * x.loc[common, "opt"])).all())


def plot_lower_bounds(table, out_stem, layout=None):
    """Up to three panels in one row (issue 20: no panel repeats another or
    plots an identity as if it told algorithms apart):

    1. ``lb_keep``: cost − OPT against η0 with the lines (k−1)·η0 per k;
    2. ``lb_keep``: cost/OPT against the number of rounds with the line k
       per k (``lb_all_ones`` is named in the panel when its curves are the
       same, as they are: cost = n there too);
    3. ``lb_discard`` and ``lb_all_ones``: (cost − OPT)/η1 against k with
       the line 1 — on these families cost − OPT = η1 for every algorithm
       (each wrong 1 costs one fault), so the panel states the identity and
       the constraint it forces (γ ≥ 1; α + (k−1)·γ ≥ k).

    Algorithms whose rows are identical on every family are drawn once and
    named together. ``table``: the lower-bound table (family, algorithm, k,
    rounds, cost, opt, eta0, eta1); ``layout``: a
    :data:`succinct_paging.plotting.style.LAYOUTS` name. Returns the paths.
    """
    spec = layout_spec(layout)
    with matplotlib.rc_context(rc(spec)):
        families = [f for f in FAMILIES if f in set(table["family"])] or ["lb_keep"]
        keep = table[table["family"] == "lb_keep"]
        panels = []
        if len(keep):
            panels.append("keep")
            if keep["rounds"].nunique() > 1:
                panels.append("rounds")
        gamma = table[table["family"].isin(["lb_discard", "lb_all_ones"]) & (table["eta1"] > 0)]
        if len(gamma):
            panels.append("gamma")
        panels = panels or ["keep"]
        fig, axes = _grid(spec, len(panels), 2.4)
        colours, mappable, ks = _k_colours(table["k"]) if len(table) else ({}, None, [])
        everywhere = _identical_everywhere(table, families)
        algorithms = [g[0] for g in everywhere]
        sizes = {a: 70 - 14 * i for i, a in enumerate(algorithms)}
        for ax, panel in zip(axes, panels):
            if panel == "keep":
                groups = identical_groups(keep)
                xmax = max(1.0, float(keep["eta0"].max()) if len(keep) else 1.0) * 1.05
                for k in ks:
                    ax.plot([0, xmax], [0, (k - 1) * xmax], color=colours[k], lw=0.8, ls="--", zorder=1)
                for group in groups:
                    a = keep[keep["algorithm"] == group[0]]
                    ax.scatter(a["eta0"], a["cost"] - a["opt"], s=sizes.get(group[0], 30),
                               marker=algorithm_marker(group[0]), facecolors="none",
                               edgecolors=[colours[int(k)] for k in a["k"]], linewidths=1.1, zorder=3)
                ax.set_xlabel("η0 (wrong keep bits)")
                ax.set_ylabel("cost − OPT (faults)")
                ax.set_title(_FAMILY_TITLE["lb_keep"])
                ax.set_xlim(left=0)
                ax.set_ylim(bottom=0)
                note = _same_note(groups, everywhere)
                ax.text(0.03, 0.97, "dashed: (k−1)·η0 for each k" + ("\n" + note if note else ""),
                        transform=ax.transAxes, va="top", fontsize=spec["small"] - 1)
            elif panel == "rounds":
                groups = identical_groups(keep)
                for k in ks:
                    ax.axhline(k, color=colours[k], lw=0.8, ls="--", zorder=1)
                for group in groups:
                    for k, a in keep[keep["algorithm"] == group[0]].groupby("k"):
                        a = a.sort_values("rounds")
                        ax.plot(a["rounds"], a["cost"] / a["opt"], color=colours[int(k)], lw=0.7,
                                marker=algorithm_marker(group[0]), markerfacecolor="none", ms=spec["marker"] + 1,
                                zorder=3)
                ax.set_xscale("log")
                ax.set_xlabel("rounds R")
                ax.set_ylabel("cost / OPT")
                ax.set_ylim(bottom=1)
                same = "lb_all_ones" in families and _same_curves(table, "lb_keep", "lb_all_ones")
                ax.set_title("lb_keep" + (" = lb_all_ones" if same else "") + ": cost/OPT → k")
                ax.text(0.03, 0.97, "dashed: k for each k" + ("\n(lb_all_ones: the same curves)" if same else ""),
                        transform=ax.transAxes, ha="left", va="top", fontsize=spec["small"] - 1)
            else:
                spread = []
                for fam, mk in (("lb_discard", "o"), ("lb_all_ones", "s")):
                    g = gamma[gamma["family"] == fam]
                    if len(g) == 0:
                        continue
                    per_k = ((g["cost"] - g["opt"]) / g["eta1"]).groupby(g["k"])
                    ax.plot(per_k.max().index, per_k.max().to_numpy(), color="0.2", marker=mk, ls="-", lw=0.8,
                            markerfacecolor="none")
                    spread.append(f"{'○' if mk == 'o' else '□'} {fam}: {per_k.min().min():.3g} … "
                                  f"{per_k.max().max():.3g}")
                ax.axhline(1.0, color="black", lw=0.8, ls="--")
                ax.set_ylim(0, 2)
                ax.set_xlabel("k")
                ax.set_ylabel("(cost − OPT) / η1")
                ax.set_title("lb_discard, lb_all_ones: γ ≥ 1")
                ax.text(0.03, 0.97, "cost − OPT = η1 for every algorithm\n(each wrong 1 costs one fault):\n"
                        "forces γ ≥ 1 and α + (k−1)·γ ≥ k", transform=ax.transAxes, va="top",
                        fontsize=spec["small"] - 1)
                ax.text(0.03, 0.03, "range over algorithms, k, R:\n" + "\n".join(spread), transform=ax.transAxes,
                        va="bottom", fontsize=spec["small"] - 1)
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

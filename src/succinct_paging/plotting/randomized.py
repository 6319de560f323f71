"""Figure of the randomized lower bound (issue 20): ``lb_yao`` (uniform
requests over k + 1 pages, every predicted bit 0).

:func:`plot_randomized_lower_bounds`: per k and randomized algorithm the
pooled (E[cost] − OPT)/η0 with its jackknife-t interval over instances,
against the lines H_k − 1 (what every online algorithm pays per wrong bit on
this family, up to the cold-fault dilution), H_k and 2H_k (the proven β of
``mark0``/``mark0_eager``); stars: the hill-climbing search's worst
(E[cost] − OPT − η1)/η0 on held-out coins. PDF and PNG, reproducible bytes.
"""

import matplotlib
import numpy as np

from succinct_paging.bounds import harmonic
from succinct_paging.plotting.style import (algorithm_colour, algorithm_marker, algorithm_order, new_figure, rc,
                                            save_figure)
from succinct_paging.plotting.style import layout as layout_spec


def plot_randomized_lower_bounds(table, search, out_stem, layout=None):
    """The ``lb_yao`` panel (module docstring). ``table``: rows of
    results/lower_bounds_randomized.csv; ``search``: rows of
    results/lower_bounds_search.csv (may be empty). Returns the paths."""
    spec = layout_spec(layout)
    with matplotlib.rc_context(rc(spec)):
        fig = new_figure(spec["width"], 3.2)
        ax = fig.subplots()
        ks = sorted(set(int(k) for k in table["k"]) | set(int(k) for k in search["k"]))
        grid = np.arange(min(ks), max(ks) + 1)
        h = np.array([harmonic(int(k)) for k in grid])
        for y, label, ls in ((h - 1, "H_k − 1 (every online algorithm, Yao)", ":"), (h, "H_k", "--"),
                             (2 * h, "2H_k (proven β of mark0, mark0_eager)", "-")):
            ax.plot(grid, y, color="black", lw=0.9, ls=ls, label=label, zorder=1)
        algs = algorithm_order(table["algorithm"])
        offsets = {a: 1 + 0.04 * (i - (len(algs) - 1) / 2) for i, a in enumerate(algs)}
        for alg in algs:
            a = table[table["algorithm"] == alg].sort_values("k")
            x = a["k"].to_numpy(dtype=float) * offsets[alg]
            y = a["slope"].to_numpy(dtype=float)
            lo = a["slope_low"].to_numpy(dtype=float)
            hi = a["slope_high"].to_numpy(dtype=float)
            has = np.isfinite(lo) & np.isfinite(hi)
            ax.plot(x, y, color=algorithm_colour(alg), marker=algorithm_marker(alg), markerfacecolor="none",
                    lw=0.8, label=alg, zorder=3)
            if has.any():
                ax.errorbar(x[has], y[has], yerr=[y[has] - lo[has], hi[has] - y[has]], fmt="none",
                            ecolor=algorithm_colour(alg), elinewidth=0.8, capsize=2, zorder=2)
        for alg in algorithm_order(search["algorithm"]):
            s = search[search["algorithm"] == alg].sort_values("k")
            ax.scatter(s["k"], s["best_held_out"], marker="*", s=70, color=algorithm_colour(alg),
                       edgecolors="black", linewidths=0.4, zorder=4, label=f"{alg}: hill-climbed bits (held-out coins)")
        ax.set_xscale("log", base=2)
        ax.set_xticks(ks, [str(k) for k in ks])
        ax.set_xlabel("k (cache size)")
        ax.set_ylabel("(E[cost] − OPT)/η0")
        ax.set_ylim(bottom=0)
        ax.set_title("lb_yao: uniform over k+1 pages, every bit 0 (pooled over instances; bars: 95 % jackknife-t)")
        fig.legend(loc="outside lower center", ncol=2, frameon=False, fontsize=spec["small"] - 1)
    return save_figure(fig, out_stem, spec)

"""Figure of robustness under stress (issue 20 item 2), from
results/robustness_k.csv (:mod:`succinct_paging.experiments.robustness`).

Three panels against k:

1. on ``hot_set`` with every bit flipped: each bit-reading algorithm's
   pooled ratio as a multiple of its fallback (LRU or marker), with the
   line 3 (the stress the family is built to reach) and 1;
2. the largest faults / bound over every family and error setting for
   ``followbits_robust`` ((budget + k) faults per k-phase) and for
   ``combine(A, B)`` ((1 + s²/(s − 1))·min(A, B) + additive terms); ≤ 1
   means the bound held on every run;
3. the randomized algorithms' worst pooled ratio over the families and the
   wrong settings (rate 1, ``soon``) divided by H_k: flat in k is
   O(log k)-robustness.

PDF and PNG with reproducible bytes.
"""

import matplotlib
import numpy as np

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.plotting.style import (algorithm_colour, algorithm_marker, algorithm_order, new_figure, rc,
                                            save_figure)
from succinct_paging.plotting.style import layout as layout_spec


def _line(ax, x, y, alg, spec):
    ax.plot(x, y, color=algorithm_colour(alg), marker=algorithm_marker(alg), markerfacecolor="none",
            ms=spec["marker"] + 1, lw=0.9, label=alg)


def plot_robustness_k(table, out_stem, layout=None):
    """The three panels of the module docstring. Returns the paths."""
    spec = layout_spec(layout)
    with matplotlib.rc_context(rc(spec)):
        cols = 1 if spec["name"] == "one_column" else 3
        fig = new_figure(spec["width"], 2.6 * (3 if cols == 1 else 1) + 0.9)
        axes = fig.subplots(3 // cols, cols, squeeze=False).ravel()
        ks = sorted(set(int(k) for k in table["k"]))
        wrong = table[(np.isclose(table["rate"].astype(float), 1.0) & (table["error_model"] == "flip"))]
        stress = wrong[wrong["trace_family"] == "hot_set"]
        ax = axes[0]
        for alg in algorithm_order(stress["algorithm"]):
            a = stress[stress["algorithm"] == alg].sort_values("k")
            _line(ax, a["k"], a["times_fallback"], alg, spec)
        ax.axhline(3, color="black", ls="--", lw=0.8)
        ax.axhline(1, color="black", ls=":", lw=0.8)
        ax.set_yscale("log")
        ax.set_ylabel("ratio ÷ fallback's (LRU / marker)\n(dashed: 3×)")
        ax.set_title("hot_set, all bits flipped", fontsize=spec["small"])
        ax = axes[1]
        bounded = table[table["worst_over_bound"].notna()
                        & table["algorithm"].map(lambda a: a == "followbits_robust" or a.startswith("combine("))]
        for alg in algorithm_order(bounded["algorithm"]):
            a = bounded[bounded["algorithm"] == alg].groupby("k")["worst_over_bound"].max()
            _line(ax, a.index, a.to_numpy(), alg, spec)
        ax.axhline(1, color="black", lw=0.9)
        ax.set_ylim(0, 1.1)
        ax.set_ylabel("largest faults ÷ proven bound")
        ax.set_title("robust variants, all runs", fontsize=spec["small"])
        ax = axes[2]
        bad = table[(np.isclose(table["rate"].astype(float), 1.0) | (table["error_model"] == "soon"))]
        rand = bad[bad["algorithm"].map(lambda a: parse_algorithm(a).randomized)]
        for alg in algorithm_order(rand["algorithm"]):
            a = rand[rand["algorithm"] == alg].groupby("k")["ratio_over_h_k"].max()
            _line(ax, a.index, a.to_numpy(), alg, spec)
        ax.set_yscale("log")
        ax.set_ylabel("worst pooled ratio ÷ H_k")
        ax.set_title("randomized, worst wrong bits", fontsize=spec["small"])
        for ax in axes:
            ax.set_xscale("log", base=2)
            ax.set_xticks(ks, [str(k) for k in ks])
            ax.set_xlabel("k (cache size)")
        handles, labels = [], []
        for ax in axes:
            for h, lab in zip(*ax.get_legend_handles_labels()):
                if lab not in labels:
                    handles.append(h)
                    labels.append(lab)
        fig.legend(handles, labels, loc="outside lower center", ncol=min(5, len(labels)), frameon=False)
        fig.suptitle("Robustness under stress: the k-sweep with wrong bits")
    return save_figure(fig, out_stem, spec)

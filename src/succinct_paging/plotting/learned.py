"""The answer figure (contract §10): where each algorithm on learned
predictions lands between OPT (1) and LRU (0).

One panel per (family, k) of :func:`succinct_paging.experiments.learned.answer_table`;
x = the share of LRU's excess over OPT removed, (LRU − A)/(LRU − OPT); one
row per predictor (``none``: the prediction-free baselines), one marker per
algorithm in the registry's colour and marker, so one-bit algorithms and the
full next-arrival ones on the same predictor sit side by side. Values below
−1 are drawn at −1 with their value written next to them.
"""

import matplotlib
import numpy as np
from matplotlib.lines import Line2D

from succinct_paging.plotting.style import algorithm_order, algorithm_style, layout, new_figure, rc, save_figure

#: Shares below this are drawn at it (with the value written).
CLIP = -1.0


def plot_answer(answer, out_stem, layout_name=None):
    """Write ``out_stem.{pdf,png}`` from an answer table; returns the paths.
    An empty table gives one panel saying so."""
    spec = layout(layout_name)
    with matplotlib.rc_context(rc(spec)):
        fig = _draw(answer, spec)
    return save_figure(fig, out_stem, spec)


def _draw(answer, spec):
    cases = list(answer[["trace_family", "k"]].drop_duplicates().itertuples(index=False, name=None))
    predictors = list(dict.fromkeys(answer["predictor"]))
    algorithms = algorithm_order([a for a in answer["algorithm"].unique() if a != "opt"])
    n = max(1, len(cases))
    cols = 1 if spec["name"] == "one_column" else min(2, n)
    rows = int(np.ceil(n / cols))
    height = 0.6 + rows * (0.45 + 0.13 * max(1, len(predictors)))
    fig = new_figure(spec["width"], height)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    if not cases:
        axes[0].text(0.5, 0.5, "no learned runs in this configuration", ha="center", va="center")
        axes[0].set_axis_off()
    for ax, (fam, k) in zip(axes, cases):
        part = answer[(answer["trace_family"] == fam) & (answer["k"] == k)]
        for y, pred in enumerate(predictors):
            sub = part[part["predictor"] == pred]
            for alg in algorithms:
                hit = sub[sub["algorithm"] == alg]
                if hit.empty:
                    continue
                share = float(hit["lru_excess_removed"].iloc[0])
                if not np.isfinite(share):
                    continue
                colour, marker, _ = algorithm_style(alg)
                x = max(share, CLIP)
                offset = (algorithms.index(alg) - (len(algorithms) - 1) / 2) * 0.05
                ax.plot([x], [y + offset], marker=marker, color=colour, linestyle="none",
                        markersize=spec["marker"], markeredgewidth=0.4)
                if share < CLIP:
                    ax.annotate(f"{share:.1f}", (x, y + offset), xytext=(2, 0), textcoords="offset points",
                                fontsize=spec["small"] - 1, va="center")
        ax.axvline(0.0, color="#555555", linewidth=0.6, linestyle="--")
        ax.axvline(1.0, color="black", linewidth=0.6)
        ax.set_xlim(CLIP - 0.05, 1.05)
        ax.set_yticks(range(len(predictors)), predictors)
        ax.set_ylim(len(predictors) - 0.5, -0.5)
        ax.set_title(f"{fam}, k = {k}")
        ax.set_xlabel("share of LRU's excess removed (1 = OPT, 0 = LRU)")
    for ax in axes[len(cases):]:
        ax.set_axis_off()
    handles = [Line2D([], [], color=algorithm_style(a)[0], marker=algorithm_style(a)[1], linestyle="none",
                      label=a) for a in algorithms]
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncols=min(4, len(handles)), frameon=False)
    return fig

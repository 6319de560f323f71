"""The dependence on k (contract §9): six panels against the cache size k
(log axis), from the k-sweep table (``results/k_sweep.csv``).

(i)   Σ(cost − OPT)/Ση0 under ``false_keep`` (summed over instances, seeds
      and the configured false_keep rates) for the algorithms with α = 1
      that read bits, on ``loop`` (filled) and ``uniform`` (hollow), with
      the lines k − 1 and 2H_k.
(ii)  Σcost/ΣOPT with every bit wrong (``flip`` at rate 1) on ``loop`` and
      ``uniform``, with the lines k, 2H_k and H_k.
(iii) The Yao family (``uniform``): Σcost/ΣOPT of marker, lru, mark0,
      mark0_eager and mark_predict with every bit wrong (filled) and with
      perfect bits (rate 0, hollow), with the line H_k.
(iv)  MARK&PREDICT's robustness: its worst ratio over the families and the
      rate-1 settings with the least-squares fit a + b·ln k and its largest
      relative residual, and, named apart, its worst ratio under the
      adversarial ``soon`` bits with the curve 2H_k − c (c their mean gap).
(v)   MARK&PREDICT's slope on its own axis: Σ(cost − 2·OPT)/Ση0 under
      ``false_keep`` per family (its α is 2), with H_k (its proven β) and
      2H_k.
(vi)  MARK&PREDICT's consistency: its perfect-bit ratio on ``loop_2k`` with
      the line α = 2 and the limit 2 − 1/k of long traces (LFD on a cycle of
      N pages faults on a fraction (N − k)/(N − 1) of the requests).

Points of a family with several instances (``uniform``) carry a 95 %
jackknife-t interval over instances as error bars; a single instance has
none.

Bound lines are drawn first and thin, measured points on top, so a curve
that follows a line stays visible. Every panel is drawn only from the rows
present (a panel without data says so).
"""

import textwrap

import matplotlib
import numpy as np
from matplotlib.lines import Line2D

from succinct_paging.experiments.k_sweep import harmonic_numbers, instance_intervals, mark_predict_sides, pooled
from succinct_paging.plotting.style import algorithm_order, algorithm_style, new_figure, rc, save_figure
from succinct_paging.plotting.style import layout as layout_spec

#: Algorithms of each panel (those present in the table are drawn).
KEEP_ALGORITHMS = ("followbits", "followbits_robust", "mark0", "mark0_eager")
ROBUST_ALGORITHMS = ("followbits", "followbits_robust", "mark0", "mark0_eager", "mark_predict",
                     "combine(followbits,lru)", "combine(mark0,marker)")
YAO_ALGORITHMS = ("lru", "marker", "mark0", "mark0_eager", "mark_predict")

_FAMILY_FILL = {"loop": True, "uniform": False}
_FAMILY_MARK = {"loop": "o", "uniform": "s", "loop_2k": "^", "hot_set": "D"}
_LINE = {"k": ("black", "-"), "k − 1": ("black", "-"), "2H_k": ("0.45", "--"), "H_k": ("0.45", ":")}


def _lines(ax, ks, names, spec):
    """Bound lines over ``ks``, thin and below the measured points."""
    x = np.array(sorted(ks), dtype=float)
    h = harmonic_numbers(x.astype(int))
    values = {"k": x, "k − 1": x - 1, "2H_k": 2 * h, "H_k": h}
    for name in names:
        colour, dash = _LINE[name]
        ax.plot(x, values[name], color=colour, ls=dash, lw=0.8, zorder=1)
        ax.annotate(name, (x[-1], values[name][-1]), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize=spec["small"], color=colour)


def _points(ax, sub, column, algorithms, fill, spec, clip=None):
    """One measured curve per algorithm (markers on top of the lines), with
    error bars from ``ratio_low``/``ratio_high`` where ``column`` is
    ``ratio`` and they are finite. Algorithms whose curves are identical are
    drawn once; returns the groups (lists, the drawn one first)."""
    groups = {}
    for alg in algorithm_order(set(sub["algorithm"]) & set(algorithms)):
        a = sub[sub["algorithm"] == alg].sort_values("k")
        y = a[column].to_numpy(dtype=float)
        key = tuple(zip(a["k"].tolist(), np.round(y, 9).tolist()))
        if key in groups:
            groups[key].append(alg)
            continue
        groups[key] = [alg]
        if clip is not None:
            y = np.minimum(y, clip)
        colour, marker, dash = algorithm_style(alg)
        ax.plot(a["k"], y, color=colour, ls=dash if fill else ":", lw=0.9, marker=marker,
                markerfacecolor=colour if fill else "white", markeredgecolor=colour, ms=spec["marker"] + 1.5,
                zorder=3)
        if column == "ratio" and {"ratio_low", "ratio_high"} <= set(a.columns):
            lo, hi = a["ratio_low"].to_numpy(dtype=float), a["ratio_high"].to_numpy(dtype=float)
            ok = np.isfinite(lo) & np.isfinite(hi)
            if clip is not None:
                ok &= y < clip
            if ok.any():
                ax.errorbar(a["k"].to_numpy()[ok], y[ok], yerr=[y[ok] - lo[ok], hi[ok] - y[ok]], fmt="none",
                            ecolor=colour, elinewidth=0.8, capsize=2, zorder=2)
    return list(groups.values())


def _same(groups, prefix=""):
    """Text naming the algorithms drawn once for several."""
    return [prefix + " = ".join(g) for g in groups if len(g) > 1]


def _note(ax, lines, spec, where="lower right"):
    if lines:
        x, ha = (0.97, "right") if "right" in where else (0.03, "left")
        y, va = (0.03, "bottom") if "lower" in where else (0.97, "top")
        text = "\n".join(textwrap.fill(line, 58, subsequent_indent="   ") for line in lines)
        ax.text(x, y, text, transform=ax.transAxes, ha=ha, va=va, fontsize=spec["small"] - 1)


def _select(pool, family, model, rate=None):
    sel = (pool["trace_family"] == family) & (pool["error_model"] == model)
    if rate is not None:
        sel &= np.isclose(pool["rate"].astype(float), rate)
    return pool[sel]


def _empty(ax, text="no rows for this panel"):
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center")


def _keep_extra(df):
    """Σ(cost − OPT)/Ση0 per (family, k, algorithm) over every false_keep row."""
    keep = df[(df["error_model"] == "false_keep") & df["eta0"].notna()]
    return pooled(keep.assign(rate=0.0))  # pool the rates


def plot_k_dependence(df, out_stem, layout=None):
    """Write ``out_stem.{pdf,png}`` (module docstring) from a k-sweep table
    ``df`` (runs-table columns); ``layout``: a layout name of
    :mod:`succinct_paging.plotting.style`. Returns the written paths."""
    spec = layout_spec(layout)
    pool = instance_intervals(df)
    ks = sorted(set(int(k) for k in df["k"])) or [2]
    with matplotlib.rc_context(rc(spec)):
        cols = 1 if spec["name"] == "one_column" else 2
        fig = new_figure(spec["width"], (2.6 if cols == 2 else 2.3) * (6 // cols) + 0.7)
        axes = fig.subplots(6 // cols, cols, squeeze=False).ravel()
        used = set()

        # (i) extra cost per wrong keep bit
        ax = axes[0]
        keep = _keep_extra(df)
        _lines(ax, ks, ("k − 1", "2H_k"), spec)
        same = []
        for fam, fill in _FAMILY_FILL.items():
            groups = _points(ax, keep[keep["trace_family"] == fam], "extra_per_eta0", KEEP_ALGORITHMS, fill, spec)
            used |= {g[0] for g in groups}
            same += _same(groups, f"{fam}: ")
        _note(ax, same, spec)
        ax.set_yscale("log")
        ax.set_ylabel("Σ(cost − OPT) / Ση0")
        ax.set_title("(i) extra cost per wrong keep bit (false_keep; α = 1)")
        fb = keep[(keep["trace_family"] == "loop") & (keep["algorithm"] == "followbits")]
        if len(fb):
            dev = float(np.max(np.abs(fb["extra_per_eta0"] / (fb["k"] - 1) - 1)))
            _note(ax, [f"followbits on loop: within {100 * dev:.1f} % of k − 1"], spec, "upper left")
        if not len(keep):
            _empty(ax)

        # (ii) robustness: all bits wrong
        ax = axes[1]
        _lines(ax, ks, ("k", "2H_k", "H_k"), spec)
        same = []
        for fam, fill in _FAMILY_FILL.items():
            groups = _points(ax, _select(pool, fam, "flip", 1.0), "ratio", ROBUST_ALGORITHMS, fill, spec)
            used |= {g[0] for g in groups}
            same += _same(groups, f"{fam}: ")
        _note(ax, same, spec, "upper left")
        ax.set_yscale("log")
        ax.set_ylabel("Σcost / ΣOPT")
        ax.set_title("(ii) every bit wrong (flip, rate 1)")
        if not len(_select(pool, "loop", "flip", 1.0)) + len(_select(pool, "uniform", "flip", 1.0)):
            _empty(ax)

        # (iii) the Yao family
        ax = axes[2]
        uni = pool[pool["trace_family"] == "uniform"]
        top = 2.0 * float(harmonic_numbers([max(ks)])[0])
        _lines(ax, ks, ("H_k",), spec)
        blind = uni[uni["error_model"] == "none"]
        wrong = _select(pool, "uniform", "flip", 1.0)
        perfect = uni[(uni["error_model"] != "none") & np.isclose(uni["rate"].astype(float), 0.0)]
        perfect = perfect.drop_duplicates(["k", "algorithm"])
        off = wrong[(wrong["ratio"] > top) & wrong["algorithm"].isin(YAO_ALGORITHMS)]
        wrong = wrong[~wrong["algorithm"].isin(set(off["algorithm"]))]
        same = []
        for rows, fill, what in ((blind, True, "no bits"), (wrong, True, "all wrong"), (perfect, False, "perfect")):
            groups = _points(ax, rows, "ratio", YAO_ALGORITHMS, fill, spec, clip=top)
            used |= {g[0] for g in groups}
            same += _same(groups, f"{what}: ")
        notes = [f"{alg} (all wrong): not drawn, ratio up to {g['ratio'].max():.0f}"
                 for alg, g in off.groupby("algorithm")]
        _note(ax, ["filled: no bits (lru, marker) or all bits wrong", "hollow: perfect bits"] + notes + same, spec,
              "upper left")
        ax.set_ylim(0.8, top)
        ax.set_ylabel("Σcost / ΣOPT")
        ax.set_title("(iii) Yao family: uniform over k + 1 pages")
        if not len(uni):
            _empty(ax)

        # (iv) MARK&PREDICT's robustness: rate-1 worst with a + b·ln k, and the soon adversary
        ax = axes[3]
        worst, soon, alpha2, (a_fit, b_fit) = mark_predict_sides(df)
        colour, marker, _ = algorithm_style("mark_predict")
        x = np.array(ks, dtype=float)
        h = harmonic_numbers(x.astype(int))
        if len(worst):
            ax.plot(x, a_fit + b_fit * np.log(x), color=colour, lw=0.8, ls="--", zorder=1)
            ax.plot(worst["k"], worst["ratio"], color=colour, ls="none", marker=marker, ms=spec["marker"] + 1.5,
                    zorder=3, label=f"every bit wrong (rate 1); fit {a_fit:.2f} + {b_fit:.2f}·ln k")
            res = np.abs(worst["residual"].to_numpy(dtype=float))
            _note(ax, [f"fit residuals: largest {100 * np.nanmax(res):.1f} % (k = "
                       f"{int(worst['k'].iloc[int(np.nanargmax(res))])})"], spec, "lower right")
        if len(soon):
            gap = float(soon["two_h_k_minus"].mean())
            ax.plot(x, 2 * h - gap, color="0.45", lw=0.8, ls=":", zorder=1)
            ax.plot(soon["k"], soon["ratio"], color=colour, ls="none", marker=marker, markerfacecolor="white",
                    ms=spec["marker"] + 1.5, zorder=3, label=f"'soon' adversary; dotted: 2H_k − {gap:.2f}")
        if len(worst) or len(soon):
            ax.legend(loc="upper left", frameon=False, fontsize=spec["small"] - 1)
        else:
            _empty(ax)
        ax.set_ylim(bottom=0)
        ax.set_ylabel("Σcost / ΣOPT")
        ax.set_title("(iv) mark_predict: robustness (wrong bits)")

        # (v) MARK&PREDICT on its own axis: Σ(cost − 2·OPT)/Ση0
        ax = axes[4]
        _lines(ax, ks, ("2H_k", "H_k"), spec)
        for fam, part in alpha2.groupby("trace_family", sort=True):
            part = part.sort_values("k")
            y = part["slope"].to_numpy(dtype=float)
            ax.plot(part["k"], y, lw=0.9, marker=_FAMILY_MARK.get(fam, "o"), color=colour, ms=spec["marker"] + 1,
                    markerfacecolor="white" if fam == "uniform" else colour, label=fam)
            lo, hi = part["slope_low"].to_numpy(dtype=float), part["slope_high"].to_numpy(dtype=float)
            ok = np.isfinite(lo) & np.isfinite(hi)
            if ok.any():
                ax.errorbar(part["k"].to_numpy()[ok], y[ok], yerr=[y[ok] - lo[ok], hi[ok] - y[ok]], fmt="none",
                            ecolor=colour, elinewidth=0.8, capsize=2)
        if len(alpha2):
            ax.axhline(0, color="black", lw=0.5)
            ax.legend(loc="upper left", frameon=False, fontsize=spec["small"] - 1, title="family (false_keep)")
        else:
            _empty(ax)
        ax.set_ylabel("Σ(cost − 2·OPT) / Ση0")
        ax.set_title("(v) mark_predict per wrong phase bit (α = 2)")

        # (vi) MARK&PREDICT's consistency
        ax = axes[5]
        loop2k = pool[(pool["trace_family"] == "loop_2k") & (pool["algorithm"] == "mark_predict")
                      & (pool["error_model"] != "none") & np.isclose(pool["rate"].astype(float), 0.0)]
        if len(loop2k):
            ax.axhline(2.0, color="black", lw=0.8, zorder=1)
            ax.plot(x, 2 - 1 / x, color="0.45", lw=0.8, ls=":", zorder=1)
            ax.plot(loop2k["k"], loop2k["ratio"], color=colour, ls="none", marker=marker, markerfacecolor="white",
                    ms=spec["marker"] + 1.5, zorder=3, label="perfect bits on loop_2k")
            ax.annotate("α = 2", (x[-1], 2.0), xytext=(3, 0), textcoords="offset points", va="center",
                        fontsize=spec["small"])
            ax.legend(loc="lower right", frameon=False)
        else:
            _empty(ax)
        ax.set_ylim(0, 2.25)
        ax.set_ylabel("Σcost / ΣOPT")
        ax.set_title("(vi) mark_predict: consistency (perfect bits)")

        for ax in axes:
            ax.set_xscale("log", base=2)
            ax.set_xlabel("cache size k")
            ax.set_xticks(ks)
            ax.set_xticklabels([str(k) for k in ks])
            ax.minorticks_off()
            ax.set_xlim(min(ks) / 1.3, max(ks) * 2.2)
        handles = [Line2D([], [], color=algorithm_style(a)[0], ls=algorithm_style(a)[2], marker=algorithm_style(a)[1],
                          label=a) for a in algorithm_order(used)]
        handles += [Line2D([], [], color="0.3", marker="o", ls="none", label="loop (N = k + 1)"),
                    Line2D([], [], color="0.3", marker="o", markerfacecolor="white", ls="none",
                           label="uniform (N = k + 1), in (i), (ii)")]
        fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 5), frameon=False)
        fig.suptitle("The dependence on k (contract §9): pooled over instances and seeds")
    return save_figure(fig, out_stem, spec)


"""The figure of the adversarial wrong-bit experiment: extra faults against
the number of wrong bits, greedy adversary vs random placement."""

import math

import matplotlib
import numpy as np
from matplotlib.lines import Line2D

from succinct_paging.experiments.adversarial import KINDS
from succinct_paging.plotting.style import ERROR_MODEL_COLOURS, new_figure, rc, save_figure
from succinct_paging.plotting.style import layout as layout_spec

_KIND_TEXT = {"flip": "flip (any bit)", "false_keep": "false keep (η0)", "false_discard": "false discard (η1)"}


def plot_adversarial(df, family, k, out_stem, layout=None):
    """Extra faults against the number of wrong bits, one panel per algorithm.

    x: wrong bits placed in *each* instance; y: Σ over the instances of
    (faults − OPT) (so with N instances the total number of wrong bits is
    N·x). Greedy adversary (solid, markers) and the random model at the same
    number of wrong bits (dashed) for each kind; the contract §3 bound at the
    adversary's η, summed the same way (Σ bound − Σ OPT, thin dotted, drawn
    on top) for every algorithm that has one (``upper_bound``: the (α, β, γ)
    bounds, and (budget + k) per k-phase for ``followbits_robust``); a panel
    of an algorithm without a bound (``combine``) says so. The y axis covers
    data and bounds; it is symmetric-log (linear up to 1) when a bound is
    more than 20 times the largest measured value. Writes PDF and PNG."""
    spec = layout_spec(layout)
    width = spec["width"]
    d = df[(df["trace_family"].astype(str) == str(family)) & (df["k"] == int(k))]
    algs = list(dict.fromkeys(d["algorithm"]))
    n_inst = d["instance"].nunique() if "instance" in d else 0
    cols = min(3, max(1, len(algs)))
    rows_n = max(1, math.ceil(len(algs) / cols))
    with matplotlib.rc_context(rc(spec)):
        fig = new_figure(width, 0.36 * width * rows_n + 0.7)
        axes = np.atleast_1d(fig.subplots(rows_n, cols, squeeze=False)).ravel()
        for ax, alg in zip(axes, algs):
            a = d[d["algorithm"] == alg]
            data_hi, bound_hi, lo = 1.0, 0.0, 0.0
            has_bound = bool(len(a)) and bool(a["bound"].notna().all())
            for kind in [x for x in KINDS if x in set(a["kind"])]:
                for model, ls in (("adversarial", "-"), ("random", "--")):
                    rows = a[(a["kind"] == kind) & (a["model"] == model)]
                    g = rows.groupby("wrong_bits")
                    extra = g["faults"].sum() - g["opt"].sum()
                    ax.plot(extra.index, extra.values, ls=ls, marker="o" if model == "adversarial" else None,
                            color=ERROR_MODEL_COLOURS[kind], label=f"{_KIND_TEXT[kind]}, {model}", zorder=2)
                    if len(extra):
                        lo, data_hi = min(lo, float(extra.min())), max(data_hi, float(extra.max()))
                    if model == "adversarial" and has_bound and len(rows):
                        bound = g["bound"].sum() - g["opt"].sum()
                        ax.plot(bound.index, bound.values, ls=":", color=ERROR_MODEL_COLOURS[kind], lw=0.9,
                                zorder=3)
                        bound_hi = max(bound_hi, float(bound.max()))
            if not has_bound:
                ax.text(0.03, 0.95, "no proven bound (contract §3)", transform=ax.transAxes, va="top",
                        fontsize=spec["small"], color="#444444")
            hi = max(data_hi, bound_hi)
            if bound_hi > 20 * data_hi:
                ax.set_yscale("symlog", linthresh=1.0)
                ax.set_ylim(min(lo, 0.0), hi * 1.5)
            else:
                ax.set_ylim(lo - 0.05 * (hi - lo), hi + 0.08 * (hi - lo))
            ax.set_title(alg, loc="left")
            ax.set_xlabel("wrong bits per instance")
            ax.set_ylabel(f"Σ over {n_inst} instance{'s' if n_inst != 1 else ''} of (faults − OPT)")
        for ax in axes[len(algs):]:
            ax.set_visible(False)
        if algs:
            handles, labels = axes[0].get_legend_handles_labels()
            handles.append(Line2D([], [], ls=":", color="#555555", lw=0.9))
            labels.append("proven bound at the adversary's η (Σ bound − Σ OPT)")
            fig.legend(handles, labels, ncols=3, frameon=False, loc="outside lower center")
        fig.suptitle(f"{family}, k = {k}: greedy adversarial wrong bits (solid) vs random wrong bits (dashed) "
                     "at the same number; dotted: contract §3 bound at the adversary's η",
                     fontsize=spec["font"], wrap=True)
        return save_figure(fig, out_stem, spec)

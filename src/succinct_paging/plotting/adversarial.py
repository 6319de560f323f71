"""The figure of the adversarial wrong-bit experiment: extra faults against
the number of wrong bits, greedy adversary vs random placement."""

import math

import matplotlib
import numpy as np

from succinct_paging.experiments.adversarial import KINDS
from succinct_paging.plotting.style import ERROR_MODEL_COLOURS, new_figure, rc, save_figure
from succinct_paging.plotting.style import layout as layout_spec

_KIND_TEXT = {"flip": "flip (any bit)", "false_keep": "false keep (η0)", "false_discard": "false discard (η1)"}


def plot_adversarial(df, family, k, out_stem, layout=None):
    """Extra faults (Σ over instances of cost − OPT) against the number of
    wrong bits, one panel per algorithm: greedy adversary (solid) and the
    random model at the same number of wrong bits (dashed) for each kind, and
    the contract §3 bound at the adversary's η (dotted). Writes PDF and PNG."""
    spec = layout_spec(layout)
    width = spec["width"]
    d = df[(df["trace_family"].astype(str) == str(family)) & (df["k"] == int(k))]
    algs = list(dict.fromkeys(d["algorithm"]))
    cols = min(3, max(1, len(algs)))
    rows_n = max(1, math.ceil(len(algs) / cols))
    with matplotlib.rc_context(rc(spec)):
        fig = new_figure(width, 0.36 * width * rows_n + 0.5)
        axes = np.atleast_1d(fig.subplots(rows_n, cols, squeeze=False)).ravel()
        for ax, alg in zip(axes, algs):
            a = d[d["algorithm"] == alg]
            lo, hi = 0.0, 1.0
            for kind in [x for x in KINDS if x in set(a["kind"])]:
                for model, ls in (("adversarial", "-"), ("random", "--")):
                    rows = a[(a["kind"] == kind) & (a["model"] == model)]
                    g = rows.groupby("wrong_bits")
                    extra = g["faults"].sum() - g["opt"].sum()
                    ax.plot(extra.index, extra.values, ls=ls, marker="o" if model == "adversarial" else None,
                            color=ERROR_MODEL_COLOURS[kind], label=f"{_KIND_TEXT[kind]}, {model}")
                    if len(extra):
                        lo, hi = min(lo, float(extra.min())), max(hi, float(extra.max()))
                    if model == "adversarial" and rows["bound"].notna().all() and len(rows):
                        bound = g["bound"].sum() - g["opt"].sum()
                        ax.plot(bound.index, bound.values, ls=":", color=ERROR_MODEL_COLOURS[kind], lw=0.9)
            ax.set_ylim(lo - 0.05 * (hi - lo), hi + 0.25 * (hi - lo))  # bounds may leave the top
            ax.set_title(alg, loc="left")
            ax.set_xlabel("wrong bits")
            ax.set_ylabel("Σ (faults − OPT)")
        for ax in axes[len(algs):]:
            ax.set_visible(False)
        if algs:
            handles, labels = axes[0].get_legend_handles_labels()
            fig.legend(handles, labels, ncols=3, frameon=False, loc="outside lower center")
        fig.suptitle(f"{family}, k = {k}: greedy adversarial wrong bits (solid) vs random wrong bits (dashed) "
                     "at the same number; dotted: contract §3 bound at the adversary's η",
                     fontsize=spec["font"], wrap=True)
        return save_figure(fig, out_stem, spec)

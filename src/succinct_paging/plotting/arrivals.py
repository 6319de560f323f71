"""The figure of the next-arrival experiment (contract §7): ratio vs the noise
σ of the predicted arrivals, for full-prediction and one-bit algorithms."""

import math

import matplotlib
import numpy as np

from succinct_paging.experiments.arrivals import pooled
from succinct_paging.plotting.style import ERROR_MODEL_COLOURS, algorithm_style, new_figure, rc, save_figure
from succinct_paging.plotting.style import layout as layout_spec

_KIND_STYLE = {"arrivals": "-", "discard": "--", "phase": ":"}
_KIND_LABEL = {"arrivals": "next-arrival predictions", "discard": "discard bits (LFD on predictions)",
               "phase": "phase bits (predicted arrival beyond next phase)"}


#: From this σ on the lognormal noise saturates (see :func:`saturated_share`).
SATURATED_SIGMA = 50.0


def saturated_share(sigma, scale=1e5):
    """Share of draws Z ~ N(0, 1) with e^(σZ) outside [1/scale, scale]:
    P(|Z| > ln(scale)/σ) = erfc(ln(scale)/(σ·√2)). At σ = 50 about 0.82."""
    return math.erfc(math.log(scale) / (float(sigma) * math.sqrt(2.0)))


def plot_arrivals_vs_sigma(df, family, k, out_stem, layout=None, master_seed=0):
    """Ratio vs σ of full-prediction and one-bit algorithms together (left;
    pooled over instances and seeds, band = the 95 % interval over instances
    of the summary table: instance bootstrap seeded from ``master_seed``, or
    jackknife-t below 10 instances, none for one instance; baselines as
    horizontal lines) and the realised error rates of the bits made from
    the same predictions (right). Writes PDF and PNG; returns the paths."""
    spec = layout_spec(layout)
    width = spec["width"]
    d = df[(df["trace_family"].astype(str) == str(family)) & (df["k"] == int(k))]
    stats = pooled(d, master_seed)
    sigmas = sorted(s for s in stats["sigma"].dropna().unique())
    x_of = {s: i for i, s in enumerate(sigmas)}
    with matplotlib.rc_context(rc(spec)):
        fig = new_figure(width, width * 0.55)
        ax, ax_eta = fig.subplots(1, 2, width_ratios=[2.2, 1])
        fig.suptitle(f"{family}, k = {k}: ratio vs noise of the predicted next arrivals "
                     "(solid: next-arrival predictions, dashed: discard bits, dotted: phase bits "
                     "made from the same predictions)", fontsize=spec["font"], wrap=True)
        ratios = []
        for alg, rows in stats[stats["sigma"].notna()].groupby("algorithm", sort=False):
            rows = rows.sort_values("sigma")
            xs = [x_of[s] for s in rows["sigma"]]
            kind = rows["prediction"].iloc[0]
            c, marker, _ = algorithm_style(alg)
            ax.plot(xs, rows["ratio"], ls=_KIND_STYLE.get(kind, "-"), color=c, marker=marker, label=alg)
            if np.isfinite(rows["ci_low"].to_numpy(dtype=float)).any():
                ax.fill_between(xs, rows["ci_low"], rows["ci_high"], color=c, alpha=0.15, lw=0)
            ratios += list(rows["ratio"].dropna())
        for alg, rows in stats[stats["sigma"].isna()].groupby("algorithm", sort=False):
            r = float(rows["ratio"].iloc[0])
            ax.axhline(r, color=algorithm_style(alg)[0], ls=(0, (1, 1.5)), lw=1.0, label=f"{alg} (no predictions)")
            ratios.append(r)
        ax.axhline(1.0, color="black", lw=0.6)
        finite = [r for r in ratios if np.isfinite(r) and r > 0]
        if finite and max(finite) / max(min(finite), 1e-9) > 8:
            ax.set_yscale("log")
        ax.set_xticks(range(len(sigmas)), [f"{s:g}" for s in sigmas])
        ax.set_xlabel("σ  (predicted arrival = next + lognormal(0, σ))")
        if sigmas and max(sigmas) >= SATURATED_SIGMA:
            ax.text(0.99, 0.02, f"σ ≥ {SATURATED_SIGMA:g}: the noise e^(σZ) saturates (below 1e-5 or above 1e5\n"
                    f"for {100 * saturated_share(SATURATED_SIGMA):.0f} % of draws or more): each prediction is"
                    " exact or 'never'", transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=spec["small"] - 1)
        methods = sorted(set(stats["ci_method"]) - {""})
        band = {"bootstrap": "95 % instance bootstrap", "jackknife-t": "95 % jackknife-t over instances"}
        ax.set_ylabel("Σ faults / Σ OPT" + (f" (band: {', '.join(band[m] for m in methods)})" if methods else ""))
        fig.legend(*ax.get_legend_handles_labels(), ncols=4, frameon=False, loc="outside lower center")
        for kind in ("discard", "phase"):
            rows = stats[(stats["prediction"] == kind) & stats["sigma"].notna()]
            if rows.empty:
                continue
            first = rows["algorithm"].iloc[0]  # every algorithm of a kind sees the same bits
            rows = rows[rows["algorithm"] == first].sort_values("sigma")
            xs = [x_of[s] for s in rows["sigma"]]
            ax_eta.plot(xs, rows["eta0"] / rows["n"], ls=_KIND_STYLE[kind], marker="v", color=ERROR_MODEL_COLOURS["false_keep"],
                        label=f"{kind}: η0/n (wrong keep)")
            ax_eta.plot(xs, rows["eta1"] / rows["n"], ls=_KIND_STYLE[kind], marker="^", color=ERROR_MODEL_COLOURS["false_discard"],
                        label=f"{kind}: η1/n (wrong discard)")
        ax_eta.set_xticks(range(len(sigmas)), [f"{s:g}" for s in sigmas])
        ax_eta.set_xlabel("noise σ")
        ax_eta.set_ylabel("wrong bits / requests")
        ax_eta.set_title("errors of the bits", loc="left")
        ax_eta.legend(frameon=False, fontsize=spec["small"])
        return save_figure(fig, out_stem, spec)

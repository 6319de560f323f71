"""Workflow job logic for next-arrival predictions (SPEC §7): one noise axis σ
for full-prediction and one-bit algorithms.

For every instance and replicate the predictions are ``a = next + ε`` with
``ε`` lognormal(0, σ) (:mod:`succinct_paging.arrivals`). The standard normal
draws behind ``ε`` depend on (family, instance, replicate) only, so the same
draws serve every σ (``ε = exp(σ·z)``: common random numbers, the curves vs σ
are not jagged by fresh noise) and every k. At each σ:

- full-prediction algorithms (kind ``arrivals``) read ``a`` directly;
- discard-bit algorithms read the discard bits of LFD run on ``a``, and
  phase-bit algorithms the phase bits of ``a`` (SPEC §7, last item); their
  realised η0, η1 are counted against the true bits of the same kind;
- prediction-free algorithms run once (``error_model`` ``none``, σ empty).

Rows of the table (one per run)::

    trace_family, instance, n, N, k, algorithm, prediction, error_model,
    sigma, seed, faults, opt, eta0, eta1, ratio

``prediction`` is the kind the algorithm reads (``arrivals``, ``discard``,
``phase``, ``none``), ``error_model`` is ``lognormal`` (or ``none``).
"""

import math

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .algorithms import parse_algorithm
from .arrivals import (
    discard_bits_from_predictions,
    lognormal_noise,
    phase_bits_from_predictions,
    true_next,
)
from .experiment import derive_seed
from .kernels.lfd import next_occurrences
from .kernels.phases import k_phases_kernel, phase_bits_kernel
from .plots import algorithm_colour, algorithm_marker, save_figure
from .simulate import run_parsed
from .truth import run_lfd

COLUMNS = [
    "trace_family", "instance", "n", "N", "k", "algorithm", "prediction", "error_model",
    "sigma", "seed", "faults", "opt", "eta0", "eta1", "ratio",
]

#: Canonical row order of the table.
SORT_KEYS = ["trace_family", "k", "sigma", "instance", "seed", "algorithm"]

def _eta(bits, truth):
    return (int(np.count_nonzero((bits == 0) & (truth == 1))),
            int(np.count_nonzero((bits == 1) & (truth == 0))))


def run_arrivals_grid(family, traces, k, algorithms, sigmas, replicates, master_seed,
                      budget_factor=2, switch_factor=2.0, progress=None):
    """Rows (see the module) for one family and cache size ``k``.

    ``traces``: list of ``(instance, pages)`` with dense ids; ``algorithms``:
    ids of any kind (SPEC §3, §7, ``combine``); ``sigmas``: noise parameters
    >= 0; ``replicates``: replicate seeds. Algorithm seeds derive from the
    master seed and the names, not from σ. O(n log k) per run.
    """
    parsed = [parse_algorithm(a) for a in algorithms]
    baseline = [a for a in parsed if a.prediction == "none"]
    predicted = [a for a in parsed if a.prediction != "none"]
    kinds = {a.prediction for a in predicted}
    budget = max(1, int(round(budget_factor * k)))
    rows = []
    for i, (instance, pages) in enumerate(traces):
        pages = np.ascontiguousarray(pages, dtype=np.int64)
        n = len(pages)
        n_pages = int(pages.max()) + 1 if n else 0
        kk = max(1, min(k, n_pages))  # k >= N never evicts: same faults, O(N) memory
        opt, truth_discard = run_lfd(pages, n_pages, kk)
        truth = {"discard": truth_discard}
        if "phase" in kinds:
            phases = k_phases_kernel(pages, kk, n_pages)
            truth["phase"] = phase_bits_kernel(pages, phases, next_occurrences(pages, n_pages))
        nxt = true_next(pages, n_pages)
        ratio = (lambda f: f / opt) if opt else (lambda f: math.nan)  # noqa: E731
        zeros = np.zeros(n, dtype=np.uint8)
        for rep in replicates:
            for alg in baseline:
                seed = derive_seed(master_seed, "arrivals-alg", family, instance, k, rep, alg.id)
                f = run_parsed(alg, pages, zeros, kk, n_pages, seed, budget, switch_factor)
                rows.append((family, instance, n, n_pages, k, alg.id, "none", "none", math.nan,
                             rep, f, opt, None, None, ratio(f)))
            noise_seed = derive_seed(master_seed, "arrivals-noise", family, instance, rep)
            for sigma in sigmas:
                a = nxt + lognormal_noise(n, float(sigma), noise_seed)
                bits = {}
                if "discard" in kinds:
                    bits["discard"] = discard_bits_from_predictions(pages, n_pages, kk, a)
                if "phase" in kinds:
                    bits["phase"] = phase_bits_from_predictions(pages, n_pages, kk, a)
                for alg in predicted:
                    b = bits.get(alg.prediction, zeros)
                    eta0, eta1 = _eta(b, truth[alg.prediction]) if alg.prediction in bits else (None, None)
                    seed = derive_seed(master_seed, "arrivals-alg", family, instance, k, rep, alg.id)
                    f = run_parsed(alg, pages, b, kk, n_pages, seed, budget, switch_factor, predictions=a)
                    rows.append((family, instance, n, n_pages, k, alg.id, alg.prediction, "lognormal",
                                 float(sigma), rep, f, opt, eta0, eta1, ratio(f)))
        if progress:
            progress(f"{family} k={k}: instance {i + 1}/{len(traces)} ({instance}) done")
    return to_frame(rows)


def to_frame(rows):
    """Rows as a typed DataFrame (nullable η columns, float σ)."""
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.astype({
        "trace_family": str, "instance": str, "algorithm": str, "prediction": str,
        "error_model": str, "n": "int64", "N": "int64", "k": "int64", "seed": "int64",
        "faults": "int64", "opt": "int64", "eta0": "Int64", "eta1": "Int64",
        "sigma": "float64", "ratio": "float64",
    })


def sort_rows(df, keys=SORT_KEYS):
    """Canonical row order (independent of job order); baselines first."""
    return df.sort_values(list(keys), na_position="first", kind="mergesort").reset_index(drop=True)


def pooled(df):
    """Σ faults / Σ OPT per (algorithm, prediction, σ) over instances and
    seeds, with the min and max over seeds of the per-seed pooled ratio and
    the pooled realised error rates η0/n, η1/n. Baselines have σ NaN."""
    keys = ["algorithm", "prediction", "sigma"]
    d = df.assign(sigma=df["sigma"].fillna(-1.0))
    per_seed = d.groupby(keys + ["seed"], sort=True)[["faults", "opt"]].sum()
    per_seed = (per_seed["faults"] / per_seed["opt"].where(per_seed["opt"] > 0)).groupby(level=keys)
    g = d.groupby(keys, sort=True)
    out = pd.DataFrame({
        "faults": g["faults"].sum(), "opt": g["opt"].sum(), "n": g["n"].sum(),
        "eta0": g["eta0"].sum(min_count=1).astype("float64"),
        "eta1": g["eta1"].sum(min_count=1).astype("float64"),
        "ratio_seed_min": per_seed.min(), "ratio_seed_max": per_seed.max(),
    })
    out["ratio"] = out["faults"] / out["opt"].where(out["opt"] > 0)
    out = out.reset_index()
    out["sigma"] = out["sigma"].where(out["sigma"] >= 0)
    return out


# ---------------------------------------------------------------- figure

_RC = {
    "pdf.fonttype": 42, "ps.fonttype": 42, "font.size": 8, "axes.titlesize": 8,
    "legend.fontsize": 7, "xtick.labelsize": 7, "ytick.labelsize": 7,
    "axes.spines.top": False, "axes.spines.right": False, "lines.linewidth": 1.2,
    "lines.markersize": 3.5,
}

_KIND_STYLE = {"arrivals": "-", "discard": "--", "phase": ":"}
_KIND_LABEL = {"arrivals": "next-arrival predictions", "discard": "discard bits (LFD on predictions)",
               "phase": "phase bits (predicted arrival beyond next phase)"}


def plot_arrivals_vs_sigma(df, family, k, out_stem, width=6.9):
    """Ratio vs σ of full-prediction and one-bit algorithms together (left;
    pooled over instances and seeds, band = min..max over seeds, baselines
    as horizontal lines) and the realised error rates of the bits made from
    the same predictions (right). Writes PDF and PNG; returns the paths."""
    d = df[(df["trace_family"].astype(str) == str(family)) & (df["k"] == int(k))]
    stats = pooled(d)
    sigmas = sorted(s for s in stats["sigma"].dropna().unique())
    x_of = {s: i for i, s in enumerate(sigmas)}
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width, width * 0.55), layout="constrained")
        ax, ax_eta = fig.subplots(1, 2, width_ratios=[2.2, 1])
        fig.suptitle(f"{family}, k = {k}: ratio vs noise of the predicted next arrivals "
                     "(solid: next-arrival predictions, dashed: discard bits, dotted: phase bits "
                     "made from the same predictions)", fontsize=_RC["font.size"], wrap=True)
        ratios = []
        for alg, rows in stats[stats["sigma"].notna()].groupby("algorithm", sort=False):
            rows = rows.sort_values("sigma")
            xs = [x_of[s] for s in rows["sigma"]]
            kind = rows["prediction"].iloc[0]
            c = algorithm_colour(alg)
            ax.plot(xs, rows["ratio"], ls=_KIND_STYLE.get(kind, "-"), color=c,
                    marker=algorithm_marker(alg), label=alg)
            ax.fill_between(xs, rows["ratio_seed_min"], rows["ratio_seed_max"], color=c, alpha=0.15, lw=0)
            ratios += list(rows["ratio"].dropna())
        for alg, rows in stats[stats["sigma"].isna()].groupby("algorithm", sort=False):
            r = float(rows["ratio"].iloc[0])
            ax.axhline(r, color=algorithm_colour(alg), ls=(0, (1, 1.5)), lw=1.0, label=f"{alg} (no predictions)")
            ratios.append(r)
        ax.axhline(1.0, color="black", lw=0.6)
        finite = [r for r in ratios if np.isfinite(r) and r > 0]
        if finite and max(finite) / max(min(finite), 1e-9) > 8:
            ax.set_yscale("log")
        ax.set_xticks(range(len(sigmas)), [f"{s:g}" for s in sigmas])
        ax.set_xlabel("σ  (predicted arrival = next + lognormal(0, σ))")
        ax.set_ylabel("Σ faults / Σ OPT (band: min–max over seeds)")
        fig.legend(*ax.get_legend_handles_labels(), ncols=4, frameon=False, loc="outside lower center")
        for kind in ("discard", "phase"):
            rows = stats[(stats["prediction"] == kind) & stats["sigma"].notna()]
            if rows.empty:
                continue
            first = rows["algorithm"].iloc[0]  # every algorithm of a kind sees the same bits
            rows = rows[rows["algorithm"] == first].sort_values("sigma")
            xs = [x_of[s] for s in rows["sigma"]]
            ax_eta.plot(xs, rows["eta0"] / rows["n"], ls=_KIND_STYLE[kind], marker="v", color="#1f77b4",
                        label=f"{kind}: η0/n (wrong keep)")
            ax_eta.plot(xs, rows["eta1"] / rows["n"], ls=_KIND_STYLE[kind], marker="^", color="#d62728",
                        label=f"{kind}: η1/n (wrong discard)")
        ax_eta.set_xticks(range(len(sigmas)), [f"{s:g}" for s in sigmas])
        ax_eta.set_xlabel("noise σ")
        ax_eta.set_ylabel("wrong bits / requests")
        ax_eta.set_title("errors of the bits", loc="left")
        ax_eta.legend(frameon=False, fontsize=_RC["legend.fontsize"] - 1)
        return save_figure(fig, out_stem, _RC)

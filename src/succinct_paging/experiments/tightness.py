"""How close the measured adversaries come to the proven constants (issue 20
item 3): per algorithm with proven (α, β, γ), k and constant, the largest
adversarial slope found next to the proven value.

Sources (any may be missing):

- the greedy adversary (``results/adversarial/runs.csv``, rows ``model ==
  "adversarial"``): β from ``kind == "false_keep"`` rows with η0 > 0 as
  (E[faults] − α·OPT)/η0, γ from ``false_discard`` rows with η1 > 0;
- the adaptive lower-bound families (``results/lower_bounds.csv``):
  ``lb_keep`` rows give β = (cost − α·OPT − γ·η1)/η0, ``lb_discard`` rows with
  η0 = 0 give γ = (cost − α·OPT)/η1;
- the randomized lower-bound family ``lb_yao``
  (``results/lower_bounds_randomized.csv``, every bit 0, η1 = 0): β = its
  pooled Σ(E[cost] − α·OPT)/Ση0;
- the hill-climbing search on ``lb_yao`` (``results/lower_bounds_search.csv``):
  β = its held-out (E[cost] − OPT − η1)/η0 (α = γ = 1 for mark0, mark0_eager).

``status``: ``met`` when the largest slope is at least 95 % of the proven
constant, ``approached`` from 50 %, else ``gap``. Pure pandas, O(rows).
"""

import numpy as np
import pandas as pd

from succinct_paging.experiments.constants import proven_constants

#: Columns of results/tightness.csv.
COLUMNS = ["algorithm", "k", "constant", "alpha", "proven", "largest", "share", "status", "source", "family",
           "instance", "faults", "opt", "eta"]

#: Share of the proven constant from which a bound counts as met / approached.
MET, APPROACHED = 0.95, 0.5


def status(share):
    """``met`` / ``approached`` / ``gap`` of a largest-over-proven share."""
    if not np.isfinite(share):
        return "gap"
    return "met" if share >= MET else ("approached" if share >= APPROACHED else "gap")


def _candidates(adversarial, lower_bounds, search, randomized):
    rows = []  # (algorithm, k, constant, slope, source, family, instance, faults, opt, eta)
    if adversarial is not None and len(adversarial):
        adv = adversarial[adversarial["model"] == "adversarial"]
        for r in adv.itertuples(index=False):
            consts = proven_constants(r.algorithm, r.k)
            if consts is None:
                continue
            alpha = consts[0]
            if r.kind == "false_keep" and r.eta0 > 0:
                rows.append((r.algorithm, int(r.k), "beta", (r.faults - alpha * r.opt) / r.eta0, "greedy adversary",
                             r.trace_family, str(r.instance), r.faults, r.opt, r.eta0))
            elif r.kind == "false_discard" and r.eta1 > 0:
                rows.append((r.algorithm, int(r.k), "gamma", (r.faults - alpha * r.opt) / r.eta1,
                             "greedy adversary", r.trace_family, str(r.instance), r.faults, r.opt, r.eta1))
    if lower_bounds is not None and len(lower_bounds):
        for r in lower_bounds.itertuples(index=False):
            consts = proven_constants(r.algorithm, r.k)
            if consts is None:
                continue
            alpha, _, gamma = consts
            inst = f"{r.family}-R{r.rounds}"
            if r.family == "lb_keep" and r.eta0 > 0:
                rows.append((r.algorithm, int(r.k), "beta", (r.cost - alpha * r.opt - gamma * r.eta1) / r.eta0,
                             "adaptive lower bound", r.family, inst, r.cost, r.opt, r.eta0))
            elif r.family == "lb_discard" and r.eta0 == 0 and r.eta1 > 0:
                rows.append((r.algorithm, int(r.k), "gamma", (r.cost - alpha * r.opt) / r.eta1,
                             "adaptive lower bound", r.family, inst, r.cost, r.opt, r.eta1))
    if randomized is not None and len(randomized):
        for r in randomized.itertuples(index=False):
            consts = proven_constants(r.algorithm, r.k)
            if consts is None or r.eta0 <= 0:
                continue
            rows.append((r.algorithm, int(r.k), "beta", (r.expected_cost - consts[0] * r.opt) / r.eta0,
                         "lb_yao, every bit 0", "lb_yao", f"{r.instances} instances", r.expected_cost, r.opt,
                         r.eta0))
    if search is not None and len(search):
        for r in search.itertuples(index=False):
            if proven_constants(r.algorithm, r.k) is None or r.eta0 <= 0:
                continue
            rows.append((r.algorithm, int(r.k), "beta", float(r.best_held_out), "lb_yao hill climb", "lb_yao",
                         f"lb_yao-k{r.k}", np.nan, r.opt, r.eta0))
    return pd.DataFrame(rows, columns=["algorithm", "k", "constant", "largest", "source", "family", "instance",
                                       "faults", "opt", "eta"])


def tightness(adversarial=None, lower_bounds=None, search=None, randomized=None):
    """results/tightness.csv (:data:`COLUMNS`): for every (algorithm, k,
    constant) with a proven value and at least one measured slope, the
    largest slope, where it was found, its share of the proven constant and
    the :func:`status`. Sorted by algorithm, constant and k; ties keep the
    first source in the order adversary, lower bounds, search."""
    cand = _candidates(adversarial, lower_bounds, search, randomized)
    if cand.empty:
        return pd.DataFrame(columns=COLUMNS)
    cand = cand.reset_index().sort_values(["algorithm", "constant", "k", "largest", "index"],
                                          ascending=[True, True, True, False, True], kind="mergesort")
    best = cand.groupby(["algorithm", "constant", "k"], sort=True).head(1).drop(columns="index")
    consts = [proven_constants(a, k) for a, k in zip(best["algorithm"], best["k"])]
    best = best.assign(alpha=[c[0] for c in consts],
                       proven=[c[1] if name == "beta" else c[2] for c, name in zip(consts, best["constant"])])
    best["share"] = best["largest"] / best["proven"]
    best["status"] = [status(s) for s in best["share"]]
    return best[COLUMNS].sort_values(["algorithm", "constant", "k"], kind="mergesort").reset_index(drop=True)

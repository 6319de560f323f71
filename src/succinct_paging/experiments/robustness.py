"""Robustness under stress (issue 20 item 2): from the k-sweep runs, how the
robust variants and the combiners hold their bounds when the predictions are
as wrong as they get.

Per (family, k, error setting) and algorithm that reads bits, one row of
results/robustness_k.csv:

- ``ratio``: pooled Σfaults/ΣOPT over instances and seeds; ``fallback`` the
  prediction-free algorithm it is measured against (``lru`` for the
  deterministic ones, ``marker`` for the randomized ones) and
  ``times_fallback`` = ratio / the fallback's pooled ratio;
- ``worst_over_bound``: the largest faults / bound over the runs, with
  ``bound`` = the runs table's ``bound`` column for algorithms that have one
  (``followbits_robust``: (budget + k) faults per k-phase) and, for
  ``combine(A, B)``, :func:`succinct_paging.bounds.combine_bound` of
  min(A, B), where A and B are the same family, k, instance and error
  setting, averaged over seeds (exact for deterministic parts);
- ``worst_over_min_parts``: for ``combine(A, B)`` the largest
  faults / min(A, B) (compare with ``proven_factor`` = 1 + s²/(s − 1));
- ``ratio_over_h_k``: ratio / H_k (O(log k)-robustness of the randomized
  algorithms: bounded in k when the claim holds).

Pure pandas, O(R log R) for R runs.
"""

import numpy as np
import pandas as pd

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.bounds import combine_bound, combine_factor, harmonic
from succinct_paging.settings import RunSettings

#: Columns of results/robustness_k.csv.
COLUMNS = ["trace_family", "k", "error_model", "rate", "algorithm", "fallback", "runs", "ratio", "fallback_ratio",
           "times_fallback", "worst_over_bound", "worst_over_min_parts", "proven_factor", "ratio_over_h_k"]

_SETTING = ["trace_family", "k", "error_model", "rate"]


def _means(runs):
    """Seed means of faults per (family, k, instance, model, rate, algorithm)."""
    keys = ["trace_family", "k", "instance", "error_model", "rate", "algorithm"]
    return runs.groupby(keys, dropna=False, sort=True).agg(faults=("faults", "mean"), opt=("opt", "first"),
                                                            bound=("bound", "max")).reset_index()


def robustness_table(runs, settings=RunSettings()):
    """results/robustness_k.csv from k-sweep ``runs`` (runs-table columns;
    see the module docstring), with the ``combine`` bound at the switch
    factor of ``settings`` (the runs' :class:`~succinct_paging.settings.RunSettings`). Sorted by family, k, error model, rate and
    algorithm. Deterministic."""
    df = runs.copy()
    df["rate"] = pd.to_numeric(df["rate"], errors="coerce")
    df["bound"] = pd.to_numeric(df["bound"], errors="coerce")
    df["k"] = df["k"].astype("int64")
    means = _means(df)
    blind = df[df["error_model"] == "none"]
    fallback_ratio = (blind.groupby(["trace_family", "k", "algorithm"])["faults"].sum()
                      / blind.groupby(["trace_family", "k", "algorithm"])["opt"].sum())
    by_fk = {key: part for key, part in means.groupby(["trace_family", "k"], sort=True)}
    rows = []
    reading = df[df["error_model"] != "none"]
    for (fam, k, model, rate, alg), part in reading.groupby(_SETTING + ["algorithm"], sort=True, dropna=False):
        parsed = parse_algorithm(alg)
        fallback = "marker" if parsed.randomized else "lru"
        fb = float(fallback_ratio.get((fam, k, fallback), np.nan))
        ratio = part["faults"].sum() / part["opt"].sum()
        worst_bound, worst_min, factor = np.nan, np.nan, np.nan
        if part["bound"].notna().all() and len(part):
            worst_bound = float((part["faults"] / part["bound"]).max())
        if len(parsed.parts) == 2:
            factor = combine_factor(settings.switch_factor)
            here = by_fk[(fam, k)]
            same = here[(here["error_model"] == model)
                        & ((here["rate"] == rate) if np.isfinite(rate) else here["rate"].isna())]
            by = {a: g.set_index("instance")["faults"] for a, g in same.groupby("algorithm")}
            # a prediction-free part ran once per seed with error model "none"
            by.update({a: g.set_index("instance")["faults"]
                       for a, g in here[here["error_model"] == "none"].groupby("algorithm")})
            if alg in by and all(p in by for p in parsed.parts):
                lo = np.minimum(by[parsed.parts[0]], by[parsed.parts[1]]).reindex(by[alg].index)
                worst_min = float((by[alg] / lo).max())
                bounds = np.array([combine_bound(m, k, settings.switch_factor) for m in lo])
                worst_bound = float((by[alg].to_numpy() / bounds).max())
        rows.append((fam, int(k), model, rate, alg, fallback, len(part), ratio, fb, ratio / fb, worst_bound,
                     worst_min, factor, ratio / harmonic(int(k))))
    return pd.DataFrame(rows, columns=COLUMNS)

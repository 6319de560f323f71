"""``simulate``: run one registered algorithm (contract §3, §7) on one trace."""

import numpy as np

from succinct_paging.algorithms import REGISTRY, parse_algorithm
from succinct_paging.kernels.structures import new_rng
from succinct_paging.kernels.combine import combine_kernel
from succinct_paging.settings import RunSettings
from succinct_paging.validate import as_bits, as_budget, as_cache_size, as_pages, as_predictions, as_seed

_EMPTY_FLAGS = np.empty(0, dtype=np.uint8)
_EMPTY_EVICTED = np.empty(0, dtype=np.int64)


def simulate(algorithm, pages, k, bits=None, seed=0, predictions=None, *, budget=None,
             switch_factor=2.0):
    """Number of faults of ``algorithm`` on ``pages`` with a cache of ``k`` pages.

    Parameters
    ----------
    algorithm : str
        A contract §3 or §7 id (``succinct_paging.ALGORITHMS``) or ``combine(A,B)``.
    pages : 1-D integer array
        Page ids (non-negative); remapped densely if sparse.
    k : int >= 1
    bits : 1-D 0/1 array of the same length, optional
        Predicted discard bits (``followbits*``, ``mark0*``) or phase bits
        (``mark_predict``); required by algorithms that use predictions,
        ignored by the others.
    seed : int >= 0
        Seed of randomized algorithms (same seed, same result). In
        ``combine(A,B)``, A runs with ``2*seed`` and B with ``2*seed+1``.
    predictions : 1-D float array of the same length, optional
        Predicted next-arrival times (contract §7; ``next_arrivals``,
        ``noisy_arrivals``); required by ``blind_oracle``,
        ``predictive_marker`` and ``lmarker``, ignored by the others.
    budget : int >= 1, optional
        ``followbits_robust``'s fault budget per k-phase (default ``2k``).
    switch_factor : float >= 1
        ``combine``'s switching threshold (default 2).

    Returns
    -------
    int
        Faults, cold faults included; the cache starts empty.

    Notes
    -----
    O(n) for every algorithm except ``opt`` (O(n log_64(n + N))) and the
    contract §7 ones (O(n log k)); ``combine`` runs both parts, then replays the
    followed one. Raises ValueError naming the offending argument.
    """
    parsed = parse_algorithm(algorithm)
    pages, n_pages = as_pages(pages)
    k = as_cache_size(k, n_pages)
    least = max(REGISTRY[part].min_k for part in parsed.parts)
    if k < least:
        raise ValueError(f"algorithm {parsed.id!r} needs k >= {least} (below it, it is not a demand-paging "
                         f"algorithm; see its registry entry), got k = {k}")
    seed = as_seed(seed)
    settings = RunSettings(switch_factor=switch_factor,
                           fixed_budget=as_budget(2 * k if budget is None else budget, pages.shape[0]))
    if parsed.prediction in ("none", "arrivals"):
        bits = np.zeros(pages.shape[0], dtype=np.uint8)
    else:
        bits = as_bits(bits, pages.shape[0])
    if parsed.prediction == "arrivals":
        predictions = as_predictions(predictions, pages.shape[0])
    return run_parsed(parsed, pages, bits, k, n_pages, seed, settings, predictions=predictions)


def run_parsed(parsed, pages, bits, k, n_pages, seed, settings, *, predictions=None, records=None):
    """Faults of a parsed algorithm (base or combine) on validated input at
    cache size ``k`` with :class:`~succinct_paging.settings.RunSettings`
    ``settings`` (the budget is ``settings.budget(k)``: a budget computed at
    a cache size capped at ``n_pages`` changes no fault, the cache never
    fills). ``records``: see :func:`run_combine`."""
    budget = settings.budget(k)
    if len(parsed.parts) == 1:
        return run_kernel(parsed.parts[0], pages, bits, k, n_pages, seed, budget,
                          predictions=predictions)
    return run_combine(parsed.parts, pages, bits, k, n_pages, seed, budget, settings.switch_factor,
                       predictions=predictions, records=records)


def run_kernel(alg_id, pages, bits, k, n_pages, seed, budget,
               flags=_EMPTY_FLAGS, evicted=_EMPTY_EVICTED, *, predictions=None):
    """Faults of base algorithm ``alg_id`` on validated input (no checks):
    calls its registry kernel under the kernel contract, passing the extra
    arguments its entry lists (``budget``, ``predictions``)."""
    entry = REGISTRY[alg_id]
    extra = {"budget": budget, "predictions": predictions}
    args = [extra[name] for name in entry.params]
    return int(entry.load_kernel()(pages, bits, k, n_pages, new_rng(seed), flags, evicted, *args))


def run_combine(parts, pages, bits, k, n_pages, seed, budget, switch_factor, *, predictions=None, records=None):
    """Faults of ``combine(A,B)`` on validated input: runs A and B recording
    their evictions, then replays the followed one, or takes A's faults when
    :func:`.kernels.combine.mirror_faults` proves them equal (see
    :mod:`.kernels.combine`).

    ``records``: an optional dict that the caller keeps for one trace (the
    same ``pages`` and ``n_pages``) across runs. A part that reads neither
    bits, a budget nor predictions (LRU, MARKER, …) records the same
    evictions whatever the bits, so it runs once per (part, seed, k) and its
    record is reused: the k-sweep runs ``combine(mark0,marker)`` under
    every error setting with one seed, and MARKER was most of that (issue
    19). The records are only read, never written, by the combine kernel."""
    n = pages.shape[0]
    recorded = []
    for j, alg_id in enumerate(parts):
        entry = REGISTRY[alg_id]
        key = (alg_id, 2 * seed + j, k) if records is not None and entry.prediction == "none" and not entry.params \
            else None
        if key is None or key not in records:
            flags = np.empty(n, dtype=np.uint8)  # a recording kernel writes every step
            evicted = np.empty(n, dtype=np.int64)
            run_kernel(alg_id, pages, bits, k, n_pages, 2 * seed + j, budget, flags, evicted,
                       predictions=predictions)
            if key is not None:
                records[key] = (flags, evicted)
        recorded += records[key] if key is not None else (flags, evicted)
    return int(combine_kernel(pages, k, n_pages, *recorded, switch_factor))

"""Synthetic traces (contract §5): ``uniform``, ``zipf``, ``loop``,
``working_set``, each seeded with ``np.random.default_rng(seed)`` only (no
global state); bad arguments raise ``ValueError`` naming the argument."""

from __future__ import annotations

import numpy as np

from succinct_paging.traces.files import remap
from succinct_paging.validate import as_int, as_real

# -------------------------------------------------------- synthetic traces


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(as_int(seed, "seed", 0))


def uniform(n: int, n_pages: int, seed: int) -> np.ndarray:
    """``n`` requests drawn independently and uniformly from ``n_pages`` pages
    (SPEC §5), remapped to first-appearance ids. O(n)."""
    n = as_int(n, "n")
    n_pages = as_int(n_pages, "n_pages")
    return remap(_rng(seed).integers(0, n_pages, size=n))


def zipf(n: int, n_pages: int, s: float, seed: int) -> np.ndarray:
    """``n`` independent requests from a bounded Zipf law (SPEC §5):
    P(rank r) ∝ r^-s for r = 1 … n_pages, ``s >= 0`` (``s = 0`` is uniform).

    Sampled by inverse CDF (``searchsorted`` on the normalised cumulative
    weights). Which page holds which rank needs no random permutation: the
    first-appearance remap makes the output invariant under any relabelling
    of pages. O(n log n_pages + n_pages).
    """
    n = as_int(n, "n")
    n_pages = as_int(n_pages, "n_pages")
    s = as_real("s", s, 0.0)
    cdf = np.cumsum(np.arange(1, n_pages + 1, dtype=np.float64) ** -s)
    cdf /= cdf[-1]
    ranks = np.searchsorted(cdf, _rng(seed).random(n), side="right")
    return remap(np.minimum(ranks, n_pages - 1))  # guard against rounding at 1.0


def loop(n: int, n_pages: int, seed: int = 0) -> np.ndarray:
    """Cyclic scan ``0, 1, …, n_pages-1, 0, 1, …`` of length ``n`` (SPEC §5;
    LRU's worst case when ``n_pages = k + 1``). ``seed`` is accepted for a
    uniform signature and ignored. O(n)."""
    n = as_int(n, "n")
    n_pages = as_int(n_pages, "n_pages")
    return np.arange(n, dtype=np.int64) % n_pages


def working_set(n: int, n_pages: int, set_size: int, switch_prob: float, seed: int) -> np.ndarray:
    """Locality model (SPEC §5): requests drawn uniformly from a current
    working set of ``set_size`` of the ``n_pages`` pages, which drifts.

    The initial set is a uniformly random ``set_size``-subset. Before each
    request, with probability ``switch_prob``, one uniformly random member is
    swapped with one uniformly random page outside the set (no-op when
    ``set_size == n_pages``); then the request is a uniform member.
    O(n log n) vectorised, plus O(1) Python work per switch.
    """
    n = as_int(n, "n")
    n_pages = as_int(n_pages, "n_pages")
    set_size = as_int(set_size, "set_size")
    if set_size > n_pages:
        raise ValueError(f"set_size must be <= n_pages ({n_pages}), got {set_size}")
    switch_prob = as_real("switch_prob", switch_prob, 0.0, 1.0)
    rng = _rng(seed)
    order = rng.permutation(n_pages)
    members, outside = order[:set_size].tolist(), order[set_size:].tolist()
    switches = rng.random(n) < switch_prob
    pick = rng.integers(0, set_size, size=n)
    swap_in = rng.integers(0, max(n_pages - set_size, 1), size=n)
    swap_out = rng.integers(0, set_size, size=n)
    times = np.flatnonzero(switches) if n_pages > set_size else np.zeros(0, dtype=np.int64)
    slots = swap_out[times]
    entering = np.empty(times.size, dtype=np.int64)
    for i, (m, j) in enumerate(zip(slots.tolist(), swap_in[times].tolist())):
        entering[i] = outside[j]
        members[m], outside[j] = outside[j], members[m]
    # Request t reads slot pick[t] as last written at or before t: sort all
    # writes by (slot, time) and look each request up with one searchsorted.
    # A switch at time s is stored at s + 1 so that the initial fill (at 0)
    # precedes it and request s sees it.
    stride = n + 1
    keys = np.concatenate((np.arange(set_size, dtype=np.int64) * stride, slots * stride + times + 1))
    values = np.concatenate((order[:set_size], entering))
    by_key = np.argsort(keys, kind="stable")
    keys, values = keys[by_key], values[by_key]
    at = np.searchsorted(keys, pick * stride + np.arange(1, n + 1), side="right") - 1
    return remap(values[at])


SYNTHETIC = {"uniform": uniform, "zipf": zipf, "loop": loop, "working_set": working_set}


def generate(family: str, n: int, seed: int, **params) -> np.ndarray:
    """Dispatch to the synthetic generator ``SYNTHETIC[family]`` with
    ``n``, ``seed`` and the family's own ``params`` (SPEC §5)."""
    try:
        generator = SYNTHETIC[family]
    except (KeyError, TypeError):
        allowed = ", ".join(sorted(SYNTHETIC))
        raise ValueError(f"unknown synthetic trace family {family!r}; allowed: {allowed}") from None
    return generator(n=n, seed=seed, **params)

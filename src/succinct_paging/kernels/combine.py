"""Kernel of ``combine(A, B)`` (SPEC §3.7): follow the cheaper of two
algorithms, lazily.

``A`` and ``B`` are run first by their own kernels with recording on; this
kernel replays their records (``flags``, ``evicted``; see :mod:`.classic`), so
any two algorithms of the package can be combined.

Rules fixed here (SPEC leaves the choice free): the followed algorithm ``F``
starts as A; after both have served request ``t``, F switches to the other
one if ``cost_F > switch_factor * cost_other``. On our own fault with a full
cache we evict, among our pages that are not in F's cache, the one that left
F's cache most recently (eviction at step t counts as time 2t, a drop as
2t+1; a page never in F's cache as -1, ties among those to the smallest id).
When our cache equals F's, this is exactly F's eviction.
"""

import numpy as np
from numba import njit

from ._common import NO_PAGE
from .classic import DROPPED, FAULT


@njit(cache=True)
def _d_append(d_prev, d_next, d_ends, in_d, x):
    t = d_ends[1]
    d_prev[x] = t
    d_next[x] = NO_PAGE
    if t == NO_PAGE:
        d_ends[0] = x
    else:
        d_next[t] = x
    d_ends[1] = x
    in_d[x] = True


@njit(cache=True)
def _d_remove(d_prev, d_next, d_ends, in_d, x):
    a = d_prev[x]
    b = d_next[x]
    if a == NO_PAGE:
        d_ends[0] = b
    else:
        d_next[a] = b
    if b == NO_PAGE:
        d_ends[1] = a
    else:
        d_prev[b] = a
    in_d[x] = False


@njit(cache=True)
def combine_kernel(pages, k, n_pages, flags_a, evicted_a, flags_b, evicted_b, switch_factor):
    """Faults of combine(A, B) given the recorded runs of A and B.

    O(1) per request, plus O(k log k) per switch of the followed algorithm.
    """
    n = pages.shape[0]
    in_f = np.zeros((2, n_pages), dtype=np.bool_)  # caches of A (0) and B (1)
    leave = np.full((2, n_pages), -1, dtype=np.int64)
    cost = np.zeros(2, dtype=np.int64)
    ours = np.zeros(n_pages, dtype=np.bool_)
    our_list = np.empty(k, dtype=np.int64)  # our cached pages, unordered
    our_slot = np.zeros(n_pages, dtype=np.int64)
    size = 0
    # D = our pages not in F's cache, ordered by time of leaving F's cache.
    d_prev = np.full(n_pages, NO_PAGE, dtype=np.int64)
    d_next = np.full(n_pages, NO_PAGE, dtype=np.int64)
    d_ends = np.full(2, NO_PAGE, dtype=np.int64)  # head, tail
    in_d = np.zeros(n_pages, dtype=np.bool_)
    followed = 0
    faults = 0
    for t in range(n):
        p = pages[t]
        for j in range(2):
            fl = flags_a[t] if j == 0 else flags_b[t]
            ev = evicted_a[t] if j == 0 else evicted_b[t]
            if fl & FAULT:
                cost[j] += 1
            if ev != NO_PAGE:
                in_f[j, ev] = False
                leave[j, ev] = 2 * t
                if j == followed and ours[ev]:
                    _d_append(d_prev, d_next, d_ends, in_d, ev)
            in_f[j, p] = True
            if j == followed and in_d[p]:
                _d_remove(d_prev, d_next, d_ends, in_d, p)
            if fl & DROPPED:
                in_f[j, p] = False
                leave[j, p] = 2 * t + 1
                if j == followed and ours[p]:
                    _d_append(d_prev, d_next, d_ends, in_d, p)
        other = 1 - followed
        if cost[followed] > switch_factor * cost[other]:
            followed = other
            while d_ends[0] != NO_PAGE:
                _d_remove(d_prev, d_next, d_ends, in_d, d_ends[0])
            outside = np.empty(size, dtype=np.int64)
            m = 0
            for i in range(size):
                x = our_list[i]
                if not in_f[followed, x]:
                    outside[m] = x
                    m += 1
            keys = np.empty(m, dtype=np.int64)
            for i in range(m):
                x = outside[i]
                keys[i] = leave[followed, x] * (n_pages + 1) + (n_pages - 1 - x)
            order = np.argsort(keys)
            for i in range(m):
                _d_append(d_prev, d_next, d_ends, in_d, outside[order[i]])
        if ours[p]:
            continue
        faults += 1
        if size == k:
            victim = d_ends[1]
            _d_remove(d_prev, d_next, d_ends, in_d, victim)
            ours[victim] = False
            s = our_slot[victim]
            last = our_list[size - 1]
            our_list[s] = last
            our_slot[last] = s
            size -= 1
        ours[p] = True
        our_list[size] = p
        our_slot[p] = size
        size += 1
        if not in_f[followed, p]:
            _d_append(d_prev, d_next, d_ends, in_d, p)
    return faults

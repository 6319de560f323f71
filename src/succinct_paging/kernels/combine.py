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

from ._common import NO_PAGE, check_sizes, list_append, list_remove
from .classic import DROPPED, FAULT

# Per-page state bits: in A's cache, in B's cache (bit j for part j), in our
# cache, in D (our pages not in the followed algorithm's cache).
_IN_A = np.uint8(1)
_OURS = np.uint8(4)
_IN_D = np.uint8(8)


@njit(cache=True, inline="always")
def _d_append(rec, d, st, x):
    list_append(rec, d, x)
    st[x] |= _IN_D


@njit(cache=True, inline="always")
def _d_remove(rec, st, x):
    list_remove(rec, x)
    st[x] &= ~_IN_D


@njit(cache=True, inline="always")
def _replay(st, rec, d, j, follows, fl, ev, p, t):
    """Apply part ``j``'s step ``t`` (flags ``fl``, eviction ``ev``) to the
    shadow caches; keep D up to date if part ``j`` is the followed one."""
    bit = _IN_A << np.uint8(j)
    if ev != NO_PAGE:
        st[ev] &= ~bit
        rec[ev, 2 + j] = 2 * t + 1
        if follows and st[ev] & _OURS:
            _d_append(rec, d, st, ev)
    st[p] |= bit
    if follows and st[p] & _IN_D:
        _d_remove(rec, st, p)
    if fl & DROPPED:
        st[p] &= ~bit
        rec[p, 2 + j] = 2 * t + 2
        if follows and st[p] & _OURS:
            _d_append(rec, d, st, p)


@njit(cache=True)
def combine_kernel(pages, k, n_pages, flags_a, evicted_a, flags_b, evicted_b, switch_factor):
    """Faults of combine(A, B) given the recorded runs of A and B.

    O(1) per request, plus O(k log k) per switch of the followed algorithm.

    Layout: ``st[p]`` holds the state bits above (one byte, read at every
    request); row ``rec[p] = (prev, next, leave_A, leave_B)`` (int32) keeps
    everything written when a part evicts ``p`` in one cache line: the links
    of D (a recency list with sentinel row ``n_pages``; the victim is its
    last page) and the time ``p`` left each part's cache, stored as
    ``2t + 1`` (evicted at step t), ``2t + 2`` (dropped) or 0 (never), which
    orders like the ``2t``, ``2t + 1``, -1 of the rule above.
    """
    n = pages.shape[0]
    check_sizes(n, n_pages)
    if n >= 2**30 - 2:
        raise ValueError("combine supports fewer than 2**30 - 2 requests")
    st = np.zeros(n_pages, dtype=np.uint8)
    rec = np.zeros((n_pages + 1, 4), dtype=np.int32)
    d = n_pages
    rec[d, 0] = d
    rec[d, 1] = d
    cost_a = 0
    cost_b = 0
    our_list = np.empty(k, dtype=np.int32)  # our cached pages, unordered
    our_slot = np.zeros(n_pages, dtype=np.int32)
    size = 0
    followed = 0
    faults = 0
    for t in range(n):
        p = pages[t]
        fl = flags_a[t]
        if fl & FAULT:
            cost_a += 1
        _replay(st, rec, d, 0, followed == 0, fl, evicted_a[t], p, t)
        fl = flags_b[t]
        if fl & FAULT:
            cost_b += 1
        _replay(st, rec, d, 1, followed == 1, fl, evicted_b[t], p, t)
        if (cost_a > switch_factor * cost_b) if followed == 0 else (cost_b > switch_factor * cost_a):
            followed = 1 - followed
            fbit = _IN_A << np.uint8(followed)
            x = rec[d, 1]
            while x != d:
                nx = rec[x, 1]
                _d_remove(rec, st, x)
                x = nx
            outside = np.empty(size, dtype=np.int64)
            m = 0
            for i in range(size):
                x = our_list[i]
                if not st[x] & fbit:
                    outside[m] = x
                    m += 1
            keys = np.empty(m, dtype=np.int64)
            for i in range(m):
                x = outside[i]
                keys[i] = np.int64(rec[x, 2 + followed]) * (n_pages + 1) + (n_pages - 1 - x)
            order = np.argsort(keys)
            for i in range(m):
                _d_append(rec, d, st, outside[order[i]])
        if st[p] & _OURS:
            continue
        faults += 1
        if size == k:
            victim = rec[d, 0]  # left F's cache most recently
            _d_remove(rec, st, victim)
            st[victim] &= ~_OURS
            s = our_slot[victim]
            last = our_list[size - 1]
            our_list[s] = last
            our_slot[last] = s
            size -= 1
        st[p] |= _OURS
        our_list[size] = p
        our_slot[p] = size
        size += 1
        if not st[p] & (_IN_A << np.uint8(followed)):
            _d_append(rec, d, st, p)
    return faults

"""Kernel of ``combine(A, B)`` (contract §3.7): follow the cheaper of two
algorithms, lazily.

``A`` and ``B`` are run first by their own kernels with recording on; this
kernel replays their records (``flags``, ``evicted``; see the kernel contract), so
any two algorithms of the package can be combined.

Rules fixed here (the paper leaves the choice free; contract §8): the followed algorithm ``F``
starts as A; after both have served request ``t``, F switches to the other
one if ``cost_F > switch_factor * cost_other``. On our own fault with a full
cache we evict, among our pages that are not in F's cache, the one that left
F's cache most recently (eviction at step t counts as time 2t, a drop as
2t+1; a page never in F's cache as -1, ties among those to the smallest id).
When our cache equals F's, this is exactly F's eviction.
"""

import numpy as np
from numba import njit

from .structures import DROPPED, FAULT, NO_PAGE, check_sizes, list_append, list_remove

# Columns of a page's row: links of D, leave time per part, last request,
# slot in our list, state bits (in our cache, in D).
_LEAVE = 2
_REQ = 4
_SLOT = 5
_ST = 6
_OURS = 1
_IN_D = 2


@njit(cache=True, inline="always")
def _d_append(row, d, x):
    list_append(row, d, x)
    row[x, _ST] |= _IN_D


@njit(cache=True, inline="always")
def _d_remove(row, x):
    list_remove(row, x)
    row[x, _ST] &= ~_IN_D


@njit(cache=True, inline="always")
def _catch_up(row, col, pages, flags, evicted, start, stop):
    """Apply part ``j``'s records of steps ``start..stop-1`` to its leave times."""
    for s in range(start, stop):
        ev = evicted[s]
        if ev != NO_PAGE:
            row[ev, col] = 2 * s + 1
        if flags[s] & DROPPED:
            row[pages[s], col] = 2 * s + 2


@njit(cache=True)
def mirror_faults(k, flags_a, evicted_a, flags_b, switch_factor):
    """A's faults if combine(A, B) provably acts exactly like A, else -1.

    That holds when F never switches away from A and A never drops a page,
    never evicts on a hit and evicts only with a full cache: then, by
    induction over the requests, our cache equals A's before every request
    (a fault of A that evicts ``ev`` makes D = {ev}, so we evict ``ev`` too,
    and a fault with a free slot is one for us as well), so we fault exactly
    when A does. One sequential pass over the records, O(n); this is the
    common case (e.g. good predictions against LRU), where it replaces the
    replay below.
    """
    cost_a = 0
    cost_b = 0
    size = 0  # pages in A's cache
    for t in range(flags_a.shape[0]):
        fa = flags_a[t]
        if fa & DROPPED:
            return -1
        if fa & FAULT:
            if evicted_a[t] != NO_PAGE:
                if size < k:
                    return -1
            elif size == k:
                return -1
            else:
                size += 1
            cost_a += 1
        elif evicted_a[t] != NO_PAGE:
            return -1
        if flags_b[t] & FAULT:
            cost_b += 1
        if cost_a > switch_factor * cost_b:
            return -1
    return cost_a


@njit(cache=True)
def combine_kernel(pages, k, n_pages, flags_a, evicted_a, flags_b, evicted_b, switch_factor):
    """Faults of combine(A, B) given the recorded runs of A and B.

    O(1) per request, plus O(k log k) and the skipped steps of the other part
    per switch of the followed algorithm (O(n) in all for those steps). When
    :func:`mirror_faults` shows that the result is A's, that is returned
    without a replay.

    Only the followed part F is replayed request by request: D (our pages not
    in F's cache) changes only when F evicts or drops one of our pages, or F
    loads one of them, or we fault. The other part's records are applied to
    its leave times when F switches to it (catch-up), the only time they are
    read. Times: ``row[p, _LEAVE + j]`` is when ``p`` last left part j's
    cache, stored as ``2t + 1`` (evicted at step t), ``2t + 2`` (dropped) or
    0 (never), which orders like the ``2t``, ``2t + 1``, -1 of the rule
    above; ``row[p, _REQ] = 2t + 1`` for ``p``'s last request, so ``p`` is in
    part j's cache iff its leave time is below that (every algorithm loads
    the page it serves). D is a recency list (columns 0, 1 of the rows,
    sentinel row ``n_pages``); its most recent end is the victim. All of a
    page's state is one 32-byte row, so a request touches few cache lines.
    """
    n = pages.shape[0]
    check_sizes(n, n_pages)
    if n >= 2**30 - 2:
        raise ValueError("combine supports fewer than 2**30 - 2 requests")
    mirrored = mirror_faults(k, flags_a, evicted_a, flags_b, switch_factor)
    if mirrored >= 0:
        return mirrored
    row = np.zeros((n_pages + 1, 8), dtype=np.int32)
    d = n_pages
    row[d, 0] = d
    row[d, 1] = d
    cost_a = 0
    cost_b = 0
    our_list = np.empty(k, dtype=np.int32)  # our cached pages, unordered
    size = 0
    followed = 0
    synced_other = 0  # steps of the other part applied to its leave times
    faults = 0
    for t in range(n):
        p = pages[t]
        row[p, _REQ] = 2 * t + 1
        fa = flags_a[t]
        fb = flags_b[t]
        if fa & FAULT:
            cost_a += 1
        if fb & FAULT:
            cost_b += 1
        if followed == 0:
            fl = fa
            ev = evicted_a[t]
        else:
            fl = fb
            ev = evicted_b[t]
        col = _LEAVE + followed
        if ev != NO_PAGE:
            row[ev, col] = 2 * t + 1
            if row[ev, _ST] & _OURS:
                _d_append(row, d, ev)
        if row[p, _ST] & _IN_D:
            _d_remove(row, p)
        if fl & DROPPED:
            row[p, col] = 2 * t + 2
            if row[p, _ST] & _OURS:
                _d_append(row, d, p)
        if (cost_a > switch_factor * cost_b) if followed == 0 else (cost_b > switch_factor * cost_a):
            followed = 1 - followed
            col = _LEAVE + followed
            if followed == 0:
                _catch_up(row, col, pages, flags_a, evicted_a, synced_other, t + 1)
                fl = fa
            else:
                _catch_up(row, col, pages, flags_b, evicted_b, synced_other, t + 1)
                fl = fb
            synced_other = t + 1
            x = row[d, 1]
            while x != d:
                nx = row[x, 1]
                _d_remove(row, x)
                x = nx
            outside = np.empty(size, dtype=np.int64)
            m = 0
            for i in range(size):
                x = our_list[i]
                if row[x, col] >= row[x, _REQ]:  # not in the new F's cache
                    outside[m] = x
                    m += 1
            keys = np.empty(m, dtype=np.int64)
            for i in range(m):
                x = outside[i]
                keys[i] = np.int64(row[x, col]) * (n_pages + 1) + (n_pages - 1 - x)
            order = np.argsort(keys)
            for i in range(m):
                _d_append(row, d, outside[order[i]])
        if row[p, _ST] & _OURS:
            continue
        faults += 1
        if size == k:
            victim = row[d, 0]  # left F's cache most recently
            _d_remove(row, victim)
            row[victim, _ST] &= ~_OURS
            s = row[victim, _SLOT]
            last = our_list[size - 1]
            our_list[s] = last
            row[last, _SLOT] = s
            size -= 1
        row[p, _ST] |= _OURS
        our_list[size] = p
        row[p, _SLOT] = size
        size += 1
        if fl & DROPPED:  # F does not hold p
            _d_append(row, d, p)
    return faults

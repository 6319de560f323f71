"""Kernels of the discard-bit algorithms of contract §3.2–3.5: ``followbits``,
``followbits_robust``, ``mark0``, ``mark0_eager``.

Follows the kernel contract of :mod:`succinct_paging.kernels` (``bits[t]`` is the predicted
discard bit of request ``t``; 1 = "safe to discard"). A page's *latest bit* is
the bit of its most recent request.
"""

import numpy as np
from numba import njit

from .structures import (
    DROPPED,
    FAULT,
    NO_PAGE,
    bucket_add,
    bucket_draw,
    bucket_move_all,
    bucket_remove,
    bucket_remove_at,
    check_sizes,
    list_append,
    list_concat,
    list_first,
    list_remove,
    new_buckets,
    new_lists,
)


@njit(cache=True)
def followbits_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """FOLLOWBITS-LRU (contract §3.2): on a fault with a full cache evict the least
    recently used page with latest bit 1, else the least recently used page.

    Two recency lists, one per latest bit; O(1) per request.
    """
    check_sizes(pages.shape[0], n_pages)
    record = flags.shape[0] > 0
    link = new_lists(2, n_pages)
    s0 = n_pages  # sentinel of the 0-list; the 1-list's is s0 + 1
    size = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        s = s0 + bits[t]
        victim = NO_PAGE
        if link[p, 0] != NO_PAGE:
            if link[s, 0] != p:  # not already the most recent page of its new list
                list_remove(link, p)
                list_append(link, s, p)
            if record:
                flags[t] = 0
                evicted[t] = NO_PAGE
            continue
        faults += 1
        if size == k:
            victim = link[s0 + 1, 1]
            if victim == s0 + 1:  # no cached page with latest bit 1
                victim = link[s0, 1]
            list_remove(link, victim)
        else:
            size += 1
        list_append(link, s, p)
        if record:
            flags[t] = FAULT
            evicted[t] = victim
    return faults


# followbits_robust lists: unmarked/marked x latest bit 0/1.
_U0, _U1, _M0, _M1 = 0, 1, 2, 3


@njit(cache=True, inline="always")
def _older(last_use, a, b):
    """The less recently used of pages ``a`` and ``b`` (either may be absent)."""
    if a == NO_PAGE:
        return b
    if b == NO_PAGE:
        return a
    return a if last_use[a] < last_use[b] else b


@njit(cache=True)
def followbits_robust_kernel(pages, bits, k, n_pages, rng, flags, evicted, budget):
    """FOLLOWBITS with a per-phase fault budget (contract §3.3).

    Tracks the k-phases of §1.3. For the first ``budget`` faults of a phase it
    acts as ``followbits``; from the (budget+1)-th fault to the end of the
    phase it evicts the least recently used unmarked page with latest bit 1,
    else the least recently used unmarked page.

    Four recency lists (unmarked/marked × bit). Every marked page was requested
    after every unmarked one, so at a phase change "unmark all" is a list
    concatenation that keeps recency order. O(1) per request.
    """
    check_sizes(pages.shape[0], n_pages)
    record = flags.shape[0] > 0
    link = new_lists(4, n_pages)
    base = n_pages  # list li has sentinel base + li
    last_use = np.zeros(n_pages, dtype=np.int32)
    phase_of = np.full(n_pages, -1, dtype=np.int32)
    phase = 0
    distinct = 0
    phase_faults = 0
    size = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        if phase_of[p] != phase:
            if distinct == k:  # p is the (k+1)-th distinct page: new phase
                phase += 1
                distinct = 0
                phase_faults = 0
                list_concat(link, base + _U0, base + _M0)
                list_concat(link, base + _U1, base + _M1)
            distinct += 1
            phase_of[p] = phase
        victim = NO_PAGE
        if link[p, 0] != NO_PAGE:
            list_remove(link, p)
            if record:
                flags[t] = 0
        else:
            faults += 1
            phase_faults += 1
            if size == k:
                if phase_faults <= budget:
                    victim = _older(last_use, list_first(link, base + _U1), list_first(link, base + _M1))
                    if victim == NO_PAGE:
                        victim = _older(last_use, list_first(link, base + _U0), list_first(link, base + _M0))
                else:
                    victim = list_first(link, base + _U1)
                    if victim == NO_PAGE:
                        victim = list_first(link, base + _U0)
                list_remove(link, victim)
            else:
                size += 1
            if record:
                flags[t] = FAULT
        list_append(link, base + _M0 + bits[t], p)
        last_use[p] = t
        if record:
            evicted[t] = victim
    return faults


# mark0 buckets: 2 * marked + latest bit.
_B_U0, _B_U1, _B_M0, _B_M1 = 0, 1, 2, 3


@njit(cache=True)
def mark0_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """MARK0, lazy (contract §3.4): on a fault with a full cache evict a random page
    with latest bit 1 if any; otherwise (unmarking all if every cached page is
    marked) a random unmarked page. O(1) amortised per request.
    """
    check_sizes(pages.shape[0], n_pages)
    record = flags.shape[0] > 0
    items, sizes, pos, shift = new_buckets(4, k, n_pages)
    size = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        victim = NO_PAGE
        if pos[p] != NO_PAGE:
            bucket_remove(items, sizes, pos, shift, p)
            bucket_add(items, sizes, pos, shift, _B_M0 + bits[t], p)
            if record:
                flags[t] = 0
                evicted[t] = NO_PAGE
            continue
        faults += 1
        if size == k:
            if sizes[_B_U1] + sizes[_B_M1] > 0:
                slot = bucket_draw(items, sizes, shift, rng, _B_U1, _B_M1)
            else:
                if sizes[_B_U0] == 0:  # all cached pages marked (and 0)
                    bucket_move_all(items, sizes, pos, shift, _B_M0, _B_U0)
                slot = bucket_draw(items, sizes, shift, rng, _B_U0, _B_U0)
            victim = bucket_remove_at(items, sizes, pos, shift, slot)
        else:
            size += 1
        bucket_add(items, sizes, pos, shift, _B_M0 + bits[t], p)
        if record:
            flags[t] = FAULT
            evicted[t] = victim
    return faults


@njit(cache=True)
def mark0_eager_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """MARK0, eager (contract §3.5): serve and mark the page, then drop it at once
    if its bit is 1. On a fault with a full cache unmark all if every cached
    page is marked, then evict a random unmarked page. O(1) amortised.
    """
    check_sizes(pages.shape[0], n_pages)
    record = flags.shape[0] > 0
    items, sizes, pos, shift = new_buckets(2, k, n_pages)
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        victim = NO_PAGE
        flag = np.uint8(0)
        if pos[p] != NO_PAGE:
            bucket_remove(items, sizes, pos, shift, p)
        else:
            faults += 1
            flag = FAULT
            if sizes[0] + sizes[1] == k:
                if sizes[0] == 0:
                    bucket_move_all(items, sizes, pos, shift, 1, 0)
                victim = bucket_remove_at(items, sizes, pos, shift, bucket_draw(items, sizes, shift, rng, 0, 0))
        if bits[t] == 1:
            flag |= DROPPED
        else:
            bucket_add(items, sizes, pos, shift, 1, p)
        if record:
            flags[t] = flag
            evicted[t] = victim
    return faults

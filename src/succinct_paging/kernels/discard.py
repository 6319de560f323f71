"""Kernels of the discard-bit algorithms of SPEC §3.2–3.5: ``followbits``,
``followbits_robust``, ``mark0``, ``mark0_eager``.

Same calling contract as :mod:`.classic` (``bits[t]`` is the predicted
discard bit of request ``t``; 1 = "safe to discard"). A page's *latest bit* is
the bit of its most recent request.
"""

import numpy as np
from numba import njit

from ._common import (
    NO_PAGE,
    bucket_add,
    bucket_draw,
    bucket_move_all,
    bucket_remove,
    list_append,
    list_concat,
    list_remove,
)
from .classic import DROPPED, FAULT


@njit(cache=True)
def followbits_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """FOLLOWBITS-LRU (SPEC §3.2): on a fault with a full cache evict the least
    recently used page with latest bit 1, else the least recently used page.

    Two recency lists, one per latest bit; O(1) per request.
    """
    record = flags.shape[0] > 0
    head = np.full(2, NO_PAGE, dtype=np.int64)
    tail = np.full(2, NO_PAGE, dtype=np.int64)
    prev = np.full(n_pages, NO_PAGE, dtype=np.int64)
    nxt = np.full(n_pages, NO_PAGE, dtype=np.int64)
    list_of = np.full(n_pages, -1, dtype=np.int64)
    size = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        b = np.int64(bits[t])
        victim = NO_PAGE
        if list_of[p] >= 0:
            list_remove(head, tail, prev, nxt, list_of, p)
            if record:
                flags[t] = 0
        else:
            faults += 1
            if size == k:
                victim = head[1] if head[1] != NO_PAGE else head[0]
                list_remove(head, tail, prev, nxt, list_of, victim)
            else:
                size += 1
            if record:
                flags[t] = FAULT
        list_append(head, tail, prev, nxt, list_of, b, p)
        if record:
            evicted[t] = victim
    return faults


# followbits_robust lists: unmarked/marked x latest bit 0/1.
_U0, _U1, _M0, _M1 = 0, 1, 2, 3


@njit(cache=True)
def _older(last_use, a, b):
    """The less recently used of pages ``a`` and ``b`` (either may be absent)."""
    if a == NO_PAGE:
        return b
    if b == NO_PAGE:
        return a
    return a if last_use[a] < last_use[b] else b


@njit(cache=True)
def followbits_robust_kernel(pages, bits, k, n_pages, rng, flags, evicted, budget):
    """FOLLOWBITS with a per-phase fault budget (SPEC §3.3).

    Tracks the k-phases of §1.3. For the first ``budget`` faults of a phase it
    acts as ``followbits``; from the (budget+1)-th fault to the end of the
    phase it evicts the least recently used unmarked page with latest bit 1,
    else the least recently used unmarked page.

    Four recency lists (unmarked/marked × bit). Every marked page was requested
    after every unmarked one, so at a phase change "unmark all" is a list
    concatenation that keeps recency order. O(1) amortised per request.
    """
    record = flags.shape[0] > 0
    head = np.full(4, NO_PAGE, dtype=np.int64)
    tail = np.full(4, NO_PAGE, dtype=np.int64)
    prev = np.full(n_pages, NO_PAGE, dtype=np.int64)
    nxt = np.full(n_pages, NO_PAGE, dtype=np.int64)
    list_of = np.full(n_pages, -1, dtype=np.int64)
    last_use = np.zeros(n_pages, dtype=np.int64)
    phase_of = np.full(n_pages, -1, dtype=np.int64)
    phase = 0
    distinct = 0
    phase_faults = 0
    size = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        b = np.int64(bits[t])
        if phase_of[p] != phase:
            if distinct == k:  # p is the (k+1)-th distinct page: new phase
                phase += 1
                distinct = 0
                phase_faults = 0
                list_concat(head, tail, prev, nxt, list_of, _U0, _M0)
                list_concat(head, tail, prev, nxt, list_of, _U1, _M1)
            distinct += 1
            phase_of[p] = phase
        victim = NO_PAGE
        if list_of[p] >= 0:
            list_remove(head, tail, prev, nxt, list_of, p)
            if record:
                flags[t] = 0
        else:
            faults += 1
            phase_faults += 1
            if size == k:
                if phase_faults <= budget:
                    victim = _older(last_use, head[_U1], head[_M1])
                    if victim == NO_PAGE:
                        victim = _older(last_use, head[_U0], head[_M0])
                else:
                    victim = head[_U1]
                    if victim == NO_PAGE:
                        victim = head[_U0]
                list_remove(head, tail, prev, nxt, list_of, victim)
            else:
                size += 1
            if record:
                flags[t] = FAULT
        list_append(head, tail, prev, nxt, list_of, _M0 + b, p)
        last_use[p] = t
        if record:
            evicted[t] = victim
    return faults


# mark0 buckets: 2 * marked + latest bit.
_B_U0, _B_U1, _B_M0, _B_M1 = 0, 1, 2, 3


@njit(cache=True)
def mark0_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """MARK0, lazy (SPEC §3.4): on a fault with a full cache evict a random page
    with latest bit 1 if any; otherwise (unmarking all if every cached page is
    marked) a random unmarked page. O(1) amortised per request.
    """
    record = flags.shape[0] > 0
    items = np.empty((4, k), dtype=np.int64)
    sizes = np.zeros(4, dtype=np.int64)
    bucket_of = np.full(n_pages, -1, dtype=np.int64)
    slot_of = np.zeros(n_pages, dtype=np.int64)
    size = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        b = np.int64(bits[t])
        victim = NO_PAGE
        if bucket_of[p] >= 0:
            bucket_remove(items, sizes, bucket_of, slot_of, p)
            if record:
                flags[t] = 0
        else:
            faults += 1
            if size == k:
                if sizes[_B_U1] + sizes[_B_M1] > 0:
                    victim = bucket_draw(items, sizes, rng, _B_U1, _B_M1)
                else:
                    if sizes[_B_U0] == 0:  # all cached pages marked (and 0)
                        bucket_move_all(items, sizes, bucket_of, slot_of, _B_M0, _B_U0)
                    victim = bucket_draw(items, sizes, rng, _B_U0, _B_U0)
                bucket_remove(items, sizes, bucket_of, slot_of, victim)
            else:
                size += 1
            if record:
                flags[t] = FAULT
        bucket_add(items, sizes, bucket_of, slot_of, _B_M0 + b, p)
        if record:
            evicted[t] = victim
    return faults


@njit(cache=True)
def mark0_eager_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """MARK0, eager (SPEC §3.5): serve and mark the page, then drop it at once
    if its bit is 1. On a fault with a full cache unmark all if every cached
    page is marked, then evict a random unmarked page. O(1) amortised.
    """
    record = flags.shape[0] > 0
    items = np.empty((2, k), dtype=np.int64)
    sizes = np.zeros(2, dtype=np.int64)
    bucket_of = np.full(n_pages, -1, dtype=np.int64)
    slot_of = np.zeros(n_pages, dtype=np.int64)
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        victim = NO_PAGE
        flag = np.uint8(0)
        if bucket_of[p] >= 0:
            bucket_remove(items, sizes, bucket_of, slot_of, p)
        else:
            faults += 1
            flag = FAULT
            if sizes[0] + sizes[1] == k:
                if sizes[0] == 0:
                    bucket_move_all(items, sizes, bucket_of, slot_of, 1, 0)
                victim = bucket_draw(items, sizes, rng, 0, 0)
                bucket_remove(items, sizes, bucket_of, slot_of, victim)
        if bits[t] == 1:
            flag |= DROPPED
        else:
            bucket_add(items, sizes, bucket_of, slot_of, 1, p)
        if record:
            flags[t] = flag
            evicted[t] = victim
    return faults

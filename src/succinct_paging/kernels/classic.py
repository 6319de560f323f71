"""Kernels of the prediction-free algorithms of SPEC §3: ``lru``, ``fifo``,
``random``, ``marker``.

Common contract of every kernel in this package::

    faults = kernel(pages, bits, k, n_pages, rng, flags, evicted)

- ``pages``: int64 array of dense ids in ``[0, n_pages)``; ``bits``: uint8
  array of the same length (ignored here); ``k >= 1``; ``rng``: one-cell
  SplitMix64 state (see ``_common``), advanced in place.
- ``flags``, ``evicted``: either empty (no recording) or of length ``n``; then
  ``flags[t]`` has bit 0 set on a fault and bit 1 set if the requested page is
  not in the cache after step ``t`` (a drop), and ``evicted[t]`` is the page
  evicted at step ``t`` or -1. ``combine`` replays these records.
- Returns the number of faults, cold faults included; the cache starts empty.

The public, validating entry point is :func:`succinct_paging.simulate`.
Each kernel is O(1) per request (``marker``: O(1) amortised).
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
    list_remove,
    rng_below,
)

FAULT = np.uint8(1)
DROPPED = np.uint8(2)


@njit(cache=True)
def lru_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """Evict the least recently used page. O(1) per request (linked list)."""
    record = flags.shape[0] > 0
    prev = np.full(n_pages, NO_PAGE, dtype=np.int64)
    nxt = np.full(n_pages, NO_PAGE, dtype=np.int64)
    cached = np.zeros(n_pages, dtype=np.bool_)
    head = NO_PAGE
    tail = NO_PAGE
    size = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        if cached[p]:
            if p != tail:  # unlink, then append at the most-recent end
                a = prev[p]
                b = nxt[p]
                if a == NO_PAGE:
                    head = b
                else:
                    nxt[a] = b
                prev[b] = a
                prev[p] = tail
                nxt[p] = NO_PAGE
                nxt[tail] = p
                tail = p
            if record:
                flags[t] = 0
                evicted[t] = NO_PAGE
            continue
        faults += 1
        victim = NO_PAGE
        if size == k:
            victim = head
            head = nxt[victim]
            if head == NO_PAGE:
                tail = NO_PAGE
            else:
                prev[head] = NO_PAGE
            cached[victim] = False
        else:
            size += 1
        cached[p] = True
        prev[p] = tail
        nxt[p] = NO_PAGE
        if tail == NO_PAGE:
            head = p
        else:
            nxt[tail] = p
        tail = p
        if record:
            flags[t] = FAULT
            evicted[t] = victim
    return faults


@njit(cache=True)
def fifo_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """Evict the page inserted earliest. O(1) per request (ring buffer)."""
    record = flags.shape[0] > 0
    cached = np.zeros(n_pages, dtype=np.bool_)
    ring = np.empty(k, dtype=np.int64)
    oldest = 0
    size = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        if cached[p]:
            if record:
                flags[t] = 0
                evicted[t] = NO_PAGE
            continue
        faults += 1
        victim = NO_PAGE
        if size == k:
            victim = ring[oldest]
            cached[victim] = False
            ring[oldest] = p
            oldest += 1
            if oldest == k:
                oldest = 0
        else:
            ring[size] = p
            size += 1
        cached[p] = True
        if record:
            flags[t] = FAULT
            evicted[t] = victim
    return faults


@njit(cache=True)
def random_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """Evict a uniformly random cached page. O(1) per request."""
    record = flags.shape[0] > 0
    items = np.empty((1, k), dtype=np.int64)
    sizes = np.zeros(1, dtype=np.int64)
    bucket_of = np.full(n_pages, -1, dtype=np.int64)
    slot_of = np.zeros(n_pages, dtype=np.int64)
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        if bucket_of[p] >= 0:
            if record:
                flags[t] = 0
                evicted[t] = NO_PAGE
            continue
        faults += 1
        victim = NO_PAGE
        if sizes[0] == k:
            victim = items[0, rng_below(rng, k)]
            bucket_remove(items, sizes, bucket_of, slot_of, victim)
        bucket_add(items, sizes, bucket_of, slot_of, 0, p)
        if record:
            flags[t] = FAULT
            evicted[t] = victim
    return faults


UNMARKED = 0
MARKED = 1


@njit(cache=True)
def marker_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """Randomized marking (SPEC §3.1): evict a random unmarked page; when all
    cached pages are marked, unmark all first. O(1) amortised per request."""
    record = flags.shape[0] > 0
    items = np.empty((2, k), dtype=np.int64)
    sizes = np.zeros(2, dtype=np.int64)
    bucket_of = np.full(n_pages, -1, dtype=np.int64)
    slot_of = np.zeros(n_pages, dtype=np.int64)
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        victim = NO_PAGE
        if bucket_of[p] >= 0:
            if bucket_of[p] == UNMARKED:
                bucket_remove(items, sizes, bucket_of, slot_of, p)
                bucket_add(items, sizes, bucket_of, slot_of, MARKED, p)
            if record:
                flags[t] = 0
                evicted[t] = NO_PAGE
            continue
        faults += 1
        if sizes[UNMARKED] + sizes[MARKED] == k:
            if sizes[UNMARKED] == 0:
                bucket_move_all(items, sizes, bucket_of, slot_of, MARKED, UNMARKED)
            victim = bucket_draw(items, sizes, rng, UNMARKED, UNMARKED)
            bucket_remove(items, sizes, bucket_of, slot_of, victim)
        bucket_add(items, sizes, bucket_of, slot_of, MARKED, p)
        if record:
            flags[t] = FAULT
            evicted[t] = victim
    return faults

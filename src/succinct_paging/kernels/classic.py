"""Kernels of the prediction-free algorithms of contract §3: ``lru``, ``fifo``,
``random``, ``marker``.

Every kernel here follows the contract of :mod:`succinct_paging.kernels`.
The public, validating entry point is :func:`succinct_paging.simulate`.
Each kernel is O(1) per request (``marker``: O(1) amortised).
"""

import numpy as np
from numba import njit

from .structures import (
    FAULT,
    NO_PAGE,
    bucket_add,
    bucket_draw,
    bucket_move_all,
    bucket_remove,
    bucket_remove_at,
    check_sizes,
    list_append,
    list_remove,
    new_buckets,
    new_lists,
    rng_below,
)

@njit(cache=True)
def lru_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """Evict the least recently used page. O(1) per request (linked list)."""
    check_sizes(pages.shape[0], n_pages)
    record = flags.shape[0] > 0
    link = new_lists(1, n_pages)
    s = n_pages  # the list's sentinel: link[s, 1] is the LRU page
    size = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        if link[p, 0] != NO_PAGE:  # hit
            if link[s, 0] != p:  # move to the most-recent end
                list_remove(link, p)
                list_append(link, s, p)
            if record:
                flags[t] = 0
                evicted[t] = NO_PAGE
            continue
        faults += 1
        victim = NO_PAGE
        if size == k:
            victim = link[s, 1]
            list_remove(link, victim)
        else:
            size += 1
        list_append(link, s, p)
        if record:
            flags[t] = FAULT
            evicted[t] = victim
    return faults


@njit(cache=True)
def fifo_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """Evict the page inserted earliest. O(1) per request (ring buffer).

    Branch-free: the ring starts full of a dummy page ``n_pages`` (evicting
    it evicts nothing), and every request does the same loads and stores
    with the fault bit selecting their values, so a hit/fault pattern the
    CPU cannot predict costs nothing extra.
    """
    check_sizes(pages.shape[0], n_pages)
    record = flags.shape[0] > 0
    dummy = n_pages
    cached = np.zeros(n_pages + 1, dtype=np.uint8)
    ring = np.full(k, dummy, dtype=np.int32)
    oldest = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        miss = np.uint8(1) - cached[p]
        v = ring[oldest]
        cached[v] &= cached[v] ^ miss  # cleared on a fault, kept on a hit
        ring[oldest] = p if miss else v
        cached[p] = 1
        oldest += miss
        oldest = 0 if oldest == k else oldest
        faults += miss
        if record:
            flags[t] = miss
            evicted[t] = v if miss and v != dummy else NO_PAGE
    return faults


@njit(cache=True)
def random_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """Evict a uniformly random cached page. O(1) per request."""
    check_sizes(pages.shape[0], n_pages)
    record = flags.shape[0] > 0
    items, sizes, pos, shift = new_buckets(1, k, n_pages)
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        if pos[p] != NO_PAGE:
            if record:
                flags[t] = 0
                evicted[t] = NO_PAGE
            continue
        faults += 1
        victim = NO_PAGE
        if sizes[0] == k:
            victim = bucket_remove_at(items, sizes, pos, shift, rng_below(rng, k))
        bucket_add(items, sizes, pos, shift, 0, p)
        if record:
            flags[t] = FAULT
            evicted[t] = victim
    return faults


UNMARKED = 0
MARKED = 1


@njit(cache=True)
def marker_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """Randomized marking (contract §3.1): evict a random unmarked page; when all
    cached pages are marked, unmark all first. O(1) amortised per request."""
    check_sizes(pages.shape[0], n_pages)
    record = flags.shape[0] > 0
    items, sizes, pos, shift = new_buckets(2, k, n_pages)
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        victim = NO_PAGE
        where = pos[p] >> shift  # bucket, or -1 if not cached
        if where >= 0:
            if where == UNMARKED:
                bucket_remove(items, sizes, pos, shift, p)
                bucket_add(items, sizes, pos, shift, MARKED, p)
            if record:
                flags[t] = 0
                evicted[t] = NO_PAGE
            continue
        faults += 1
        if sizes[UNMARKED] + sizes[MARKED] == k:
            if sizes[UNMARKED] == 0:
                bucket_move_all(items, sizes, pos, shift, MARKED, UNMARKED)
            victim = bucket_remove_at(items, sizes, pos, shift,
                                      bucket_draw(items, sizes, shift, rng, UNMARKED, UNMARKED))
        bucket_add(items, sizes, pos, shift, MARKED, p)
        if record:
            flags[t] = FAULT
            evicted[t] = victim
    return faults

"""LFD / Belady (SPEC §1.1) with discard bits (SPEC §1.2), and next occurrences."""

import numpy as np
from numba import njit

from ._common import NO_PAGE, bucket_add, bucket_remove
from .classic import FAULT


@njit(cache=True)
def next_occurrences(pages, n_pages):
    """``nxt[t]`` = index of the next request of ``pages[t]`` after ``t``, or
    ``n`` if there is none. O(n) time, O(n + N) memory."""
    n = pages.shape[0]
    nxt = np.empty(n, dtype=np.int64)
    seen = np.full(n_pages, n, dtype=np.int64)
    for t in range(n - 1, -1, -1):
        p = pages[t]
        nxt[t] = seen[p]
        seen[p] = t
    return nxt


@njit(cache=True)
def _sift_down(heap, size, i):
    x = heap[i]
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and heap[c + 1] > heap[c]:
            c += 1
        if heap[c] <= x:
            break
        heap[i] = heap[c]
        i = c
    heap[i] = x


@njit(cache=True)
def _sift_up(heap, i):
    x = heap[i]
    while i > 0:
        parent = (i - 1) >> 1
        if heap[parent] >= x:
            break
        heap[i] = heap[parent]
        i = parent
    heap[i] = x


@njit(cache=True)
def lfd_kernel(pages, nxt, k, n_pages, discard, flags, evicted):
    """Run LFD; write the true discard bits into ``discard``; return OPT.

    Each cached page has a key: the time of its next request, or
    ``n + (N-1-page)`` if it is never requested again (so ties among those go
    to the smallest id). Keys are unique, so a max-heap of keys identifies the
    victim; entries made stale by a hit are skipped lazily, and the heap is
    rebuilt from the cache when it reaches 2k+1 entries, which keeps it
    O(log k) per request (rebuilds cost O(k) every >= k+1 pushes).

    ``discard[t]`` = 1 iff LFD evicts ``pages[t]`` before its next request or
    it has none (§1.2). ``flags``/``evicted``: as in :mod:`.classic`.
    """
    n = pages.shape[0]
    record = flags.shape[0] > 0
    cap = 2 * k + 1
    heap = np.empty(cap, dtype=np.int64)
    hsize = 0
    key_of = np.full(n_pages, -1, dtype=np.int64)  # -1: not cached
    last_req = np.zeros(n_pages, dtype=np.int64)
    items = np.empty((1, k), dtype=np.int64)
    sizes = np.zeros(1, dtype=np.int64)
    bucket_of = np.full(n_pages, -1, dtype=np.int64)
    slot_of = np.zeros(n_pages, dtype=np.int64)
    faults = 0
    for t in range(n):
        p = pages[t]
        nt = nxt[t]
        discard[t] = 1 if nt == n else 0
        key = nt if nt < n else n + (n_pages - 1 - p)
        victim = NO_PAGE
        if key_of[p] >= 0:
            if record:
                flags[t] = 0
        else:
            faults += 1
            if sizes[0] == k:
                while True:
                    top = heap[0]
                    hsize -= 1
                    heap[0] = heap[hsize]
                    _sift_down(heap, hsize, 0)
                    q = pages[top] if top < n else n_pages - 1 - (top - n)
                    if key_of[q] == top:
                        victim = q
                        break
                key_of[victim] = -1
                bucket_remove(items, sizes, bucket_of, slot_of, victim)
                discard[last_req[victim]] = 1
            bucket_add(items, sizes, bucket_of, slot_of, 0, p)
            if record:
                flags[t] = FAULT
        if record:
            evicted[t] = victim
        key_of[p] = key
        last_req[p] = t
        if hsize == cap:  # drop stale entries: rebuild from the cache (p included)
            hsize = sizes[0]
            for i in range(hsize):
                heap[i] = key_of[items[0, i]]
            for i in range(hsize // 2 - 1, -1, -1):
                _sift_down(heap, hsize, i)
        else:
            heap[hsize] = key
            _sift_up(heap, hsize)
            hsize += 1
    return faults

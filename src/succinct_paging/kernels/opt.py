"""LFD / Belady (contract §1.1) with discard bits (contract §1.2), and next occurrences."""

import numpy as np
from numba import njit
from numba.cpython.unsafe.numbers import leading_zeros

from .structures import FAULT, NO_PAGE, check_sizes


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


# ------------------------------------------------- set of integers in [0, U)
# A 64-ary tree of bitmaps: level 0 has one bit per integer, and bit j of
# word w at level d+1 says whether word 64w+j of level d is non-zero. All
# levels live in one uint64 array; ``off[d]`` is where level d starts, and the
# top level is a single word. Insert, remove and maximum are O(log_64 U).

_ONE = np.uint64(1)


@njit(cache=True, inline="always")
def _bitset_new(universe):
    """Empty set of integers in ``[0, universe)``: ``(words, off)``."""
    depth = 1
    m = (universe + 63) >> 6
    while m > 1:
        m = (m + 63) >> 6
        depth += 1
    off = np.empty(depth, dtype=np.int64)
    total = 0
    m = (universe + 63) >> 6
    for d in range(depth):
        off[d] = total
        total += m
        m = (m + 63) >> 6
    return np.zeros(total, dtype=np.uint64), off


@njit(cache=True, inline="always")
def _bitset_add(words, off, x):
    for d in range(off.shape[0]):
        w = off[d] + (x >> 6)
        old = words[w]
        words[w] = old | (_ONE << np.uint64(x & 63))
        if old != 0:  # the levels above already know this word is non-empty
            return
        x >>= 6


@njit(cache=True, inline="always")
def _bitset_remove(words, off, x):
    for d in range(off.shape[0]):
        w = off[d] + (x >> 6)
        new = words[w] & ~(_ONE << np.uint64(x & 63))
        words[w] = new
        if new != 0:
            return
        x >>= 6


@njit(cache=True, inline="always")
def _bitset_max(words, off):
    """Largest member (the set must not be empty)."""
    x = 0
    for d in range(off.shape[0] - 1, -1, -1):
        x = (x << 6) + 63 - np.int64(leading_zeros(words[off[d] + x]))
    return x


# ------------------------------------------- map from time keys to pages
# A page's key is the time of its next request, and pages[key] is that page;
# but at an eviction that lookup is a cache miss far into the trace, which
# dominated LFD. So the (at most k) live keys below n are also kept in a small
# open-addressing hash table (linear probing, Fibonacci hashing, load <= 1/4,
# deletion by backward shift): two L1/L2 accesses per request instead.

_HMUL = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, inline="always")
def _hslot(key, hbits):
    return np.int64((np.uint64(key) * _HMUL) >> np.uint64(64 - hbits))


@njit(cache=True, inline="always")
def _hash_put(hkeys, hpages, hbits, key, page):
    mask = (1 << hbits) - 1
    i = _hslot(key, hbits)
    while hkeys[i] != -1:
        i = (i + 1) & mask
    hkeys[i] = key
    hpages[i] = page


@njit(cache=True, inline="always")
def _hash_take(hkeys, hpages, hbits, key):
    """Remove ``key`` (which must be present) and return its page."""
    mask = (1 << hbits) - 1
    i = _hslot(key, hbits)
    while hkeys[i] != key:
        i = (i + 1) & mask
    page = hpages[i]
    j = i
    while True:  # close the gap at i: move back entries whose probe passes it
        j = (j + 1) & mask
        kj = hkeys[j]
        if kj == -1:
            break
        h = _hslot(kj, hbits)
        if (i < h <= j) if i <= j else (h > i or h <= j):
            continue  # its home slot is between the gap and j: it stays
        hkeys[i] = kj
        hpages[i] = hpages[j]
        i = j
    hkeys[i] = -1
    return np.int64(page)


@njit(cache=True)
def opt_kernel(pages, nxt, k, n_pages, discard, flags, evicted):
    """Run LFD; write the true discard bits into ``discard``; return OPT.

    Each cached page has a key: the time of its next request, or
    ``n + (N-1-page)`` if it is never requested again (so ties among those go
    to the smallest id). Keys are unique integers below ``n + N``, so the
    cached pages' keys are kept in a bitmap tree (a set of integers with an
    O(log_64(n + N)) maximum: at most 5 levels for 10^9 keys) and the victim
    is the page of the largest key (found in a hash table of the live keys
    below n, or computed for the others). A hit at time ``t`` finds its page's
    key equal to ``t``, which is removed and replaced by the next one. O(n + N)
    memory; O(log_64(n + N)) per request (expected, for the hash table), so
    the cost hardly depends on k.

    ``discard[t]`` = 1 iff LFD evicts ``pages[t]`` before its next request or
    it has none (§1.2). ``flags``/``evicted``: as in the kernel contract.
    """
    n = pages.shape[0]
    check_sizes(n, n_pages)
    record = flags.shape[0] > 0
    words, off = _bitset_new(n + n_pages)
    hbits = 2
    while (1 << hbits) < 4 * min(k, n_pages):  # at most that many live keys
        hbits += 1
    hkeys = np.full(1 << hbits, -1, dtype=np.int32)
    hpages = np.empty(1 << hbits, dtype=np.int32)
    cached = np.zeros(n_pages, dtype=np.bool_)
    last_req = np.zeros(n_pages, dtype=np.int32)
    size = 0
    faults = 0
    for t in range(n):
        p = pages[t]
        nt = nxt[t]
        victim = NO_PAGE
        if cached[p]:  # its key was t
            _bitset_remove(words, off, t)
            _hash_take(hkeys, hpages, hbits, t)
            if record:
                flags[t] = 0
        else:
            faults += 1
            if size == k:
                top = _bitset_max(words, off)
                _bitset_remove(words, off, top)
                victim = _hash_take(hkeys, hpages, hbits, top) if top < n else n_pages - 1 - (top - n)
                cached[victim] = False
                discard[last_req[victim]] = 1
            else:
                size += 1
            cached[p] = True
            if record:
                flags[t] = FAULT
        if record:
            evicted[t] = victim
        if nt < n:
            discard[t] = 0
            _bitset_add(words, off, nt)
            _hash_put(hkeys, hpages, hbits, nt, p)
        else:
            discard[t] = 1
            _bitset_add(words, off, n + (n_pages - 1 - p))
        last_req[p] = t
    return faults


@njit(cache=True)
def opt_contract_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """OPT (LFD) under the kernel contract (``bits`` and ``rng`` unused):
    the registry's kernel of ``opt``. O(n log_64(n + N))."""
    discard = np.empty(pages.shape[0], dtype=np.uint8)
    return opt_kernel(pages, next_occurrences(pages, n_pages), k, n_pages, discard, flags, evicted)

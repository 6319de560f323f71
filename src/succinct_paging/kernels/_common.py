"""Building blocks shared by the numba kernels (SPEC §3).

Everything here works on preallocated integer arrays indexed by dense page
ids, so that every operation is O(1) and no Python object enters a kernel:

- a seeded SplitMix64 generator whose whole state is one ``uint64`` cell
  (no hidden global state: the same seed gives the same stream on every
  platform and in every process);
- *bucket sets*: a page belongs to at most one of a few numbered buckets,
  each an array with swap-remove, so that adding, removing and drawing a
  uniformly random member are O(1);
- *recency lists*: a page belongs to at most one of a few doubly linked lists
  kept in order of last request (head = least recently used), so that
  move-to-back, remove, pop-front and concatenation are O(1).
"""

import numpy as np
from numba import njit

NO_PAGE = -1

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_LOW32 = np.uint64(0xFFFFFFFF)
_TWO32 = np.uint64(1 << 32)


def new_rng(seed):
    """Return the one-cell state of a SplitMix64 generator for ``seed >= 0``."""
    return np.array([seed], dtype=np.uint64)


@njit(cache=True)
def rng_next(state):
    """Advance ``state`` and return 64 random bits (SplitMix64)."""
    state[0] += _GOLDEN
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def rng_below(state, m):
    """Uniform integer in ``[0, m)`` for ``1 <= m < 2**32``, exactly unbiased.

    Lemire's multiply-shift on 32 random bits with rejection of the short
    interval; expected number of draws < 2.
    """
    mu = np.uint64(m)
    threshold = (_TWO32 - mu) % mu
    while True:
        prod = (rng_next(state) >> np.uint64(32)) * mu
        if (prod & _LOW32) >= threshold:
            return np.int64(prod >> np.uint64(32))


# ---------------------------------------------------------------- bucket sets


def new_buckets(n_buckets, capacity, n_pages):
    """Empty bucket sets: ``(items, sizes, bucket_of, slot_of)``."""
    items = np.empty((n_buckets, max(capacity, 1)), dtype=np.int64)
    sizes = np.zeros(n_buckets, dtype=np.int64)
    bucket_of = np.full(n_pages, -1, dtype=np.int64)
    slot_of = np.zeros(n_pages, dtype=np.int64)
    return items, sizes, bucket_of, slot_of


@njit(cache=True)
def bucket_add(items, sizes, bucket_of, slot_of, b, p):
    """Put page ``p`` (in no bucket) into bucket ``b``."""
    s = sizes[b]
    items[b, s] = p
    slot_of[p] = s
    bucket_of[p] = b
    sizes[b] = s + 1


@njit(cache=True)
def bucket_remove(items, sizes, bucket_of, slot_of, p):
    """Take page ``p`` out of its bucket (swap with the bucket's last item)."""
    b = bucket_of[p]
    s = sizes[b] - 1
    last = items[b, s]
    i = slot_of[p]
    items[b, i] = last
    slot_of[last] = i
    sizes[b] = s
    bucket_of[p] = -1


@njit(cache=True)
def bucket_move_all(items, sizes, bucket_of, slot_of, src, dst):
    """Move every page of bucket ``src`` into bucket ``dst``; O(size of src)."""
    while sizes[src] > 0:
        p = items[src, sizes[src] - 1]
        sizes[src] -= 1
        bucket_of[p] = -1
        bucket_add(items, sizes, bucket_of, slot_of, dst, p)


@njit(cache=True)
def bucket_draw(items, sizes, rng, b0, b1):
    """A uniformly random page of the union of buckets ``b0`` and ``b1``.

    Pass ``b1 == b0`` for a single bucket. The union must not be empty.
    """
    n0 = sizes[b0]
    total = n0 if b1 == b0 else n0 + sizes[b1]
    i = rng_below(rng, total)
    if i < n0:
        return items[b0, i]
    return items[b1, i - n0]


# ------------------------------------------------------------- recency lists


def new_lists(n_lists, n_pages):
    """Empty recency lists: ``(head, tail, prev, nxt, list_of)``."""
    head = np.full(n_lists, NO_PAGE, dtype=np.int64)
    tail = np.full(n_lists, NO_PAGE, dtype=np.int64)
    prev = np.full(n_pages, NO_PAGE, dtype=np.int64)
    nxt = np.full(n_pages, NO_PAGE, dtype=np.int64)
    list_of = np.full(n_pages, -1, dtype=np.int64)
    return head, tail, prev, nxt, list_of


@njit(cache=True)
def list_append(head, tail, prev, nxt, list_of, li, p):
    """Append page ``p`` (in no list) at the most-recent end of list ``li``."""
    t = tail[li]
    prev[p] = t
    nxt[p] = NO_PAGE
    if t == NO_PAGE:
        head[li] = p
    else:
        nxt[t] = p
    tail[li] = p
    list_of[p] = li


@njit(cache=True)
def list_remove(head, tail, prev, nxt, list_of, p):
    """Unlink page ``p`` from its list."""
    li = list_of[p]
    a = prev[p]
    b = nxt[p]
    if a == NO_PAGE:
        head[li] = b
    else:
        nxt[a] = b
    if b == NO_PAGE:
        tail[li] = a
    else:
        prev[b] = a
    list_of[p] = -1


@njit(cache=True)
def list_concat(head, tail, prev, nxt, list_of, dst, src):
    """Append all of list ``src`` after list ``dst`` and empty ``src``.

    O(1) for the links; O(length of src) to relabel ``list_of``.
    """
    h = head[src]
    if h == NO_PAGE:
        return
    p = h
    while p != NO_PAGE:
        list_of[p] = dst
        p = nxt[p]
    t = tail[dst]
    if t == NO_PAGE:
        head[dst] = h
    else:
        nxt[t] = h
        prev[h] = t
    tail[dst] = tail[src]
    head[src] = NO_PAGE
    tail[src] = NO_PAGE

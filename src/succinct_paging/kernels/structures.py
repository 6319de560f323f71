"""Building blocks shared by the numba kernels (contract §3), and the flags
of the kernel contract.

Everything here works on preallocated integer arrays indexed by dense page
ids, so that every operation is O(1) and no Python object enters a kernel:

- a seeded SplitMix64 generator whose whole state is one ``uint64`` cell
  (no hidden global state: the same seed gives the same stream on every
  platform and in every process);
- *bucket sets*: a page belongs to at most one of a few numbered buckets,
  each an array with swap-remove, so that adding, removing and drawing a
  uniformly random member are O(1);
- *recency lists*: a page belongs to at most one of a few circular doubly
  linked lists kept in order of last request (first = least recently used),
  so that move-to-back, remove, pop-front and concatenation are O(1).

Performance notes (why the code looks the way it does):

- Helpers are ``inline="always"``: numba then inlines them into the kernel's
  IR. A plain call to a jitted function that takes arrays costs an atomic
  reference-count increment and decrement per array argument, which made
  list-based kernels several times slower than a hand-inlined loop.
- Per-page state is ``int32`` (ids are < 2**31, see :func:`check_sizes`) and
  packed so that one request touches as few cache lines as possible: a
  page's list links are one ``(prev, next)`` row, and its bucket and slot are
  one ``pos`` value (bucket ``pos >> shift``, slot ``pos & (cap - 1)``).
- Lists have one sentinel row per list (row ``n_pages + list``), so linking
  and unlinking need no branches for empty lists or list ends.

The helpers are inlined into kernels of other modules, so numba's cache of
a kernel is keyed on the content of every module here (see
:mod:`succinct_paging.kernels`): an edit here recompiles them all.
"""

import numpy as np
from numba import njit

#: ``evicted[t]`` of a step that evicted nothing; "no page" in every array.
NO_PAGE = -1

#: Bits of ``flags[t]`` (kernel contract, see :mod:`succinct_paging.kernels`):
#: the request was a fault; the requested page is not cached after the step.
FAULT = np.uint8(1)
DROPPED = np.uint8(2)

#: Page ids and request indices are stored as int32 inside the kernels.
MAX_SIZE = 2**31 - 64

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_LOW32 = np.uint64(0xFFFFFFFF)
_TWO32 = np.uint64(1 << 32)


def new_rng(seed):
    """Return the one-cell state of a SplitMix64 generator for ``seed >= 0``."""
    return np.array([seed], dtype=np.uint64)


@njit(cache=True, inline="always")
def check_sizes(n, n_pages):
    """Raise if ``n`` requests or ``n_pages`` pages do not fit in int32."""
    if n >= MAX_SIZE or n_pages >= MAX_SIZE:
        raise ValueError("kernels support fewer than 2**31 - 64 requests and pages")


@njit(cache=True, inline="always")
def rng_next(state):
    """Advance ``state`` and return 64 random bits (SplitMix64)."""
    state[0] += _GOLDEN
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def rng_below(state, m):
    """Uniform integer in ``[0, m)`` for ``1 <= m < 2**32``, exactly unbiased.

    Lemire's multiply-shift on 32 random bits with rejection of the short
    interval; expected number of draws < 2. The threshold ``2**32 mod m``
    (a 64-bit division) is below ``m``, so it is only computed when the low
    half of the product is below ``m`` — rarely; same draws, same results.
    """
    mu = np.uint64(m)
    while True:
        prod = (rng_next(state) >> np.uint64(32)) * mu
        low = prod & _LOW32
        if low >= mu or low >= (_TWO32 - mu) % mu:
            return np.int64(prod >> np.uint64(32))


# ---------------------------------------------------------------- bucket sets


@njit(cache=True, inline="always")
def new_buckets(n_buckets, capacity, n_pages):
    """Empty bucket sets: ``(items, sizes, pos, shift)``.

    Bucket ``b`` holds its pages in ``items[b << shift : (b << shift) +
    sizes[b]]`` (``1 << shift >= capacity``); ``pos[p]`` is the index of page
    ``p`` in ``items``, or -1 if it is in no bucket, so its bucket is
    ``pos[p] >> shift`` (-1 for none: the shift is arithmetic).
    """
    shift = 0
    while (1 << shift) < capacity:
        shift += 1
    items = np.empty(n_buckets << shift, dtype=np.int32)
    sizes = np.zeros(n_buckets, dtype=np.int64)
    pos = np.full(n_pages, NO_PAGE, dtype=np.int32)
    return items, sizes, pos, shift


@njit(cache=True, inline="always")
def bucket_add(items, sizes, pos, shift, b, p):
    """Put page ``p`` (in no bucket) at the end of bucket ``b``."""
    s = sizes[b]
    i = (b << shift) + s
    items[i] = p
    pos[p] = i
    sizes[b] = s + 1


@njit(cache=True, inline="always")
def bucket_remove_at(items, sizes, pos, shift, i):
    """Take the page at ``items[i]`` out of its bucket (the bucket's last item
    takes its slot) and return it."""
    p = items[i]
    b = i >> shift
    s = sizes[b] - 1
    last = items[(b << shift) + s]
    items[i] = last
    pos[last] = i
    sizes[b] = s
    pos[p] = NO_PAGE
    return np.int64(p)


@njit(cache=True, inline="always")
def bucket_remove(items, sizes, pos, shift, p):
    """Take page ``p`` out of its bucket (the bucket's last item takes its slot)."""
    bucket_remove_at(items, sizes, pos, shift, pos[p])


@njit(cache=True, inline="always")
def bucket_move_all(items, sizes, pos, shift, src, dst):
    """Move every page of bucket ``src`` into bucket ``dst``, taking them from
    the end of ``src``; O(size of src)."""
    base = src << shift
    while sizes[src] > 0:
        s = sizes[src] - 1
        sizes[src] = s
        bucket_add(items, sizes, pos, shift, dst, items[base + s])


@njit(cache=True, inline="always")
def bucket_draw(items, sizes, shift, rng, b0, b1):
    """Slot (index in ``items``) of a uniformly random page of the union of
    buckets ``b0`` and ``b1``: index ``i`` of their concatenation.

    Pass ``b1 == b0`` for a single bucket. The union must not be empty.
    """
    n0 = sizes[b0]
    total = n0 if b1 == b0 else n0 + sizes[b1]
    i = rng_below(rng, total)
    if i < n0:
        return (b0 << shift) + i
    return (b1 << shift) + i - n0


# ------------------------------------------------------------- recency lists


@njit(cache=True, inline="always")
def new_lists(n_lists, n_pages):
    """Empty recency lists: one ``int32`` array ``link`` of shape
    ``(n_pages + n_lists, 2)``; ``link[p] = (prev, next)``.

    List ``li`` is circular through its sentinel row ``n_pages + li``: its
    first (least recent) page is ``link[s, 1]``, its last ``link[s, 0]``.
    A page in no list has ``prev == -1``.
    """
    link = np.full((n_pages + n_lists, 2), NO_PAGE, dtype=np.int32)
    for s in range(n_pages, n_pages + n_lists):
        link[s, 0] = s
        link[s, 1] = s
    return link


@njit(cache=True, inline="always")
def list_append(link, s, p):
    """Append page ``p`` (in no list) at the most-recent end of the list with
    sentinel ``s``."""
    last = link[s, 0]
    link[last, 1] = p
    link[p, 0] = last
    link[p, 1] = s
    link[s, 0] = p


@njit(cache=True, inline="always")
def list_remove(link, p):
    """Unlink page ``p`` from its list."""
    a = link[p, 0]
    b = link[p, 1]
    link[a, 1] = b
    link[b, 0] = a
    link[p, 0] = NO_PAGE


@njit(cache=True, inline="always")
def list_first(link, s):
    """The least recently used page of the list with sentinel ``s``, or -1."""
    h = link[s, 1]
    return np.int64(NO_PAGE) if h == s else np.int64(h)


@njit(cache=True, inline="always")
def list_concat(link, dst, src):
    """Append all of the list with sentinel ``src`` after the list with
    sentinel ``dst`` and empty ``src``. O(1)."""
    h = link[src, 1]
    if h == src:
        return
    t = link[src, 0]
    last = link[dst, 0]
    link[last, 1] = h
    link[h, 0] = last
    link[t, 1] = dst
    link[dst, 0] = t
    link[src, 0] = src
    link[src, 1] = src

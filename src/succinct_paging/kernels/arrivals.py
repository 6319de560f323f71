"""Kernels of the next-arrival algorithms of contract §7: ``blind_oracle``,
``predictive_marker``, ``lmarker``; and the discard bits of LFD run on
predicted arrivals (contract §7, last item).

Contract: that of :mod:`succinct_paging.kernels` plus one argument at the end::

    faults = kernel(pages, bits, k, n_pages, rng, flags, evicted, predictions)

``predictions[t]`` (float64, finite) is the predicted time of the next request
of ``pages[t]``; a page's *latest prediction* is the one of its most recent
request. ``bits`` is ignored.

Choosing "the page with the largest latest prediction" uses a max-heap of
entries ``(predictions[t], t)`` with ``t`` a request index (the key is stored
in the heap, so comparisons do not chase ``t`` into the predictions array),
ordered by prediction and then by smallest page id ``pages[t]``: the same
tie rule as LFD (contract §1.1), so that with exact predictions ``blind_oracle``
makes LFD's evictions. An entry is valid while ``t`` is its page's most
recent request and the page is still a candidate; entries that a later
request or an eviction made stale are skipped when they reach the top (lazy
deletion).
"""

import numpy as np
from numba import njit

from .structures import FAULT, NO_PAGE, rng_below


@njit(cache=True, inline="always")
def _above(hkey, hidx, pages, i, j):
    """Whether heap slot ``i`` belongs above slot ``j``: larger prediction,
    then smaller page id."""
    a = hkey[i]
    b = hkey[j]
    if a != b:
        return a > b
    return pages[hidx[i]] < pages[hidx[j]]


@njit(cache=True, inline="always")
def _swap(hkey, hidx, i, j):
    a = hkey[i]
    hkey[i] = hkey[j]
    hkey[j] = a
    b = hidx[i]
    hidx[i] = hidx[j]
    hidx[j] = b


@njit(cache=True, inline="always")
def _sift_down(hkey, hidx, size, i, pages):
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and _above(hkey, hidx, pages, c + 1, c):
            c += 1
        if not _above(hkey, hidx, pages, c, i):
            break
        _swap(hkey, hidx, i, c)
        i = c


@njit(cache=True, inline="always")
def _sift_up(hkey, hidx, i, pages):
    while i > 0:
        parent = (i - 1) >> 1
        if not _above(hkey, hidx, pages, i, parent):
            break
        _swap(hkey, hidx, i, parent)
        i = parent


@njit(cache=True, inline="always")
def _heapify(hkey, hidx, size, pages):
    for i in range(size // 2 - 1, -1, -1):
        _sift_down(hkey, hidx, size, i, pages)


@njit(cache=True, inline="always")
def _pop(hkey, hidx, size, pages):
    """Remove the top entry and return its request index (the caller
    decrements ``size``)."""
    top = hidx[0]
    size -= 1
    hkey[0] = hkey[size]
    hidx[0] = hidx[size]
    _sift_down(hkey, hidx, size, 0, pages)
    return top


@njit(cache=True)
def blind_oracle_kernel(pages, bits, k, n_pages, rng, flags, evicted, predictions):
    """Follow the predictions (contract §7; Wei, APPROX 2020): on a fault with a
    full cache evict the page with the largest latest prediction (ties: the
    smallest page id).

    Notes
    -----
    O(log k) amortised per request: the heap holds at most ``2k + 1`` entries
    (it is rebuilt from the ``k`` cached pages when full, O(k) every ``k + 1``
    pushes). With ``predictions = next_arrivals(pages) + c`` for a constant
    ``c`` it makes exactly LFD's evictions.
    """
    n = pages.shape[0]
    record = flags.shape[0] > 0
    cap = 2 * k + 1
    hkey = np.empty(cap, dtype=np.float64)  # heap entry: (latest prediction, request index)
    hidx = np.empty(cap, dtype=np.int64)
    hsize = 0
    last = np.full(n_pages, -1, dtype=np.int64)  # most recent request of a page
    slot = np.full(n_pages, -1, dtype=np.int64)  # index in ``items``; -1: not cached
    items = np.empty(k, dtype=np.int64)
    size = 0
    faults = 0
    for t in range(n):
        p = pages[t]
        victim = NO_PAGE
        fault = slot[p] < 0
        if fault:
            faults += 1
            if size == k:
                while True:
                    top = _pop(hkey, hidx, hsize, pages)
                    hsize -= 1
                    q = pages[top]
                    if slot[q] >= 0 and last[q] == top:
                        victim = q
                        break
                s = slot[victim]
                size -= 1
                items[s] = items[size]
                slot[items[s]] = s
                slot[victim] = -1
            items[size] = p
            slot[p] = size
            size += 1
        if record:
            flags[t] = FAULT if fault else 0
            evicted[t] = victim
        last[p] = t
        if hsize == cap:  # drop stale entries: rebuild from the cache (p included)
            for i in range(size):
                j = last[items[i]]
                hidx[i] = j
                hkey[i] = predictions[j]
            hsize = size
            _heapify(hkey, hidx, hsize, pages)
        else:
            hidx[hsize] = t
            hkey[hsize] = predictions[t]
            _sift_up(hkey, hidx, hsize, pages)
            hsize += 1
    return faults


@njit(cache=True, inline="always")
def _chain_marking(pages, k, n_pages, rng, flags, evicted, predictions, limit):
    """Marking (contract §3.1) with eviction chains (contract §7), shared by
    ``predictive_marker`` (``limit = H_k``) and ``lmarker`` (``limit = 1``).

    The pages cached when a phase starts are *stale*. A fault on a page that
    is not stale starts a chain with one eviction: the unmarked page with the
    largest latest prediction. A fault on a stale page (necessarily evicted
    earlier in the phase, as the last page of exactly one chain) extends that
    chain to ``c`` evictions; the new one follows the predictions if
    ``c <= limit``, else it is a uniformly random unmarked page.

    Data: the unmarked pages as an array with swap-remove (random draw in
    O(1)) and as a max-heap built once per phase (unmarked pages are not
    requested while unmarked, so their latest predictions are fixed and the
    heap needs no insertions; entries of pages that left the unmarked set
    are skipped lazily). O(log k) per fault, O(1) per hit, plus O(k) per
    phase, which has at least k requests.
    """
    n = pages.shape[0]
    record = flags.shape[0] > 0
    cached = np.zeros(n_pages, dtype=np.bool_)
    cache = np.empty(k, dtype=np.int64)  # the cached pages, unordered
    cslot = np.full(n_pages, -1, dtype=np.int64)
    unmarked = np.empty(k, dtype=np.int64)
    uslot = np.full(n_pages, -1, dtype=np.int64)  # -1: not an unmarked cached page
    usize = 0
    hkey = np.empty(k, dtype=np.float64)
    hidx = np.empty(k, dtype=np.int64)
    hsize = 0
    last = np.full(n_pages, -1, dtype=np.int64)
    stale_in = np.full(n_pages, -1, dtype=np.int64)  # phase in which the page is stale
    chain = np.zeros(n_pages, dtype=np.int64)  # evictions of the chain a page ends
    phase = 0
    size = 0
    faults = 0
    for t in range(n):
        p = pages[t]
        victim = NO_PAGE
        fault = not cached[p]
        if fault:
            faults += 1
            if size == k:
                if usize == 0:  # every cached page is marked: a new phase
                    phase += 1
                    for i in range(k):
                        q = cache[i]
                        unmarked[i] = q
                        uslot[q] = i
                        stale_in[q] = phase
                        hidx[i] = last[q]
                        hkey[i] = predictions[last[q]]
                    usize = k
                    hsize = k
                    _heapify(hkey, hidx, hsize, pages)
                if stale_in[p] == phase:
                    c = chain[p] + 1
                else:
                    c = 1
                if c <= limit:
                    while True:
                        top = _pop(hkey, hidx, hsize, pages)
                        hsize -= 1
                        if uslot[pages[top]] >= 0:
                            victim = pages[top]
                            break
                else:
                    victim = unmarked[rng_below(rng, usize)]
                chain[victim] = c
                s = uslot[victim]
                usize -= 1
                unmarked[s] = unmarked[usize]
                uslot[unmarked[s]] = s
                uslot[victim] = -1
                cached[victim] = False
                s = cslot[victim]
                cache[s] = p
                cslot[p] = s
                cslot[victim] = -1
            else:
                cache[size] = p
                cslot[p] = size
                size += 1
            cached[p] = True
        elif uslot[p] >= 0:  # a hit marks the page
            s = uslot[p]
            usize -= 1
            unmarked[s] = unmarked[usize]
            uslot[unmarked[s]] = s
            uslot[p] = -1
        if record:
            flags[t] = FAULT if fault else 0
            evicted[t] = victim
        last[p] = t
    return faults


@njit(cache=True)
def predictive_marker_kernel(pages, bits, k, n_pages, rng, flags, evicted, predictions):
    """Predictive Marker (contract §7; Lykouris & Vassilvitskii, ICML 2018): marking
    whose chains follow the predictions for their first H_k evictions
    (``c <= H_k``, counting the eviction being made) and then evict uniformly
    random unmarked pages. O(log k) per fault; see :func:`_chain_marking`."""
    hk = 0.0
    for i in range(1, k + 1):
        hk += 1.0 / i
    return _chain_marking(pages, k, n_pages, rng, flags, evicted, predictions, hk)


@njit(cache=True)
def lmarker_kernel(pages, bits, k, n_pages, rng, flags, evicted, predictions):
    """LMarker (contract §7; Rohatgi, SODA 2020): marking; a fault on a clean page
    evicts the unmarked page with the largest latest prediction, a fault on a
    stale page a uniformly random unmarked page. O(log k) per fault."""
    return _chain_marking(pages, k, n_pages, rng, flags, evicted, predictions, 1.0)


@njit(cache=True)
def discard_bits_from_evictions(pages, nxt, evicted):
    """contract §1.2 bits of any recorded lazy run: ``bits[t] = 1`` iff ``pages[t]``
    is never requested again (``nxt[t] == n``) or is evicted before its next
    request. ``evicted``: the run's record (see the kernel contract). O(n + N)."""
    n = pages.shape[0]
    n_pages = 0
    for t in range(n):
        if pages[t] >= n_pages:
            n_pages = pages[t] + 1
    bits = np.empty(n, dtype=np.uint8)
    last = np.full(n_pages, -1, dtype=np.int64)
    for t in range(n):
        q = evicted[t]
        if q != NO_PAGE:
            bits[last[q]] = 1
        p = pages[t]
        bits[t] = 1 if nxt[t] == n else 0
        last[p] = t
    return bits


@njit(cache=True)
def phase_bits_from_arrivals(phase, nxt, predictions):
    """Phase bits from predicted next arrivals (contract §7, last item).

    ``phase``: k-phase of every request (contract §1.3); ``nxt``: index of the
    next request of the same page (``n`` if none). At the last request of a
    page in its phase ``i`` the bit is the contract's rule: 1 iff there is no phase
    ``i+1`` or ``predictions[t] > E``, where ``E`` is the index at which phase
    ``i+2`` starts (``n`` if none). An earlier request of the page in the same
    phase takes the bit of its next request (backward scan), as the true
    phase bits do (:func:`.phases.phase_bits_kernel`). O(n).
    """
    n = phase.shape[0]
    bits = np.empty(n, dtype=np.uint8)
    if n == 0:
        return bits
    n_phases = phase[n - 1] + 1
    start = np.full(n_phases + 1, n, dtype=np.int64)
    for t in range(n - 1, -1, -1):
        start[phase[t]] = t
    for t in range(n - 1, -1, -1):
        u = nxt[t]
        i = phase[t]
        if u < n and phase[u] == i:
            bits[t] = bits[u]
        elif i + 1 >= n_phases:
            bits[t] = 1
        else:
            bits[t] = 1 if predictions[t] > start[i + 2] else 0
    return bits

"""True predictions: LFD cost and discard bits (SPEC §1.1–1.2), k-phases and
phase bits (SPEC §1.3)."""

import numpy as np

from .kernels.lfd import lfd_kernel, next_occurrences
from .kernels.phases import k_phases_kernel, phase_bits_kernel
from .validate import as_cache_size, as_pages

_NO_RECORD = np.empty(0, dtype=np.uint8), np.empty(0, dtype=np.int64)


def run_lfd(pages, n_pages, k, flags=_NO_RECORD[0], evicted=_NO_RECORD[1]):
    """LFD on validated input: ``(opt_faults, discard_bits)``.
    O(n log_64(n + N)) (see :func:`.kernels.lfd.lfd_kernel`)."""
    discard = np.empty(pages.shape[0], dtype=np.uint8)
    nxt = next_occurrences(pages, n_pages)
    faults = lfd_kernel(pages, nxt, k, n_pages, discard, flags, evicted)
    return int(faults), discard


def discard_bits(pages, k):
    """OPT and the true discard bits of ``pages`` for cache size ``k``.

    Returns ``(opt_faults, bits)``: the fault count of LFD (cold faults
    included) and a uint8 array with ``bits[t] = 1`` iff LFD evicts
    ``pages[t]`` before its next request or it is never requested again.
    O(n log_64(n + N)) time (at most 5 tree levels for 10^9 keys, so nearly
    independent of k), O(n + N) memory.
    """
    pages, n_pages = as_pages(pages)
    k = as_cache_size(k, n_pages)
    return run_lfd(pages, n_pages, k)


def k_phases(pages, k):
    """0-based k-phase index of every request (SPEC §1.3). O(n)."""
    pages, n_pages = as_pages(pages)
    k = as_cache_size(k, n_pages)
    return k_phases_kernel(pages, k, n_pages)


def phase_bits(pages, k):
    """True phase bits: ``bits[t] = 1`` iff ``pages[t]`` is not requested in
    the k-phase after the one of request ``t`` (or there is none). O(n)."""
    pages, n_pages = as_pages(pages)
    k = as_cache_size(k, n_pages)
    phase = k_phases_kernel(pages, k, n_pages)
    return phase_bits_kernel(pages, phase, next_occurrences(pages, n_pages))

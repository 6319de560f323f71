"""True predictions (contract §1.1–1.3): OPT (LFD) and discard bits, k-phases
and phase bits, and the one per-instance setup every experiment uses.

:func:`setup_instance` is the single place where an experiment, the
benchmark or a test turns one trace and one k into what the runs need
(:class:`Instance`); the public functions below validate their arguments and
return one piece each.
"""

from dataclasses import dataclass

import numpy as np

from succinct_paging.kernels.opt import next_occurrences, opt_kernel
from succinct_paging.kernels.phases import k_phases_kernel, phase_bits_kernel
from succinct_paging.validate import as_cache_size, as_pages

_NO_RECORD = np.empty(0, dtype=np.uint8), np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class Instance:
    """One trace at one cache size, with its truth (contract §1).

    ``pages``: dense int64 ids in ``[0, n_pages)``; ``k``: the cache size
    capped at ``max(n_pages, 1)`` (contract Appendix A: a larger cache never
    evicts); ``opt``: OPT's faults; ``discard``/``phase``: true discard and
    phase bits (uint8); ``phases``: the k-phase index of every request;
    ``next``: index of the next request of the same page (``n`` if none).
    """

    pages: np.ndarray
    n_pages: int
    k: int
    opt: int
    discard: np.ndarray
    phases: np.ndarray
    phase: np.ndarray
    next: np.ndarray

    @property
    def n(self):
        return int(self.pages.shape[0])

    @property
    def n_phases(self):
        """Number of k-phases (0 for an empty trace)."""
        return int(self.phases[-1]) + 1 if self.n else 0

    def bits(self, kind):
        """True bits of ``kind`` ("discard" or "phase")."""
        return {"discard": self.discard, "phase": self.phase}[kind]


def setup_instance(pages, k):
    """The :class:`Instance` of ``pages`` (any non-negative integer ids) at
    cache size ``k``. O(n log_64(n + N)) time, O(n + N) memory."""
    pages, n_pages = as_pages(pages)
    k = as_cache_size(k, n_pages)
    nxt = next_occurrences(pages, n_pages)
    discard = np.empty(pages.shape[0], dtype=np.uint8)
    opt = int(opt_kernel(pages, nxt, k, n_pages, discard, *_NO_RECORD))
    phases = k_phases_kernel(pages, k, n_pages)
    phase = phase_bits_kernel(pages, phases, nxt)
    return Instance(pages, n_pages, k, opt, discard, phases, phase, nxt)


def run_opt(pages, n_pages, k):
    """OPT (LFD) on validated input: ``(faults, discard_bits)``.
    O(n log_64(n + N)) (see :func:`.kernels.opt.opt_kernel`)."""
    discard = np.empty(pages.shape[0], dtype=np.uint8)
    faults = opt_kernel(pages, next_occurrences(pages, n_pages), k, n_pages, discard, *_NO_RECORD)
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
    return run_opt(pages, n_pages, as_cache_size(k, n_pages))


def k_phases(pages, k):
    """0-based k-phase index of every request (contract §1.3). O(n)."""
    pages, n_pages = as_pages(pages)
    return k_phases_kernel(pages, as_cache_size(k, n_pages), n_pages)


def phase_bits(pages, k):
    """True phase bits: ``bits[t] = 1`` iff ``pages[t]`` is not requested in
    the k-phase after the one of request ``t`` (or there is none). O(n)."""
    pages, n_pages = as_pages(pages)
    phase = k_phases_kernel(pages, as_cache_size(k, n_pages), n_pages)
    return phase_bits_kernel(pages, phase, next_occurrences(pages, n_pages))

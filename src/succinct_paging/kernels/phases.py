"""k-phases and phase bits (contract §1.3)."""

import numpy as np
from numba import njit


@njit(cache=True)
def k_phases_kernel(pages, k, n_pages):
    """Phase index of every request: phase 0 starts at request 0, a new phase
    at the request of the (k+1)-th distinct page since the phase began. O(n)."""
    n = pages.shape[0]
    phase = np.empty(n, dtype=np.int64)
    phase_of = np.full(n_pages, -1, dtype=np.int64)
    current = 0
    distinct = 0
    for t in range(n):
        p = pages[t]
        if phase_of[p] != current:
            if distinct == k:
                current += 1
                distinct = 0
            distinct += 1
            phase_of[p] = current
        phase[t] = current
    return phase


@njit(cache=True)
def phase_bits_kernel(pages, phase, nxt):
    """Phase bit of every request: 1 iff its page is not requested in the next
    phase (or there is none). Backward scan over next occurrences: within a
    phase all requests of a page share the answer of its last one. O(n)."""
    n = pages.shape[0]
    bits = np.empty(n, dtype=np.uint8)
    for t in range(n - 1, -1, -1):
        u = nxt[t]
        if u < n and phase[u] == phase[t]:
            bits[t] = bits[u]
        elif u < n and phase[u] == phase[t] + 1:
            bits[t] = 0
        else:
            bits[t] = 1
    return bits

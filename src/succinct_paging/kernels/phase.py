"""Kernel of MARK&PREDICT (SPEC §3.6), which uses phase bits.

Same calling contract as :mod:`.classic`; ``bits[t]`` is the predicted phase
bit of request ``t`` (1 = "not requested in the next k-phase").
"""

import numpy as np
from numba import njit

from ._common import NO_PAGE, bucket_add, bucket_draw, bucket_move_all, bucket_remove
from .classic import FAULT

# buckets: 2 * marked + latest phase bit.
_U0, _U1, _M0, _M1 = 0, 1, 2, 3


@njit(cache=True)
def mark_predict_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """MARK&PREDICT: marking (§3.1); on a fault with a full cache evict a random
    unmarked page with latest phase bit 1 if any, else a random unmarked page.
    O(1) amortised per request.
    """
    record = flags.shape[0] > 0
    items = np.empty((4, k), dtype=np.int64)
    sizes = np.zeros(4, dtype=np.int64)
    bucket_of = np.full(n_pages, -1, dtype=np.int64)
    slot_of = np.zeros(n_pages, dtype=np.int64)
    size = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        b = np.int64(bits[t])
        victim = NO_PAGE
        if bucket_of[p] >= 0:
            bucket_remove(items, sizes, bucket_of, slot_of, p)
            if record:
                flags[t] = 0
        else:
            faults += 1
            if size == k:
                if sizes[_U0] + sizes[_U1] == 0:  # every cached page marked
                    bucket_move_all(items, sizes, bucket_of, slot_of, _M0, _U0)
                    bucket_move_all(items, sizes, bucket_of, slot_of, _M1, _U1)
                if sizes[_U1] > 0:
                    victim = bucket_draw(items, sizes, rng, _U1, _U1)
                else:
                    victim = bucket_draw(items, sizes, rng, _U0, _U0)
                bucket_remove(items, sizes, bucket_of, slot_of, victim)
            else:
                size += 1
            if record:
                flags[t] = FAULT
        bucket_add(items, sizes, bucket_of, slot_of, _M0 + b, p)
        if record:
            evicted[t] = victim
    return faults

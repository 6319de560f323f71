"""Kernel of MARK&PREDICT (contract §3.6), which uses phase bits.

Follows the kernel contract of :mod:`succinct_paging.kernels`; ``bits[t]`` is the predicted phase
bit of request ``t`` (1 = "not requested in the next k-phase").
"""

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
    new_buckets,
)

# buckets: 2 * marked + latest phase bit.
_U0, _U1, _M0, _M1 = 0, 1, 2, 3


@njit(cache=True)
def mark_predict_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """MARK&PREDICT: marking (§3.1); on a fault with a full cache evict a random
    unmarked page with latest phase bit 1 if any, else a random unmarked page.
    O(1) amortised per request.
    """
    check_sizes(pages.shape[0], n_pages)
    record = flags.shape[0] > 0
    items, sizes, pos, shift = new_buckets(4, k, n_pages)
    size = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        victim = NO_PAGE
        if pos[p] != NO_PAGE:
            bucket_remove(items, sizes, pos, shift, p)
            bucket_add(items, sizes, pos, shift, _M0 + bits[t], p)
            if record:
                flags[t] = 0
                evicted[t] = NO_PAGE
            continue
        faults += 1
        if size == k:
            if sizes[_U0] + sizes[_U1] == 0:  # every cached page marked
                bucket_move_all(items, sizes, pos, shift, _M0, _U0)
                bucket_move_all(items, sizes, pos, shift, _M1, _U1)
            b = _U1 if sizes[_U1] > 0 else _U0
            victim = bucket_remove_at(items, sizes, pos, shift, bucket_draw(items, sizes, shift, rng, b, b))
        else:
            size += 1
        bucket_add(items, sizes, pos, shift, _M0 + bits[t], p)
        if record:
            flags[t] = FAULT
            evicted[t] = victim
    return faults

"""Practical baselines run by the libcachesim package (contract §10): ARC,
LIRS, S3-FIFO, 2Q and SIEVE, plus libcachesim's own LRU and FIFO (used only
to check our kernels against the library).

No new kernels: the page sequence is written once to a temporary file in
libCacheSim's binary ``oracleGeneral`` format (24-byte records, object id =
page + 1, size 1, in chunks of 2^20 requests), and libcachesim's C reader and
``process_trace`` simulate the policy with a cache of ``k`` unit-size
objects. No Python loop over requests; memory O(chunk) in Python plus the
library's per-object state; O(n) disk.

These runners follow the call of the kernel contract
(:mod:`succinct_paging.kernels`) but are not numba kernels: they cannot
record per-step flags, so ``combine(A,B)`` with one of them is rejected by
:func:`succinct_paging.algorithms.parse_algorithm`.

libcachesim is optional (``pip install 'succinct-paging[cache]'``; GPL-3.0
or later). :func:`available` says whether it is installed, without importing
it.
"""

import importlib.util
import os
import tempfile

import numpy as np

#: libcachesim class name of every policy this module runs.
POLICIES = {"arc": "ARC", "lirs": "LIRS", "s3fifo": "S3FIFO", "twoq": "TwoQ", "sieve": "Sieve",
            "lru": "LRU", "fifo": "FIFO"}

#: Below these cache sizes libcachesim aborts the process (S3-FIFO's small
#: queue of int(0.1 k) objects is empty), so the runner refuses them.
ABORTS_BELOW = {"s3fifo": 10}

_RECORD = np.dtype([("timestamp", "<u4"), ("obj_id", "<u8"), ("size", "<u4"), ("next_access_vtime", "<i8")])
_CHUNK = 1 << 20


def available():
    """Whether the libcachesim package is installed (not imported)."""
    return importlib.util.find_spec("libcachesim") is not None


def write_unit_trace(path, pages):
    """Write ``pages`` (dense int ids) as an oracleGeneral file: timestamp t
    (mod 2^32), object id page + 1, size 1, next access -1 (unused by the
    policies run here). O(n) time, O(2^20) extra memory."""
    pages = np.asarray(pages)
    with open(path, "wb") as fh:
        for start in range(0, pages.shape[0], _CHUNK):
            part = pages[start:start + _CHUNK]
            rec = np.empty(part.shape[0], dtype=_RECORD)
            rec["timestamp"] = (np.arange(start, start + part.shape[0], dtype=np.uint64) & 0xFFFFFFFF)
            rec["obj_id"] = part.astype(np.uint64) + 1
            rec["size"] = 1
            rec["next_access_vtime"] = -1
            rec.tofile(fh)


def hashpower(pages):
    """log2 of the initial size of libcachesim's hash tables: enough for the
    trace's distinct pages (ids are dense, so max + 1 of them), at least 2^8
    and at most libcachesim's default 2^24 (the tables grow when needed; the
    default costs 50-250 ms of allocation per run, which dominated short
    traces)."""
    n_pages = int(np.max(pages)) + 1 if len(pages) else 1
    return int(min(24, max(8, n_pages.bit_length() + 1)))


def faults_of(policy, pages, k):
    """Faults of libcachesim's ``policy`` (a key of :data:`POLICIES`) on
    ``pages`` with a cache of ``k`` unit-size objects, cold faults included.
    Raises ModuleNotFoundError with the install command if libcachesim is
    missing."""
    if not available():
        raise ModuleNotFoundError(
            f"algorithm {policy!r} is run by the optional package libcachesim; "
            "install it with: pip install 'succinct-paging[cache]' (or pip install libcachesim)")
    if int(k) < ABORTS_BELOW.get(policy, 1):
        raise ValueError(f"libcachesim's {POLICIES[policy]} needs k >= {ABORTS_BELOW[policy]} "
                         f"(it aborts the process below), got k = {k}")
    import libcachesim as lcs

    pages = np.asarray(pages)
    n = int(pages.shape[0])
    if n == 0:
        return 0
    fd, path = tempfile.mkstemp(suffix=".oracleGeneral.bin")
    os.close(fd)
    try:
        write_unit_trace(path, pages)
        reader = lcs.TraceReader(path, lcs.TraceType.ORACLE_GENERAL_TRACE)
        cache = getattr(lcs, POLICIES[policy])(int(k), hashpower=hashpower(pages))
        miss_ratio, _ = cache.process_trace(reader)
    finally:
        os.unlink(path)
    faults = miss_ratio * n
    return int(round(faults))


def _runner(policy):
    def kernel(pages, bits, k, n_pages, rng, flags, evicted):
        if flags.shape[0]:
            raise ValueError(f"{policy!r} is run by libcachesim, which records no per-step evictions; "
                             "it cannot be part of combine(A,B)")
        return faults_of(policy, pages, k)

    kernel.__name__ = f"{policy}_kernel"
    kernel.__doc__ = f"libcachesim's {POLICIES[policy]} under the kernel contract's call (no recording)."
    return kernel


arc_kernel = _runner("arc")
lirs_kernel = _runner("lirs")
s3fifo_kernel = _runner("s3fifo")
twoq_kernel = _runner("twoq")
sieve_kernel = _runner("sieve")

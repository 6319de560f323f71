"""Argument checks for the public API.

numba does not check bounds at run time, so every array that enters a kernel
passes through here first. Errors are ``ValueError`` naming the argument.
"""

import math
import numbers

import numpy as np

#: Sparse ids above this multiple of n (plus a constant) are remapped densely.
_SPARSE_FACTOR = 4

#: Largest cache size accepted anywhere (library, config, command line). A k
#: at least the number of distinct pages never evicts, so larger values could
#: only be capped; the limit keeps every count far inside 64-bit integers.
MAX_K = 10**9

#: Seeds are integers in [0, MAX_SEED] (63 bits, as numpy and the tables store).
MAX_SEED = 2**63 - 1


def as_pages(pages):
    """Return ``(pages, n_pages)``: an int64 array of ids in ``[0, n_pages)``.

    Accepts any 1-D array-like of non-negative integers. Ids are kept as they
    are when dense enough (max id < 4n + 1024); otherwise they are remapped
    order-preservingly, which changes no algorithm's result (only LFD's
    tie-break looks at ids, and it looks at their order). O(n), or O(n log n)
    when remapping.
    """
    arr = np.asarray(pages)
    if arr.ndim != 1:
        raise ValueError(f"pages must be a 1-D array, got shape {arr.shape}")
    # timedelta64 is a numpy integer subtype, not a page id; [] is float64 in numpy
    if arr.dtype.kind not in ("biuf" if arr.size == 0 else "iu"):
        raise ValueError(f"pages must have an integer dtype, got {arr.dtype}")
    if arr.size == 0:
        return arr.astype(np.int64), 0
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0:
        raise ValueError(f"pages must be non-negative ids, found {lo}")
    if hi >= _SPARSE_FACTOR * arr.size + 1024:
        _, dense = np.unique(arr, return_inverse=True)
        dense = dense.astype(np.int64)
        return dense, int(dense.max()) + 1
    return np.ascontiguousarray(arr, dtype=np.int64), hi + 1


def as_bits(bits, n=None, name="bits", other="pages"):
    """Return ``bits`` as a contiguous uint8 array of 0/1 values (of length
    ``n``, that of the argument ``other``, unless ``n`` is None)."""
    if bits is None:
        raise ValueError(f"{name} are required for this algorithm")
    arr = np.asarray(bits)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} has length {arr.shape[0]} but {other} has length {n}")
    if arr.dtype.kind not in ("biuf" if arr.size == 0 else "biu"):
        raise ValueError(f"{name} must be 0/1 integers or booleans, got dtype {arr.dtype}")
    if arr.size and (int(arr.min()) < 0 or int(arr.max()) > 1):
        where = int(np.flatnonzero((arr != 0) & (arr != 1))[0])
        raise ValueError(f"{name} must contain only 0 and 1, found {arr[where].item()!r} at index {where}")
    return np.ascontiguousarray(arr, dtype=np.uint8)


def as_cache_size(k, n_pages, name="k"):
    """``k`` as a Python int in ``[1, MAX_K]``, capped at ``max(n_pages, 1)``.

    A cache that can hold all ``n_pages`` pages never evicts (a fault always
    finds a free slot), so every k >= n_pages gives the same faults, truth
    bits and k-phases (contract §1). Capping keeps kernels, which allocate O(k)
    memory and store sizes in fixed-width integers, away from huge k (a k of
    2**62 used to crash the interpreter).
    """
    return min(as_int(k, name, 1, MAX_K), max(int(n_pages), 1))


def as_budget(budget, n, name="budget"):
    """A fault budget as a Python int >= 1, capped at ``max(n, 1)``: a phase
    of a trace of ``n`` requests has at most ``n`` faults, so larger budgets
    never trigger and change nothing."""
    return min(as_int(budget, name), max(int(n), 1))


def as_seed(seed, name="seed"):
    """``seed`` as a Python int in ``[0, MAX_SEED]`` (``MAX_SEED = 2**63 - 1``)."""
    return as_int(seed, name, 0, MAX_SEED)


def as_rate(rate, name="rate"):
    """``rate`` as a float in ``[0, 1]``."""
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0.0 <= float(rate) <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {rate!r}")
    return float(rate)


def as_predictions(predictions, n=None, name="predictions"):
    """Predicted next-arrival times (contract §7) as a contiguous float64 array
    (of length ``n`` unless ``n`` is None): any real dtype, finite values."""
    if predictions is None:
        raise ValueError(f"{name} are required for this algorithm "
                         "(predicted next-arrival times, e.g. succinct_paging.noisy_arrivals)")
    arr = np.asarray(predictions)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} has length {arr.shape[0]} but pages has length {n}")
    if arr.dtype.kind not in ("biuf" if arr.size == 0 else "iuf"):
        raise ValueError(f"{name} must be real numbers, got dtype {arr.dtype}")
    out = np.ascontiguousarray(arr, dtype=np.float64)
    if out.size and not np.isfinite(out).all():
        where = int(np.flatnonzero(~np.isfinite(out))[0])
        raise ValueError(f"{name} must be finite, found {out[where].item()!r} at index {where}")
    return out


def as_sigma(sigma, name="sigma"):
    """A noise parameter as a finite float >= 0."""
    if isinstance(sigma, bool) or not isinstance(sigma, numbers.Real) or not 0.0 <= float(sigma) < float("inf"):
        raise ValueError(f"{name} must be a finite number >= 0, got {sigma!r}")
    return float(sigma)


def as_int(value, name, minimum=1, maximum=None):
    """``value`` as a Python int in ``[minimum, maximum]`` (no maximum if
    None); bools, floats and strings are rejected. The one integer check of
    the package: ValueError ``"<name> must be an integer >= <minimum>, got
    <value!r>"`` (or ``in [<minimum>, <maximum>]``)."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum
            or (maximum is not None and value > maximum)):
        top = "2**63 - 1" if maximum == MAX_SEED else maximum
        allowed = f"in [{minimum}, {top}]" if maximum is not None else f">= {minimum}"
        raise ValueError(f"{name} must be an integer {allowed}, got {value!r}")
    return int(value)


def as_real(name, value, low, high=math.inf):
    """``value`` as a finite float in ``[low, high]`` (bools and NaN rejected)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    if not low <= value <= high or math.isinf(value):
        bounds = f"in [{low}, {high}]" if high < math.inf else f">= {low} and finite"
        raise ValueError(f"{name} must be {bounds}, got {value}")
    return float(value)


# ------------------------------------------------------ trace file options

#: Formats of a trace file (contract §5; succinct_paging.traces.formats).
FILES_FORMATS = ("txt", "csv", "oracleGeneral")

#: Largest ``limit`` (requests read from one file): the kernels keep per-page
#: state in int32, so a trace must stay below 2**31 - 64 requests.
MAX_LIMIT = 2_000_000_000

#: The one table of which reading option each format uses (``format`` and
#: ``limit`` apply to all).
FILES_FORMAT_OPTIONS = {
    "txt": ("header",),
    "csv": ("column", "delimiter", "header"),
    "oracleGeneral": (),
}


def files_format_problem(options):
    """The first problem of a trace file's reading ``options`` (a mapping of
    the given keys among format, column, delimiter, header, limit), as
    ``(key, message)``, or None. The one table for the ``files`` family
    config keys (:mod:`succinct_paging.config`: ``config key <where>.<key>:
    <message>``) and the readers' arguments
    (:func:`succinct_paging.traces.formats.check_options`: ``<file>: <key>
    <message>``). O(1)."""
    fmt = options.get("format", "txt")
    if fmt not in FILES_FORMATS:
        return "format", f"{fmt!r} is not allowed; allowed: {', '.join(FILES_FORMATS)}"
    limit = options.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, numbers.Integral)
                              or not 1 <= limit <= MAX_LIMIT):
        return "limit", f"{limit!r} is out of range; allowed: an integer in [1, {MAX_LIMIT}]"
    for key in ("column", "delimiter", "header"):
        if key in options and key not in FILES_FORMAT_OPTIONS[fmt]:
            users = [f for f, keys in FILES_FORMAT_OPTIONS.items() if key in keys]
            return key, f"not used by format {fmt!r}; it applies to format {' and '.join(map(repr, users))}"
    column = options.get("column")
    if fmt == "csv" and column is None:
        return "column", ("required for format 'csv' (the header name or the 1-based field number of the page "
                          "id; command line: --column C)")
    if column is not None:
        number = column if isinstance(column, numbers.Integral) and not isinstance(column, bool) else \
            (int(column) if isinstance(column, str) and column.isdigit() else None)
        if (not isinstance(column, (str, numbers.Integral)) or isinstance(column, bool) or column == ""
                or (number is not None and number < 1)):
            return "column", f"{column!r} is not allowed; allowed: a header name or a field number >= 1"
    delimiter = options.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '\r\n"'
                                  or ord(delimiter) < 32 and delimiter != "\t" or delimiter == "\x7f"):
        return "delimiter", (f"{delimiter!r} is not allowed; allowed: one character other than a quote, a line "
                             "end or a control character, e.g. ',' or \"\\t\" (a tab)")
    if isinstance(column, str) and not column.isdigit() and options.get("header") is False:
        return "header", (f"false, but column {column!r} is a header name; set header: true or give the 1-based "
                          "field number")
    return None

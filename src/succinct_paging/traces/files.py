"""Reading the user's trace files (contract §1, §5): one file is one instance,
its ids (in any format of :mod:`succinct_paging.traces.formats`) remapped to
dense ``int64`` ids ``0 … N-1`` in order of first appearance.

Errors about a file raise :class:`TraceError`, whose message names the file
(and the 1-based line where one applies); a trace that is readable but
probably misread gets a :class:`TraceWarning` naming the file and what to set.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from succinct_paging.traces.formats import read_ids, stem
from succinct_paging.traces.errors import TraceError, TraceWarning
from succinct_paging.traces.checksums import CHECKSUM_FILE, read_checksums, verify_mirror_file

# ----------------------------------------------------------------- remapping


def remap(ids) -> np.ndarray:
    """Map page ids to dense ints ``0 … N-1`` in order of first appearance.

    ``ids`` is any sequence of hashable ids (strings, ints, …) or a 1-D numpy
    array; equal ids (Python ``==``/hash) get the same int (contract §1).
    Returns an ``int64`` array of the same length. O(n) expected: a dict for
    Python sequences, ``pandas.factorize`` (a hash table) for integer/bool
    numpy arrays, e.g. the ``uint64`` ids of an oracleGeneral trace.
    """
    if isinstance(ids, (str, bytes)):
        raise TypeError("remap expects a sequence of page ids, not a single string")
    if isinstance(ids, np.ndarray):
        if ids.ndim != 1:
            raise ValueError(f"remap expects a 1-D array of page ids, got shape {ids.shape}")
        if ids.dtype.kind in "biu":
            # pandas.factorize numbers values in order of first appearance (its
            # codes are our dense ids), in O(n) with a hash table
            return pd.factorize(ids, sort=False)[0].astype(np.int64, copy=False)
        ids = ids.tolist()
    codes: dict = {}
    out = [codes.setdefault(x, len(codes)) for x in ids]
    return np.array(out, dtype=np.int64)


# ------------------------------------------------------------------ reading

_DISTINCT_WARN_MIN = 100  # shorter all-distinct traces are plausible test material


def read_trace(path, format: str = "txt", *, column=None, delimiter=None, header=None, limit=None) -> np.ndarray:
    """Read one trace file and remap its ids by :func:`remap`.

    ``format``: ``txt`` (one id per line), ``csv`` (``column`` = header name
    or 1-based field number, ``delimiter``, ``header``) or ``oracleGeneral``
    (libCacheSim binary records); gzip and zstandard files are decompressed
    transparently; ``limit`` keeps the first requests. Details and errors:
    :mod:`succinct_paging.traces.formats`. Text ids are compared as strings
    after removing surrounding whitespace (``7`` and ``07`` are two pages).
    Warns (:class:`TraceWarning`) if every request of a trace of at least 100
    is to a distinct page, which makes every algorithm and OPT fault on every
    request. O(n).
    """
    ids = read_ids(path, format, column=column, delimiter=delimiter, header=header, limit=limit)
    if isinstance(ids, list):
        ids = np.array(ids, dtype=object)
    pages = pd.factorize(ids, sort=False)[0].astype(np.int64, copy=False)
    if pages.size >= _DISTINCT_WARN_MIN and int(pages.max()) + 1 == pages.size:
        warnings.warn(
            f"{path}: every one of its {pages.size} requests is to a distinct page, so every algorithm and OPT "
            "fault on every request (ratio 1). If the page id is one column of delimited text, set format: csv "
            "and column (command line: --format csv --column C)", TraceWarning, stacklevel=2)
    return pages


def trace_stats(pages) -> dict:
    """``{"requests", "distinct", "one_time_share"}`` of a dense trace: the
    number of requests, of distinct pages, and the share of distinct pages
    requested exactly once (1.0 means no page is ever requested again). O(n)."""
    pages = np.asarray(pages)
    counts = np.bincount(pages) if pages.size else np.zeros(0, dtype=np.int64)
    distinct = int(np.count_nonzero(counts))
    return {"requests": int(pages.size), "distinct": distinct,
            "one_time_share": float(np.count_nonzero(counts == 1) / distinct) if distinct else 0.0}


def _natural_key(name: str):
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)]


def load_trace_folder(folder, glob: str = "*.txt", verify: bool = True, **read_options) -> list[tuple[str, np.ndarray]]:
    """Read a folder of the user's own traces: ``[(instance, pages)]``.

    Every file matching ``glob`` (``SHA256SUMS`` excluded) is one instance,
    named by its stem without compression and format suffixes
    (:func:`succinct_paging.traces.formats.stem`: ``a.csv.gz`` -> ``a``), in natural order (``t2``
    before ``t10``); each is read by :func:`read_trace` with ``read_options``
    (``format``, ``column``, ``delimiter``, ``header``, ``limit``). Two files
    with the same instance name (``a.txt`` and ``a.csv``) are an error naming
    both. If the folder has a ``SHA256SUMS`` and ``verify`` is on, every file
    is checked against it.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise TraceError(f"trace folder {folder} not found")
    paths = sorted((p for p in folder.glob(glob) if p.is_file() and p.name != CHECKSUM_FILE),
                   key=lambda p: _natural_key(p.name))
    if not paths:
        raise TraceError(f"trace folder {folder}: no file matches {glob!r}")
    seen: dict[str, Path] = {}
    for path in paths:
        name = stem(path)
        if name in seen:
            raise TraceError(
                f"trace folder {folder}: {seen[name].name} and {path.name} would both be instance {name!r}; "
                f"rename one, or narrow glob (now {glob!r}) so that it matches one of them")
        seen[name] = path
    if verify and (folder / CHECKSUM_FILE).is_file():
        sums = read_checksums(folder)
        for path in paths:
            verify_mirror_file(path, sums)
    return [(stem(path), read_trace(path, **read_options)) for path in paths]

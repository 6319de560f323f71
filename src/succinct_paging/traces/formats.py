"""Trace file formats (contract §5): what a file's bytes mean, before the ids
are remapped to dense integers (:func:`succinct_paging.traces.files.remap`).

- ``txt``: one page id per line (any string; ``\\n``, ``\\r\\n`` and a lone
  ``\\r`` all end a line, so a file saved with old Mac line ends is read line
  by line, not as one request); an optional header line.
- ``csv``: delimited text (CSV, TSV, …) with the page id in one ``column``,
  given by header name or as a 1-based field number (like libCacheSim's
  ``obj-id-col`` and ``cut -f``); ``delimiter`` defaults to a tab for
  ``*.tsv`` files and ``,`` otherwise; a header is read when the column is a
  name or ``header`` is set.
- ``oracleGeneral``: libCacheSim's binary records ``<u4 timestamp, <u8
  obj_id, <u4 size, <i8 next_access_vtime>`` (24 bytes, little-endian, no
  padding); only ``obj_id`` is kept. Every record is a request (libCacheSim's
  reader can skip records of size 0; we do not: a page request has no size).

Any of them may be gzip or zstandard compressed; compression is recognised
by the file's magic bytes, not its name. ``limit`` keeps the first requests
only. Every error is a :class:`TraceError` naming the file (and the 1-based
line where one applies) and what to set; doubtful but possible input gets a
:class:`TraceWarning` saying the same.

Cost: ``oracleGeneral`` is read in chunks of 2^20 records with
``np.frombuffer`` (no Python loop over records): O(n) time and 8 bytes per
request of memory (plus the chunk); ``txt`` and ``csv`` are O(n) in the size
of the text, which they hold in memory once.
"""

from __future__ import annotations

import gzip
import io
import re
import warnings
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import zstandard

from succinct_paging.traces.errors import TraceError, TraceWarning

FORMATS = ("txt", "csv", "oracleGeneral")

#: One libCacheSim oracleGeneral record (24 bytes, packed, little-endian).
ORACLE_GENERAL = np.dtype([
    ("timestamp", "<u4"),
    ("obj_id", "<u8"),
    ("size", "<u4"),
    ("next_access_vtime", "<i8"),
])

_CHUNK = 1 << 20  # records per read of an oracleGeneral file
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_COMPRESSED_SUFFIXES = (".gz", ".zst")
_SAMPLE = 1000  # lines looked at by the sanity checks
_INTEGER = re.compile(rb"[+-]?\d+")
_DAMAGED = (OSError, EOFError, zlib.error, zstandard.ZstdError)  # unreadable or corrupt compressed data
_TEXT_BYTES = frozenset(range(32, 127)) | {9, 10, 13}
_DELIMITERS = {b",": "','", b"\t": "a tab", b";": "';'", b"|": "'|'"}


# ----------------------------------------------------------- compression


def compression(path) -> str | None:
    """``"gzip"``, ``"zstd"`` or None, from the first bytes of the file."""
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic[:2] == _GZIP_MAGIC:
        return "gzip"
    if magic == _ZSTD_MAGIC:
        return "zstd"
    return None


def open_binary(path):
    """Open ``path`` for binary reading, decompressing gzip or zstandard
    data transparently (recognised by magic bytes). Raises
    :class:`TraceError` naming the file if it cannot be opened."""
    path = Path(path)
    try:
        kind = compression(path)
        if kind == "gzip":
            return gzip.open(path, "rb")
        if kind == "zstd":
            return zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True)
        return open(path, "rb")
    except OSError as exc:
        raise TraceError(f"{path}: cannot read trace file ({exc.strerror or exc})") from exc


def _read_all(path) -> bytes:
    try:
        with open_binary(path) as f:
            return f.read()
    except _DAMAGED as exc:
        raise TraceError(f"{path}: cannot read or decompress trace file ({exc})") from exc


def stem(path) -> str:
    """Instance name of a trace file: its name without a compression suffix
    (``.gz``, ``.zst``) and without its format suffix (``a.csv.zst`` -> ``a``)."""
    name = Path(path).name
    for suffix in _COMPRESSED_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return Path(name).stem


# ----------------------------------------------------------------- text


def _lines(data: bytes) -> list[bytes]:
    """Lines of ``data``; ``\\n``, ``\\r\\n`` and a lone ``\\r`` each end a
    line and a final line end adds no line (``bytes.splitlines``)."""
    return data.splitlines()


def _decode_check(path, data: bytes) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = len(_lines(data[: exc.start] + b"x"))
        raise TraceError(
            f"{path}, line {line}: not valid UTF-8 ({exc.reason}); if this is a libCacheSim binary trace, "
            "set format: oracleGeneral (command line: --format oracleGeneral)") from exc


def _looks_like_header(first: bytes, rest: list[bytes]) -> bool:
    """The first id is not an integer while every sampled later id is."""
    return bool(rest) and not _INTEGER.fullmatch(first) and all(_INTEGER.fullmatch(x) for x in rest)


def _empty(path):
    return TraceError(f"{path}: empty trace file (no requests)")


def read_text_ids(path, *, header: bool = False, limit: int | None = None) -> list[bytes]:
    """Page ids of a ``txt`` trace, as bytes with surrounding whitespace
    removed: one per line, after a header line if ``header``; the first
    ``limit`` only if given.

    Raises :class:`TraceError` for an empty file, non-UTF-8 bytes or a blank
    line (naming file and line), and when every sampled line holds the same
    delimiter (a CSV/TSV file read as text: every whole line would become a
    distinct page). Warns (:class:`TraceWarning`) when the first line looks
    like a header and ``header`` is not set.
    """
    path = Path(path)
    data = _read_all(path)
    if not data:
        raise _empty(path)
    _decode_check(path, data)
    lines = _lines(data)
    start = 1 if header else 0
    ids = [line.strip() for line in lines[start:]]
    if limit is not None:
        ids = ids[:limit]
    if not ids:
        raise _empty(path) if not header else TraceError(f"{path}: only a header line, no requests")
    if not all(ids):
        line = ids.index(b"") + 1 + start
        raise TraceError(f"{path}, line {line}: blank line (every line must hold one page id)")
    sample = ids[:_SAMPLE]
    for delim, name in _DELIMITERS.items():
        if all(delim in x for x in sample):
            first = lines[0].strip().decode("utf-8", "replace")
            raise TraceError(
                f"{path}: every line holds {name} (line {start + 1}: {first!r}), so each whole line would be "
                f"one page id; this looks like delimited text: set format: csv and column: <header name or "
                f"1-based field number> (command line: --format csv --column C)")
    if not header and _looks_like_header(ids[0], sample[1:]):
        warnings.warn(
            f"{path}, line 1: {ids[0].decode('utf-8', 'replace')!r} looks like a header (every other sampled "
            "line is an integer); it is read as a page id. Set header: true (command line: --header) to skip it",
            TraceWarning, stacklevel=3)
    return ids


# ------------------------------------------------------------------ csv


def default_delimiter(path) -> str:
    """Tab for ``*.tsv`` (before a compression suffix), ``,`` otherwise."""
    name = Path(path).name
    for suffix in _COMPRESSED_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return "\t" if name.lower().endswith(".tsv") else ","


def read_csv_ids(path, column, *, delimiter: str | None = None, header: bool | None = None,
                 limit: int | None = None) -> np.ndarray:
    """Page ids of a delimited-text trace: the values of ``column`` (a header
    name, or a 1-based field number) as strings (an object array).

    ``header``: None = read a header exactly when ``column`` is a name.
    Quoting follows the CSV rules (pandas' C parser); ``\\n``, ``\\r\\n`` and a
    lone ``\\r`` end a record. Raises :class:`TraceError` (naming the file, the
    line where one applies, and what to set) for a column name not in the
    header, a field number beyond the first line's fields, a first line
    without the delimiter when another column than the first is asked for,
    an empty id, or a malformed row. Warns when the first value of the column
    looks like a header and no header is read.
    """
    path = Path(path)
    delimiter = default_delimiter(path) if delimiter is None else delimiter
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\r\n\"":
        raise TraceError(f"{path}: delimiter {delimiter!r} is not allowed; allowed: one character "
                         "other than a quote or a line end, e.g. ',' or a tab")
    by_name = isinstance(column, str) and not column.isdigit()
    if header is None:
        header = by_name
    if by_name and not header:
        raise TraceError(f"{path}: column {column!r} is a name, which needs a header; set header: true "
                         "or give the 1-based field number")
    if not by_name:
        try:
            number = int(column)
        except (TypeError, ValueError):
            raise TraceError(f"{path}: column {column!r} is not allowed; allowed: a header name or a 1-based "
                             "field number") from None
        if number < 1:
            raise TraceError(f"{path}: column {column!r} is out of range; field numbers start at 1")
    data = _read_all(path)
    if not data:
        raise _empty(path)
    _decode_check(path, data)
    lines = _lines(data[: 1 << 20])
    first = lines[0]
    fields = first.decode("utf-8").split(delimiter)
    shown = "a tab" if delimiter == "\t" else repr(delimiter)
    if by_name:
        names = [f.strip().strip('"').lstrip("\ufeff") for f in fields]
        if column not in names:
            hint = "" if len(fields) > 1 else f"; line 1 holds no {shown}: set delimiter"
            raise TraceError(f"{path}, line 1: no column named {column!r} in the header; the header has "
                             f"{', '.join(map(repr, names))}{hint}")
        index = names.index(column)
    else:
        index = number - 1
        if index >= len(fields):
            hint = f"; line 1 holds no {shown}: set delimiter" if len(fields) == 1 else ""
            raise TraceError(f"{path}, line 1: column {number} asked for, but the line has {len(fields)} "
                             f"field(s) separated by {shown}{hint}")
    try:
        frame = pd.read_csv(
            io.BytesIO(data), sep=delimiter, header=0 if header else None, usecols=[index], dtype=str,
            na_filter=False, skip_blank_lines=False, nrows=limit, engine="c", encoding="utf-8",
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise TraceError(f"{path}: cannot read as delimited text with delimiter {shown} ({exc})") from exc
    del data
    ids = frame.iloc[:, 0].to_numpy(dtype=object)
    if ids.size == 0:
        raise TraceError(f"{path}: no requests" + (" after the header line" if header else ""))
    stripped = np.char.strip(ids.astype(str))
    blank = np.flatnonzero(stripped == "")
    if blank.size:
        line = int(blank[0]) + 1 + int(bool(header))
        raise TraceError(f"{path}, line {line}: empty page id in column {column!r}")
    ids = stripped.astype(object)
    if not header:
        sample = [x.encode() for x in ids[:_SAMPLE]]
        if _looks_like_header(sample[0], sample[1:]):
            warnings.warn(
                f"{path}, line 1: {ids[0]!r} in column {column!r} looks like a header (every other sampled "
                "value is an integer); it is read as a page id. Set header: true (command line: --header) "
                "or name the column", TraceWarning, stacklevel=3)
    return ids


# ------------------------------------------------------------- binary


def _read_exact(stream, nbytes: int) -> bytes:
    parts, got = [], 0
    while got < nbytes:
        part = stream.read(nbytes - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _partial(path, rest, records):
    return (f"{path}: ends with a partial record ({rest} of 24 bytes after {records} records): truncated, "
            "or not an oracleGeneral trace (<u4 timestamp, <u8 obj_id, <u4 size, <i8 next_access_vtime>)")


def read_oracle_general_ids(path, *, limit: int | None = None) -> np.ndarray:
    """``obj_id`` of every record of a libCacheSim oracleGeneral trace
    (:data:`ORACLE_GENERAL`), as ``uint64``; the first ``limit`` only if given.

    Reads chunks of 2^20 records with ``np.frombuffer`` (O(n), 8 bytes per
    request plus 24 MiB). Raises :class:`TraceError` naming the file for an
    empty file, a size that is not a whole number of 24-byte records (a
    truncated file, or not oracleGeneral) and a first record that is
    printable text (a text trace read as binary: set format txt or csv).
    """
    path = Path(path)
    plain = compression(path) is None
    try:
        with open_binary(path) as f:
            head = _read_exact(f, ORACLE_GENERAL.itemsize)
    except _DAMAGED as exc:
        raise TraceError(f"{path}: cannot read or decompress trace file ({exc})") from exc
    if head and set(head) <= _TEXT_BYTES:
        raise TraceError(f"{path}: the first bytes are text ({head!r}), not an oracleGeneral record; set "
                         "format: txt or csv (command line: --format txt|csv)")
    total = None
    if plain:
        size = path.stat().st_size
        total, rest = divmod(size, ORACLE_GENERAL.itemsize)
        if rest:
            raise TraceError(_partial(path, rest, total))
    wanted = total if limit is None else (limit if total is None else min(limit, total))
    out = np.empty(wanted, dtype=np.uint64) if wanted is not None else None
    parts = []
    n = 0
    try:
        with open_binary(path) as f:
            while wanted is None or n < wanted:
                records = _CHUNK if wanted is None else min(_CHUNK, wanted - n)
                buf = _read_exact(f, records * ORACLE_GENERAL.itemsize)
                whole = len(buf) // ORACLE_GENERAL.itemsize
                if whole * ORACLE_GENERAL.itemsize != len(buf):
                    raise TraceError(_partial(path, len(buf) % ORACLE_GENERAL.itemsize, n + whole))
                ids = np.frombuffer(buf, dtype=ORACLE_GENERAL)["obj_id"]
                if out is not None:
                    out[n: n + whole] = ids
                else:
                    parts.append(ids.copy())
                n += whole
                if whole < records:
                    break
    except _DAMAGED as exc:
        raise TraceError(f"{path}: cannot read or decompress trace file ({exc})") from exc
    if n == 0:
        raise _empty(path)
    if out is None:
        return np.concatenate(parts)
    return out[:n]


# -------------------------------------------------------------- dispatch


def check_options(path, format: str, column, delimiter, header, limit) -> None:
    """Reject options the format does not use (naming them and the format)."""
    if format not in FORMATS:
        raise TraceError(f"{path}: format {format!r} is not allowed; allowed: {', '.join(FORMATS)}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 1):
        raise TraceError(f"{path}: limit {limit!r} is not allowed; allowed: an integer >= 1")
    unused = {"txt": ("column", "delimiter"), "oracleGeneral": ("column", "delimiter", "header")}.get(format, ())
    given = {"column": column, "delimiter": delimiter, "header": header or None}
    bad = [name for name in unused if given[name] is not None]
    if bad:
        raise TraceError(f"{path}: {', '.join(bad)} not used by format {format!r}; "
                         "they apply to format 'csv'" + ("" if format == "txt" or "header" not in bad else
                                                          " (header also to 'txt')"))
    if format == "csv" and column is None:
        raise TraceError(f"{path}: format 'csv' needs column: the header name or 1-based field number "
                         "of the page id (command line: --column C)")


def read_ids(path, format: str = "txt", *, column=None, delimiter=None, header=None, limit=None):
    """Raw page ids of one trace file in ``format`` (see the module
    docstring): a list of bytes (``txt``), an object array of str (``csv``)
    or a ``uint64`` array (``oracleGeneral``); remap them with
    :func:`succinct_paging.traces.files.remap`."""
    check_options(path, format, column, delimiter, header, limit)
    if format == "txt":
        return read_text_ids(path, header=bool(header), limit=limit)
    if format == "csv":
        return read_csv_ids(path, column, delimiter=delimiter, header=header, limit=limit)
    return read_oracle_general_ids(path, limit=limit)


def write_oracle_general(path, obj_ids, timestamps=None, sizes=None) -> None:
    """Write ``obj_ids`` as a libCacheSim oracleGeneral trace (uncompressed):
    timestamps default to 0, 1, …, sizes to 1, ``next_access_vtime`` is the
    index of the next request to the same id (-1 if none), as libCacheSim's
    traceConv writes it. For tests and the benchmark. O(n log n)."""
    obj_ids = np.asarray(obj_ids, dtype=np.uint64)
    n = obj_ids.size
    records = np.empty(n, dtype=ORACLE_GENERAL)
    records["timestamp"] = np.arange(n, dtype=np.uint32) if timestamps is None else timestamps
    records["obj_id"] = obj_ids
    records["size"] = 1 if sizes is None else sizes
    order = np.lexsort((np.arange(n), obj_ids))
    nxt = np.full(n, -1, dtype=np.int64)
    same = obj_ids[order[1:]] == obj_ids[order[:-1]]
    nxt[order[:-1][same]] = order[1:][same]
    records["next_access_vtime"] = nxt
    records.tofile(path)

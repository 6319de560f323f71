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

One text dialect for ``txt`` and ``csv``, header and body alike (a ``txt``
line is a one-field CSV record): a UTF-8 byte-order mark at the start is
dropped; a field that starts with ``"`` is quoted (``""`` inside it is one
``"``; a quoted field may not hold a line end); every id is stripped of
surrounding whitespace (Unicode's, so a non-breaking space too); control
characters (U+0000–U+001F other than tab and line ends, U+007F) are an error;
a row with another number of fields than the first line is an error. So a
one-column file gives the same pages read as ``txt`` or as ``csv`` column 1.

Any of them may be gzip, zstandard, bzip2 or xz compressed; compression is
recognised by the file's magic bytes, not its name. A truncated or corrupt
compressed stream is an error naming the file, never a shorter trace. Files
are read as a stream of 16 MiB blocks: ``limit`` (keep the first requests)
stops reading there, and a file that decompresses to more than
:data:`MAX_DECOMPRESSED_BYTES` (8 GiB) without reaching ``limit`` is an error.
A line longer than :data:`MAX_LINE_BYTES` (1 MiB) is an error naming it. Every
error is a :class:`TraceError` naming the file (and the 1-based line where one
applies) and what to set; doubtful but possible input gets a
:class:`TraceWarning` saying the same.

Cost: O(n) time; no Python loop per request on the common path (blocks
without quotes are split with ``str.split`` and numpy; blocks with quotes go
through the standard library's ``csv`` reader). Memory: the ids read so far
(one Python string per text request, 8 bytes per oracleGeneral request) plus
one block, never the longest field times the number of rows.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import math
import re
import warnings
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import zstandard

from succinct_paging.traces.errors import TraceError, TraceWarning
from succinct_paging.validate import FILES_FORMATS as FORMATS, files_format_problem

#: One libCacheSim oracleGeneral record (24 bytes, packed, little-endian).
ORACLE_GENERAL = np.dtype([
    ("timestamp", "<u4"),
    ("obj_id", "<u8"),
    ("size", "<u4"),
    ("next_access_vtime", "<i8"),
])

#: Largest number of (decompressed) bytes read from one trace file when
#: ``limit`` does not stop earlier: 8 GiB, about 2·10^9 short text requests
#: or 3.6·10^8 oracleGeneral records; beyond, set ``limit`` or split the file.
MAX_DECOMPRESSED_BYTES = 8 << 30
#: Longest line of a text trace (1 MiB); longer is an error naming the line.
MAX_LINE_BYTES = 1 << 20

_BLOCK = 1 << 24  # decompressed bytes per read
_ZSTD_INPUT = 1 << 12  # compressed bytes per zstd step: at most ~128 MiB out
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_BZIP2_MAGIC = b"BZh"
_XZ_MAGIC = b"\xfd7zXZ\x00"
_COMPRESSED_SUFFIXES = (".gz", ".zst", ".bz2", ".xz")
_SAMPLE = 1000  # lines looked at by the sanity checks
_INTEGER = re.compile(r"[+-]?\d+")
_DAMAGED = (OSError, EOFError, zlib.error, lzma.LZMAError, zstandard.ZstdError)  # unreadable or corrupt
_TEXT_BYTES = frozenset(range(32, 127)) | {9, 10, 13}
_DELIMITERS = {",": "','", "\t": "a tab", ";": "';'", "|": "'|'"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TXT_FIELD_SEP = "\x1f"  # a control character, so never in an accepted line: one field per line


# ----------------------------------------------------------- compression


def compression(path) -> str | None:
    """``"gzip"``, ``"zstd"``, ``"bzip2"``, ``"xz"`` or None, from the first
    bytes of the file."""
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic[:2] == _GZIP_MAGIC:
        return "gzip"
    if magic[:4] == _ZSTD_MAGIC:
        return "zstd"
    if magic[:3] == _BZIP2_MAGIC:
        return "bzip2"
    if magic == _XZ_MAGIC:
        return "xz"
    return None


class _ZstdStream:
    """A read-only stream of the concatenated zstandard frames of ``raw`` that
    raises ``EOFError`` when the input ends inside a frame (zstandard's own
    ``stream_reader`` returns a shorter stream instead). Output per step is
    bounded (4 KiB of input at a time)."""

    def __init__(self, raw):
        self._raw = raw
        self._dec = zstandard.ZstdDecompressor()
        self._obj = self._dec.decompressobj()
        self._fed = False  # the current frame has input
        self._pending = bytearray()
        self._done = False

    def read(self, size=-1):
        """Up to ``size`` decompressed bytes (all that are left when
        ``size`` is negative or None, as ``io`` streams do); b"" at the end."""
        if size is None or size < 0:
            size = math.inf
        while len(self._pending) < size and not self._done:
            data = self._raw.read(_ZSTD_INPUT)
            if not data:
                if self._fed and not self._obj.eof:
                    raise EOFError("compressed file ended before the end-of-stream marker was reached")
                self._done = True
                break
            while data:
                self._fed = True
                out = self._obj.decompress(data)
                self._pending += out
                if self._obj.eof:
                    data = self._obj.unused_data
                    self._obj = self._dec.decompressobj()
                    self._fed = False
                else:
                    data = b""
        if size == math.inf:
            size = len(self._pending)
        out = bytes(self._pending[:size])
        del self._pending[:size]
        return out

    def close(self):
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_binary(path):
    """Open ``path`` for binary reading, decompressing gzip, zstandard, bzip2
    or xz data transparently (recognised by magic bytes). A truncated stream
    raises ``EOFError`` when read to its end. Raises :class:`TraceError`
    naming the file if it cannot be opened."""
    path = Path(path)
    try:
        kind = compression(path)
        if kind == "gzip":
            return gzip.open(path, "rb")
        if kind == "zstd":
            return _ZstdStream(open(path, "rb"))
        if kind == "bzip2":
            return bz2.open(path, "rb")
        if kind == "xz":
            return lzma.open(path, "rb")
        return open(path, "rb")
    except OSError as exc:
        raise TraceError(f"{path}: cannot read trace file ({exc.strerror or exc})") from exc


def _damaged(path, exc):
    if isinstance(exc, EOFError):
        return TraceError(f"{path}: truncated compressed file ({exc}); the trace is incomplete. "
                          "Copy or download it again")
    return TraceError(f"{path}: cannot read or decompress trace file ({exc})")


def _too_big(path):
    return TraceError(f"{path}: decompresses to more than {MAX_DECOMPRESSED_BYTES / 2**30:g} GiB, the maximum "
                      "read from one trace file (succinct_paging.traces.formats.MAX_DECOMPRESSED_BYTES); "
                      "set limit (command line: --limit N) to read the first N requests, or split the file")


def blocks(path, size: int | None = None):
    """Decompressed bytes of ``path`` in blocks of ``size`` (the last may be
    shorter). Raises :class:`TraceError` naming the file for a truncated or
    corrupt stream and once more than :data:`MAX_DECOMPRESSED_BYTES` are read.
    Stopping the iteration stops decompressing."""
    size = _BLOCK if size is None else size
    total = 0
    try:
        with open_binary(path) as f:
            while True:
                part = f.read(size)
                while part and len(part) < size:  # some streams return short reads
                    more = f.read(size - len(part))
                    if not more:
                        break
                    part += more
                if not part:
                    return
                total += len(part)
                if total > MAX_DECOMPRESSED_BYTES:
                    raise _too_big(path)
                yield part
                if len(part) < size:
                    return
    except _DAMAGED as exc:
        raise _damaged(path, exc) from exc


def _read_all(path) -> bytes:
    return b"".join(blocks(path))


def stem(path) -> str:
    """Instance name of a trace file: its name without a compression suffix
    (``.gz``, ``.zst``, ``.bz2``, ``.xz``) and without its format suffix
    (``a.csv.zst`` -> ``a``)."""
    name = Path(path).name
    for suffix in _COMPRESSED_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return Path(name).stem


# ----------------------------------------------------------------- text


def _text_blocks(path):
    """``(first line number, lines)`` of ``path`` in blocks of whole lines:
    decoded UTF-8, byte-order mark dropped, ``\\r\\n`` and ``\\r`` turned into
    ``\\n``, the last line end removed. Raises :class:`TraceError` for bytes
    that are not UTF-8, control characters and lines over
    :data:`MAX_LINE_BYTES` (naming file and line)."""
    carry = b""
    line = 1
    first = True
    for raw in blocks(path):
        buf = carry + raw
        cut = max(buf.rfind(b"\n"), buf.rfind(b"\r"))
        if cut == len(buf) - 1 and buf.endswith(b"\r"):
            cut -= 1  # a \r at the end may be the first half of \r\n
            cut = max(buf.rfind(b"\n", 0, cut + 1), buf.rfind(b"\r", 0, cut + 1))
        whole, carry = buf[: cut + 1], buf[cut + 1:]
        if len(carry) > MAX_LINE_BYTES:
            raise _overlong(path, line + _count_lines(whole))
        _check_line_lengths(path, whole, line)
        if whole:
            yield from _decoded(path, whole, line, first)
            line += whole.count(b"\n") + whole.count(b"\r") - whole.count(b"\r\n")
            first = False
    if carry:
        yield from _decoded(path, carry, line, first)


def _count_lines(data: bytes) -> int:
    """Line ends in ``data`` (``\n``, ``\r\n``, ``\r``)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _overlong(path, line):
    return TraceError(f"{path}, line {line}: longer than {MAX_LINE_BYTES / 2**20:g} MiB, the longest line "
                      "allowed (MAX_LINE_BYTES); not a trace of page ids, or a binary file (set format: "
                      "oracleGeneral for libCacheSim's binary trace)")


def _check_line_lengths(path, data: bytes, line: int) -> None:
    """Raise for a line of ``data`` longer than :data:`MAX_LINE_BYTES`
    (vectorised: the gaps between line ends)."""
    if len(data) <= MAX_LINE_BYTES:
        return
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero((raw == 10) | (raw == 13))
    gaps = np.diff(np.concatenate(([-1], ends, [raw.size]))) - 1
    if gaps.max() > MAX_LINE_BYTES:
        start = int(np.concatenate(([-1], ends))[int(np.argmax(gaps > MAX_LINE_BYTES))]) + 1
        raise _overlong(path, line + _count_lines(data[:start]))


def _decoded(path, data: bytes, line: int, first: bool):
    """``(line, text, plain)`` of one block of whole lines (see
    :func:`_text_blocks`); ``plain``: no space, tab or non-ASCII byte, so no
    id needs stripping. Control characters and UTF-8 are checked on the
    bytes with numpy (no Python loop)."""
    if first and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TraceError(
            f"{path}, line {line + _count_lines(data[: exc.start])}: not valid UTF-8 ({exc.reason}); if this "
            "is a libCacheSim binary trace, set format: oracleGeneral (command line: --format oracleGeneral)"
        ) from exc
    raw = np.frombuffer(data, dtype=np.uint8)
    control = ((raw < 32) & (raw != 9) & (raw != 10) & (raw != 13)) | (raw == 127)
    if control.any():
        at = int(np.argmax(control))
        raise TraceError(f"{path}, line {line + _count_lines(data[:at])}: control character "
                         f"{chr(raw[at])!r} in a page id; a text trace holds printable ids (if this is a "
                         "libCacheSim binary trace, set format: oracleGeneral)")
    plain = not ((raw == 32) | (raw == 9) | (raw >= 128)).any()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    yield line, text, plain


def _records(path, text: str, line: int, delimiter: str, n_fields: int | None):
    """The rows of one block of lines as a list of field lists (quoted
    blocks, the standard library's strict CSV reader) or None when the block
    holds no quote (the caller splits it). Checks the number of fields."""
    if '"' not in text:
        return None
    reader = csv.reader(text.split("\n"), delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
    rows = []
    try:
        for row in reader:
            if reader.line_num != len(rows) + 1:  # the csv module joins a quoted field across lines
                raise csv.Error("a quoted field may not hold a line end")
            rows.append(row)
    except csv.Error as exc:
        raise TraceError(f"{path}, line {line + len(rows)}: malformed quoting ({exc}); a quoted "
                         "field starts with \" and ends with \" before the next delimiter or the line end "
                         "(\"\" inside it is one quote)") from None
    if n_fields is not None:
        for i, row in enumerate(rows):
            if len(row) != n_fields and row:
                raise _ragged(path, line + i, len(row), n_fields, delimiter)
    return rows


def _ragged(path, line, got, want, delimiter):
    shown = "a tab" if delimiter == "\t" else repr(delimiter)
    return TraceError(f"{path}, line {line}: {got} field(s) separated by {shown}, but the first line has "
                      f"{want}; every row must have the same number of fields")


def _strip(fields: list, plain: bool) -> list:
    return fields if plain else [f.strip() for f in fields]


def _blank(path, fields, line, what):
    if "" in fields:
        raise TraceError(f"{path}, line {line + fields.index('')}: {what}")


_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[48:58] = True


def _canonical_ints(text: str):
    """The ids of a block of ``\n``-separated ids as int64 when every one is
    a canonical decimal integer (digits only, no leading zero, at most 18
    digits), else None. Such an id and its int are the same page (the str of
    the int spells it), so this is exact. Vectorised (numpy on the bytes,
    pandas' C parser)."""
    raw = np.frombuffer(text.encode("ascii", "replace"), dtype=np.uint8)
    if raw.size == 0:
        return None
    newline = raw == 10
    if not (_DIGIT[raw] | newline).all():
        return None
    starts = np.concatenate(([0], np.flatnonzero(newline) + 1))
    ends = np.append(np.flatnonzero(newline), raw.size)
    lengths = ends - starts
    if lengths.min() < 1 or lengths.max() > 18:
        return None
    if ((raw[np.minimum(starts, raw.size - 1)] == 48) & (lengths > 1)).any():
        return None
    return pd.read_csv(io.BytesIO(raw.tobytes()), header=None, dtype=np.int64, engine="c",
                       skip_blank_lines=False).iloc[:, 0].to_numpy()


def _join(chunks, limit):
    """One array of the ids of ``chunks`` (int64 arrays or lists of str):
    int64 if every chunk is, else an object array of str. At most ``limit``."""
    if all(isinstance(c, np.ndarray) for c in chunks):
        out = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
    else:
        out = np.empty(sum(len(c) for c in chunks), dtype=object)
        i = 0
        for c in chunks:
            out[i: i + len(c)] = c.astype(str) if isinstance(c, np.ndarray) else c
            i += len(c)
    return out if limit is None else out[:limit]


def _empty(path):
    return TraceError(f"{path}: empty trace file (no requests)")


def _looks_like_header(first: str, rest: list) -> bool:
    """The first id is not an integer while every sampled later id is."""
    return bool(rest) and not _INTEGER.fullmatch(first) and all(_INTEGER.fullmatch(x) for x in rest)


def read_text_ids(path, *, header: bool = False, limit: int | None = None) -> np.ndarray:
    """Page ids of a ``txt`` trace (the module's text dialect: one field per
    line), as str: after a header line if ``header``; the first ``limit``
    only if given (reading stops there).

    Raises :class:`TraceError` for an empty file, non-UTF-8 bytes, control
    characters or a blank line (naming file and line), and when every sampled
    line holds the same delimiter (a CSV/TSV file read as text: every whole
    line would become a distinct page). Warns (:class:`TraceWarning`) when the
    first line looks like a header and ``header`` is not set. Returns an
    int64 array when every id is a canonical decimal integer (the same pages,
    read faster), else an object array of str.
    """
    path = Path(path)
    chunks, sample, n = [], [], 0
    skip = bool(header)
    first_line = None
    raw_sample = []
    for line, text, plain in _text_blocks(path):
        if first_line is None:
            first_line = text.partition("\n")[0]
            # the lines as written (a quoted id may hold a delimiter: not a sign of delimited text)
            raw_sample = [x for x in text.split("\n", _SAMPLE + 1)[int(bool(header)):_SAMPLE + 1]
                          if not x.lstrip().startswith('"')]
        if skip:  # the header line: one record, in the same dialect
            head, _, text = text.partition("\n")
            _records(path, head, line, _TXT_FIELD_SEP, None)
            line, skip = line + 1, False
            if not text:
                continue
        ints = _canonical_ints(text) if plain else None
        if ints is not None:  # the common case: integer ids, no Python loop
            n = _add(path, chunks, sample, ints, line, limit, n, "")
        else:
            rows = _records(path, text, line, _TXT_FIELD_SEP, None)
            fields = text.split("\n") if rows is None else [r[0] if r else "" for r in rows]
            fields = _strip(fields, plain)
            n = _add(path, chunks, sample, fields, line, limit, n, "blank line (every line must hold one page id)")
        if limit is not None and n >= limit:
            break
    if not n:
        raise _empty(path) if first_line is None or not header else \
            TraceError(f"{path}: only a header line, no requests")
    start = 1 if header else 0
    for delim, name in _DELIMITERS.items():
        if raw_sample and all(delim in x for x in raw_sample):
            raise TraceError(
                f"{path}: every line holds {name} (line {start + 1}: {sample[0]!r}), so each whole line would be "
                f"one page id; this looks like delimited text: set format: csv and column: <header name or "
                f"1-based field number> (command line: --format csv --column C)")
    if not header and _looks_like_header(sample[0], sample[1:]):
        warnings.warn(
            f"{path}, line 1: {sample[0]!r} looks like a header (every other sampled "
            "line is an integer); it is read as a page id. Set header: true (command line: --header) to skip it",
            TraceWarning, stacklevel=3)
    return _join(chunks, limit)


def _add(path, chunks, sample, fields, line, limit, n, blank):
    """Append one block's ids to ``chunks``: ``fields`` (a list of str, kept
    as int64 when every id is a canonical integer) or an int64 array; the
    first ones to ``sample`` (as str); returns the count so far."""
    if limit is not None:
        fields = fields[: limit - n]
    if isinstance(fields, np.ndarray):
        ints = fields
        if len(sample) < _SAMPLE:
            sample += ints[: _SAMPLE - len(sample)].astype(str).tolist()
    else:
        _blank(path, fields, line, blank)
        if len(sample) < _SAMPLE:
            sample += fields[: _SAMPLE - len(sample)]
        ints = _canonical_ints("\n".join(fields)) if fields else None
    if len(fields):
        chunks.append(fields if ints is None else ints)
    return n + len(fields)


# ------------------------------------------------------------------ csv


def default_delimiter(path) -> str:
    """Tab for ``*.tsv`` (before a compression suffix), ``,`` otherwise."""
    name = Path(path).name
    for suffix in _COMPRESSED_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return "\t" if name.lower().endswith(".tsv") else ","


def _split_column(path, text: str, line: int, delimiter: str, n_fields: int, index: int) -> list:
    """Field ``index`` of every row of a quote-free block, checking that each
    row has ``n_fields`` fields. Vectorised: per-line delimiter counts by numpy
    on the encoded block, the column by one ``str.split`` and a slice."""
    if n_fields == 1:
        return text.split("\n")
    raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    ends = np.flatnonzero(raw == 10)
    delims = np.flatnonzero(raw == ord(delimiter)) if ord(delimiter) < 128 else None
    if delims is None:  # a non-ASCII delimiter: count per line in Python
        counts = np.array([x.count(delimiter) for x in text.split("\n")])
    else:
        bounds = np.searchsorted(delims, np.append(ends, raw.size))
        counts = np.diff(np.concatenate(([0], bounds)))
    bad = np.flatnonzero(counts != n_fields - 1)
    if bad.size:
        raise _ragged(path, line + int(bad[0]), int(counts[bad[0]]) + 1, n_fields, delimiter)
    cells = text.replace("\n", delimiter).split(delimiter)
    return cells[index::n_fields]


def read_csv_ids(path, column, *, delimiter: str | None = None, header: bool | None = None,
                 limit: int | None = None) -> np.ndarray:
    """Page ids of a delimited-text trace: the values of ``column`` (a header
    name, or a 1-based field number) as str, in the module's text dialect
    (quoting, byte-order mark, line ends, stripping) for header and body.

    ``header``: None = read a header exactly when ``column`` is a name.
    Raises :class:`TraceError` (naming the file, the line where one applies,
    and what to set) for a column name not in the header, a field number
    beyond the first line's fields, a row with another number of fields than
    the first line, malformed quoting, an empty id or control characters.
    Warns when the first value of the column looks like a header and no
    header is read. Reading stops at ``limit``.
    """
    path = Path(path)
    delimiter = default_delimiter(path) if delimiter is None else delimiter
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\r\n\"" or _CONTROL.match(delimiter):
        raise TraceError(f"{path}: delimiter {delimiter!r} is not allowed; allowed: one character "
                         "other than a quote, a line end or a control character, e.g. ',' or a tab")
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
    shown = "a tab" if delimiter == "\t" else repr(delimiter)
    chunks, sample, n = [], [], 0
    n_fields = index = None
    saw_line = False
    for line, text, plain in _text_blocks(path):
        if n_fields is None:
            first, _, _ = text.partition("\n")
            saw_line = True
            rows = _records(path, first, line, delimiter, None)
            names = [f.strip() for f in (rows[0] if rows else [""])] if rows is not None else \
                [f.strip() for f in first.split(delimiter)]
            n_fields = len(names)
            if by_name:
                if column not in names:
                    hint = "" if n_fields > 1 else f"; line 1 holds no {shown}: set delimiter"
                    raise TraceError(f"{path}, line 1: no column named {column!r} in the header; the header "
                                     f"has {', '.join(map(repr, names))}{hint}")
                index = names.index(column)
            else:
                index = number - 1
                if index >= n_fields:
                    hint = f"; line 1 holds no {shown}: set delimiter" if n_fields == 1 else ""
                    raise TraceError(f"{path}, line 1: column {number} asked for, but the line has {n_fields} "
                                     f"field(s) separated by {shown}{hint}")
        rows = _records(path, text, line, delimiter, n_fields)
        if rows is None:
            fields = _split_column(path, text, line, delimiter, n_fields, index)
        else:
            fields = [r[index] if r else "" for r in rows]
        fields = _strip(fields, plain)
        if header and line == 1:
            fields, line = fields[1:], 2
        n = _add(path, chunks, sample, fields, line, limit, n, f"empty page id in column {column!r}")
        if limit is not None and n >= limit:
            break
    if not saw_line:
        raise _empty(path)
    if not n:
        raise TraceError(f"{path}: no requests" + (" after the header line" if header else ""))
    if not header:
        if _looks_like_header(sample[0], sample[1:]):
            warnings.warn(
                f"{path}, line 1: {sample[0]!r} in column {column!r} looks like a header (every other sampled "
                "value is an integer); it is read as a page id. Set header: true (command line: --header) "
                "or name the column", TraceWarning, stacklevel=3)
    return _join(chunks, limit)


# ------------------------------------------------------------- binary


def _partial(path, rest, records):
    return (f"{path}: ends with a partial record ({rest} of 24 bytes after {records} records): truncated, "
            "or not an oracleGeneral trace (<u4 timestamp, <u8 obj_id, <u4 size, <i8 next_access_vtime>)")


def read_oracle_general_ids(path, *, limit: int | None = None) -> np.ndarray:
    """``obj_id`` of every record of a libCacheSim oracleGeneral trace
    (:data:`ORACLE_GENERAL`), as ``uint64``; the first ``limit`` only if given
    (reading stops there; nothing is reserved for ``limit`` up front).

    Reads blocks of 2^20 records with ``np.frombuffer`` (O(n), 8 bytes per
    request plus 24 MiB). Raises :class:`TraceError` naming the file for an
    empty file, a truncated or corrupt compressed stream, a size that is not
    a whole number of 24-byte records (a truncated file, or not
    oracleGeneral), more than :data:`MAX_DECOMPRESSED_BYTES` of records and
    a first record that is printable text (a text trace read as binary).
    """
    path = Path(path)
    size = ORACLE_GENERAL.itemsize
    parts = []
    n = 0
    per_block = (1 << 20) if limit is None else min(1 << 20, limit)  # records; no more than limit asks for
    for buf in blocks(path, size * per_block):
        if n == 0 and set(buf[:size]) <= _TEXT_BYTES:
            raise TraceError(f"{path}: the first bytes are text ({buf[:size]!r}), not an oracleGeneral record; "
                             "set format: txt or csv (command line: --format txt|csv)")
        whole = len(buf) // size
        if whole * size != len(buf):
            raise TraceError(_partial(path, len(buf) % size, n + whole))
        ids = np.frombuffer(buf, dtype=ORACLE_GENERAL)["obj_id"]
        if limit is not None:
            ids = ids[: limit - n]
        parts.append(ids.copy())
        n += ids.size
        if limit is not None and n >= limit:
            break
    if n == 0:
        raise _empty(path)
    return np.concatenate(parts)


# -------------------------------------------------------------- dispatch


def check_options(path, format: str, column, delimiter, header, limit) -> None:
    """Reject options the format does not use and bad values (the one table
    of :func:`succinct_paging.validate.files_format_problem`, which the
    config check uses too), naming them and the format."""
    given = {"format": format, "column": column, "delimiter": delimiter, "header": header, "limit": limit}
    problem = files_format_problem({k: v for k, v in given.items() if v is not None})
    if problem:
        raise TraceError(f"{path}: {problem[0]} {problem[1]}")


def read_ids(path, format: str = "txt", *, column=None, delimiter=None, header=None, limit=None):
    """Raw page ids of one trace file in ``format`` (see the module
    docstring): an int64 array (text whose ids are all canonical decimal
    integers), an object array of str (other text) or a ``uint64`` array
    (``oracleGeneral``); remap them with
    :func:`succinct_paging.traces.files.remap`."""
    check_options(path, format, column, delimiter, header or None, limit)
    if format == "txt":
        return read_text_ids(path, header=bool(header), limit=limit)
    if format == "csv":
        return read_csv_ids(path, column, delimiter=delimiter, header=header, limit=limit)
    return read_oracle_general_ids(path, limit=limit)


def oracle_general_records(obj_ids, timestamps=None, sizes=None) -> np.ndarray:
    """``obj_ids`` as libCacheSim oracleGeneral records (:data:`ORACLE_GENERAL`)
    in libCacheSim's convention (its ``traceConv``, ``convert_to_oracleGeneral``:
    "reference count starts with 1"): ``next_access_vtime`` is the 1-based
    position of the next request to the same id, -1 if there is none;
    timestamps default to 1, 2, …, sizes to 1. O(n log n)."""
    obj_ids = np.asarray(obj_ids, dtype=np.uint64)
    n = obj_ids.size
    records = np.empty(n, dtype=ORACLE_GENERAL)
    records["timestamp"] = np.arange(1, n + 1, dtype=np.uint64).astype(np.uint32) if timestamps is None else timestamps
    records["obj_id"] = obj_ids
    records["size"] = 1 if sizes is None else sizes
    order = np.lexsort((np.arange(n), obj_ids))
    nxt = np.full(n, -1, dtype=np.int64)
    same = obj_ids[order[1:]] == obj_ids[order[:-1]]
    nxt[order[:-1][same]] = order[1:][same] + 1  # 1-based, as libCacheSim counts requests
    records["next_access_vtime"] = nxt
    return records


def write_oracle_general(path, obj_ids, timestamps=None, sizes=None) -> None:
    """Write ``obj_ids`` as an uncompressed libCacheSim oracleGeneral trace,
    records by :func:`oracle_general_records` (libCacheSim's convention:
    1-based ``next_access_vtime``, -1 for none). The one writer of the
    package: tests and the benchmark use it. O(n log n)."""
    oracle_general_records(obj_ids, timestamps, sizes).tofile(path)

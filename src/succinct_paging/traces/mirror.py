"""The offline mirror of the real traces (BrightKite, CitiBike; contract §5)
and of the caching field's traces (its ``cache/`` folder; contract §10):
its layout, its ``SHA256SUMS`` checks, and loading a family from it."""

from __future__ import annotations

import lzma
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import zstandard

from succinct_paging.cache_traces import CACHE_FOLDER, cache_trace
from succinct_paging.traces.checksums import CHECKSUM_FILE, read_checksums, verify_mirror_file
from succinct_paging.traces.errors import TraceError
from succinct_paging.traces.files import read_trace
from succinct_paging.traces.formats import open_binary

# ------------------------------------------------------------- real traces


@dataclass(frozen=True)
class RealFamily:
    """How one real trace family is laid out in the mirror (SPEC §5)."""

    folder: str  # sub-folder of the mirror
    pattern: re.Pattern  # full match on a file name; group 1 = instance number
    n_instances: int  # number of instances in the published mirror
    length: int  # requests per instance
    k: int  # conventional cache size in the literature
    instances: tuple[str, ...] | None = None  # fixed instance list, if known


REAL_FAMILIES: dict[str, RealFamily] = {
    "brightkite": RealFamily(
        folder="brightkite",
        pattern=re.compile(r"bk(\d+)\.txt"),
        n_instances=100,
        length=2100,
        k=10,
    ),
    "citibike": RealFamily(
        folder="citibike",
        pattern=re.compile(r"citi(\d\d)\.txt"),
        n_instances=12,
        length=25000,
        k=100,
        instances=tuple(f"citi{m:02d}" for m in range(1, 13)),
    ),
}


def real_family(family: str) -> RealFamily:
    try:
        return REAL_FAMILIES[family]
    except KeyError:
        allowed = ", ".join(sorted(REAL_FAMILIES))
        raise ValueError(f"unknown real trace family {family!r}; allowed: {allowed}") from None


def list_instances(mirror_dir, family: str) -> list[tuple[str, Path]]:
    """``[(instance, path)]`` of one real family in the mirror, sorted by the
    integer in the name (``bk0, bk11, bk15, …``; ``citi01 … citi12``).

    Instance name = file stem. Files not matching the family's pattern
    (``SHA256SUMS``, notes) are ignored. Raises :class:`TraceError` if the
    family folder does not exist or holds no instance.
    """
    spec = real_family(family)
    folder = Path(mirror_dir) / spec.folder
    if not folder.is_dir():
        raise TraceError(
            f"mirror folder {folder} not found; set `traces.mirror` in the config "
            "or run the fetch rule"
        )
    found = []
    for path in folder.iterdir():
        match = spec.pattern.fullmatch(path.name)
        if match and path.is_file():
            found.append((int(match.group(1)), path.stem, path))
    if not found:
        raise TraceError(f"mirror folder {folder}: no {family} instance files found")
    return [(stem, path) for _, stem, path in sorted(found)]


def load_real_family(mirror_dir, family: str, verify: bool = True) -> list[tuple[str, np.ndarray]]:
    """Read every instance of a real family: ``[(instance, pages)]`` in the
    order of :func:`list_instances`, pages remapped per instance.

    With ``verify`` every file is checked against the folder's ``SHA256SUMS``
    first, and an instance listed there but missing is an error (a partial
    mirror would silently change the results). O(total size).
    """
    instances = list_instances(mirror_dir, family)
    if verify:
        folder = instances[0][1].parent
        sums = read_checksums(folder)
        pattern = real_family(family).pattern
        present = {path.name for _, path in instances}
        missing = sorted(n for n in sums if pattern.fullmatch(n) and n not in present)
        if missing:
            raise TraceError(
                f"{folder / CHECKSUM_FILE}: lists files missing from the mirror: {', '.join(missing)}"
            )
        for _, path in instances:
            verify_mirror_file(path, sums)
    return [(name, read_trace(path)) for name, path in instances]


# -------------------------------------------------------------- cache traces


_ID_CHUNK = 1 << 21  # lines per chunk of a txt cache trace


def read_integer_ids(path) -> np.ndarray:
    """Ids of a text trace with one integer a line (gzip, zstd, bzip2 or xz
    decompressed by magic bytes), as int64: parsed by pandas' C reader in chunks of 2^21
    lines, no Python object per request. O(n) time, 8 bytes per request plus
    one chunk. Raises :class:`TraceError` naming the file for a line that is
    not one integer, or an empty file."""
    path = Path(path)
    parts = []
    try:
        with open_binary(path) as f:
            reader = pd.read_csv(f, header=None, names=["id"], dtype=np.int64, engine="c",
                                 chunksize=_ID_CHUNK, skip_blank_lines=False)
            for chunk in reader:
                parts.append(chunk["id"].to_numpy())
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise TraceError(f"{path}: not one integer page id per line ({exc})") from exc
    except (OSError, EOFError, zlib.error, zstandard.ZstdError, lzma.LZMAError) as exc:
        raise TraceError(f"{path}: cannot read or decompress trace file ({exc})") from exc
    ids = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    if ids.size == 0:
        raise TraceError(f"{path}: empty trace file (no requests)")
    return ids


def load_cache_trace(mirror_dir, name: str, verify: bool = True) -> list[tuple[str, np.ndarray]]:
    """Read the cache trace ``name`` from ``mirror_dir/cache/``: ``[(name,
    pages)]`` (one instance), pages remapped to dense ids in order of first
    appearance. With ``verify`` the file is checked against the folder's
    ``SHA256SUMS`` first. O(n) time; peak memory about 45 bytes per request
    (ids, the hash table of the remap, the result), no Python object per
    request. Raises :class:`TraceError` naming the file if it is missing,
    corrupt or unreadable."""
    spec = cache_trace(name)
    folder = Path(mirror_dir) / CACHE_FOLDER
    path = folder / spec.file
    if not path.is_file():
        raise TraceError(f"cache trace {name!r}: file {path} not found; set traces.mirror to a mirror "
                         "with a cache/ folder (see its README)")
    if verify:
        verify_mirror_file(path, read_checksums(folder))
    if spec.format == "txt":
        ids = read_integer_ids(path)
        pages = pd.factorize(ids, sort=False)[0].astype(np.int64, copy=False)
        del ids
    elif spec.format == "csv":
        pages = read_trace(path, "csv", column=spec.column, header=True)
    else:
        pages = read_trace(path, spec.format)
    return [(name, pages)]

"""Request traces (SPEC §5): reading, checking, generating and cutting them.

- Files: one page id per line (SPEC §1: ids are arbitrary strings), remapped
  to dense ``int64`` ids ``0 … N-1`` in order of first appearance.
- Real traces come from an offline mirror folder (BrightKite, CitiBike) whose
  files are checked against the folder's ``SHA256SUMS``; ``cut_brightkite``
  and ``cut_citibike`` rebuild such a folder from the public sources as the
  mirror's README (Provenance) describes, and ``fetch_sources`` downloads them.
- Synthetic traces (``uniform``, ``zipf``, ``loop``, ``working_set``) are
  seeded with ``np.random.default_rng(seed)`` only (no global state).

Errors about a file raise :class:`TraceError`, whose message names the file
(and the 1-based line where one applies); bad arguments raise ``ValueError``
naming the argument.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import heapq
import math
import numbers
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHECKSUM_FILE = "SHA256SUMS"


class TraceError(ValueError):
    """A trace, checksum or source file is missing, malformed or corrupt.

    The message always names the file, and the 1-based line where relevant.
    """


class FetchError(RuntimeError):
    """A public source could not be downloaded (e.g. no network)."""


# ----------------------------------------------------------------- remapping


def remap(ids) -> np.ndarray:
    """Map page ids to dense ints ``0 … N-1`` in order of first appearance.

    ``ids`` is any sequence of hashable ids (strings, ints, …) or a 1-D numpy
    array; equal ids (Python ``==``/hash) get the same int (SPEC §1).
    Returns an ``int64`` array of the same length. O(n) expected with a dict;
    integer/bool numpy arrays take a vectorised O(n log n) path.
    """
    if isinstance(ids, (str, bytes)):
        raise TypeError("remap expects a sequence of page ids, not a single string")
    if isinstance(ids, np.ndarray):
        if ids.ndim != 1:
            raise ValueError(f"remap expects a 1-D array of page ids, got shape {ids.shape}")
        if ids.dtype.kind in "biu":
            if ids.size == 0:
                return np.zeros(0, dtype=np.int64)
            _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
            rank = np.empty(first.size, dtype=np.int64)
            rank[np.argsort(first, kind="stable")] = np.arange(first.size, dtype=np.int64)
            return rank[inverse.reshape(-1)]
        ids = ids.tolist()
    codes: dict = {}
    out = [codes.setdefault(x, len(codes)) for x in ids]
    return np.array(out, dtype=np.int64)


# ------------------------------------------------------------------ reading


def read_trace(path) -> np.ndarray:
    """Read a trace file: one page id per line, remapped by :func:`remap`.

    Format (mirror README): UTF-8, ``\\n`` line ends; ``\\r\\n`` is accepted
    too (the ``\\r`` is removed with the surrounding whitespace of each id,
    so both give the same array); a missing final newline is accepted.
    Raises :class:`TraceError` for an empty file (naming it) and for a blank
    or whitespace-only line or non-UTF-8 bytes (naming file and line).
    O(n); about 0.1 s for 300,000 lines.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TraceError(f"{path}: cannot read trace file ({exc.strerror or exc})") from exc
    if not data:
        raise TraceError(f"{path}: empty trace file (no requests)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TraceError(f"{path}, line {line}: not valid UTF-8 ({exc.reason})") from exc
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the final newline ends the last line, it adds none
    ids = [line.strip() for line in lines]
    if not all(ids):
        line = ids.index("") + 1
        raise TraceError(f"{path}, line {line}: blank line (every line must hold one page id)")
    return remap(ids)


# ---------------------------------------------------------------- checksums


def sha256_file(path) -> str:
    """Hex SHA-256 digest of a file's bytes. O(size), streamed in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_SUM_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")


def read_checksums(folder) -> dict[str, str]:
    """Parse ``folder/SHA256SUMS`` into ``{file name: lowercase hex digest}``.

    Lines are ``<hex>  <name>`` (text mode, as ``sha256sum`` writes) or
    ``<hex> *<name>`` (binary mode); blank lines are ignored. Raises
    :class:`TraceError` if the file is missing, a line is malformed (naming
    the line) or a name is listed twice with different digests.
    """
    path = Path(folder) / CHECKSUM_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TraceError(f"{path}: checksum file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceError(f"{path}: cannot read checksum file ({exc})") from exc
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _SUM_LINE.match(line.rstrip("\r"))
        if match is None:
            raise TraceError(
                f"{path}, line {number}: expected '<64 hex digits>  <file name>', got {line!r}"
            )
        digest, name = match.group(1).lower(), match.group(2)
        if sums.get(name, digest) != digest:
            raise TraceError(f"{path}, line {number}: {name} listed twice with different digests")
        sums[name] = digest
    return sums


def write_checksums(folder, names=None) -> Path:
    """Write ``folder/SHA256SUMS`` for ``names`` (default: every regular file
    in ``folder`` except the checksum file), sorted by name, in the format
    ``sha256sum`` writes (so ``sha256sum -c SHA256SUMS`` accepts it)."""
    folder = Path(folder)
    if names is None:
        names = [p.name for p in folder.iterdir() if p.is_file() and p.name != CHECKSUM_FILE]
    lines = [f"{sha256_file(folder / name)}  {name}\n" for name in sorted(names)]
    out = folder / CHECKSUM_FILE
    out.write_text("".join(lines), encoding="utf-8", newline="\n")
    return out


def verify_mirror_file(path, checksums: dict[str, str]) -> None:
    """Check ``path`` against ``checksums`` (from :func:`read_checksums`),
    looked up by file name. Raises :class:`TraceError` naming the file if it
    has no entry, or naming the file, expected and actual digest on mismatch."""
    path = Path(path)
    expected = checksums.get(path.name)
    if expected is None:
        raise TraceError(f"{path}: no entry for {path.name!r} in {CHECKSUM_FILE}")
    actual = sha256_file(path)
    if actual != expected.lower():
        raise TraceError(
            f"{path}: checksum mismatch (expected {expected.lower()}, actual {actual}); "
            "the file is corrupt or was modified"
        )


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


def _family(family: str) -> RealFamily:
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
    spec = _family(family)
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
        pattern = _family(family).pattern
        present = {path.name for _, path in instances}
        missing = sorted(n for n in sums if pattern.fullmatch(n) and n not in present)
        if missing:
            raise TraceError(
                f"{folder / CHECKSUM_FILE}: lists files missing from the mirror: {', '.join(missing)}"
            )
        for _, path in instances:
            verify_mirror_file(path, sums)
    return [(name, read_trace(path)) for name, path in instances]


def _natural_key(name: str):
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)]


def load_trace_folder(folder, glob: str = "*.txt", verify: bool = True) -> list[tuple[str, np.ndarray]]:
    """Read a folder of the user's own traces: ``[(instance, pages)]``.

    Every file matching ``glob`` (``SHA256SUMS`` excluded) is one instance,
    named by its stem, in natural order (``t2`` before ``t10``); the format is
    that of :func:`read_trace`. If the folder has a ``SHA256SUMS`` and
    ``verify`` is on, every file is checked against it.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise TraceError(f"trace folder {folder} not found")
    paths = sorted((p for p in folder.glob(glob) if p.is_file() and p.name != CHECKSUM_FILE),
                   key=lambda p: _natural_key(p.name))
    if not paths:
        raise TraceError(f"trace folder {folder}: no file matches {glob!r}")
    if verify and (folder / CHECKSUM_FILE).is_file():
        sums = read_checksums(folder)
        for path in paths:
            verify_mirror_file(path, sums)
    return [(path.stem, read_trace(path)) for path in paths]


# -------------------------------------------------------- synthetic traces


def _check_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _check_real(name: str, value, low: float, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    if not low <= value <= high or math.isinf(value):
        bounds = f"in [{low}, {high}]" if high < math.inf else f">= {low} and finite"
        raise ValueError(f"{name} must be {bounds}, got {value}")
    return float(value)


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(_check_int("seed", seed, minimum=0))


def uniform(n: int, n_pages: int, seed: int) -> np.ndarray:
    """``n`` requests drawn independently and uniformly from ``n_pages`` pages
    (SPEC §5), remapped to first-appearance ids. O(n)."""
    n = _check_int("n", n)
    n_pages = _check_int("n_pages", n_pages)
    return remap(_rng(seed).integers(0, n_pages, size=n))


def zipf(n: int, n_pages: int, s: float, seed: int) -> np.ndarray:
    """``n`` independent requests from a bounded Zipf law (SPEC §5):
    P(rank r) ∝ r^-s for r = 1 … n_pages, ``s >= 0`` (``s = 0`` is uniform).

    Sampled by inverse CDF (``searchsorted`` on the normalised cumulative
    weights). Which page holds which rank needs no random permutation: the
    first-appearance remap makes the output invariant under any relabelling
    of pages. O(n log n_pages + n_pages).
    """
    n = _check_int("n", n)
    n_pages = _check_int("n_pages", n_pages)
    s = _check_real("s", s, 0.0)
    cdf = np.cumsum(np.arange(1, n_pages + 1, dtype=np.float64) ** -s)
    cdf /= cdf[-1]
    ranks = np.searchsorted(cdf, _rng(seed).random(n), side="right")
    return remap(np.minimum(ranks, n_pages - 1))  # guard against rounding at 1.0


def loop(n: int, n_pages: int, seed: int = 0) -> np.ndarray:
    """Cyclic scan ``0, 1, …, n_pages-1, 0, 1, …`` of length ``n`` (SPEC §5;
    LRU's worst case when ``n_pages = k + 1``). ``seed`` is accepted for a
    uniform signature and ignored. O(n)."""
    n = _check_int("n", n)
    n_pages = _check_int("n_pages", n_pages)
    return np.arange(n, dtype=np.int64) % n_pages


def working_set(n: int, n_pages: int, set_size: int, switch_prob: float, seed: int) -> np.ndarray:
    """Locality model (SPEC §5): requests drawn uniformly from a current
    working set of ``set_size`` of the ``n_pages`` pages, which drifts.

    The initial set is a uniformly random ``set_size``-subset. Before each
    request, with probability ``switch_prob``, one uniformly random member is
    swapped with one uniformly random page outside the set (no-op when
    ``set_size == n_pages``); then the request is a uniform member.
    O(n log n) vectorised, plus O(1) Python work per switch.
    """
    n = _check_int("n", n)
    n_pages = _check_int("n_pages", n_pages)
    set_size = _check_int("set_size", set_size)
    if set_size > n_pages:
        raise ValueError(f"set_size must be <= n_pages ({n_pages}), got {set_size}")
    switch_prob = _check_real("switch_prob", switch_prob, 0.0, 1.0)
    rng = _rng(seed)
    order = rng.permutation(n_pages)
    members, outside = order[:set_size].tolist(), order[set_size:].tolist()
    switches = rng.random(n) < switch_prob
    pick = rng.integers(0, set_size, size=n)
    swap_in = rng.integers(0, max(n_pages - set_size, 1), size=n)
    swap_out = rng.integers(0, set_size, size=n)
    times = np.flatnonzero(switches) if n_pages > set_size else np.zeros(0, dtype=np.int64)
    slots = swap_out[times]
    entering = np.empty(times.size, dtype=np.int64)
    for i, (m, j) in enumerate(zip(slots.tolist(), swap_in[times].tolist())):
        entering[i] = outside[j]
        members[m], outside[j] = outside[j], members[m]
    # Request t reads slot pick[t] as last written at or before t: sort all
    # writes by (slot, time) and look each request up with one searchsorted.
    # A switch at time s is stored at s + 1 so that the initial fill (at 0)
    # precedes it and request s sees it.
    stride = n + 1
    keys = np.concatenate((np.arange(set_size, dtype=np.int64) * stride, slots * stride + times + 1))
    values = np.concatenate((order[:set_size], entering))
    by_key = np.argsort(keys, kind="stable")
    keys, values = keys[by_key], values[by_key]
    at = np.searchsorted(keys, pick * stride + np.arange(1, n + 1), side="right") - 1
    return remap(values[at])


SYNTHETIC = {"uniform": uniform, "zipf": zipf, "loop": loop, "working_set": working_set}


def generate(family: str, n: int, seed: int, **params) -> np.ndarray:
    """Dispatch to the synthetic generator ``SYNTHETIC[family]`` with
    ``n``, ``seed`` and the family's own ``params`` (SPEC §5)."""
    try:
        generator = SYNTHETIC[family]
    except (KeyError, TypeError):
        allowed = ", ".join(sorted(SYNTHETIC))
        raise ValueError(f"unknown synthetic trace family {family!r}; allowed: {allowed}") from None
    return generator(n=n, seed=seed, **params)


# ------------------------------------------------ cutting the public sources


def _lfd_faults(pages, k: int) -> int:
    """Faults of LFD/Belady (SPEC §1.1) at cache size ``k``, cold faults
    included. Used only to select BrightKite users (``min_opt``); the package's
    fast LFD lives elsewhere. O(n log n) with a lazy-deletion heap."""
    k = _check_int("k", k)
    n = len(pages)
    nxt = [0] * n
    seen: dict = {}
    for t in range(n - 1, -1, -1):
        # a page never requested again gets a distinct "infinite" time; the
        # cost does not depend on how such ties are broken
        nxt[t] = seen.get(pages[t], n + t)
        seen[pages[t]] = t
    cached: dict = {}  # page -> time of its next request
    heap: list = []  # (-next request, page), stale entries skipped on pop
    faults = 0
    for t, p in enumerate(pages):
        if p not in cached:
            faults += 1
            if len(cached) == k:
                while True:
                    neg, q = heapq.heappop(heap)
                    if cached.get(q) == -neg:
                        del cached[q]
                        break
        cached[p] = nxt[t]
        heapq.heappush(heap, (-nxt[t], p))
    return faults


def _open_maybe_gzip(path: Path):
    """Open ``path`` for binary reading, decompressing if it is gzip data."""
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def _write_lines(path: Path, ids) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(f"{x}\n" for x in ids))


def cut_brightkite(
    checkins_path, out_dir, n_users: int = 100, length: int = 2100, k: int = 10, min_opt: int = 50
) -> list[Path]:
    """Cut BrightKite instances from SNAP ``loc-brightkite_totalCheckins.txt``
    (or ``.txt.gz``), as the mirror README's Provenance says.

    Source lines: ``user<TAB>time<TAB>lat<TAB>lon<TAB>location id``. Selects
    users with exactly ``length`` check-in lines whose LFD fault count at
    cache size ``k`` (cold faults included) is ``>= min_opt``: the first
    ``n_users`` such users in order of first appearance in the file. Writes
    ``bk<user>.txt`` (the location ids in file order, one per line) and
    ``SHA256SUMS`` into ``out_dir``. Returns the written trace paths.

    A check-in line with an empty location counts towards its user's total
    (as a source line), but such a user is not selected: an empty id cannot
    be written as a trace line. Raises :class:`TraceError` (naming file and
    line) for a non-integer user field, or if fewer than ``n_users`` users
    qualify. Two passes over the source; O(size of the source).
    """
    checkins_path = Path(checkins_path)
    n_users = _check_int("n_users", n_users)
    length = _check_int("length", length)
    min_opt = _check_int("min_opt", min_opt, minimum=0)
    k = _check_int("k", k)

    counts: dict[bytes, int] = {}
    with _open_maybe_gzip(checkins_path) as f:
        for number, line in enumerate(f, start=1):
            user = line.split(b"\t", 1)[0].strip()
            if not user:
                if line.strip():
                    raise TraceError(f"{checkins_path}, line {number}: empty user field")
                continue  # a blank line carries no check-in
            if not user.isdigit():
                raise TraceError(f"{checkins_path}, line {number}: user id {user!r} is not an integer")
            counts[user] = counts.get(user, 0) + 1

    candidates = {u for u, c in counts.items() if c == length}
    locations: dict[bytes, list[str]] = {u: [] for u in candidates}
    with _open_maybe_gzip(checkins_path) as f:
        for number, line in enumerate(f, start=1):
            fields = line.rstrip(b"\r\n").split(b"\t")
            if fields[0].strip() not in candidates:
                continue
            raw = fields[4].strip() if len(fields) > 4 else b""
            try:
                locations[fields[0].strip()].append(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise TraceError(f"{checkins_path}, line {number}: not valid UTF-8") from exc

    selected = []
    for user in counts:  # dicts keep insertion order = first appearance in the file
        if len(selected) == n_users:
            break
        if user in candidates and all(locations[user]) and _lfd_faults(locations[user], k) >= min_opt:
            selected.append(user)
    if len(selected) < n_users:
        raise TraceError(
            f"{checkins_path}: only {len(selected)} users have exactly {length} check-ins, "
            f"no empty location and LFD faults >= {min_opt} at k = {k}; {n_users} requested"
        )

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for user in selected:
        path = out_dir / f"bk{user.decode('ascii')}.txt"
        _write_lines(path, locations[user])
        written.append(path)
    write_checksums(out_dir, [p.name for p in written])
    return written


def _normalise_header(field: str) -> str:
    return re.sub(r"[\s_]", "", field.lstrip("\ufeff")).lower()


def cut_citibike(csv_paths_by_month, out_dir, length: int = 25000) -> list[Path]:
    """Cut CitiBike instances from the monthly ``2017MM-citibike-tripdata.csv``
    files, as the mirror README's Provenance says: the first ``length`` rides
    (data rows after the header) of each month, column 4 (start station id),
    written to ``citiMM.txt``; plus ``SHA256SUMS`` in ``out_dir``.

    ``csv_paths_by_month`` maps a month (``1`` or ``"01"``) to its CSV path.
    Quoted fields are handled by the ``csv`` module. Raises
    :class:`TraceError` if column 4 of the header is not the start station id,
    a station id is empty (naming file and line), or a month has fewer than
    ``length`` rides. Returns the written paths. O(length) per month.
    """
    length = _check_int("length", length)
    jobs = []
    for month, path in csv_paths_by_month.items():
        try:
            number = int(month)
        except (TypeError, ValueError):
            raise ValueError(f"csv_paths_by_month: month {month!r} is not a number 1-12") from None
        if not 1 <= number <= 12:
            raise ValueError(f"csv_paths_by_month: month {month!r} is not in 1-12")
        jobs.append((number, Path(path)))
    if not jobs:
        raise ValueError("csv_paths_by_month is empty")

    stations_by_month = {}
    for month, path in sorted(jobs):
        stations = []
        # station names may hold odd bytes; only column 4 is kept and checked
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None or len(header) < 4 or _normalise_header(header[3]) != "startstationid":
                got = header[3] if header and len(header) >= 4 else header
                raise TraceError(f"{path}, line 1: column 4 of the header is {got!r}, not 'start station id'")
            for row in reader:
                if len(stations) == length:
                    break
                station = row[3].strip() if len(row) > 3 else ""
                if not station:
                    raise TraceError(f"{path}, line {reader.line_num}: empty start station id (column 4)")
                stations.append(station)
        if len(stations) < length:
            raise TraceError(f"{path}: only {len(stations)} rides, {length} requested")
        stations_by_month[month] = stations

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for month, stations in stations_by_month.items():
        out = out_dir / f"citi{month:02d}.txt"
        _write_lines(out, stations)
        written.append(out)
    write_checksums(out_dir, [p.name for p in written])
    return written


# ----------------------------------------------------------------- fetching

BRIGHTKITE_URL = "https://snap.stanford.edu/data/loc-brightkite_totalCheckins.txt.gz"
CITIBIKE_URL = "https://s3.amazonaws.com/tripdata/2017{month:02d}-citibike-tripdata.csv.zip"
SOURCE_URLS: dict[str, tuple[str, ...]] = {
    "brightkite": (BRIGHTKITE_URL,),
    "citibike": tuple(CITIBIKE_URL.format(month=m) for m in range(1, 13)),
}

_OFFLINE_HINT = (
    "this machine may be offline: use the offline mirror instead (set `traces.mirror` "
    "in the config to a folder such as ../shared/traces; see its README)"
)


def _download(url: str, dest: Path, timeout: float = 60.0) -> None:
    """Download ``url`` to ``dest`` atomically (temporary file, then rename).
    Raises :class:`FetchError` naming the URL and the offline mirror."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            shutil.copyfileobj(response, out, 1 << 20)
        os.replace(tmp, dest)
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(f"could not download {url} ({exc}); {_OFFLINE_HINT}") from exc
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _extract_csv(zip_path: Path, dest: Path) -> None:
    """Extract the single trip-data CSV of a CitiBike zip to ``dest``
    (skipping macOS ``__MACOSX/`` metadata entries)."""
    try:
        with zipfile.ZipFile(zip_path) as archive:
            names = [
                n for n in archive.namelist()
                if n.lower().endswith(".csv") and not n.startswith("__MACOSX/")
            ]
            if len(names) != 1:
                raise TraceError(f"{zip_path}: expected one CSV file in the archive, found {names}")
            with archive.open(names[0]) as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
    except zipfile.BadZipFile as exc:
        raise TraceError(f"{zip_path}: not a valid zip archive ({exc})") from exc


def fetch_sources(dest_dir, families=("brightkite", "citibike")) -> dict:
    """Download the original public source files of ``families`` into
    ``dest_dir`` (files already present are reused).

    Returns ``{"brightkite": <checkins .txt.gz path>, "citibike": {month: <csv
    path>}}`` (only the requested keys), ready for :func:`cut_brightkite` and
    :func:`cut_citibike`. URLs: :data:`SOURCE_URLS`. Raises
    :class:`FetchError` mentioning the offline mirror if a download fails.
    """
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    sources: dict = {}
    for family in families:
        _family(family)
        if family == "brightkite":
            (url,) = SOURCE_URLS["brightkite"]
            path = dest_dir / url.rsplit("/", 1)[1]
            if not path.exists():
                _download(url, path)
            sources["brightkite"] = path
        else:
            months = {}
            for month, url in enumerate(SOURCE_URLS["citibike"], start=1):
                zip_path = dest_dir / url.rsplit("/", 1)[1]
                csv_path = zip_path.with_suffix("")  # drop ".zip"
                if not csv_path.exists():
                    if not zip_path.exists():
                        _download(url, zip_path)
                    _extract_csv(zip_path, csv_path)
                months[month] = csv_path
            sources["citibike"] = months
    return sources


def fetch_and_cut(family: str, out_dir, source_dir=None, **cut_params) -> list[Path]:
    """Rebuild one mirror folder from the public sources: :func:`fetch_sources`
    into ``source_dir`` (default: ``<out_dir>/../sources``), then
    :func:`cut_brightkite` or :func:`cut_citibike` into ``out_dir`` with
    ``cut_params`` (defaults reproduce the README's Provenance)."""
    _family(family)
    out_dir = Path(out_dir)
    source_dir = Path(source_dir) if source_dir is not None else out_dir.parent / "sources"
    sources = fetch_sources(source_dir, families=(family,))
    if family == "brightkite":
        return cut_brightkite(sources["brightkite"], out_dir, **cut_params)
    return cut_citibike(sources["citibike"], out_dir, **cut_params)

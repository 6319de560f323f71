"""Rebuilding the mirror from the public sources: downloading them
(:func:`fetch_sources`) and cutting them into instances as the mirror's README
(Provenance) describes (:func:`cut_brightkite`, :func:`cut_citibike`)."""

from __future__ import annotations

import csv
import gzip
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from succinct_paging.traces.errors import FetchError, TraceError
from succinct_paging.traces.files import remap
from succinct_paging.traces.checksums import write_checksums
from succinct_paging.traces.mirror import real_family
from succinct_paging.truth import discard_bits
from succinct_paging.validate import as_int

# ------------------------------------------------ cutting the public sources


def _opt_faults(pages, k: int) -> int:
    """Faults of OPT (LFD, contract §1.1) at cache size ``k`` on a list of
    hashable page ids; used to select BrightKite users (``min_opt``)."""
    return discard_bits(remap(pages), as_int(k, "k"))[0]


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
    n_users = as_int(n_users, "n_users")
    length = as_int(length, "length")
    min_opt = as_int(min_opt, "min_opt", 0)
    k = as_int(k, "k")

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
        if user in candidates and all(locations[user]) and _opt_faults(locations[user], k) >= min_opt:
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
    length = as_int(length, "length")
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
        real_family(family)
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
    real_family(family)
    out_dir = Path(out_dir)
    source_dir = Path(source_dir) if source_dir is not None else out_dir.parent / "sources"
    sources = fetch_sources(source_dir, families=(family,))
    if family == "brightkite":
        return cut_brightkite(sources["brightkite"], out_dir, **cut_params)
    return cut_citibike(sources["citibike"], out_dir, **cut_params)

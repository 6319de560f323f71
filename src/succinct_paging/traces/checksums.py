"""``SHA256SUMS`` files: computing, reading, writing and checking them."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from succinct_paging.traces.errors import TraceError

CHECKSUM_FILE = "SHA256SUMS"


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




def content_digest(paths, cache=None) -> str:
    """One SHA-256 over the names and contents of ``paths`` (sorted): what a
    job that reads these files depends on, whatever their mtimes (issue 21:
    a corrected copy with an older mtime must rerun the jobs; a touched but
    unchanged file must not). Each file's own digest is cached in the JSON
    file ``cache`` (if given) under its path, keyed by (size, mtime_ns,
    ctime_ns, inode): ctime cannot be set back by ``touch``, ``rsync -t`` or
    ``tar``, so a changed file is hashed again. O(total size) the first time,
    O(number of files) after."""
    import json
    import os

    store = {}
    if cache is not None and Path(cache).is_file():
        try:
            store = json.loads(Path(cache).read_text())
        except (OSError, ValueError):
            store = {}
    digest = hashlib.sha256()
    changed = False
    for path in sorted(str(p) for p in paths):
        st = os.stat(path)
        key = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        entry = store.get(path)
        if entry is None or entry[0] != key:
            entry = [key, sha256_file(path)]
            store[path] = entry
            changed = True
        digest.update(Path(path).name.encode() + b"\0" + entry[1].encode() + b"\0")
    if cache is not None and changed:
        try:
            Path(cache).parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(f"{cache}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(store, sort_keys=True))
            os.replace(tmp, cache)
        except OSError:
            pass  # a read-only working directory: hash again next time
    return digest.hexdigest()

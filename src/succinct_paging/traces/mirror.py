"""The offline mirror of the real traces (BrightKite, CitiBike; contract §5):
its layout, its ``SHA256SUMS`` checks, and loading a family from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from succinct_paging.traces.checksums import CHECKSUM_FILE, read_checksums, verify_mirror_file
from succinct_paging.traces.errors import TraceError
from succinct_paging.traces.files import read_trace

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

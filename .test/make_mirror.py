"""Make the tiny synthetic trace files of the CI config (.test/config/config.yaml).

Writes, under the folder given as the only argument (default: this script's
folder, i.e. .test/):

- ``mirror/brightkite/bk<N>.txt`` (3 files) and ``mirror/brightkite/SHA256SUMS``:
  a fake real-trace mirror with the layout of the BrightKite family (contract
  §5; SHA256SUMS as the library writes it), so the mirror code path (instance listing in integer order, checksum
  verification, string page ids) runs without ../shared/traces;
- ``traces/<name>.txt`` (2 files): a folder of the user's own traces for a
  ``files`` family;
- ``mirror/cache/lirs_cpp.txt.zst`` (zstd text, one integer id a line) and
  ``mirror/cache/cloudphysics.oracleGeneral.bin`` (libCacheSim binary
  records) with ``mirror/cache/SHA256SUMS``: a fake cache/ folder with two
  of the real folder's file names and formats (contract §10) but synthetic
  integer block ids (a Zipf-like hot set plus sequential scans), so the
  ``cache`` generator's two reading paths run in CI. zstd output of the
  ``zstandard`` package at level 3 is deterministic.

Every file is one page id per line (32 hex digits, like the mirror's hashed
locations). The requests are synthetic, never copied from the real mirror: a
user moves between a few "home" working sets with occasional one-off visits,
so a cache of 10 pages has evictions, re-references and phases. Everything
is drawn from ``random.Random(SEED)``: the output is byte-identical on every
run (tests/test_workflow.py regenerates it and compares).

Usage: ``python .test/make_mirror.py [out_dir]``.
"""

import hashlib
import random
import sys
from pathlib import Path

import zstandard

from succinct_paging.traces.checksums import write_checksums
from succinct_paging.traces.formats import write_oracle_general

SEED = 20230701
BRIGHTKITE = {"bk3": 300, "bk12": 400, "bk40": 250}  # instance -> requests
USER_TRACES = {"user1": 150, "user2": 120}
CACHE = {"lirs_cpp.txt.zst": 600, "cloudphysics.oracleGeneral.bin": 500}  # file -> requests


def page_id(namespace, number):
    """A 32-hex-digit page id (an md5 of a label; any string id would do)."""
    return hashlib.md5(f"{namespace}/{number}".encode()).hexdigest()


def requests(rng, namespace, n):
    """``n`` page ids of one synthetic user: 3 working sets of 6 to 14
    locations, switched with probability 0.05 per request; one request in
    ten goes to a fresh location seen at most a few times."""
    sets = [[page_id(namespace, 100 * s + i) for i in range(rng.randint(6, 14))] for s in range(3)]
    current, out = 0, []
    for _ in range(n):
        if rng.random() < 0.05:
            current = rng.randrange(len(sets))
        if rng.random() < 0.1:
            out.append(page_id(namespace, 1000 + rng.randrange(40)))
        else:
            out.append(rng.choice(sets[current]))
    return out


def write_lines(path, ids):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{x}\n" for x in ids), encoding="utf-8", newline="\n")


def block_requests(rng, n):
    """``n`` integer block ids: 80 % from a hot set of 30 blocks (skewed by
    ``rng.paretovariate``), 20 % a sequential scan of fresh blocks."""
    out, scan = [], 10_000
    for _ in range(n):
        if rng.random() < 0.8:
            out.append(1000 + min(int(rng.paretovariate(1.2)) - 1, 29))
        else:
            out.append(scan)
            scan += 1
    return out


def main(out_dir):
    out_dir = Path(out_dir)
    rng = random.Random(SEED)
    mirror = out_dir / "mirror" / "brightkite"
    for name, n in BRIGHTKITE.items():
        write_lines(mirror / f"{name}.txt", requests(rng, name, n))
    write_checksums(mirror, [f"{name}.txt" for name in BRIGHTKITE])
    for name, n in USER_TRACES.items():
        write_lines(out_dir / "traces" / f"{name}.txt", requests(rng, name, n))
    cache = out_dir / "mirror" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    for name, n in CACHE.items():
        ids = block_requests(rng, n)
        if name.endswith(".txt.zst"):
            text = "".join(f"{x}\n" for x in ids).encode()
            (cache / name).write_bytes(zstandard.ZstdCompressor(level=3).compress(text))
        else:
            write_oracle_general(cache / name, ids)
    write_checksums(cache, list(CACHE))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent)

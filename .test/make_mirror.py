"""Make the tiny synthetic trace files of the CI config (.test/config/config.yaml).

Writes, under the folder given as the only argument (default: this script's
folder, i.e. .test/):

- ``mirror/brightkite/bk<N>.txt`` (3 files) and ``mirror/brightkite/SHA256SUMS``:
  a fake real-trace mirror with the layout of the BrightKite family (contract
  §5; SHA256SUMS as the library writes it), so the mirror code path (instance listing in integer order, checksum
  verification, string page ids) runs without ../shared/traces;
- ``traces/<name>.txt`` (2 files): a folder of the user's own traces for a
  ``files`` family.

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

from succinct_paging.traces.checksums import write_checksums

SEED = 20230701
BRIGHTKITE = {"bk3": 300, "bk12": 400, "bk40": 250}  # instance -> requests
USER_TRACES = {"user1": 150, "user2": 120}


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


def main(out_dir):
    out_dir = Path(out_dir)
    rng = random.Random(SEED)
    mirror = out_dir / "mirror" / "brightkite"
    for name, n in BRIGHTKITE.items():
        write_lines(mirror / f"{name}.txt", requests(rng, name, n))
    write_checksums(mirror, [f"{name}.txt" for name in BRIGHTKITE])
    for name, n in USER_TRACES.items():
        write_lines(out_dir / "traces" / f"{name}.txt", requests(rng, name, n))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent)

"""Plan-time sizing (issue 21): how many requests and how much memory each
big job of a configuration needs, estimated before any job runs, so that the
plan refuses, naming the config key and the estimate, what the machine it
plans for cannot hold.

The machine is the config key ``machine.memory_gb`` (default 8: a laptop or
a small CI runner; the development machine has 2 cores and 23 GB shared by
several users). A job's peak memory is estimated as
:data:`BYTES_PER_REQUEST` bytes per request of the largest instance it holds
at once (OPT, the truth bits, k-phases and the algorithm runs over int64
pages) plus 8 bytes per request of every instance it keeps in memory. The
constant is rounded up from one measurement: ``uniform`` at k = 512 of the
k-sweep (5.7·10^7 requests) peaked at about 2.8 GB, ≈ 49 bytes per request.

Everything here is arithmetic on the config (and, for ``files`` families,
the files' sizes): O(number of families × ks + number of files).
"""

import math
from pathlib import Path

from succinct_paging.bounds import harmonic
from succinct_paging.validate import MAX_LIMIT

#: Estimated peak bytes per request of the instance a job works on.
BYTES_PER_REQUEST = 64
#: Bytes per request of an instance merely held in memory (int64 pages).
BYTES_PER_HELD_REQUEST = 8
#: Shortest request of a text trace ("1\n") and an oracleGeneral record.
_TEXT_BYTES_PER_REQUEST = 2
_BINARY_BYTES_PER_REQUEST = 24
_COMPRESSED_MAGIC = (b"\x1f\x8b", b"\x28\xb5\x2f\xfd", b"BZh", b"\xfd7zXZ\x00")


#: k-sweep families with one (deterministic) instance; ``uniform`` has ``instances``.
K_SWEEP_DETERMINISTIC = ("loop", "loop_2k", "hot_set")
#: Passes over the hot set per round of the k-sweep family ``hot_set``.
HOT_REPEAT = 4


def k_sweep_length(family, k, phases, phases_per_k=0):
    """Requests of one k-sweep instance (contract §9; the one formula, which
    :func:`succinct_paging.experiments.k_sweep.length` uses): P·k on
    ``loop`` and ``loop_2k``, ⌈P·(k+1)·H_k⌉ on ``uniform``, with
    P = max(phases, phases_per_k·k); phases·(HOT_REPEAT·(k−1) + 1) on
    ``hot_set``."""
    k = int(k)
    if family == "hot_set":
        return int(phases) * (HOT_REPEAT * (k - 1) + 1)
    p = max(int(phases), int(phases_per_k) * k)
    return int(math.ceil(p * (k + 1) * harmonic(k))) if family == "uniform" else p * k


def file_requests(path, fmt="txt", limit=None):
    """At most how many requests one trace file holds: its size over the
    shortest request (2 bytes of text, a 24-byte record), capped by
    ``limit``; None for a compressed file without ``limit`` (unknown until
    read; the reader's maximum decompressed size bounds it)."""
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(6)
    if any(head.startswith(m) for m in _COMPRESSED_MAGIC):
        return limit
    per = _BINARY_BYTES_PER_REQUEST if fmt == "oracleGeneral" else _TEXT_BYTES_PER_REQUEST
    n = path.stat().st_size // per
    return n if limit is None else min(n, limit)


def job_estimates(config):
    """``[(config key, job, requests, bytes)]`` of the configuration's big
    jobs: every k-sweep job (family, k), every synthetic family's trace and
    truth jobs, every ``files`` family (its largest file). ``config`` is
    validated with defaults filled."""
    out = []
    sweep = config.get("k_sweep", {})
    for fam in sweep.get("families", []):
        for i, k in enumerate(sweep["ks"]):
            n = k_sweep_length(fam, k, sweep["phases"], sweep.get("phases_per_k", 0))
            held = 1 if fam in K_SWEEP_DETERMINISTIC else sweep["instances"]
            out.append((f"k_sweep.ks[{i}]", f"k-sweep {fam} at k = {k}", n,
                        n * (BYTES_PER_REQUEST + BYTES_PER_HELD_REQUEST * held)))
    for name, spec in config["families"].items():
        if "length" in spec:
            n, held = spec["length"], spec.get("instances", 1)
            out.append((f"families.{name}.length", f"family {name}", n,
                        n * (BYTES_PER_REQUEST + BYTES_PER_HELD_REQUEST * held)))
        elif spec["generator"] == "files":
            paths = [p for p in Path(spec["path"]).glob(spec.get("glob", "*.txt")) if p.is_file()]
            sizes = [file_requests(p, spec.get("format", "txt"), spec.get("limit")) for p in paths]
            known = [s for s in sizes if s is not None]
            if known:
                n = max(known)
                key = f"families.{name}.limit" if spec.get("limit") else f"families.{name}.path"
                out.append((key, f"family {name} (largest file, at most)", n,
                            n * BYTES_PER_REQUEST + sum(known) * BYTES_PER_HELD_REQUEST))
    return out


def size_problems(config):
    """``[(key, message)]`` for every job whose requests exceed
    :data:`succinct_paging.validate.MAX_LIMIT` (the kernels' int32 state) or
    whose estimated memory exceeds ``machine.memory_gb``."""
    memory = config.get("machine", {}).get("memory_gb", 8) * 2**30
    problems = []
    for key, job, n, nbytes in job_estimates(config):
        if n > MAX_LIMIT:
            problems.append((key, f"{job} needs about {n:.3g} requests, beyond the {MAX_LIMIT:.0e} a trace may "
                                  "have (the kernels' int32 state)"))
        elif nbytes > memory:
            problems.append((key, f"{job} needs about {n:.3g} requests and {nbytes / 2**30:.1f} GB of memory "
                                  f"(estimate: {BYTES_PER_REQUEST + BYTES_PER_HELD_REQUEST} bytes per request), more "
                                  f"than machine.memory_gb = {config.get('machine', {}).get('memory_gb', 8)}"))
    return problems

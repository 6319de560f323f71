"""Benchmark of the kernels and the pipeline: ``python benchmarks/bench.py [options]``
(from a checkout with the package installed; ``--help`` lists the options).

A measurement, not a test: it asserts nothing about speed. What it measures:

1. **Throughput** (requests per second) of every algorithm of ``KERNELS``,
   called as the workflow calls it: :func:`succinct_paging.simulation.run_parsed`
   on already validated arrays, so the time includes the kernel's own
   allocations, for ``opt`` the next-occurrence pass and the discard bits, and
   for ``combine(A,B)`` both recorded runs plus the replay (or, when it
   applies, the one-pass shortcut of :func:`.kernels.combine.mirror_faults`);
   argument validation is excluded. One warm-up call (JIT, caches), then the
   median of ``--repeats`` wall-clock runs, interleaved across algorithms
   (round by round) so that the ratios between them survive a machine whose
   speed drifts.
   Traces: *citibike* = the 12 CitiBike months of the mirror, each remapped
   separately (as ``traces.load_real_family`` does) and concatenated with id
   offsets so that ids stay distinct (300,000 requests, k = 100); *zipf* =
   ``traces.zipf(10**6, 10**5, 0.9, seed=0)`` at k = 10, 10^2, 10^3, 10^4.
   Predictions: the true discard or phase bits of the trace and k, flipped at
   rate 0.1 (``errors.inject_bits``, seed 1).
2. **libCacheSim** (optional extra ``bench``): its LRU, FIFO and Belady on the
   same arrays, written as an oracleGeneral binary trace (object size 1, cache
   size k objects, next access time for Belady) and run by its C loop
   (``cache.process_trace``); the time includes creating the cache. Its
   hash-table size is swept (``hashpower``) and the fastest value kept; then
   ``--repeats`` runs of theirs alternate with as many of ours in the same
   process, the medians are compared, and miss counts must be equal (cold misses
   included).
3. **JIT compile time** of each algorithm: its first call (tiny input) in a
   fresh subprocess whose ``NUMBA_CACHE_DIR`` is an empty directory (*cold*:
   typing and LLVM), then again in a second fresh subprocess with that cache
   filled (*warm*: loading from numba's cache), minus the time of a second
   call; plus all algorithms in one process, as a workflow job pays it.
4. ``--read-trace``: reading a libCacheSim oracleGeneral trace as the
   ``files`` generator and ``succinct-paging simulate`` do
   (:func:`succinct_paging.traces.read_trace`: the ``obj_id`` column, read in
   chunks with ``np.frombuffer``, then remapped to dense ids). A synthetic
   trace of ``--read-trace-requests`` records (default 10^8, 2.4 GB) is
   written to a temporary folder: Zipf(1.2) over 10^6 objects, ids spread
   over 64 bits; then a fresh subprocess reads it (the file is in the page
   cache, so this is the cost of parsing and remapping, not of the disk) and
   reports wall seconds of reading and of remapping, requests per second
   (per wall and per CPU second, and the load average: on a shared machine
   the wall time waits for a core) and its peak memory (``resource.getrusage``'s high-water mark, and the
   increase over the interpreter with numpy and pandas imported).
5. ``--pipeline``: wall time and peak memory of ``snakemake --cores 2`` with
   the default config (or ``--configfile``) in a scratch working directory,
   with a cold numba cache and then a warm one (new working directory, same
   cache); peak memory = all processes of the run together (sampled) and the
   largest single process (GNU time). And the per-job overhead:
   the time per job of a Snakefile of no-op ``script:`` jobs that import
   :mod:`succinct_paging.experiments.grid` like the real scripts (run minus
   dry run, divided by the number of jobs); and the warm run's wall time per
   rule, from the Snakemake log.

Results: CSV files in ``--out`` (default ``results/benchmarks``), and
``benchmarks.md`` rendering every CSV present there. ``--quick`` uses small
traces (a smoke test: numbers not meaningful).
"""

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from succinct_paging import traces as traces_mod
from succinct_paging.algorithms import base_ids, parse_algorithm
from succinct_paging.errors import inject_bits
from succinct_paging.settings import RunSettings
from succinct_paging.simulation import run_parsed
from succinct_paging.truth import setup_instance

REPO = Path(__file__).resolve().parents[1]

#: Algorithms benchmarked: every registered one that reads no next-arrival
#: predictions (registry order), and the default robust pairs.
KERNELS = list(base_ids("bits")) + ["combine(followbits,lru)", "combine(mark0,marker)"]

#: Our algorithm -> libCacheSim class name.
LIBCACHESIM = {"lru": "LRU", "fifo": "FIFO", "opt": "Belady"}

FLIP_RATE = 0.1
ZIPF_SEED = 0
BITS_SEED = 1


# ------------------------------------------------------------------ workloads


class Workload:
    """One trace at one cache size, with the predicted bits of both kinds."""

    def __init__(self, trace, pages, k, flip_rate=FLIP_RATE):
        self.trace = trace
        self.flip_rate = flip_rate
        inst = setup_instance(pages, k)
        self.pages, self.n_pages, self.k = inst.pages, inst.n_pages, inst.k
        self.bits = {
            "none": np.zeros(inst.n, dtype=np.uint8),
            "discard": inject_bits(inst.discard, "flip", flip_rate, BITS_SEED)[0],
            "phase": inject_bits(inst.phase, "flip", flip_rate, BITS_SEED)[0],
        }

    def run(self, algorithm):
        """Faults of ``algorithm`` (seed 0, default budget and switch factor)."""
        parsed = parse_algorithm(algorithm)
        return run_parsed(parsed, self.pages, self.bits[parsed.prediction], self.k,
                          self.n_pages, 0, RunSettings())


def citibike_concatenated(mirror, months=12):
    """The first ``months`` CitiBike months, each remapped separately, then
    concatenated with id offsets (a station gets one id per month)."""
    parts, offset = [], 0
    for _, pages in traces_mod.load_real_family(mirror, "citibike")[:months]:
        parts.append(pages + offset)
        offset += int(pages.max()) + 1
    return np.concatenate(parts)


def make_workloads(which, quick, mirror):
    """Workloads of the traces named in ``which`` (``citibike``, ``zipf``)."""
    out = []
    if "citibike" in which:
        pages = citibike_concatenated(mirror, months=2 if quick else 12)
        out.append(Workload("citibike", pages, 100))
    if "zipf" in which:
        n, n_pages, ks = (10**5, 10**4, (10, 100, 1000)) if quick else (10**6, 10**5, (10, 100, 1000, 10000))
        pages = traces_mod.zipf(n, n_pages, 0.9, ZIPF_SEED)
        out += [Workload("zipf", pages, k) for k in ks]
    return out


#: Cache sizes of ``--large-k`` (issue 19: sizing a k-sweep).
LARGE_KS = (16, 256, 1024, 4096)


def large_k_workloads(quick):
    """Workloads of ``--large-k``: per k of :data:`LARGE_KS`, uniform requests
    over k + 1 pages (the k-sweep's Yao family), the cycle over k + 1 pages
    (the k-sweep's ``loop``: LRU and FIFO fault on every request) and zipf(0.9) over max(10 k, 10^4) pages, each with bits flipped at
    rate 0.1 and with every bit wrong (flip at rate 1, the k-sweep's
    fault-heaviest setting). ``n`` requests each (2·10^6; 2·10^4 with ``quick``)."""
    n = 2 * 10**4 if quick else 2 * 10**6
    out = []
    for k in LARGE_KS:
        uni = traces_mod.uniform(n, k + 1, ZIPF_SEED)
        cycle = traces_mod.loop(n, k + 1)
        zipf = traces_mod.zipf(n, max(10 * k, 10**4), 0.9, ZIPF_SEED)
        for rate in (FLIP_RATE, 1.0):
            out += [Workload("uniform(k+1)", uni, k, rate), Workload("loop(k+1)", cycle, k, rate),
                    Workload("zipf", zipf, k, rate)]
    return out


def bench_large_k(quick, repeats, log=print):
    """Throughput table of ``--large-k`` (:func:`large_k_workloads`): one row
    per trace, k, bits setting and algorithm, requests per wall and per CPU
    second (medians, runs interleaved as in :func:`bench_kernels`)."""
    df = bench_kernels(large_k_workloads(quick), repeats, log=log)
    return df


# ----------------------------------------------------------------- throughput


def bench_kernels(workloads, repeats, log=print):
    """Throughput of every algorithm of ``KERNELS`` on every workload (item 1).

    Runs are interleaved: each of the ``repeats`` rounds runs every algorithm
    once (after one warm-up call each), so a change in the machine's speed
    during the measurement (other load, frequency) hits all algorithms alike
    and the ratios between them stay meaningful.
    """
    rows = []
    for w in workloads:
        faults = {alg: w.run(alg) for alg in KERNELS}  # also the warm-up call
        wall = {alg: [] for alg in KERNELS}
        cpu = {alg: [] for alg in KERNELS}
        for _ in range(repeats):
            for alg in KERNELS:
                t0, c0 = time.perf_counter(), time.thread_time()
                w.run(alg)
                wall[alg].append(time.perf_counter() - t0)
                cpu[alg].append(time.thread_time() - c0)
        for alg in KERNELS:
            sec = statistics.median(wall[alg])
            rows.append(dict(trace=w.trace, n=len(w.pages), N=w.n_pages, k=w.k, flip_rate=w.flip_rate, algorithm=alg,
                             faults=faults[alg], seconds=sec, cpu_seconds=statistics.median(cpu[alg]),
                             req_per_s=len(w.pages) / sec))
            log(f"{w.trace:9s} k={w.k:<6d} flip={w.flip_rate:<4g} {alg:26s} {len(w.pages) / sec / 1e6:8.1f} Mreq/s")
    return pd.DataFrame(rows)


def bench_predictors(workloads, repeats, log=print):
    """Throughput of every learned predictor of the bit-source registry
    (contract §10; predictions only, no algorithm) on every workload, median
    of ``repeats`` runs after a warm-up call."""
    from succinct_paging.bitsources import learned_ids, predictions

    rows = []
    for w in workloads:
        for src in learned_ids():
            predictions(src, w)  # warm-up (compile or load from the numba cache)
            wall, cpu = [], []
            for _ in range(repeats):
                t0, c0 = time.perf_counter(), time.thread_time()
                predictions(src, w)
                wall.append(time.perf_counter() - t0)
                cpu.append(time.thread_time() - c0)
            sec = statistics.median(wall)
            rows.append(dict(trace=w.trace, n=len(w.pages), N=w.n_pages, k=w.k, predictor=src, seconds=sec,
                             cpu_seconds=statistics.median(cpu), req_per_s=len(w.pages) / sec))
            log(f"{w.trace:9s} k={w.k:<6d} {src:26s} {len(w.pages) / sec / 1e6:8.1f} Mreq/s")
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- libCacheSim


def write_oracle_trace(pages, path):
    """Write ``pages`` as a libCacheSim oracleGeneral binary trace with the
    package's one writer (:func:`succinct_paging.traces.write_oracle_general`,
    libCacheSim's convention: 1-based next access, -1 for never, which
    libCacheSim reads as INT64_MAX); ids shifted by one (libCacheSim keeps
    id 0 for "no object")."""
    from succinct_paging.traces import write_oracle_general

    write_oracle_general(path, np.asarray(pages).astype(np.uint64) + np.uint64(1))


def _lcs_once(lcs, policy, path, k, hashpower):
    """``(wall s, cpu s, miss ratio)`` of one libCacheSim run; the reader is
    opened outside the timed region, the cache is created inside it."""
    reader = lcs.TraceReader(str(path), lcs.TraceType.ORACLE_GENERAL_TRACE)
    t0, c0 = time.perf_counter(), time.thread_time()
    cache = getattr(lcs, policy)(k, hashpower=hashpower)
    miss_ratio, _ = cache.process_trace(reader)
    return time.perf_counter() - t0, time.thread_time() - c0, miss_ratio


def bench_libcachesim(workloads, repeats=5, log=print):
    """libCacheSim's LRU, FIFO and Belady against ours on the same arrays (item 2)."""
    import libcachesim as lcs

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for w in workloads:
            n = len(w.pages)
            path = Path(tmp) / f"{w.trace}.oracleGeneral"
            write_oracle_trace(w.pages, path)
            base = max(4, math.ceil(math.log2(w.k)))
            candidates = sorted({base, base + 2, base + 4, base + 6, 20, 24})
            for ours, policy in LIBCACHESIM.items():
                sweep = {hp: min(_lcs_once(lcs, policy, path, w.k, hp)[1] for _ in range(2)) for hp in candidates}
                hp = min(sweep, key=sweep.get)
                theirs, mine, misses = [], [], set()
                w.run(ours)
                for _ in range(repeats):  # alternate, so that load changes hit both
                    wall, cpu, ratio = _lcs_once(lcs, policy, path, w.k, hp)
                    theirs.append((wall, cpu))
                    misses.add(round(ratio * n))
                    t0, c0 = time.perf_counter(), time.thread_time()
                    faults = w.run(ours)
                    mine.append((time.perf_counter() - t0, time.thread_time() - c0))
                their_s, their_cpu = (statistics.median(x) for x in zip(*theirs))
                our_s, our_cpu = (statistics.median(x) for x in zip(*mine))
                row = dict(trace=w.trace, n=n, k=w.k, algorithm=ours, libcachesim=policy, hashpower=hp,
                           their_misses=misses.pop() if len(misses) == 1 else -1, our_faults=faults,
                           their_req_per_s=n / their_s, our_req_per_s=n / our_s, speedup=their_s / our_s,
                           speedup_cpu=their_cpu / our_cpu)
                row["misses_equal"] = row["their_misses"] == faults
                rows.append(row)
                log(f"{w.trace:9s} k={w.k:<6d} {policy:7s} hashpower {hp:2d}: theirs {n / their_s / 1e6:6.1f}, "
                    f"ours {n / our_s / 1e6:6.1f} Mreq/s, x{their_s / our_s:.1f} (CPU time x{their_cpu / our_cpu:.1f}), "
                    f"misses {'equal' if row['misses_equal'] else 'DIFFER'}")
    return pd.DataFrame(rows)


# -------------------------------------------------------------- compile times


def _probe(algorithms):
    """In this process: seconds of the first and of a second call of each
    algorithm on a tiny input with the workflow's dtypes (JSON on stdout)."""
    from numba import njit

    t0 = time.perf_counter()
    njit(lambda x: x + 1)(1)  # numba's one-time start-up, not charged to a kernel
    start_up = time.perf_counter() - t0
    pages = np.array([0, 1, 2, 0, 3, 1, 4, 0, 2, 5, 1, 0] * 4, dtype=np.int64)
    bits = np.array([0, 1] * 24, dtype=np.uint8)
    out = {}
    for alg in algorithms:
        parsed = parse_algorithm(alg)
        times = []
        for _ in range(2):
            t1 = time.perf_counter()
            run_parsed(parsed, pages, bits, 3, 6, 0, RunSettings())
            times.append(time.perf_counter() - t1)
        out[alg] = times[0] - times[1]
    out["numba start-up"] = start_up
    print(json.dumps(out))


def _run_probe(algorithms, cache_dir):
    """:func:`_probe` in a fresh interpreter whose numba cache is ``cache_dir``."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir))
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--probe", ";".join(algorithms)],
                          env=env, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_compile(log=print):
    """Cold and warm JIT time of each algorithm, and of all in one process (item 3)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, group in enumerate([[a] for a in KERNELS] + [KERNELS]):
            cache = Path(tmp) / f"cache{i}"
            cold = _run_probe(group, cache)
            warm = _run_probe(group, cache)
            name = group[0] if len(group) == 1 else "all, one process"
            rows.append(dict(algorithm=name, cold_s=sum(cold[a] for a in group),
                             warm_s=sum(warm[a] for a in group)))
            log(f"compile {name:26s} cold {rows[-1]['cold_s']:6.2f} s, warm {rows[-1]['warm_s']:6.3f} s")
        rows.append(dict(algorithm="numba start-up (once per process)",
                         cold_s=cold["numba start-up"], warm_s=warm["numba start-up"]))
    return pd.DataFrame(rows)


# ------------------------------------------------------------------- pipeline

_NOOP_SNAKEFILE = """\
rule all:
    input: expand("noop/{{i}}.txt", i=range({n}))

rule noop:
    output: "noop/{{i}}.txt"
    log: "logs/noop/{{i}}.log"
    script: "noop.py"
"""

_NOOP_SCRIPT = """\
import sys
sys.stderr = open(snakemake.log[0], "w")
import succinct_paging.experiments.grid  # what every real script imports
open(snakemake.output[0], "w").close()
"""


# --------------------------------------------------------------- trace reading


def write_synthetic_oracle_trace(path, n, chunk=1 << 22, seed=0):
    """Write ``n`` oracleGeneral records to ``path`` in chunks (memory O(chunk)):
    Zipf(1.2) over 10^6 objects, ids multiplied by an odd 64-bit constant
    (spread over 64 bits, still distinct), size 1, next access -1 (not used
    by the reader)."""
    from succinct_paging.traces import ORACLE_GENERAL

    rng = np.random.default_rng(seed)
    with open(path, "wb") as f:
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            rec = np.zeros(m, dtype=ORACLE_GENERAL)
            rec["timestamp"] = np.arange(start, start + m, dtype=np.uint64).astype(np.uint32)
            objects = (rng.zipf(1.2, m) % 10**6).astype(np.uint64)
            rec["obj_id"] = objects * np.uint64(0x9E3779B97F4A7C15)
            rec["size"] = 1
            rec["next_access_vtime"] = -1
            rec.tofile(f)


def _probe_read(path):
    """In this process: read ``path`` as oracleGeneral; JSON on stdout."""
    import resource

    from succinct_paging.traces import read_ids, remap

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0, c0 = time.perf_counter(), time.process_time()
    ids = read_ids(path, "oracleGeneral")
    t1 = time.perf_counter()
    pages = remap(ids)
    t2, c2 = time.perf_counter(), time.process_time()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"requests": int(pages.size), "distinct": int(pages.max()) + 1,
                      "read_s": t1 - t0, "remap_s": t2 - t1, "cpu_s": c2 - c0, "peak_rss_bytes": peak,
                      "rss_before_bytes": base, "load_average": os.getloadavg()[0]}))


def bench_read_trace(n, log=print):
    """Write a synthetic oracleGeneral trace of ``n`` records to a temporary
    folder and measure reading it in a fresh subprocess (see the module
    docstring); one row."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.oracleGeneral.bin"
        t0 = time.perf_counter()
        write_synthetic_oracle_trace(path, n)
        log(f"wrote {n} records ({path.stat().st_size / 2**30:.2f} GiB) in {time.perf_counter() - t0:.0f} s")
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--probe-read", str(path)],
                              capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
    total = r["read_s"] + r["remap_s"]
    row = {"requests": r["requests"], "distinct": r["distinct"], "read_s": r["read_s"],
           "remap_s": r["remap_s"], "total_s": total, "req_per_s": r["requests"] / total,
           "cpu_s": r["cpu_s"], "req_per_cpu_s": r["requests"] / r["cpu_s"], "load_average": r["load_average"],
           "peak_rss_gib": r["peak_rss_bytes"] / 2**30,
           "peak_over_start_gib": (r["peak_rss_bytes"] - r["rss_before_bytes"]) / 2**30}
    log(f"read {row['requests']} requests ({row['distinct']} distinct) in {row['read_s']:.1f} s + remap "
        f"{row['remap_s']:.1f} s = {row['req_per_s'] / 1e6:.1f} Mreq/s; peak memory {row['peak_rss_gib']:.2f} GiB")
    return pd.DataFrame([row])


def _snakemake_seconds(args, env=None):
    """Wall seconds of one Snakemake run (output discarded)."""
    return _run_measured([sys.executable, "-m", "snakemake", *args], env)[0]


def _run_measured(cmd, env=None):
    """Run ``cmd``: ``(wall seconds, peak total RSS in bytes, peak RSS of the
    largest single process in bytes)``. The total (all processes of the run
    at once) is sampled every 0.1 s with psutil, so it can miss short spikes;
    the single-process peak is the kernel's high-water mark (GNU time's %M).
    Either is NaN when unavailable."""
    gnu_time = Path("/usr/bin/time")
    with tempfile.TemporaryDirectory() as tmp:
        max_file = Path(tmp) / "maxrss"
        if gnu_time.exists():
            cmd = [str(gnu_time), "-f", "%M", "-o", str(max_file), *cmd]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak = _sample_peak_rss(proc)
        if proc.wait() != 0:
            raise subprocess.CalledProcessError(proc.returncode, cmd)
        sec = time.perf_counter() - t0
        single = float(max_file.read_text().split()[-1]) * 1024 if max_file.exists() else math.nan
    return sec, peak, single


def _sample_peak_rss(proc):
    try:
        import psutil
    except ImportError:
        return math.nan
    peak = 0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        total = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            break
        peak = max(peak, total)
        time.sleep(0.1)
    return peak


def job_times(workdir):
    """Per-rule job count and wall seconds of the last Snakemake run in
    ``workdir``, from its log (start and finish stamps, 1 s resolution)."""
    logs = sorted((Path(workdir) / ".snakemake" / "log").glob("*.snakemake.log"))
    if not logs:
        return pd.DataFrame(columns=["rule", "jobs", "seconds", "max_seconds"])
    stamp, rule, start, spans = None, None, {}, []
    for line in logs[-1].read_text().splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            stamp = datetime.datetime.strptime(line[1:-1], "%a %b %d %H:%M:%S %Y")
        elif line.startswith(("rule ", "localrule ")) and line.endswith(":"):
            rule = line.split()[1][:-1]
        elif line.startswith("jobid:") and rule:
            start[line.split()[1]] = (rule, stamp)
            rule = None
        elif line.startswith("Finished jobid:"):
            job = line.split()[2]
            if job in start:
                name, t0 = start.pop(job)
                spans.append((name, (stamp - t0).total_seconds()))
    df = pd.DataFrame(spans, columns=["rule", "seconds"])
    return (df.groupby("rule")["seconds"].agg(jobs="size", seconds="sum", max_seconds="max")
            .reset_index().sort_values("seconds", ascending=False))


def bench_pipeline(configfile, cores=2, n_noop=20, log=print):
    """Item 4: ``(runs, rules)`` tables — wall time and memory of the
    pipeline (cold, warm), start-up and per-job overhead; time per rule."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp / "numba-cache"))
        base = ["-s", str(REPO / "Snakefile"), "--configfile", str(configfile), "--cores", str(cores)]
        for label in ("cold numba cache", "warm numba cache"):
            workdir = tmp / label.split()[0]
            load = os.getloadavg()[0]
            sec, peak, single = _run_measured([sys.executable, "-m", "snakemake", *base, "-d", str(workdir)], env)
            jobs = sum(1 for _ in (workdir / "logs").rglob("*.log"))
            rows.append(dict(measure=f"{Path(configfile).name}, {label}", seconds=sec, jobs=jobs,
                             peak_total_rss_gib=peak / 2**30, peak_process_rss_gib=single / 2**30,
                             load_before=load, load_after=os.getloadavg()[0],
                             date=datetime.datetime.now().isoformat(timespec="seconds")))
            log(f"pipeline {label}: {sec:.1f} s, {jobs} jobs with a log, peak RSS {peak / 2**30:.2f} GiB "
                f"(largest process {single / 2**30:.2f} GiB)")
            rules = job_times(workdir)  # the warm run's is kept
        noop = tmp / "noop"
        noop.mkdir()
        (noop / "Snakefile").write_text(_NOOP_SNAKEFILE.format(n=n_noop))
        (noop / "noop.py").write_text(_NOOP_SCRIPT)
        args = ["-s", str(noop / "Snakefile"), "-d", str(noop), "--cores", "1"]
        dry = _snakemake_seconds([*args, "-n"], env)
        full = _snakemake_seconds(args, env)
        rows.append(dict(measure="snakemake start-up (dry run of this config)",
                         seconds=_snakemake_seconds([*base, "-d", str(tmp / "dry"), "-n"], env), jobs=0))
        rows.append(dict(measure="per-job overhead (no-op script job importing succinct_paging)",
                         seconds=(full - dry) / n_noop, jobs=n_noop))
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import succinct_paging.experiments.grid"], check=True)
        rows.append(dict(measure="of which: python -c 'import succinct_paging.experiments.grid'",
                         seconds=time.perf_counter() - t0, jobs=1))
        log(f"per-job overhead {rows[-2]['seconds']:.2f} s (import alone {rows[-1]['seconds']:.2f} s)")
    return pd.DataFrame(rows), rules


# ------------------------------------------------------------------ rendering


def _machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numba

    versions = f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}"
    try:
        import libcachesim

        versions += f", libcachesim {libcachesim.__version__}"
    except ImportError:
        pass
    return f"{cpu}, {os.cpu_count()} cores; {versions}"


def _md_table(df, floatfmt="{:.3g}"):
    cols = list(df.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for row in df.itertuples(index=False):
        cells = [floatfmt.format(v) if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _combine_floor(df, cols):
    """Markdown lines: for each ``combine(A,B)``, the time of A and B alone
    relative to LRU (no combine can be faster, it must run both) and
    combine's time over that sum."""
    sec = df.pivot(index="algorithm", columns="column", values="seconds")[cols]
    rows = []
    for alg in sec.index:
        parts = parse_algorithm(alg).parts
        if len(parts) == 2 and all(p in sec.index for p in parts):
            both = sec.loc[parts[0]] + sec.loc[parts[1]]
            rows.append((f"{alg}: A + B alone, x LRU", both / sec.loc["lru"]))
            rows.append((f"{alg}: combine / (A + B)", sec.loc[alg] / both))
    if not rows:
        return []
    table = pd.DataFrame([r for _, r in rows], index=[name for name, _ in rows])
    return ["## combine(A,B) against its parts", "",
            "combine must run A and B, so A + B alone is its floor.", "",
            _md_table(table.rename_axis("measure").reset_index(), "{:.2f}"), ""]


def render_markdown(out):
    """``benchmarks.md`` from the CSV files present in ``out``."""
    out = Path(out)
    parts = ["# Benchmarks", "", "Written by `python benchmarks/bench.py`; what is measured is in "
             "the module docstring. Throughput in millions of requests per second (median of runs).", ""]
    meta = out / "meta.json"
    if meta.exists():
        m = json.loads(meta.read_text())
        parts += [f"- {k}: {v}" for k, v in m.items()] + [""]
    tp = out / "throughput.csv"
    if tp.exists():
        df = pd.read_csv(tp)
        df["column"] = df["trace"] + " k=" + df["k"].astype(str)
        cols = list(dict.fromkeys(df["column"]))
        mreq = df.pivot(index="algorithm", columns="column", values="req_per_s").reindex(KERNELS)[cols] / 1e6
        parts += ["## Throughput (Mreq/s, wall clock)", "", _md_table(mreq.reset_index(), "{:.1f}"), ""]
        df["req_per_cpu_s"] = df["n"] / df["cpu_seconds"]
        cpu = df.pivot(index="algorithm", columns="column", values="req_per_cpu_s").reindex(KERNELS)[cols] / 1e6
        parts += ["## Throughput (Mreq per CPU second: excludes waiting for a core on a loaded machine)", "",
                  _md_table(cpu.reset_index(), "{:.1f}"), ""]
        rel = mreq.loc["lru"] / mreq
        parts += ["## Time relative to our LRU (x slower)", "", _md_table(rel.reset_index(), "{:.2f}"), ""]
        parts += _combine_floor(df, cols)
        if "zipf" in set(df["trace"]):
            z = df[df["trace"] == "zipf"].pivot(index="algorithm", columns="k", values="req_per_s").reindex(KERNELS)
            z = z[z.columns.sort_values()]
            ratio = (z[z.columns[0]] / z[z.columns[-1]]).rename(f"zipf k={z.columns[0]} / k={z.columns[-1]}")
            parts += ["## Throughput at the smallest k over the largest k (zipf)", "",
                      _md_table(ratio.reset_index(), "{:.2f}"), ""]
    pr = out / "predictors.csv"
    if pr.exists():
        df = pd.read_csv(pr)
        df["column"] = df["trace"] + " k=" + df["k"].astype(str)
        mreq = df.pivot(index="predictor", columns="column", values="req_per_s") / 1e6
        parts += ["## Learned predictors (Mreq/s, wall clock; predictions only)", "",
                  _md_table(mreq.reset_index(), "{:.1f}"), ""]
    lk = out / "large_k.csv"
    if lk.exists():
        if (out / "large_k_meta.json").exists():
            parts += [f"- large k, {key}: {v}" for key, v in json.loads((out / "large_k_meta.json").read_text()).items()]
            parts += [""]
        df = pd.read_csv(lk)
        for rate, title in ((FLIP_RATE, f"bits flipped at rate {FLIP_RATE}"), (1.0, "every bit wrong (flip at rate 1)")):
            sub = df[np.isclose(df["flip_rate"], rate)].copy()
            sub["column"] = sub["trace"] + " k=" + sub["k"].astype(str)
            cols = list(dict.fromkeys(sub.sort_values(["trace", "k"])["column"]))
            sub["req_per_cpu_s"] = sub["n"] / sub["cpu_seconds"]
            table = sub.pivot(index="algorithm", columns="column", values="req_per_cpu_s").reindex(KERNELS)[cols] / 1e6
            parts += [f"## Throughput at large k (Mreq per CPU second), {title}", "",
                      _md_table(table.reset_index(), "{:.1f}"), ""]
    lc = out / "libcachesim.csv"
    if lc.exists():
        df = pd.read_csv(lc)
        df["their_Mreq_s"] = df.pop("their_req_per_s") / 1e6
        df["our_Mreq_s"] = df.pop("our_req_per_s") / 1e6
        parts += ["## Against libCacheSim (same arrays, same process, medians)", "",
                  _md_table(df[["trace", "k", "algorithm", "libcachesim", "hashpower", "their_Mreq_s",
                                "our_Mreq_s", "speedup", "speedup_cpu", "their_misses", "our_faults",
                                "misses_equal"]],
                            "{:.2f}"), ""]
    for name, title, fmt in (
            ("compile.csv", "JIT compile time (s): cold = empty numba cache, warm = from the cache", "{:.3f}"),
            ("read_trace.csv", "Reading an oracleGeneral trace (read_trace: numpy chunks, then remap)", "{:.3g}"),
            ("pipeline.csv", "Pipeline (`snakemake --cores 2`)", "{:.2f}"),
            ("pipeline_rules.csv", "Pipeline jobs by rule (warm run; wall seconds from the Snakemake log)",
             "{:.0f}")):
        if (out / name).exists():
            parts += [f"## {title}", "", _md_table(pd.read_csv(out / name), fmt), ""]
    (out / "benchmarks.md").write_text("\n".join(parts))


# ----------------------------------------------------------------------- main


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python benchmarks/bench.py",
                                 description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small traces (smoke test)")
    ap.add_argument("--repeats", type=int, default=5, help="timed runs per measurement (median)")
    ap.add_argument("--out", default="results/benchmarks", help="output folder")
    ap.add_argument("--mirror", default=str((REPO / ".." / "shared" / "traces").resolve()),
                    help="real-trace mirror folder")
    ap.add_argument("--traces", default="citibike,zipf", help="comma-separated subset of citibike,zipf")
    ap.add_argument("--no-libcachesim", action="store_true", help="skip the libCacheSim comparison")
    ap.add_argument("--no-compile", action="store_true", help="skip the compile-time measurement")
    ap.add_argument("--pipeline", action="store_true",
                    help="only measure the Snakemake pipeline (minutes), then re-render the Markdown")
    ap.add_argument("--configfile", default=str(REPO / "config" / "config.yaml"), help="config for --pipeline")
    ap.add_argument("--read-trace", action="store_true",
                    help="only measure reading an oracleGeneral trace (writes a 2.4 GB temporary file), "
                         "then re-render the Markdown")
    ap.add_argument("--read-trace-requests", type=int, default=10**8, help="records for --read-trace")
    ap.add_argument("--large-k", action="store_true",
                    help="only measure throughput at k = 16, 256, 1024, 4096 (uniform and cycle over k+1 pages, zipf; "
                         "bits flipped at 0.1 and all wrong), then re-render the Markdown")
    ap.add_argument("--probe", help=argparse.SUPPRESS)
    ap.add_argument("--probe-read", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.probe:
        _probe(args.probe.split(";"))
        return 0
    if args.probe_read:
        _probe_read(args.probe_read)
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.read_trace:
        bench_read_trace(args.read_trace_requests).to_csv(out / "read_trace.csv", index=False)
        render_markdown(out)
        return 0
    if args.large_k:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        bench_large_k(args.quick, args.repeats).to_csv(out / "large_k.csv", index=False)
        (out / "large_k_meta.json").write_text(json.dumps(
            {"date": datetime.datetime.now().isoformat(timespec="seconds"), "machine": _machine(),
             "mode": "quick" if args.quick else "full", "repeats": args.repeats, "load average at start": load,
             "load average at end": " ".join(f"{x:.2f}" for x in os.getloadavg())}, indent=1))
        render_markdown(out)
        return 0
    if args.pipeline:
        runs, rules = bench_pipeline(args.configfile)
        runs.to_csv(out / "pipeline.csv", index=False)
        rules.to_csv(out / "pipeline_rules.csv", index=False)
        render_markdown(out)
        return 0
    which = [t.strip() for t in args.traces.split(",") if t.strip()]
    unknown = set(which) - {"citibike", "zipf"}
    if unknown:
        ap.error(f"unknown trace(s) {', '.join(sorted(unknown))}; allowed: citibike, zipf")
    meta = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "machine": _machine(),
            "mode": "quick" if args.quick else "full", "repeats": args.repeats,
            "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    workloads = make_workloads(which, args.quick, args.mirror)
    bench_kernels(workloads, args.repeats).to_csv(out / "throughput.csv", index=False)
    bench_predictors(workloads, args.repeats).to_csv(out / "predictors.csv", index=False)
    if not args.no_libcachesim:
        try:
            import libcachesim  # noqa: F401
        except ImportError:
            print("libcachesim not installed (pip install -e '.[bench]'): comparison skipped")
        else:
            bench_libcachesim(workloads, args.repeats).to_csv(out / "libcachesim.csv", index=False)
    if not args.no_compile:
        bench_compile().to_csv(out / "compile.csv", index=False)
    meta["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    (out / "meta.json").write_text(json.dumps(meta, indent=1))
    render_markdown(out)
    print(f"wrote {out}/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())

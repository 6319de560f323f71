"""The adaptive lower-bound adversaries of contract §4.

Each family builds its request sequence *against* one deterministic
algorithm: it runs the algorithm's kernel on the sequence built so far and
chooses the next request from the algorithm's cache or from its last
eviction. The result is an ordinary trace with predicted discard bits, on
which cost, OPT (LFD) and the realised η0, η1 (contract §1.4) are measured
exactly as for any other run.

Families (k pages of cache, ``rounds`` rounds; page ids are handed out in
order of first request):

``lb_keep`` (α + β ≥ k)
    Warm-up: k fresh pages, bit 0. Each round: a fresh page, then the page the
    algorithm just evicted, again and again, until k−1 distinct pages of the
    round-start cache have been requested (or ``k*k`` requests, a guard for
    algorithms that keep evicting pages outside the round-start cache). Every
    bit is 0.
``lb_discard`` (γ ≥ 1 with η0 = 0)
    A working set of two *pair* pages and k−2 *core* pages; warm-up requests
    them with bit 0. Each round: the pair with bit 1, the core with bit 0, a
    fresh page with bit 0, then the page the algorithm evicted for it, with
    bit 0. If that page was a pair page it stays (its bit 1 was wrong), the
    other pair page leaves (its bit 1 was right: it is never requested again)
    and the fresh page joins the pair; otherwise the second pair page leaves.
``lb_all_ones`` (α + (k−1)·γ ≥ k)
    k+1 pages, every bit 1; each request is the smallest page missing from the
    algorithm's cache, so every request faults. k requests fill the cache,
    then ``rounds`` rounds of k requests.

Closing pass (``lb_keep``, ``lb_discard``): the sequence ends with one request
of every page in the algorithm's final cache, with bit 1. These are hits for
the algorithm (a lazy algorithm never evicts on a hit), and their bits are
right (the pages are never requested again). Without them the last request
of every finally cached page would carry a wrong 0: with all-0 bits
η0 = OPT identically (each true 1-bit matches one LFD fault, contract §1.2), and
the k end-of-trace wrong keeps would make ``lb_keep`` miss the tightness
claim of contract §4 by (k−1)·k.

Against ``followbits`` this gives exactly cost − OPT = (k−1)·η0 on
``lb_keep`` (η0 = rounds, OPT = k + rounds, cost = k·(rounds + 1)) and
cost − OPT = η1 on ``lb_discard`` (η1 = rounds, OPT = k + rounds,
cost = k + 2·rounds); on ``lb_all_ones`` cost − OPT = η1 for every algorithm
(every request faults, and with all-1 bits η1 = n − OPT).

Cost: a family of n requests runs the kernel on every prefix, O(n²) per run
(``combine``: O(k·n²), its cache is found by probing); n = O(k·rounds).
"""

import numpy as np
import pandas as pd

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.bounds import robust_budget
from succinct_paging.errors import count_errors
from succinct_paging.kernels import DROPPED, FAULT
from succinct_paging.simulation import run_kernel, run_parsed
from succinct_paging.store import atomic_path
from succinct_paging.truth import discard_bits
from succinct_paging.validate import as_positive_int

FAMILIES = ("lb_keep", "lb_discard", "lb_all_ones")

#: Columns of ``results/lower_bounds.csv``.
COLUMNS = ["family", "algorithm", "k", "rounds", "n", "cost", "opt", "eta0", "eta1"]


class Tracker:
    """A deterministic algorithm served one request at a time.

    ``request(page, bit)`` appends a request, reruns the algorithm's kernel on
    the whole sequence so far and returns the page it evicted at that request
    (``None`` if none); ``cache`` is its cache afterwards and ``cost`` its
    faults so far. Base algorithms record their evictions; for
    ``combine(A,B)`` (whose kernel does not record) the cache is found by
    probing: a page is cached iff appending it adds no fault. Pass
    ``probe=True`` to probe for base algorithms too (used by the tests to
    check the two ways agree).
    """

    def __init__(self, algorithm, k, budget=None, switch_factor=2.0, probe=False):
        self.parsed = parse_algorithm(algorithm)
        if self.parsed.randomized:
            raise ValueError(f"lower-bound adversaries need a deterministic algorithm, got {algorithm!r}")
        if "opt" in self.parsed.parts:
            raise ValueError("an adaptive adversary against the offline 'opt' is meaningless")
        self.k = as_positive_int(k, "k")
        self.budget = 2 * self.k if budget is None else as_positive_int(budget, "budget")
        self.switch_factor = float(switch_factor)
        self.probe = probe or len(self.parsed.parts) > 1
        self.pages = []
        self.bits = []
        self.cache = set()
        self.cost = 0

    def _faults(self, pages, bits):
        pages = np.asarray(pages, dtype=np.int64)
        bits = np.asarray(bits, dtype=np.uint8)
        n_pages = int(pages.max()) + 1 if len(pages) else 0
        return run_parsed(self.parsed, pages, bits, self.k, n_pages, 0, self.budget, self.switch_factor)

    def _likely_victims(self, cached):
        """``cached`` ordered with the victims of the parts at the last request first."""
        pages = np.asarray(self.pages, dtype=np.int64)
        first = []
        for alg_id in self.parsed.parts:
            if alg_id == "opt":
                continue
            flags = np.zeros(len(pages), dtype=np.uint8)
            evicted = np.full(len(pages), -1, dtype=np.int64)
            run_kernel(alg_id, pages, np.asarray(self.bits, dtype=np.uint8), self.k, int(pages.max()) + 1,
                       0, self.budget, flags, evicted)
            if evicted[-1] in cached and evicted[-1] not in first:
                first.append(int(evicted[-1]))
        return first + sorted(cached - set(first))

    def request(self, page, bit):
        page = int(page)
        before = set(self.cache)
        self.pages.append(page)
        self.bits.append(int(bit))
        if self.probe:
            cost = self._faults(self.pages, self.bits)
            fault = cost > self.cost
            self.cost = cost
            if not fault:
                return None
            if len(before) < self.k:
                self.cache.add(page)
                return None
            # A lazy algorithm evicts exactly one page here: probe the cached
            # pages (the parts' own victims first, the likely answer for
            # combine) until the one that left is found.
            for q in self._likely_victims(before):
                if self._faults(self.pages + [q], self.bits + [0]) > cost:
                    self.cache = (before - {q}) | {page}
                    return q
            raise AssertionError(f"{self.parsed.id} faulted on a full cache without evicting")
        pages = np.asarray(self.pages, dtype=np.int64)
        n = len(pages)
        flags = np.zeros(n, dtype=np.uint8)
        evicted = np.full(n, -1, dtype=np.int64)
        cost = run_kernel(self.parsed.id, pages, np.asarray(self.bits, dtype=np.uint8), self.k,
                          int(pages.max()) + 1, 0, self.budget, flags, evicted)
        self.cost = int(cost)
        victim = int(evicted[-1])
        if victim >= 0:
            self.cache.discard(victim)
        self.cache.add(page)
        if flags[-1] & DROPPED:
            self.cache.discard(page)
        if flags[-1] & FAULT and victim < 0 and len(before) >= self.k:
            raise AssertionError(f"{self.parsed.id} faulted on a full cache without evicting")
        return victim if victim >= 0 else None


class _Pages:
    """Hands out fresh page ids 0, 1, 2, ..."""

    def __init__(self):
        self.next = 0

    def fresh(self):
        self.next += 1
        return self.next - 1


def _close(tracker):
    """Closing pass: every finally cached page once more, with bit 1."""
    for q in sorted(tracker.cache):
        tracker.request(q, 1)


def _lb_keep(tracker, k, rounds):
    ids = _Pages()
    for _ in range(k):
        tracker.request(ids.fresh(), 0)
    for _ in range(rounds):
        start = set(tracker.cache)
        seen = set()
        evicted = tracker.request(ids.fresh(), 0)
        steps = 1
        while len(seen) < k - 1 and evicted is not None and steps < k * k:
            if evicted in start:
                seen.add(evicted)
            evicted = tracker.request(evicted, 0)
            steps += 1
    _close(tracker)


def _lb_discard(tracker, k, rounds):
    ids = _Pages()
    pair = [ids.fresh(), ids.fresh()]
    core = [ids.fresh() for _ in range(k - 2)]
    for q in pair + core:
        tracker.request(q, 0)
    for _ in range(rounds):
        for q in pair:
            tracker.request(q, 1)
        for q in core:
            tracker.request(q, 0)
        fresh = ids.fresh()
        evicted = tracker.request(fresh, 0)
        if evicted is not None:
            tracker.request(evicted, 0)
        stay = evicted if evicted in pair else pair[0]
        pair = [stay, fresh]
    _close(tracker)


def _lb_all_ones(tracker, k, rounds):
    for _ in range(k + k * rounds):
        missing = min(q for q in range(k + 1) if q not in tracker.cache)
        tracker.request(missing, 1)


_BUILDERS = {"lb_keep": _lb_keep, "lb_discard": _lb_discard, "lb_all_ones": _lb_all_ones}


def adversary(family, algorithm, k, rounds, budget=None, switch_factor=2.0, probe=False):
    """Play the ``family`` adversary (contract §4) against ``algorithm``.

    Parameters
    ----------
    family : one of :data:`FAMILIES`
    algorithm : str
        A deterministic contract §3 id or ``combine(A,B)`` of deterministic parts
        (``opt`` excluded).
    k : int >= 2
    rounds : int >= 1
    budget : int, optional
        ``followbits_robust``'s fault budget per k-phase (default 2k).
    switch_factor : float
        ``combine``'s switching threshold.
    probe : bool
        Find the cache by probing even for base algorithms (for tests).

    Returns
    -------
    dict
        ``pages`` (int64 array), ``bits`` (uint8 array of predicted discard
        bits), ``cost``, ``opt``, ``eta0``, ``eta1``, ``n``.
    """
    if family not in _BUILDERS:
        raise ValueError(f"unknown lower-bound family {family!r}; allowed: {', '.join(FAMILIES)}")
    k = as_positive_int(k, "k")
    if k < 2:
        raise ValueError(f"lower-bound families need k >= 2, got {k}")
    rounds = as_positive_int(rounds, "rounds")
    tracker = Tracker(algorithm, k, budget, switch_factor, probe)
    _BUILDERS[family](tracker, k, rounds)
    pages = np.asarray(tracker.pages, dtype=np.int64)
    bits = np.asarray(tracker.bits, dtype=np.uint8)
    opt, truth = discard_bits(pages, k)
    eta0, eta1 = count_errors(bits, truth)
    return {"pages": pages, "bits": bits, "cost": int(tracker.cost), "opt": int(opt),
            "eta0": eta0, "eta1": eta1, "n": int(len(pages))}


def lower_bound_table(families, algorithms, ks, rounds, budget_factor=2.0, switch_factor=2.0, progress=None):
    """One row (:data:`COLUMNS`) per family, algorithm, k and number of rounds.

    ``budget_factor``: ``followbits_robust``'s budget is
    ``max(1, round(budget_factor * k))``, as in the runs table.
    ``progress``: optional callable receiving one line per (family, algorithm).
    """
    rows = []
    for family in families:
        for algorithm in algorithms:
            alg = parse_algorithm(algorithm).id
            for k in ks:
                budget = robust_budget(budget_factor, k)
                for r in rounds:
                    res = adversary(family, alg, k, r, budget, switch_factor)
                    rows.append((family, alg, int(k), int(r), res["n"], res["cost"], res["opt"],
                                 res["eta0"], res["eta1"]))
            if progress:
                progress(f"{family} vs {alg}: k = {list(ks)}, rounds = {list(rounds)} done")
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.astype({"family": str, "algorithm": str, "k": "int64", "rounds": "int64", "n": "int64",
                      "cost": "int64", "opt": "int64", "eta0": "int64", "eta1": "int64"})


def write_table(df, path):
    """Write a lower-bound table as CSV, atomically."""
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, lineterminator="\n")


def read_table(path):
    """Read ``lower_bounds.csv`` back with its types."""
    return pd.read_csv(path, dtype={"family": str, "algorithm": str})


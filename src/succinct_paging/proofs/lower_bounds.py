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

Cost: the algorithm is followed by a plain-Python step-by-step simulation
(:class:`Tracker`, ``method="step"``), O(n) per run (``combine``: O(k) per
fault), n = O(k·rounds), plus OPT in O(n log n); a run of 1000 rounds at
k = 16 takes well under a second. The tests check every step against the
numba kernel rerun on each prefix (``method="kernel"``, O(n²)).
"""

from collections import OrderedDict

import numpy as np
import pandas as pd

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.bounds import STEPPED
from succinct_paging.errors import count_errors
from succinct_paging.kernels import DROPPED, FAULT
from succinct_paging.simulation import run_kernel, run_parsed
from succinct_paging.settings import RunSettings
from succinct_paging.store import atomic_path
from succinct_paging.truth import discard_bits
from succinct_paging.validate import as_int

FAMILIES = ("lb_keep", "lb_discard", "lb_all_ones")

#: Columns of ``results/lower_bounds.csv``.
COLUMNS = ["family", "algorithm", "k", "rounds", "n", "cost", "opt", "eta0", "eta1"]


class _Lru:
    """LRU served one request at a time (contract §3): O(1) per request."""

    def __init__(self, k):
        self.k = k
        self.cache = OrderedDict()

    def step(self, page, bit):
        """Serve ``page``; return ``(fault, victim or None)``."""
        if page in self.cache:
            self.cache.move_to_end(page)
            return False, None
        victim = self.cache.popitem(last=False)[0] if len(self.cache) == self.k else None
        self.cache[page] = None
        return True, victim


class _Fifo(_Lru):
    """FIFO served one request at a time (contract §3): O(1) per request."""

    def step(self, page, bit):
        if page in self.cache:
            return False, None
        victim = self.cache.popitem(last=False)[0] if len(self.cache) == self.k else None
        self.cache[page] = None
        return True, victim


class _FollowBits:
    """``followbits`` served one request at a time (contract §3.2): one
    recency list per latest bit, O(1) per request."""

    def __init__(self, k):
        self.k = k
        self.lists = (OrderedDict(), OrderedDict())
        self.cache = {}  # page -> latest bit

    def step(self, page, bit):
        bit = int(bit)
        if page in self.cache:
            del self.lists[self.cache[page]][page]
            self.lists[bit][page] = None
            self.cache[page] = bit
            return False, None
        victim = None
        if len(self.cache) == self.k:
            victim = next(iter(self.lists[1] or self.lists[0]))
            del self.lists[self.cache.pop(victim)][victim]
        self.lists[bit][page] = None
        self.cache[page] = bit
        return True, victim


class _FollowBitsRobust:
    """``followbits_robust`` served one request at a time (contract §3.3):
    the k-phases of §1.3, four recency lists (unmarked/marked × latest bit),
    at most ``budget`` faults per phase as ``followbits``, then the least
    recently used unmarked page with bit 1, else unmarked. O(1) per request."""

    def __init__(self, k, budget):
        self.k, self.budget = k, budget
        self.lists = {(m, b): OrderedDict() for m in (0, 1) for b in (0, 1)}
        self.cache = {}  # page -> (marked, latest bit)
        self.last_use = {}
        self.phase_of = {}
        self.phase = self.distinct = self.phase_faults = self.t = 0

    def _older(self, a, b):
        if a is None or b is None:
            return b if a is None else a
        return a if self.last_use[a] < self.last_use[b] else b

    def _first(self, key):
        return next(iter(self.lists[key]), None)

    def step(self, page, bit):
        bit = int(bit)
        if self.phase_of.get(page) != self.phase:
            if self.distinct == self.k:  # the (k+1)-th distinct page opens a phase: unmark all
                self.phase += 1
                self.distinct = self.phase_faults = 0
                for b in (0, 1):
                    for q in self.lists[(1, b)]:
                        self.lists[(0, b)][q] = None
                        self.cache[q] = (0, b)
                    self.lists[(1, b)].clear()
            self.distinct += 1
            self.phase_of[page] = self.phase
        fault, victim = page not in self.cache, None
        if not fault:
            del self.lists[self.cache[page]][page]
        else:
            self.phase_faults += 1
            if len(self.cache) == self.k:
                if self.phase_faults <= self.budget:
                    victim = self._older(self._first((0, 1)), self._first((1, 1)))
                    if victim is None:
                        victim = self._older(self._first((0, 0)), self._first((1, 0)))
                else:
                    victim = self._first((0, 1))
                    if victim is None:
                        victim = self._first((0, 0))
                del self.lists[self.cache.pop(victim)][victim]
        self.lists[(1, bit)][page] = None
        self.cache[page] = (1, bit)
        self.last_use[page] = self.t
        self.t += 1
        return fault, victim


class _Combine:
    """``combine(A, B)`` of two steppers, served one request at a time
    (contract §3.7): both parts serve the request, then F switches if
    cost(F) > switch_factor × cost(other); on our fault with a full cache we
    evict, among our pages not in F's cache, the one that left F's cache
    most recently (eviction at step t = time 2t+1; never = 0, ties to the
    smallest id). O(k) per fault of ours (the parts never drop pages)."""

    def __init__(self, k, parts, switch_factor):
        self.k, self.parts, self.switch_factor = k, parts, switch_factor
        self.costs = [0, 0]
        self.left = [{}, {}]  # per part: page -> time it last left the part's cache
        self.followed = 0
        self.cache = set()
        self.t = 0

    def step(self, page, bit):
        for j, part in enumerate(self.parts):
            fault, victim = part.step(page, bit)
            self.costs[j] += fault
            if victim is not None:
                self.left[j][victim] = 2 * self.t + 1
        f = self.followed
        if self.costs[f] > self.switch_factor * self.costs[1 - f]:
            self.followed = f = 1 - f
        self.t += 1
        if page in self.cache:
            return False, None
        victim = None
        if len(self.cache) == self.k:
            in_f, left = self.parts[f].cache, self.left[f]
            victim = max((q for q in self.cache if q not in in_f), key=lambda q: (left.get(q, 0), -q))
            self.cache.remove(victim)
        self.cache.add(page)
        return True, victim


def _stepper(alg_id, k, budget):
    return {"lru": lambda: _Lru(k), "fifo": lambda: _Fifo(k), "followbits": lambda: _FollowBits(k),
            "followbits_robust": lambda: _FollowBitsRobust(k, budget)}[alg_id]()


#: Algorithms the incremental adversary can serve step by step (and any
#: ``combine`` of two of them): :data:`succinct_paging.bounds.STEPPED`, which
#: the config check reads too; :func:`_stepper` has one entry per id.

#: How a :class:`Tracker` follows the algorithm: ``step`` serves each request
#: with a plain-Python step-by-step simulation (O(1) per request, O(k) per
#: fault for combine); ``kernel`` reruns the numba kernel on the whole prefix
#: at every request, reading the eviction from its records (O(n) per request;
#: ``combine``, whose kernel does not record, by probing); ``probe`` probes
#: for base algorithms too. The last two are the reference the tests check
#: ``step`` against.
METHODS = ("step", "kernel", "probe")


class Tracker:
    """A deterministic algorithm served one request at a time.

    ``request(page, bit)`` appends a request, serves it and returns the page
    the algorithm evicted at that request (``None`` if none); ``cache`` is its
    cache afterwards and ``cost`` its faults so far. ``method``: one of
    :data:`METHODS`; all three give the same answers (tested), ``step`` in
    O(1) per request instead of O(n).
    """

    def __init__(self, algorithm, k, settings=RunSettings(), method="step"):
        self.parsed = parse_algorithm(algorithm)
        if self.parsed.randomized:
            raise ValueError(f"lower-bound adversaries need a deterministic algorithm, got {algorithm!r}")
        if "opt" in self.parsed.parts:
            raise ValueError("an adaptive adversary against the offline 'opt' is meaningless")
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
        self.k = as_int(k, "k")
        self.settings = settings
        self.budget, self.switch_factor = settings.budget(self.k), settings.switch_factor
        self.method = "probe" if method == "kernel" and len(self.parsed.parts) > 1 else method
        if method == "step":
            missing = [p for p in self.parsed.parts if p not in STEPPED]
            if missing:
                raise ValueError(f"no step-by-step simulation of {missing[0]!r}; allowed: {', '.join(STEPPED)} "
                                 "(or method='kernel')")
            parts = [_stepper(p, self.k, self.budget) for p in self.parsed.parts]
            self._stepper = parts[0] if len(parts) == 1 else _Combine(self.k, parts, self.switch_factor)
        self.pages = []
        self.bits = []
        self.cache = set()
        self.cost = 0

    def _faults(self, pages, bits):
        pages = np.asarray(pages, dtype=np.int64)
        bits = np.asarray(bits, dtype=np.uint8)
        n_pages = int(pages.max()) + 1 if len(pages) else 0
        return run_parsed(self.parsed, pages, bits, self.k, n_pages, 0, self.settings)

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
        if self.method == "step":
            fault, victim = self._stepper.step(page, bit)
            self.cost += fault
            if victim is not None:
                self.cache.discard(victim)
            self.cache.add(page)
            return victim
        if self.method == "probe":
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


def adversary(family, algorithm, k, rounds, settings=RunSettings(), method="step"):
    """Play the ``family`` adversary (contract §4) against ``algorithm``.

    Parameters
    ----------
    family : one of :data:`FAMILIES`
    algorithm : str
        A deterministic contract §3 id or ``combine(A,B)`` of deterministic parts
        (``opt`` excluded).
    k : int >= 2
    rounds : int >= 1
    settings : :class:`~succinct_paging.settings.RunSettings`
        ``followbits_robust``'s fault budget per k-phase (default 2k) and
        ``combine``'s switching threshold.
    method : one of :data:`METHODS`
        How the algorithm is followed: ``step`` (default, O(1) per request)
        or the O(n)-per-request references ``kernel`` and ``probe`` (tests).

    Returns
    -------
    dict
        ``pages`` (int64 array), ``bits`` (uint8 array of predicted discard
        bits), ``cost``, ``opt``, ``eta0``, ``eta1``, ``n``.
    """
    if family not in _BUILDERS:
        raise ValueError(f"unknown lower-bound family {family!r}; allowed: {', '.join(FAMILIES)}")
    k = as_int(k, "k")
    if k < 2:
        raise ValueError(f"lower-bound families need k >= 2, got {k}")
    rounds = as_int(rounds, "rounds")
    tracker = Tracker(algorithm, k, settings, method)
    _BUILDERS[family](tracker, k, rounds)
    pages = np.asarray(tracker.pages, dtype=np.int64)
    bits = np.asarray(tracker.bits, dtype=np.uint8)
    opt, truth = discard_bits(pages, k)
    eta0, eta1 = count_errors(bits, truth)
    return {"pages": pages, "bits": bits, "cost": int(tracker.cost), "opt": int(opt),
            "eta0": eta0, "eta1": eta1, "n": int(len(pages))}


def lower_bound_table(families, algorithms, ks, rounds, settings=RunSettings(), progress=None):
    """One row (:data:`COLUMNS`) per family, algorithm, k and number of rounds.

    ``settings``: the :class:`~succinct_paging.settings.RunSettings` of the
    runs table (``followbits_robust``'s budget at each k, the switch factor).
    ``progress``: optional callable receiving one line per (family, algorithm).
    """
    rows = []
    for family in families:
        for algorithm in algorithms:
            alg = parse_algorithm(algorithm).id
            for k in ks:
                for r in rounds:
                    res = adversary(family, alg, k, r, settings)
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


"""Slow, obviously-correct reference implementations (contract §1–§3).

Plain Python only (lists, dicts, sets; no numba, no numpy logic), written
straight from the definitions so that the fast kernels of
``succinct_paging`` can be compared against them. Every function is
quadratic or worse; use on short inputs only.

Conventions shared by all simulators (contract §1): the cache starts empty, every
fault counts (cold faults included), all algorithms are lazy unless stated.
Randomized algorithms draw from a ``random.Random``; they agree with the
kernels only in distribution.
"""

import random

INF = float("inf")


# --------------------------------------------------------------- truth (§1)


def _next_request(pages, t, q):
    """Index of the first request of page ``q`` after time ``t``, or INF."""
    for s in range(t + 1, len(pages)):
        if pages[s] == q:
            return s
    return INF


def _opt_victim(pages, t, cache):
    """LFD choice (contract §1.1): furthest next request; ties (only among pages
    never requested again) go to the smallest page id."""
    return max(cache, key=lambda q: (_next_request(pages, t, q), -q))


def naive_opt(pages, k):
    """Run LFD (contract §1.1) and derive the discard bits (contract §1.2).

    Returns ``(faults, bits)`` with ``bits[t] = 1`` iff ``pages[t]`` is never
    requested again or LFD evicts it before its next request.
    """
    pages = [int(p) for p in pages]
    cache = set()
    faults = 0
    evictions = []  # (time, page)
    for t, p in enumerate(pages):
        if p in cache:
            continue
        faults += 1
        if len(cache) == k:
            q = _opt_victim(pages, t, cache)
            cache.remove(q)
            evictions.append((t, q))
        cache.add(p)
    bits = []
    for t, p in enumerate(pages):
        s = _next_request(pages, t, p)
        if s == INF:
            bits.append(1)
        else:
            evicted_between = any(t < u < s and q == p for u, q in evictions)
            bits.append(1 if evicted_between else 0)
    return faults, bits


def brute_force_opt(pages, k):
    """Minimum number of faults (contract §1.1), independent of LFD.

    Dynamic programme over the set of reachable cache contents: after each
    request keep, for every possible cache set, the fewest faults that reach
    it. On a fault with a full cache every cached page is tried as victim.
    (Lazy paging loses nothing, so only lazy moves are explored.)
    """
    states = {frozenset(): 0}
    for p in pages:
        p = int(p)
        new = {}
        for cache, cost in states.items():
            if p in cache:
                options = [(cache, cost)]
            elif len(cache) < k:
                options = [(cache | {p}, cost + 1)]
            else:
                options = [((cache - {q}) | {p}, cost + 1) for q in cache]
            for c, v in options:
                if v < new.get(c, INF):
                    new[c] = v
        states = new
    return min(states.values())


def naive_k_phases(pages, k):
    """Phase index (0-based) of each request (contract §1.3): a new phase starts
    at the request of the (k+1)-th distinct page since the phase began."""
    phase = 0
    seen = set()
    out = []
    for p in pages:
        p = int(p)
        if p not in seen and len(seen) == k:
            phase += 1
            seen = set()
        seen.add(p)
        out.append(phase)
    return out


def naive_phase_bits(pages, k):
    """Phase bits (contract §1.3): at a request in phase i, 1 iff the page is not
    requested in phase i+1 (or there is no phase i+1), else 0."""
    pages = [int(p) for p in pages]
    phases = naive_k_phases(pages, k)
    bits = []
    for t, p in enumerate(pages):
        i = phases[t]
        in_next = any(phases[s] == i + 1 and pages[s] == p for s in range(len(pages)))
        bits.append(0 if in_next else 1)
    return bits


def naive_eta(bits, truth):
    """Prediction errors (contract §1.4): ``(eta0, eta1)``."""
    eta0 = sum(1 for b, tau in zip(bits, truth) if b == 0 and tau == 1)
    eta1 = sum(1 for b, tau in zip(bits, truth) if b == 1 and tau == 0)
    return eta0, eta1


# --------------------------------------------------------- algorithms (§3)


class _Paging:
    """Shared state of one simulated algorithm, advanced one request at a time.

    ``cache`` is a set; ``last_req``, ``inserted`` and ``latest_bit`` map a
    page to the time of its most recent request, of the insertion of its
    current copy and to its latest bit. ``left[q]`` is the time ``q`` last left
    the cache (``2t`` for an eviction at step ``t``, ``2t + 1`` for a drop),
    used by ``combine`` (contract §3.7).
    """

    def __init__(self, pages, k, bits, rng):
        self.pages = pages
        self.k = k
        self.bits = bits
        self.rng = rng
        self.cache = set()
        self.last_req = {}
        self.inserted = {}
        self.latest_bit = {}
        self.left = {}
        self.faults = 0

    def victim(self, t, p):
        raise NotImplementedError

    def before(self, t, p):
        """Hook run at the start of step ``t`` (phase bookkeeping)."""

    def after(self, t, p):
        """Hook run after page ``p`` has been served at step ``t``."""

    def evict(self, t, q):
        self.cache.remove(q)
        self.left[q] = 2 * t

    def drop(self, t, q):
        self.cache.remove(q)
        self.left[q] = 2 * t + 1

    def step(self, t):
        p = self.pages[t]
        self.before(t, p)
        if p not in self.cache:
            self.faults += 1
            if len(self.cache) == self.k:
                q = self.victim(t, p)
                assert q in self.cache and q != p
                self.evict(t, q)
            self.cache.add(p)
            self.inserted[p] = t
        self.last_req[p] = t
        self.latest_bit[p] = self.bits[t]
        self.after(t, p)

    def lru_of(self, candidates):
        return min(candidates, key=lambda q: self.last_req[q])

    def random_of(self, candidates):
        return self.rng.choice(sorted(candidates))


class _Opt(_Paging):
    """LFD (contract §1.1)."""

    def victim(self, t, p):
        return _opt_victim(self.pages, t, self.cache)


class _Lru(_Paging):
    """Least recently requested."""

    def victim(self, t, p):
        return self.lru_of(self.cache)


class _Fifo(_Paging):
    """Current copy inserted earliest."""

    def victim(self, t, p):
        return min(self.cache, key=lambda q: self.inserted[q])


class _Random(_Paging):
    """Uniformly random cached page."""

    def victim(self, t, p):
        return self.random_of(self.cache)


class _Marking(_Paging):
    """Marking (contract §3.1): every request marks its page; a page that leaves
    the cache loses its mark; on a fault with a full cache and every cached
    page marked, unmark all."""

    def __init__(self, *args):
        super().__init__(*args)
        self.marked = set()

    def evict(self, t, q):
        super().evict(t, q)
        self.marked.discard(q)

    def drop(self, t, q):
        super().drop(t, q)
        self.marked.discard(q)

    def unmark_all_if_needed(self):
        if all(q in self.marked for q in self.cache):
            self.marked = set()

    def unmarked(self):
        return [q for q in self.cache if q not in self.marked]

    def after(self, t, p):
        self.marked.add(p)


class _Marker(_Marking):
    """``marker`` (contract §3.1): random unmarked page."""

    def victim(self, t, p):
        self.unmark_all_if_needed()
        return self.random_of(self.unmarked())


class _Mark0(_Marking):
    """``mark0`` (contract §3.4): a random cached 1-page if any (no phase change),
    else marking."""

    def victim(self, t, p):
        ones = [q for q in self.cache if self.latest_bit[q] == 1]
        if ones:
            return self.random_of(ones)
        self.unmark_all_if_needed()
        return self.random_of(self.unmarked())


class _Mark0Eager(_Marking):
    """``mark0_eager`` (contract §3.5): marking; a page served with bit 1 is
    dropped at once."""

    def victim(self, t, p):
        self.unmark_all_if_needed()
        return self.random_of(self.unmarked())

    def after(self, t, p):
        super().after(t, p)
        if self.bits[t] == 1:
            self.drop(t, p)


class _MarkPredict(_Marking):
    """``mark_predict`` (contract §3.6): marking; a random unmarked page with
    latest phase bit 1 if any, else a random unmarked page."""

    def victim(self, t, p):
        self.unmark_all_if_needed()
        u = self.unmarked()
        u1 = [q for q in u if self.latest_bit[q] == 1]
        return self.random_of(u1 if u1 else u)


class _FollowBits(_Paging):
    """``followbits`` (contract §3.2): LRU among cached 1-pages, else LRU."""

    def victim(self, t, p):
        ones = [q for q in self.cache if self.latest_bit[q] == 1]
        return self.lru_of(ones if ones else self.cache)


class _FollowBitsRobust(_FollowBits):
    """``followbits_robust`` (contract §3.3) with fault budget per k-phase."""

    def __init__(self, pages, k, bits, rng, budget):
        super().__init__(pages, k, bits, rng)
        self.budget = 2 * k if budget is None else budget
        self.phase_pages = set()  # marked: requested in the current phase
        self.phase_faults = 0

    def before(self, t, p):
        if p not in self.phase_pages and len(self.phase_pages) == self.k:
            self.phase_pages = set()
            self.phase_faults = 0
        self.phase_pages.add(p)
        if p not in self.cache:
            self.phase_faults += 1

    def victim(self, t, p):
        if self.phase_faults <= self.budget:
            return super().victim(t, p)
        unmarked = [q for q in self.cache if q not in self.phase_pages]
        ones = [q for q in unmarked if self.latest_bit[q] == 1]
        return self.lru_of(ones if ones else unmarked)


#: Plain-Python reference of every registered base algorithm, by id: a
#: factory ``(pages, k, bits, rng, budget) -> object with step(t), faults,
#: cache and left``. A test that registers an algorithm adds its reference
#: here, and every kernel-vs-reference test picks it up.
REFERENCES = {}

_SIMPLE = {
    "opt": _Opt,
    "lru": _Lru,
    "fifo": _Fifo,
    "random": _Random,
    "marker": _Marker,
    "followbits": _FollowBits,
    "mark0": _Mark0,
    "mark0_eager": _Mark0Eager,
    "mark_predict": _MarkPredict,
}


REFERENCES.update({name: (lambda cls: lambda pages, k, bits, rng, budget: cls(pages, k, bits, rng))(cls)
                   for name, cls in _SIMPLE.items()})
REFERENCES["followbits_robust"] = _FollowBitsRobust


def _make(name, pages, k, bits, rng, budget):
    return REFERENCES[name](pages, k, bits, rng, budget)


def _parse_combine(algorithm):
    if algorithm.startswith("combine(") and algorithm.endswith(")"):
        a, b = algorithm[len("combine("):-1].split(",")
        return a.strip(), b.strip()
    return None


def _as_rng(rng):
    if isinstance(rng, (random.Random, _ScriptedChoices)):
        return rng
    return random.Random(0 if rng is None else rng)


def naive_simulate(algorithm, pages, k, bits=None, rng=None, budget=None,
                   switch_factor=2.0):
    """Number of faults of ``algorithm`` (contract §3) on ``pages`` with cache ``k``.

    ``bits`` are the predictions (ignored by prediction-free algorithms);
    ``rng`` is a ``random.Random``, a seed or ``None`` (seed 0); ``budget``
    is for ``followbits_robust`` (default 2k); ``switch_factor`` for
    ``combine(A,B)`` (contract §3.7).
    """
    pages = [int(p) for p in pages]
    bits = [0] * len(pages) if bits is None else [int(b) for b in bits]
    assert len(bits) == len(pages)
    rng = _as_rng(rng)
    pair = _parse_combine(algorithm)
    if pair is None:
        alg = _make(algorithm, pages, k, bits, rng, budget)
        for t in range(len(pages)):
            alg.step(t)
        return alg.faults
    return _combine(pair, pages, k, bits, rng, budget, switch_factor)


def _combine(pair, pages, k, bits, rng, budget, switch_factor):
    """``combine(A,B)`` (contract §3.7), with the lead's exact rules: after both
    advance on request t, the followed algorithm F switches if
    cost_F > switch_factor * cost_other; our lazy cache then evicts, among
    pages not in F's cache, the one that left F's cache most recently
    (never-in-F pages: leave-time -1, smallest id first)."""
    a = _make(pair[0], pages, k, bits, _child(rng), budget)
    b = _make(pair[1], pages, k, bits, _child(rng), budget)
    return combine_runs(a, b, pages, k, switch_factor)


def combine_runs(a, b, pages, k, switch_factor):
    """Faults of ``combine`` over two fresh reference algorithms ``a``, ``b``
    (objects with ``step(t)``, ``faults``, ``cache`` and ``left``, the time
    each page last left the cache), by the rules of :func:`_combine`."""
    followed, other = a, b
    cache = set()
    faults = 0
    for t, p in enumerate(pages):
        a.step(t)
        b.step(t)
        if followed.faults > switch_factor * other.faults:
            followed, other = other, followed
        if p in cache:
            continue
        faults += 1
        if len(cache) == k:
            outside = [q for q in cache if q not in followed.cache]
            q = max(outside, key=lambda q: (followed.left.get(q, -1), -q))
            cache.remove(q)
        cache.add(p)
    return faults


def _child(rng):
    """An independent generator for a sub-algorithm of ``combine``; a scripted
    enumerator is shared (its draws are independent by construction)."""
    if isinstance(rng, _ScriptedChoices):
        return rng
    return random.Random(rng.getrandbits(64))


# ------------------------------------------------------------ enumeration


class _ScriptedChoices:
    """Stand-in for ``random.Random`` that replays a script of indices for
    ``choice`` and records the number of options of every draw."""

    def __init__(self, script):
        self.script = script
        self.arities = []

    def choice(self, seq):
        i = len(self.arities)
        self.arities.append(len(seq))
        return seq[self.script[i] if i < len(self.script) else 0]


def exact_distribution(algorithm, pages, k, bits=None, budget=None,
                       switch_factor=2.0, max_leaves=10**6):
    """Exact distribution ``{faults: probability}`` of a randomized algorithm,
    by enumerating every sequence of uniform choices (odometer over the
    decision tree). Exponential: for tiny instances only (raises
    ``OverflowError`` beyond ``max_leaves`` leaves)."""
    dist = {}
    script = []
    for _ in range(max_leaves):
        rng = _ScriptedChoices(script)
        f = naive_simulate(algorithm, pages, k, bits, rng, budget, switch_factor)
        arities = rng.arities
        prob = 1.0
        for a in arities:
            prob /= a
        dist[f] = dist.get(f, 0.0) + prob
        choices = [script[i] if i < len(script) else 0 for i in range(len(arities))]
        # next leaf: increment the deepest choice that has options left
        while choices and choices[-1] == arities[len(choices) - 1] - 1:
            choices.pop()
        if not choices:
            return dist
        choices[-1] += 1
        script = choices
    raise OverflowError("decision tree has more than max_leaves leaves")


def expectation(dist):
    """Mean of a ``{value: probability}`` distribution."""
    return sum(v * p for v, p in dist.items())


def canonical_sequences(max_len, max_pages):
    """Every sequence of length 0..max_len over at most ``max_pages`` pages,
    up to relabelling: each page id is at most one more than the largest id
    used so far (ids in order of first appearance)."""

    def extend(prefix, used):
        yield list(prefix)
        if len(prefix) == max_len:
            return
        for p in range(min(used + 1, max_pages)):
            prefix.append(p)
            yield from extend(prefix, max(used, p + 1))
            prefix.pop()

    yield from extend([], 0)

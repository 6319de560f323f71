"""Slow, obviously-correct references for contract §7 (next-arrival predictions).

Plain Python, written from the definitions, in the style of ``naive.py`` (whose
simulator base classes they extend): ``predictions[t]`` is the predicted time
of the next request of ``pages[t]``; a page's latest prediction is the one of
its most recent request. Choices "largest latest prediction" break ties by the
smallest page id (the LFD rule of contract §1.1). Quadratic or worse: short inputs
only.
"""

import random

from naive import (
    INF,
    _as_rng,
    _child,
    _make,
    _Marking,
    _next_request,
    _Paging,
    _ScriptedChoices,
    combine_runs,
    naive_k_phases,
)

NEVER_FACTOR = 10_000


def naive_next_arrivals(pages):
    """Index of the next request of each request's page, or 10^4·n."""
    pages = [int(p) for p in pages]
    out = []
    for t, p in enumerate(pages):
        s = _next_request(pages, t, p)
        out.append(float(NEVER_FACTOR * len(pages)) if s == INF else float(s))
    return out


def naive_harmonic(k):
    """H_k summed as 1 + 1/2 + ... + 1/k in this order (as the kernel does)."""
    h = 0.0
    for i in range(1, k + 1):
        h += 1.0 / i
    return h


class _Predicted(_Paging):
    """A simulator that also knows the predictions."""

    def __init__(self, pages, k, bits, rng, predictions):
        super().__init__(pages, k, bits, rng)
        self.pred = predictions
        self.evictions = []  # (time, page)

    def latest(self, q):
        return self.pred[self.last_req[q]]

    def furthest(self, candidates):
        """Largest latest prediction; ties to the smallest page id."""
        return max(candidates, key=lambda q: (self.latest(q), -q))

    def evict(self, t, q):
        super().evict(t, q)
        self.evictions.append((t, q))


class _BlindOracle(_Predicted):
    """``blind_oracle`` (contract §7): largest latest prediction in the cache."""

    def victim(self, t, p):
        return self.furthest(self.cache)


class _ChainMarking(_Predicted, _Marking):
    """Marking with eviction chains (contract §7). At a phase start the cached
    pages become stale and the chain list is emptied. A fault on a non-stale
    page starts a chain; a fault on a stale page extends the chain whose last
    evicted page it is. The chain's eviction number ``c`` (this eviction
    included) decides: ``c <= limit``: largest latest unmarked prediction;
    otherwise a uniformly random unmarked page."""

    def __init__(self, *args):
        super().__init__(*args)
        self.stale = set()
        self.chains = []  # [evictions so far, last evicted page]

    def victim(self, t, p):
        if all(q in self.marked for q in self.cache):
            self.marked = set()
            self.stale = set(self.cache)
            self.chains = []
        unmarked = self.unmarked()
        if p in self.stale:
            matches = [ch for ch in self.chains if ch[1] == p]
            assert len(matches) == 1
            chain = matches[0]
            chain[0] += 1
        else:
            chain = [1, None]
            self.chains.append(chain)
        if chain[0] <= self.limit_for(self.k):
            q = self.furthest(unmarked)
        else:
            q = self.random_of(unmarked)
        chain[1] = q
        return q


class _PredictiveMarker(_ChainMarking):
    """``predictive_marker`` (Lykouris & Vassilvitskii): limit H_k."""

    @staticmethod
    def limit_for(k):
        return naive_harmonic(k)


class _LMarker(_ChainMarking):
    """``lmarker`` (Rohatgi): clean faults follow the predictions (c = 1),
    stale faults (c >= 2) evict a random unmarked page."""

    @staticmethod
    def limit_for(k):
        return 1


_ARRIVAL = {
    "blind_oracle": _BlindOracle,
    "predictive_marker": _PredictiveMarker,
    "lmarker": _LMarker,
}


def _make_any(name, pages, k, bits, rng, predictions):
    if name in _ARRIVAL:
        return _ARRIVAL[name](pages, k, bits, rng, predictions)
    return _make(name, pages, k, bits, rng, None)


def naive_simulate_arrivals(algorithm, pages, k, predictions, rng=None, switch_factor=2.0):
    """Faults of a contract §7 algorithm, or ``combine(A,B)`` of any two with at
    most one kind of predictions (contract §3.7 with the rules of
    ``naive._combine``)."""
    pages = [int(p) for p in pages]
    predictions = [float(a) for a in predictions]
    assert len(predictions) == len(pages)
    bits = [0] * len(pages)
    rng = _as_rng(rng)
    if algorithm.startswith("combine(") and algorithm.endswith(")"):
        a_id, b_id = (x.strip() for x in algorithm[len("combine("):-1].split(","))
    else:
        alg = _make_any(algorithm, pages, k, bits, rng, predictions)
        for t in range(len(pages)):
            alg.step(t)
        return alg.faults
    a = _make_any(a_id, pages, k, bits, _child(rng), predictions)
    b = _make_any(b_id, pages, k, bits, _child(rng), predictions)
    return combine_runs(a, b, pages, k, switch_factor)


def naive_arrival_discard_bits(pages, k, predictions):
    """contract §1.2 bits of blind_oracle (LFD on the predicted arrivals)."""
    pages = [int(p) for p in pages]
    alg = _BlindOracle(pages, k, [0] * len(pages), random.Random(0), [float(a) for a in predictions])
    for t in range(len(pages)):
        alg.step(t)
    bits = []
    for t, p in enumerate(pages):
        s = _next_request(pages, t, p)
        evicted_between = any(t < u < s and q == p for u, q in alg.evictions)
        bits.append(1 if s == INF or evicted_between else 0)
    return bits


def naive_literal_phase_bits(pages, k, predictions):
    """contract §7's rule at every request: 1 iff there is no next k-phase or the
    prediction is larger than the index where the phase after the next one
    starts (n if none)."""
    phases = naive_k_phases(pages, k)
    n = len(phases)
    bits = []
    for t, i in enumerate(phases):
        if i + 1 > phases[-1]:
            bits.append(1)
            continue
        end = next((s for s in range(n) if phases[s] >= i + 2), n)
        bits.append(1 if predictions[t] > end else 0)
    return bits


def naive_arrival_phase_bits(pages, k, predictions):
    """The literal rule applied at the last request of each page in its
    phase; every request takes the bit of that last request."""
    pages = [int(p) for p in pages]
    phases = naive_k_phases(pages, k)
    literal = naive_literal_phase_bits(pages, k, predictions)
    bits = []
    for t, p in enumerate(pages):
        last = max(s for s in range(t, len(pages)) if pages[s] == p and phases[s] == phases[t])
        bits.append(literal[last])
    return bits


def exact_distribution_arrivals(algorithm, pages, k, predictions, switch_factor=2.0,
                                max_leaves=10**6):
    """Exact ``{faults: probability}`` of a randomized algorithm of contract §7 by
    enumerating every sequence of uniform choices (as
    ``naive.exact_distribution``)."""
    dist = {}
    script = []
    for _ in range(max_leaves):
        rng = _ScriptedChoices(script)
        f = naive_simulate_arrivals(algorithm, pages, k, predictions, rng, switch_factor)
        prob = 1.0
        for a in rng.arities:
            prob /= a
        dist[f] = dist.get(f, 0.0) + prob
        choices = [script[i] if i < len(script) else 0 for i in range(len(rng.arities))]
        while choices and choices[-1] == rng.arities[len(choices) - 1] - 1:
            choices.pop()
        if not choices:
            return dist
        choices[-1] += 1
        script = choices
    raise OverflowError("decision tree has more than max_leaves leaves")

"""Exhaustive checks of the bounds of contract §3 on all short inputs.

Every check maximises over *all* predicted-bit vectors exactly, without
enumerating them:

- deterministic algorithms: a max-plus dynamic programme over the
  algorithm's states (``worst_slack``): for one request sequence with true
  bits τ, the value of a state is the largest ``faults − β·η0 − γ·η1`` of a
  bit prefix that leads to it; the bound holds for every bit vector iff the
  final maximum is ≤ α·OPT. Transitions are memoised across sequences;
- randomized algorithms: a depth-first walk over (request prefix, bit
  prefix) that carries the exact distribution over the algorithm's states,
  so every prefix's distribution is computed once and shared by all its
  extensions (``walk_expectations``);
- ``followbits_robust``'s per-phase fault cap: a breadth-first search over
  every state reachable on *any* sequence over N pages (all lengths).

The algorithm models used by these searches are plain Python step functions
written from contract §3; each is checked against the kernel (deterministic) or
against ``naive.exact_distribution`` (randomized) first, and the worst bits
found are replayed on the kernel, so a bug in a model cannot hide a bug in a
kernel. A deliberately wrong variant of ``followbits`` (most recently used
among 0-pages, contract §3.2) must be caught by the same check.
"""

import itertools
import math
import random
from collections import deque
from fractions import Fraction

import numpy as np
import pytest

import succinct_paging as sp
from naive import _FollowBits, canonical_sequences, exact_distribution, expectation
from succinct_paging.bounds import harmonic
from succinct_paging.proofs.robust_search import (
    CONTRACT_COUNTEREXAMPLES,
    check_witness,
    excess_profile,
    needed,
    search,
)

NEG = -(10**9)


def _truth(pages, k):
    opt, tau = sp.discard_bits(np.asarray(pages, dtype=np.int64), k)
    return opt, [int(x) for x in tau]


def _eta(bits, tau):
    eta0 = sum(1 for b, t in zip(bits, tau) if b == 0 and t == 1)
    eta1 = sum(1 for b, t in zip(bits, tau) if b == 1 and t == 0)
    return eta0, eta1


# ------------------------------------------------ deterministic step models


def followbits_step(state, p, b, k):
    """contract §3.2. ``state``: cached (page, latest bit) pairs, least recently
    used first. Returns ``(new_state, fault)``."""
    for i, (q, _) in enumerate(state):
        if q == p:
            return state[:i] + state[i + 1:] + ((p, b),), 0
    if len(state) == k:
        ones = [i for i, (_, bit) in enumerate(state) if bit == 1]
        victim = ones[0] if ones else 0
        state = state[:victim] + state[victim + 1:]
    return state + ((p, b),), 1


def followbits_mru0_step(state, p, b, k):
    """The WRONG variant of contract §3.2 (test fixture): among 0-pages evict the
    most recently used one. A page with a wrong 0 then never leaves."""
    for i, (q, _) in enumerate(state):
        if q == p:
            return state[:i] + state[i + 1:] + ((p, b),), 0
    if len(state) == k:
        ones = [i for i, (_, bit) in enumerate(state) if bit == 1]
        victim = ones[0] if ones else len(state) - 1
        state = state[:victim] + state[victim + 1:]
    return state + ((p, b),), 1


class _FollowBitsMru0(_FollowBits):
    """Plain simulation of the wrong variant, in the style of ``naive``."""

    def victim(self, t, p):
        ones = [q for q in self.cache if self.latest_bit[q] == 1]
        if ones:
            return self.lru_of(ones)
        return max(self.cache, key=lambda q: self.last_req[q])


def simulate_mru0(pages, k, bits):
    alg = _FollowBitsMru0(list(pages), k, list(bits), random.Random(0))
    for t in range(len(pages)):
        alg.step(t)
    return alg.faults


def robust_step(state, p, b, k, budget):
    """contract §3.3. ``state``: (cached (page, bit) pairs LRU first, pages
    requested in the current k-phase, faults in the phase). Returns
    ``(new_state, fault)``; raises if the robust mode finds no unmarked page."""
    cache, marked, pf = state
    if p not in marked and len(marked) == k:
        marked, pf = frozenset(), 0
    marked = marked | {p}
    for i, (q, _) in enumerate(cache):
        if q == p:
            return (cache[:i] + cache[i + 1:] + ((p, b),), marked, pf), 0
    pf += 1
    if len(cache) == k:
        if pf <= budget:
            pool = list(range(len(cache)))
        else:
            pool = [i for i, (q, _) in enumerate(cache) if q not in marked]
            if not pool:
                raise AssertionError("robust mode found no unmarked page")
        ones = [i for i in pool if cache[i][1] == 1]
        victim = (ones or pool)[0]
        cache = cache[:victim] + cache[victim + 1:]
    return (cache + ((p, b),), marked, pf), 1


def model_cost(step, pages, k, bits, init=()):
    state, cost = init, 0
    for p, b in zip(pages, bits):
        state, f = step(state, p, b, k)
        cost += f
    return cost


def _random_cases(seed, count, max_k=4, max_n=40):
    rng = random.Random(seed)
    for _ in range(count):
        k = rng.randint(1, max_k)
        n_pages = rng.randint(1, k + 3)
        n = rng.randint(1, max_n)
        yield k, [rng.randrange(n_pages) for _ in range(n)], [rng.randint(0, 1) for _ in range(n)]


# ------------------------------------------------ the max-plus DP over states


class Memo:
    """Transition table of a step function, shared by all sequences."""

    def __init__(self, step, k):
        self.step, self.k, self.table = step, k, {}

    def __call__(self, state, p, b):
        key = (state, p, b)
        hit = self.table.get(key)
        if hit is None:
            hit = self.table[key] = self.step(state, p, b, self.k)
        return hit


def worst_slack(memo, pages, tau, opt, alpha, beta, gamma, init=()):
    """``max over bit vectors of cost − α·OPT − β·η0 − γ·η1`` and a maximising
    bit vector, by a max-plus DP over the algorithm's states."""
    pen = {(0, 1): beta, (1, 0): gamma}
    layer = {init: (0, None, None)}
    layers = []
    for p, t in zip(pages, tau):
        new = {}
        for s, (v, _, _) in layer.items():
            for b in (0, 1):
                s2, f = memo(s, p, b)
                val = v + f - pen.get((b, t), 0)
                if s2 not in new or val > new[s2][0]:
                    new[s2] = (val, s, b)
        layers.append(new)
        layer = new
    end = max(layer, key=lambda s: layer[s][0])
    value = layer[end][0] - alpha * opt
    bits, s = [], end
    for lay in reversed(layers):
        _, prev, b = lay[s]
        bits.append(b)
        s = prev
    return value, bits[::-1]


def followbits_check(step, k, max_len=8, replay_every=0):
    """Run the (1, k−1, 1) check of ``step`` on every canonical sequence of
    length <= max_len over at most k+2 pages. Returns (sequences, violations,
    tight, worst) where violations are (pages, bits, slack) triples."""
    memo = Memo(step, k)
    sequences, violations, tight, worst = 0, [], 0, -math.inf
    for i, pages in enumerate(canonical_sequences(max_len, k + 2)):
        if not pages:
            continue
        sequences += 1
        opt, tau = _truth(pages, k)
        slack, bits = worst_slack(memo, pages, tau, opt, 1, k - 1, 1)
        worst = max(worst, slack)
        if slack > 0:
            violations.append((pages, bits, slack))
        elif slack == 0 and _eta(bits, tau)[0] > 0:
            tight += 1
        if replay_every and i % replay_every == 0 and step is followbits_step:
            eta0, eta1 = _eta(bits, tau)
            assert sp.simulate("followbits", pages, k, bits) == slack + opt + (k - 1) * eta0 + eta1
    return sequences, violations, tight, worst


# ----------------------------------------------------------- followbits


def test_followbits_model_matches_kernel():
    for k, pages, bits in _random_cases(1, 400):
        assert model_cost(followbits_step, pages, k, bits) == sp.simulate("followbits", pages, k, bits)


@pytest.mark.parametrize("k", [2, 3])
def test_followbits_bound_on_all_short_inputs(k):
    """cost ≤ OPT + (k−1)·η0 + η1 for every sequence of length ≤ 8 over ≤ k+2
    pages (up to relabelling) and every bit vector; the worst bits of every
    20th sequence are replayed on the kernel."""
    sequences, violations, tight, worst = followbits_check(followbits_step, k, replay_every=20)
    assert sequences == sum(1 for s in canonical_sequences(8, k + 2) if s) > 3000
    assert violations == []
    # The bound is attained (slack 0 with a wrong keep bit), so the check has
    # no room to hide an off-by-one.
    assert worst == 0 and tight > 0


def test_wrong_variant_is_caught():
    """MRU among 0-pages (contract §3.2: 'most-recent choices break the bound')
    must fail the same check, and the violation must be real."""
    for k in (2, 3):
        _, violations, _, worst = followbits_check(followbits_mru0_step, k)
        assert violations, f"the check missed the wrong variant at k={k}"
        assert worst >= 1
        for pages, bits, slack in violations[:50]:
            opt, tau = _truth(pages, k)
            eta0, eta1 = _eta(bits, tau)
            cost = simulate_mru0(pages, k, bits)
            assert cost == model_cost(followbits_mru0_step, pages, k, bits)
            assert cost - opt - (k - 1) * eta0 - eta1 == slack > 0
    # the mechanism of contract §3.2: a wrong 0 on a page never requested again
    pages, bits = [0, 1, 2, 1, 2, 1, 2, 1], [0, 0, 0, 0, 0, 0, 1, 1]
    opt, tau = _truth(pages, 2)
    eta0, eta1 = _eta(bits, tau)
    assert (opt, eta0, eta1) == (3, 1, 0)
    assert simulate_mru0(pages, 2, bits) == 8 > opt + eta0 + eta1
    assert sp.simulate("followbits", pages, 2, bits) <= opt + eta0 + eta1


# ----------------------------------------------------- followbits_robust


def test_robust_model_matches_kernel():
    for k, pages, bits in _random_cases(2, 400):
        for budget in (1, k, 2 * k):
            step = lambda s, p, b, k, budget=budget: robust_step(s, p, b, k, budget)  # noqa: E731
            got = model_cost(step, pages, k, bits, init=((), frozenset(), 0))
            assert got == sp.simulate("followbits_robust", pages, k, bits, budget=budget), (k, budget)


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("factor", [1, 2])
def test_robust_perfect_bits_give_opt(k, factor):
    """With the true discard bits followbits_robust pays exactly OPT, for the
    default budget 2k and for budget k, on every sequence of length ≤ 8 over
    ≤ k+2 pages (k = 2: also length ≤ 10 over ≤ 3 pages)."""
    seqs = canonical_sequences(8, k + 2)
    if k == 2:
        seqs = itertools.chain(seqs, canonical_sequences(10, k + 1))
    count = 0
    for pages in seqs:
        if not pages:
            continue
        pages = np.asarray(pages, dtype=np.int64)
        opt, tau = sp.discard_bits(pages, k)
        assert sp.simulate("followbits_robust", pages, k, tau, budget=factor * k) == opt, pages.tolist()
        count += 1
    assert count > 3000


def _max_phase_faults(k, n_pages, budget):
    """Largest number of faults in one k-phase over every sequence over
    ``n_pages`` pages (any length) and every bit vector: BFS over all
    reachable states (the phase fault count is part of the state)."""
    start = ((), frozenset(), 0)
    seen = {start}
    queue = deque([start])
    worst = 0
    while queue:
        state = queue.popleft()
        for p in range(n_pages):
            for b in (0, 1):
                nxt, _ = robust_step(state, p, b, k, budget)
                worst = max(worst, nxt[2])
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
    return worst, len(seen)


@pytest.mark.parametrize("k,n_pages", [(2, 3), (2, 4), (2, 5), (3, 4), (3, 5)])
def test_robust_faults_per_phase(k, n_pages):
    """contract §3.3: at most 3k faults per k-phase. Over every sequence of any
    length over n_pages pages and every bit vector, the exact maximum is
    budget + k − 1 (3k − 1 at the default budget 2k): the page loaded by the
    budget-th fault is marked, so robust mode never evicts it and at most the
    k − 1 other phase pages fault after the budget is spent."""
    for budget in (1, k, 2 * k, 4 * k):
        worst, states = _max_phase_faults(k, n_pages, budget)
        assert worst == budget + k - 1, (budget, worst, states)
        assert worst <= 3 * k or budget > 2 * k


def test_spec_counterexamples_break_1_km1_1():
    """Regression: the two counterexamples of contract §3.3, recomputed from the
    definitions (kernel + LFD truth); followbits satisfies its bound on them."""
    expected = [(15, 11, 0, 3), (14, 6, 1, 5)]
    for (k, budget, pages, bits), want in zip(CONTRACT_COUNTEREXAMPLES, expected):
        cost, opt, eta0, eta1 = check_witness(pages, bits, k, budget)
        assert (cost, opt, eta0, eta1) == want
        assert cost > opt + (k - 1) * eta0 + eta1
        fb = sp.simulate("followbits", pages, k, bits)
        assert fb <= opt + (k - 1) * eta0 + eta1
    # the second one is the one the contract compares with followbits (which pays 13)
    k, _, pages, bits = CONTRACT_COUNTEREXAMPLES[1]
    assert sp.simulate("followbits", pages, k, bits) == 13


def test_search_dp_equals_brute_force():
    """robust_search's DP against all 2^n bit vectors on short sequences."""
    rng = np.random.default_rng(3)
    for _ in range(12):
        k = int(rng.integers(2, 4))
        n = int(rng.integers(4, 10))
        pages = rng.integers(0, k + 2, n)
        budget = int(rng.integers(1, 2 * k + 1))
        opt, tau = sp.discard_bits(pages, k)
        brute1 = np.full(n + 1, -np.inf)
        brute0 = np.full(n + 1, -np.inf)
        for bits in itertools.product((0, 1), repeat=n):
            b = np.array(bits, dtype=np.uint8)
            c = sp.simulate("followbits_robust", pages, k, b, budget=budget)
            e0 = int(((b == 0) & (tau == 1)).sum())
            e1 = int(((b == 1) & (tau == 0)).sum())
            brute1[e1] = max(brute1[e1], c - opt - (k - 1) * e0)
            brute0[e0] = max(brute0[e0], c - opt - e1)
        assert np.array_equal(excess_profile(pages, k, budget, "eta1")[0], brute1)
        assert np.array_equal(excess_profile(pages, k, budget, "eta0")[0], brute0)


def test_search_dp_on_spec_counterexamples():
    """The DP finds at least the contract's excess on its counterexamples: budget
    k at k=4 needs β = ∞ with γ = 1; budget 2k at k=3 needs γ ≥ 6/5."""
    k, budget, pages, _ = CONTRACT_COUNTEREXAMPLES[0]
    assert needed(excess_profile(pages, k, budget, "eta0")[0])[0] == math.inf
    k, budget, pages, _ = CONTRACT_COUNTEREXAMPLES[1]
    gamma, j = needed(excess_profile(pages, k, budget, "eta1")[0])
    assert gamma >= 1.2 and j is not None
    beta, _ = needed(excess_profile(pages, k, budget, "eta0")[0])
    assert beta >= 3 > k - 1


def test_search_smoke():
    """A tiny seeded search reproduces the price of robustness at k=3 (its
    structured pool holds the contract's counterexample) and checks its witnesses
    on the kernel; the same seed gives the same table."""
    a = search(ks=[3], budget_factors=[2], n_random=3, restarts=1, local_steps=3, seed=5)
    b = search(ks=[3], budget_factors=[2], n_random=3, restarts=1, local_steps=3, seed=5)
    assert a.equals(b)
    row = a.iloc[0]
    assert row["gamma_needed"] >= 1.2 and row["beta_needed"] >= 3
    assert row["violating_sequences"] >= 1
    gpages = [int(x) for x in row["gamma_witness_pages"].split()]
    gbits = [int(x) for x in row["gamma_witness_bits"].split()]
    cost, opt, eta0, eta1 = check_witness(gpages, gbits, 3, 6)
    assert (cost - opt - 2 * eta0) / eta1 == pytest.approx(row["gamma_needed"])


# ------------------------------------------------ randomized: exact expectations


def _canon(cache):
    return tuple(sorted(cache.items()))


def mark0_dist(state, p, b, k):
    """contract §3.4. ``state``: sorted (page, (marked, bit)). Returns a list of
    (new_state, probability, fault)."""
    cache = dict(state)
    if p in cache:
        cache[p] = (1, b)
        return [(_canon(cache), Fraction(1), 0)]
    if len(cache) < k:
        cache[p] = (1, b)
        return [(_canon(cache), Fraction(1), 1)]
    ones = [q for q, (_, bit) in cache.items() if bit == 1]
    if not ones and all(m for m, _ in cache.values()):
        cache = {q: (0, bit) for q, (_, bit) in cache.items()}
    pool = ones or [q for q, (m, _) in cache.items() if not m]
    out = []
    for v in pool:
        c = dict(cache)
        del c[v]
        c[p] = (1, b)
        out.append((_canon(c), Fraction(1, len(pool)), 1))
    return out


def mark0_eager_dist(state, p, b, k):
    """contract §3.5. ``state``: sorted (page, marked)."""
    cache = dict(state)
    outs = []
    if p in cache:
        outs.append((cache, Fraction(1), 0))
    elif len(cache) < k:
        outs.append((cache, Fraction(1), 1))
    else:
        if all(cache.values()):
            cache = {q: 0 for q in cache}
        pool = [q for q, m in cache.items() if not m]
        for v in pool:
            c = dict(cache)
            del c[v]
            outs.append((c, Fraction(1, len(pool)), 1))
    res = []
    for c, pr, f in outs:
        c = dict(c)
        if b == 1:
            c.pop(p, None)
        else:
            c[p] = 1
        res.append((_canon(c), pr, f))
    return res


def mark_predict_dist(state, p, b, k):
    """contract §3.6. ``state``: sorted (page, (marked, latest phase bit))."""
    cache = dict(state)
    if p in cache:
        cache[p] = (1, b)
        return [(_canon(cache), Fraction(1), 0)]
    if len(cache) < k:
        cache[p] = (1, b)
        return [(_canon(cache), Fraction(1), 1)]
    if all(m for m, _ in cache.values()):
        cache = {q: (0, bit) for q, (_, bit) in cache.items()}
    unmarked = [q for q, (m, _) in cache.items() if not m]
    pool = [q for q in unmarked if cache[q][1] == 1] or unmarked
    out = []
    for v in pool:
        c = dict(cache)
        del c[v]
        c[p] = (1, b)
        out.append((_canon(c), Fraction(1, len(pool)), 1))
    return out


RANDOMIZED = {
    # id: (distribution model, bits kind, (α, β, γ) as a function of k)
    "mark0": (mark0_dist, "discard", lambda k: (1, 2 * harmonic(k), 1)),
    "mark0_eager": (mark0_eager_dist, "discard", lambda k: (1, 2 * harmonic(k), 1)),
    "mark_predict": (mark_predict_dist, "phase", lambda k: (2, harmonic(k), 1)),
}


def exact_expectation(model, pages, bits, k):
    dist, expected = {(): Fraction(1)}, Fraction(0)
    for p, b in zip(pages, bits):
        new = {}
        for s, pr in dist.items():
            for s2, q, f in model(s, p, b, k):
                new[s2] = new.get(s2, 0) + pr * q
                expected += pr * q * f
        dist = new
    return expected


@pytest.mark.parametrize("alg", sorted(RANDOMIZED))
def test_randomized_model_matches_reference(alg):
    """The distribution models give the exact expectation of naive.py's
    enumeration of random choices."""
    model = RANDOMIZED[alg][0]
    for k, pages, bits in _random_cases(7, 60, max_k=3, max_n=10):
        want = expectation(exact_distribution(alg, pages, k, bits))
        assert float(exact_expectation(model, pages, bits, k)) == pytest.approx(want, abs=1e-9)


def walk_expectations(model, k, max_len, truth, alpha, beta, gamma):
    """Depth-first over every (canonical sequence, bit vector) of length
    <= max_len, carrying the exact state distribution of the prefix. Returns
    (nodes, worst slack E[cost] − α·OPT − β·η0 − γ·η1, its witness)."""
    memo = {}
    truth_of = {}
    best = [-math.inf, None]
    nodes = [0]

    def trans(s, p, b):
        key = (s, p, b)
        if key not in memo:
            memo[key] = [(s2, float(q), f) for s2, q, f in model(s, p, b, k)]
        return memo[key]

    def visit(pages, bits, dist, expected, used):
        nodes[0] += 1
        if pages:
            key = tuple(pages)
            if key not in truth_of:
                truth_of[key] = truth(pages, k)
            opt, tau = truth_of[key]
            eta0, eta1 = _eta(bits, tau)
            slack = expected - (alpha * opt + beta * eta0 + gamma * eta1)
            if slack > best[0]:
                best[:] = [slack, (list(pages), list(bits))]
        if len(pages) == max_len:
            return
        for p in range(used + 1):
            for b in (0, 1):
                new, e = {}, 0.0
                for s, pr in dist.items():
                    for s2, q, f in trans(s, p, b):
                        new[s2] = new.get(s2, 0.0) + pr * q
                        e += pr * q * f
                pages.append(p)
                bits.append(b)
                visit(pages, bits, new, expected + e, max(used, p + 1))
                pages.pop()
                bits.pop()

    visit([], [], {(): 1.0}, 0.0, 0)
    return nodes[0], best[0], best[1]


def _phase_truth(pages, k):
    arr = np.asarray(pages, dtype=np.int64)
    opt, _ = sp.discard_bits(arr, k)
    return opt, [int(x) for x in sp.phase_bits(arr, k)]


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("alg", sorted(RANDOMIZED))
def test_randomized_bounds_on_all_short_inputs(alg, k):
    """E[cost] ≤ α·OPT + β·η0 + γ·η1 (contract §3) exactly, for every sequence of
    length ≤ 7 (any number of pages, up to relabelling) and every bit vector."""
    model, kind, constants = RANDOMIZED[alg]
    alpha, beta, gamma = constants(k)
    truth = _truth if kind == "discard" else _phase_truth
    nodes, worst, (pages, bits) = walk_expectations(model, k, 7, truth, alpha, beta, gamma)
    # Σ_{n ≤ 7} (canonical sequences of length n) · 2^n, plus the empty prefix
    assert nodes == 1 + sum(2 ** len(s) for s in canonical_sequences(7, 7) if s)
    assert worst <= 1e-9, (alg, k, pages, bits, worst)
    # the extreme case, recomputed by naive.py's enumeration of random choices
    opt, tau = truth(pages, k)
    eta0, eta1 = _eta(bits, tau)
    exact = expectation(exact_distribution(alg, pages, k, bits))
    assert exact - (alpha * opt + beta * eta0 + gamma * eta1) == pytest.approx(worst, abs=1e-9)


def test_randomized_check_has_teeth():
    """The same walk rejects a wrong constant: MARK&PREDICT is not (1, H_k, 1)
    (contract §3: 'the factor 2 on OPT is needed')."""
    model, _, _ = RANDOMIZED["mark_predict"]
    _, worst, (pages, bits) = walk_expectations(model, 2, 7, _phase_truth, 1, harmonic(2), 1)
    assert worst > 0.5
    opt, tau = _phase_truth(pages, 2)
    eta0, eta1 = _eta(bits, tau)
    exact = expectation(exact_distribution("mark_predict", pages, 2, bits))
    assert exact > opt + harmonic(2) * eta0 + eta1

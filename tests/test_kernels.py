"""The numba kernels behind ``succinct_paging.simulate`` against the plain
Python references of ``tests/naive.py`` (contract §3).

- Deterministic algorithms: equal faults on >= 1,000 random instances each
  (hypothesis, shrinking to a minimal counterexample) plus edge cases.
- Randomized algorithms: same seed, same result; the kernel's distribution
  over 2,000 seeds matches the reference's exact distribution (support,
  mean z-test, chi-square) on fixed small instances, and the reference's
  sampled mean (two-sample z-test) on larger ones.
- Consistency with perfect predictions and faults >= OPT.

All tests are deterministic (fixed seeds, derandomized hypothesis); the
statistical thresholds are ~5 sigma, so a failure is a real disagreement.
"""

import math
import random
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import succinct_paging as sp
from numba import njit
from succinct_paging.algorithms import REGISTRY, Algorithm, base_ids, register, unregister
from naive import (
    REFERENCES,
    _Paging,
    exact_distribution,
    expectation,
    naive_opt,
    naive_phase_bits,
    naive_simulate,
)
from strategies import pages_and_k

Z = 5.0  # confidence of the statistical checks, in standard deviations
N_SEEDS = 2000

# Every registered algorithm that reads no next-arrival predictions (those
# are tested in test_arrivals.py), in registry order; a newly registered one
# is picked up here with no other edit.
ALL_BASE = list(base_ids("bits"))
RANDOMIZED = [a for a in ALL_BASE if REGISTRY[a].randomized] + [
    "combine(mark0,marker)", "combine(mark0_eager,lru)", "combine(marker,followbits)"]

# (algorithm, budget as a function of k or None, switch_factor)
DETERMINISTIC = [(a, None, 2.0) for a in ALL_BASE if not REGISTRY[a].randomized] + [
    ("followbits_robust", lambda k: 1, 2.0),
    ("followbits_robust", lambda k: k, 2.0),
    ("followbits_robust", lambda k: 3 * k, 2.0),
    ("combine(followbits,lru)", None, 2.0),
    ("combine(followbits,lru)", None, 1.0),
    ("combine(followbits,lru)", None, 1.5),
    ("combine(lru,followbits)", None, 2.0),
    ("combine(fifo,followbits_robust)", lambda k: 1, 2.0),
    ("combine(opt,lru)", None, 1.0),
    ("combine(lru,opt)", None, 2.0),
]
DET_IDS = [f"{a}-b{'def' if b is None else b(10)}-s{s}" for a, b, s in DETERMINISTIC]


def _arr(x, dtype=np.int64):
    return np.asarray(x, dtype=dtype)


def kernel(alg, pages, k, bits=None, seed=0, budget=None, switch_factor=2.0):
    bits_arr = None if bits is None else _arr(bits, np.uint8)
    return sp.simulate(alg, _arr(pages), k, bits_arr, seed, budget=budget,
                       switch_factor=switch_factor)


def _needs_phase_bits(alg):
    return "mark_predict" in alg


def truth_bits(alg, pages, k):
    """Perfect bits of the kind ``alg`` reads (reference computation)."""
    return naive_phase_bits(pages, k) if _needs_phase_bits(alg) else naive_opt(pages, k)[1]


# --------------------------------------------------------------- instances


@st.composite
def instances(draw, max_k=5, max_len=50):
    """(pages, k, bits): a few pages (often more than k), with uniform, run-
    heavy or cyclic structure; bits random, perfect or perfect with flips."""
    pages, k = draw(pages_and_k(max_k, max_len))
    bit_kind = draw(st.sampled_from(["random", "perfect", "noisy"]))
    if bit_kind == "random":
        bits = draw(st.lists(st.integers(0, 1), min_size=len(pages), max_size=len(pages)))
    else:
        truth = naive_opt(pages, k)[1]
        if bit_kind == "perfect":
            bits = truth
        else:
            flips = draw(st.lists(st.booleans(), min_size=len(pages), max_size=len(pages)))
            bits = [b ^ int(f) for b, f in zip(truth, flips)]
    return pages, k, bits


# -------------------------------------------- deterministic: exact equality


@settings(max_examples=1500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=instances())
def test_deterministic_equals_reference(case):
    """Every deterministic configuration on the same 1,500 instances (one
    test, so instance generation is paid once; all mismatches are listed)."""
    pages, k, bits = case
    mismatches = []
    for alg, budget_of, switch in DETERMINISTIC:
        budget = None if budget_of is None else budget_of(k)
        expected = naive_simulate(alg, pages, k, bits, budget=budget, switch_factor=switch)
        got = kernel(alg, pages, k, bits, budget=budget, switch_factor=switch)
        if got != expected:
            mismatches.append(dict(alg=alg, budget=budget, switch_factor=switch,
                                   expected=expected, got=got))
    assert not mismatches, dict(pages=pages, bits=bits, k=k, mismatches=mismatches)


def _seeded_cases(n_cases, seed, max_k=6, max_len=120):
    """Longer seeded random instances (numpy generator), for edge cases."""
    rng = np.random.default_rng(seed)
    for _ in range(n_cases):
        k = int(rng.integers(1, max_k + 1))
        n_pages = int(rng.integers(1, 2 * k + 4))
        n = int(rng.integers(1, max_len + 1))
        # a Zipf-like popularity so some pages recur often
        w = 1.0 / np.arange(1, n_pages + 1) ** rng.uniform(0, 1.5)
        pages = rng.choice(n_pages, size=n, p=w / w.sum()).tolist()
        bits = rng.integers(0, 2, size=n).tolist()
        yield pages, k, bits


def assert_matches_reference(alg, budget_of=None, switch=2.0, n_cases=60):
    """The kernel of ``alg`` (via ``simulate``) equals its reference of
    ``tests/naive.py`` on ``n_cases`` seeded random instances."""
    for pages, k, bits in _seeded_cases(n_cases, seed=zlib.crc32(alg.encode()) % 1000 + 1):
        budget = None if budget_of is None else budget_of(k)
        expected = naive_simulate(alg, pages, k, bits, budget=budget, switch_factor=switch)
        got = kernel(alg, pages, k, bits, budget=budget, switch_factor=switch)
        assert got == expected, dict(alg=alg, pages=pages, bits=bits, k=k, expected=expected, got=got)


@pytest.mark.parametrize("alg,budget_of,switch", DETERMINISTIC, ids=DET_IDS)
def test_deterministic_longer_traces(alg, budget_of, switch):
    assert_matches_reference(alg, budget_of, switch)


def test_every_registered_algorithm_has_a_reference():
    assert set(ALL_BASE) <= set(REFERENCES), sorted(set(ALL_BASE) - set(REFERENCES))


@njit
def _mru_kernel(pages, bits, k, n_pages, rng, flags, evicted):
    """Toy algorithm for the registry test: evict the most recently used page."""
    record = flags.shape[0] > 0
    cached = np.zeros(n_pages, dtype=np.bool_)
    last = -1
    size = 0
    faults = 0
    for t in range(pages.shape[0]):
        p = pages[t]
        victim = -1
        if cached[p]:
            if record:
                flags[t] = 0
        else:
            faults += 1
            if size == k:
                victim = last
                cached[victim] = False
            else:
                size += 1
            cached[p] = True
            if record:
                flags[t] = 1
        if record:
            evicted[t] = victim
        last = p
    return faults


class _MruReference(_Paging):
    """Reference of the toy: the cached page requested last."""

    def victim(self, t, p):
        return max(self.cache, key=lambda q: self.last_req[q])


@pytest.fixture
def toy_mru():
    """Register the toy ``mru`` (kernel above, reference above) for one test."""
    REFERENCES["mru"] = lambda pages, k, bits, rng, budget: _MruReference(pages, k, bits, rng)
    register(Algorithm("mru", "none", False, _mru_kernel, "test", "#000000", "o"))
    yield "mru"
    unregister("mru")
    del REFERENCES["mru"]


def test_a_registered_toy_algorithm_is_simulated_and_checked(toy_mru):
    """docs/extending.md: registering an algorithm (and its reference) is all
    it takes; simulate, combine, the bound column and the reference checks
    pick it up without another edit."""
    assert toy_mru in base_ids("bits")
    # 0, 1 cold; 2 evicts 1 (most recent); 0 hits; 1 evicts 0; 2 hits
    assert sp.simulate("mru", [0, 1, 2, 0, 1, 2], 2) == 4
    assert math.isnan(sp.upper_bound("mru", 2, 3))
    assert_matches_reference("mru")
    assert_matches_reference("combine(mru,lru)")
    assert_matches_reference("combine(lru,mru)", switch=1.0)
    with pytest.raises(AssertionError):  # the checker can fail: a wrong reference is caught
        REFERENCES["mru"] = lambda pages, k, bits, rng, budget: REFERENCES["lru"](pages, k, bits, rng, budget)
        assert_matches_reference("mru")


@pytest.mark.parametrize("alg", ALL_BASE)
def test_recording_writes_every_step(alg):
    """Records do not depend on what the arrays held before (combine
    allocates them uninitialised)."""
    from succinct_paging.simulation import run_kernel

    for pages, k, bits in _seeded_cases(20, seed=7):
        n, arr, n_pages = len(pages), _arr(pages), max(pages) + 1
        records = []
        for fill in (-1, 12345):
            flags, evicted = np.full(n, 77, np.uint8), np.full(n, fill, np.int64)
            run_kernel(alg, arr, _arr(bits, np.uint8), k, n_pages, 3, 2 * k, flags, evicted)
            records.append((flags, evicted))
        assert not (records[0][0] == 77).any()
        assert (records[0][0] == records[1][0]).all() and (records[0][1] == records[1][1]).all()


def test_combine_shortcut_is_exact_and_both_paths_run():
    """``mirror_faults`` (combine's no-replay shortcut) claims A's faults only
    where the reference agrees, and both it and the replay are exercised."""
    from succinct_paging.kernels.combine import mirror_faults
    from succinct_paging.simulation import run_kernel

    taken = total = 0
    for a, b, switch in [("followbits", "lru", 2.0), ("followbits", "lru", 1.0),
                         ("lru", "followbits", 1.5), ("fifo", "opt", 1.0), ("opt", "fifo", 2.0)]:
        for pages, k, bits in _seeded_cases(60, seed=zlib.crc32((a + b).encode()) % 1000 + 1):
            arr, n_pages = _arr(pages), max(pages) + 1
            rec = []
            for j, alg in enumerate((a, b)):
                flags, evicted = np.zeros(len(pages), np.uint8), np.full(len(pages), -1, np.int64)
                run_kernel(alg, arr, _arr(bits, np.uint8), k, n_pages, j, 2 * k, flags, evicted)
                rec.append((flags, evicted))
            mirrored = mirror_faults(k, rec[0][0], rec[0][1], rec[1][0], switch)
            expected = naive_simulate(f"combine({a},{b})", pages, k, bits, switch_factor=switch)
            total += 1
            if mirrored >= 0:
                taken += 1
                assert mirrored == expected, dict(a=a, b=b, pages=pages, bits=bits, k=k)
            assert kernel(f"combine({a},{b})", pages, k, bits, switch_factor=switch) == expected
    assert 0 < taken < total, (taken, total)


@pytest.mark.parametrize("alg,budget_of,switch", DETERMINISTIC, ids=DET_IDS)
def test_deterministic_sparse_ids(alg, budget_of, switch):
    """Large, sparse page ids (remapped by the API) give the same faults."""
    rng = np.random.default_rng(5)
    ids = np.array([0, 7, 10**6, 10**9, 3 * 10**12, 12])
    for _ in range(40):
        k = int(rng.integers(1, 5))
        pages = ids[rng.integers(0, len(ids), size=int(rng.integers(1, 40)))].tolist()
        bits = rng.integers(0, 2, size=len(pages)).tolist()
        budget = None if budget_of is None else budget_of(k)
        expected = naive_simulate(alg, pages, k, bits, budget=budget, switch_factor=switch)
        got = kernel(alg, pages, k, bits, budget=budget, switch_factor=switch)
        assert got == expected, dict(pages=pages, bits=bits, k=k, expected=expected, got=got)


# ----------------------------------------------------------------- edges


def _cold_misses_eager(pages, bits):
    """mark0_eager without evictions: a request faults iff it is the page's
    first request or its previous request had bit 1 (it was dropped)."""
    last = {}
    faults = 0
    for p, b in zip(pages, bits):
        if last.get(p, 1) == 1:
            faults += 1
        last[p] = b
    return faults


@pytest.mark.parametrize("alg", ALL_BASE + ["combine(followbits,lru)", "combine(mark0,marker)"])
def test_k_at_least_distinct_pages(alg):
    """No eviction is ever needed: one fault per distinct page (mark0_eager:
    plus one per drop that is requested again)."""
    rng = np.random.default_rng(11)
    for _ in range(40):
        n_pages = int(rng.integers(1, 6))
        pages = rng.integers(0, n_pages, size=int(rng.integers(1, 50))).tolist()
        bits = rng.integers(0, 2, size=len(pages)).tolist()
        k = len(set(pages)) + int(rng.integers(0, 3))
        expected = (_cold_misses_eager(pages, bits) if alg == "mark0_eager"
                    else len(set(pages)))
        for seed in (0, 1, 2):
            assert kernel(alg, pages, k, bits, seed=seed) == expected
        assert naive_simulate(alg, pages, k, bits, rng=0) == expected


@pytest.mark.parametrize("alg", ALL_BASE + ["combine(followbits,lru)", "combine(mark0,marker)"])
def test_k_equals_one(alg):
    """k = 1: every change of page faults (mark0_eager: also after a drop)."""
    rng = np.random.default_rng(12)
    for _ in range(40):
        pages = rng.integers(0, 4, size=int(rng.integers(1, 50))).tolist()
        bits = rng.integers(0, 2, size=len(pages)).tolist()
        if alg == "mark0_eager":
            expected = sum(1 for t in range(len(pages))
                           if t == 0 or pages[t] != pages[t - 1] or bits[t - 1] == 1)
        else:
            expected = sum(1 for t in range(len(pages)) if t == 0 or pages[t] != pages[t - 1])
        for seed in (0, 1):
            assert kernel(alg, pages, 1, bits, seed=seed) == expected
        assert naive_simulate(alg, pages, 1, bits, rng=0) == expected


@pytest.mark.parametrize("alg,budget_of,switch", DETERMINISTIC, ids=DET_IDS)
def test_long_runs_of_one_page(alg, budget_of, switch):
    rng = np.random.default_rng(13)
    for _ in range(30):
        k = int(rng.integers(1, 4))
        runs = [(int(rng.integers(0, k + 2)), int(rng.integers(1, 200))) for _ in range(8)]
        pages = [p for p, r in runs for _ in range(r)]
        bits = rng.integers(0, 2, size=len(pages)).tolist()
        budget = None if budget_of is None else budget_of(k)
        expected = naive_simulate(alg, pages, k, bits, budget=budget, switch_factor=switch)
        assert kernel(alg, pages, k, bits, budget=budget, switch_factor=switch) == expected
    # a single page requested many times: one cold fault
    if "mark0_eager" not in alg:
        assert kernel(alg, [3] * 500, 2, [1] * 500) == 1


def test_documented_followbits_robust_counterexamples():
    """The two counterexamples of contract §3.3, on the kernel and the reference."""
    p1 = [0, 1, 0, 2, 2, 0, 0, 3, 1, 3, 1, 1, 0, 4, 1, 5, 0, 3, 6, 5, 2, 2, 2, 6, 0, 4,
          1, 1, 5, 1, 0, 4, 0, 5, 3, 0, 1]
    b1 = [0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0,
          0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1]
    assert kernel("followbits_robust", p1, 4, b1, budget=4) == 15
    assert naive_simulate("followbits_robust", p1, 4, b1, budget=4) == 15
    assert kernel("opt", p1, 4) == 11
    p2 = [1, 1, 4, 0, 4, 2, 2, 2, 1, 2, 1, 3, 1, 3, 1, 0, 3, 3, 3, 0, 0, 0, 0, 3, 0, 0,
          3, 2, 2, 0, 1]
    b2 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1,
          1, 0, 1, 1, 1]
    assert kernel("followbits_robust", p2, 3, b2) == 14
    assert naive_simulate("followbits_robust", p2, 3, b2) == 14
    assert kernel("followbits", p2, 3, b2) == 13
    assert kernel("opt", p2, 3) == 6


# ------------------------------------------------ randomized: reproducibility


@pytest.mark.parametrize("alg", RANDOMIZED)
def test_same_seed_same_result(alg):
    for pages, k, _ in _seeded_cases(20, seed=21, max_len=80):
        bits = truth_bits(alg, pages, k)
        bits = [b ^ (i % 3 == 0) for i, b in enumerate(bits)]  # some errors
        for seed in (0, 1, 12345, 2**40 + 3):
            assert kernel(alg, pages, k, bits, seed=seed) == kernel(alg, pages, k, bits, seed=seed)


@pytest.mark.parametrize("alg", ["random", "marker", "combine(mark0,marker)"])
def test_seed_matters(alg):
    """On a cyclic scan of k+1 pages the outcome genuinely varies."""
    k = 4
    pages = [i % (k + 1) for i in range(60)]
    bits = [0] * len(pages)
    results = {kernel(alg, pages, k, bits, seed=s) for s in range(100)}
    assert len(results) > 1


# ------------------------------------ randomized: distribution vs reference

# Fixed small instances (inputs only) on which the fault distribution has
# several values; exact_distribution enumerates the reference's decision tree.
_EXACT_CASES_DEFAULT_SWITCH = [
    ("random", [2, 1, 1, 1, 0, 4, 0, 4, 3, 0, 0, 0, 1, 1, 4, 4, 0, 4], 4, None),
    ("random", [2, 1, 1, 5, 4, 4, 2, 5, 4, 3, 4, 3, 2, 1, 1, 4, 3, 0, 0, 0], 4, None),
    ("random", [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 2, None),
    ("marker", [1, 4, 0, 5, 2, 5, 4, 4, 1, 1, 2, 1, 4, 4, 0, 4, 2, 3, 0, 0, 2, 2, 1, 0, 1, 4], 4, None),
    ("marker", [2, 2, 0, 0, 0, 0, 1, 0, 2, 0, 1, 2, 1, 0, 2, 0, 2, 2, 2], 2, None),
    ("mark0", [1, 3, 0, 4, 1, 4, 4, 0, 4, 0, 3, 4, 4, 4, 2, 2, 1, 2, 1], 2,
     [1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1]),
    ("mark0", [4, 1, 2, 0, 3, 0, 4, 4, 1, 2, 3, 0, 2, 4, 2, 0, 2, 4, 2, 3, 2, 3, 2, 4], 4,
     [1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]),
    ("mark0_eager", [2, 3, 1, 3, 1, 0, 3, 0, 0, 3, 1, 3, 1, 0, 2, 3, 2, 1, 3, 2, 2, 3, 2, 3], 3,
     [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0]),
    ("mark0_eager", [0, 0, 5, 5, 3, 2, 4, 5, 5, 1, 0, 1, 4, 5, 3, 0, 1, 0, 1, 5, 2, 2, 3, 4, 0, 4,
                     1, 5, 3, 2], 3,
     [0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0]),
    ("mark_predict", [4, 4, 6, 5, 6, 2, 1, 2, 1, 5, 4, 1, 3, 2, 2, 0, 4, 4, 5, 1, 5, 5, 3], 4,
     [0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1]),
    ("mark_predict", [1, 3, 4, 3, 1, 0, 0, 1, 0, 4, 3, 2, 3, 2, 1, 1, 2, 0, 1, 4, 4, 4, 4, 2, 0,
                      2, 1, 4], 4,
     [0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1]),
    ("combine(mark0,marker)", [5, 5, 4, 3, 3, 5, 3, 0, 5, 4, 4, 4, 1, 2, 0, 2, 0, 4, 1, 1, 4,
                               2], 3,
     [0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1]),
    ("combine(mark0,marker)", [0, 1, 2, 2, 1, 0, 2, 3, 0, 2, 1, 1, 0, 2, 2, 0, 0, 0, 3, 3, 3,
                               1, 3], 3,
     [0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1]),
    ("combine(mark0_eager,lru)", [4, 0, 3, 1, 4, 0, 6, 5, 3, 4, 2, 3, 0, 6, 6, 1, 1, 1, 2, 3,
                                  4, 3, 1, 2, 6, 5, 1], 4,
     [0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1]),
    ("combine(mark0_eager,lru)", [3, 2, 2, 0, 1, 3, 2, 4, 4, 4, 3, 2, 3, 0, 0, 1, 0, 2, 2, 2,
                                  4, 4, 2, 0, 0, 1, 3, 1], 2,
     [0, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1]),
    ("combine(marker,followbits)", [1, 1, 0, 3, 4, 4, 2, 4, 3, 3, 4, 1, 2, 3, 2, 2, 3, 1, 1,
                                    3, 4, 4, 2, 4, 2, 4, 1], 2,
     [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0]),
    ("combine(marker,followbits)", [2, 1, 0, 2, 1, 0, 2, 3, 0, 1, 3, 1, 2, 0, 3, 3, 3, 2, 0,
                                    0, 2, 1, 3, 1, 2, 1, 1, 2], 2,
     [0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1]),
]
# combine with switches back and forth and a followed mark0_eager that drops:
# here a drop (leave-time 2t+1) and an eviction (2t) in the same step must be
# ordered drop-last, or the distribution changes.
EXACT_CASES = [c + (2.0,) for c in _EXACT_CASES_DEFAULT_SWITCH] + [
    ("combine(lru,mark0_eager)", [0, 2, 1, 0, 2, 2, 2, 1, 0, 3, 2, 0, 0, 2, 3], 2,
     [0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1], 1.0),
    ("combine(fifo,mark0_eager)", [0, 2, 0, 3, 2, 0, 0, 1, 0, 2], 3,
     [0, 0, 0, 0, 0, 0, 0, 1, 1, 0], 1.0),
    ("combine(fifo,mark0_eager)", [2, 2, 1, 0, 2, 2, 2, 1], 2, [0, 0, 0, 1, 1, 0, 1, 0], 1.0),
    ("combine(fifo,mark0_eager)", [1, 2, 0, 1, 0, 0, 2, 2, 0, 0, 1, 2, 1, 1, 0, 0, 1], 2,
     [0, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1], 1.0),
]


def _chi2_quantile(df, z=Z):
    """Upper quantile of chi-square(df) at the normal z-score ``z``
    (Wilson–Hilferty; accurate to a few percent for df >= 1)."""
    a = 2.0 / (9.0 * df)
    return df * (1.0 - a + z * math.sqrt(a)) ** 3


def _kernel_samples(alg, pages, k, bits, n=N_SEEDS, switch_factor=2.0):
    return np.array([kernel(alg, pages, k, bits, seed=s, switch_factor=switch_factor)
                     for s in range(n)], dtype=float)


@pytest.mark.parametrize("alg,pages,k,bits,switch", EXACT_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(EXACT_CASES)])
def test_randomized_matches_exact_distribution(alg, pages, k, bits, switch):
    dist = exact_distribution(alg, pages, k, bits, switch_factor=switch, max_leaves=20000)
    assert len(dist) >= 2  # the instance is informative
    x = _kernel_samples(alg, pages, k, bits, switch_factor=switch)
    # 1. support: the kernel never produces an impossible cost
    impossible = sorted(set(x.astype(int).tolist()) - set(dist))
    assert not impossible, dict(alg=alg, pages=pages, k=k, bits=bits,
                                impossible=impossible, support=sorted(dist))
    # 2. mean: one-sample z-test with the exact variance
    mu = expectation(dist)
    var = sum((v - mu) ** 2 * p for v, p in dist.items())
    se = math.sqrt(var / len(x))
    assert abs(x.mean() - mu) <= Z * se, dict(alg=alg, mean=x.mean(), exact=mu, se=se)
    # 3. shape: chi-square goodness of fit, bins merged to expected count >= 5
    bins, cur_e, cur_o = [], 0.0, 0
    for v in sorted(dist):
        cur_e += dist[v] * len(x)
        cur_o += int((x == v).sum())
        if cur_e >= 5:
            bins.append((cur_o, cur_e))
            cur_e, cur_o = 0.0, 0
    if cur_e > 0 or cur_o > 0:
        if bins:
            o, e = bins.pop()
            bins.append((o + cur_o, e + cur_e))
        else:
            bins.append((cur_o, cur_e))
    if len(bins) >= 2:
        chi2 = sum((o - e) ** 2 / e for o, e in bins)
        assert chi2 <= _chi2_quantile(len(bins) - 1), dict(
            alg=alg, chi2=chi2, bins=bins, exact=dict(sorted(dist.items())))


# Larger instances (decision tree too big to enumerate): two-sample z-test of
# kernel seeds against reference samples.
def _larger_case(alg, seed):
    rng = np.random.default_rng(seed)
    k = 4
    w = 1.0 / np.arange(1, 10) ** 0.8
    pages = rng.choice(9, size=60, p=w / w.sum()).tolist()
    truth = truth_bits(alg, pages, k)
    bits = [b ^ int(rng.random() < 0.25) for b in truth]
    return pages, k, bits


@pytest.mark.parametrize("alg", RANDOMIZED)
def test_randomized_mean_matches_reference_sampled(alg):
    pages, k, bits = _larger_case(alg, seed=len(alg))
    x = _kernel_samples(alg, pages, k, bits, n=N_SEEDS)
    r = random.Random(2023)
    n_ref = N_SEEDS
    y = np.array([naive_simulate(alg, pages, k, bits, rng=r) for _ in range(n_ref)], dtype=float)
    se = math.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
    if se == 0:
        assert x.mean() == y.mean()
    else:
        z = (x.mean() - y.mean()) / se
        assert abs(z) <= Z, dict(alg=alg, kernel_mean=x.mean(), ref_mean=y.mean(), z=z)


# ------------------------------------------------ consistency and OPT bound


@pytest.mark.parametrize("alg", ["followbits", "followbits_robust", "mark0", "mark0_eager",
                                 "combine(followbits,lru)", "combine(mark0,marker)"])
def test_perfect_discard_bits_give_opt(alg):
    for pages, k, _ in _seeded_cases(150, seed=31, max_len=150):
        opt, bits = sp.discard_bits(_arr(pages), k)
        for seed in (0, 1, 2):
            got = kernel(alg, pages, k, np.asarray(bits), seed=seed)
            assert got == int(opt), dict(alg=alg, pages=pages, k=k, seed=seed, got=got, opt=int(opt))
            if alg.startswith("followbits"):
                break  # deterministic


def test_mark_predict_perfect_phase_bits_within_two_opt():
    """E[mark_predict] <= 2·OPT with perfect phase bits (contract §3), on the
    kernel (mean of 200 seeds, 5-sigma slack) and exactly on the reference."""
    for pages, k, _ in _seeded_cases(25, seed=41, max_len=100):
        opt = int(sp.discard_bits(_arr(pages), k)[0])
        bits = np.asarray(sp.phase_bits(_arr(pages), k))
        x = _kernel_samples("mark_predict", pages, k, bits, n=200)
        slack = Z * x.std(ddof=1) / math.sqrt(len(x))
        assert x.mean() <= 2 * opt + slack, dict(pages=pages, k=k, mean=x.mean(), opt=opt)
    rng = np.random.default_rng(42)
    checked = 0
    for _ in range(30):
        k = int(rng.integers(2, 4))
        pages = rng.integers(0, k + 2, size=14).tolist()
        try:
            dist = exact_distribution("mark_predict", pages, k, naive_phase_bits(pages, k),
                                      max_leaves=5000)
        except OverflowError:
            continue
        assert expectation(dist) <= 2 * naive_opt(pages, k)[0] + 1e-9
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("alg", ALL_BASE + ["combine(followbits,lru)", "combine(mark0,marker)",
                                            "combine(mark0_eager,lru)"])
def test_faults_at_least_opt(alg):
    for pages, k, bits in _seeded_cases(100, seed=51, max_len=150):
        opt = int(sp.discard_bits(_arr(pages), k)[0])
        if _needs_phase_bits(alg):
            bits = np.asarray(sp.phase_bits(_arr(pages), k))
        for seed in (0, 7):
            assert kernel(alg, pages, k, bits, seed=seed) >= opt


_CACHE_PROBE = """
import succinct_paging as sp
from succinct_paging.kernels.classic import lru_kernel
assert sp.simulate("lru", [0, 1, 2, 0, 3, 1], 2) == 6
print(sum(lru_kernel.stats.cache_hits.values()), sum(lru_kernel.stats.cache_misses.values()))
"""


def _cache_probe(package_parent, cache_dir):
    """(hits, misses) of numba's cache for ``lru_kernel`` in a fresh process
    that imports the package found in ``package_parent``."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(package_parent), NUMBA_CACHE_DIR=str(cache_dir))
    out = subprocess.run([sys.executable, "-c", _CACHE_PROBE], env=env, capture_output=True, text=True,
                         check=True, cwd=package_parent).stdout.split()
    return int(out[0]), int(out[1])


def test_editing_a_helper_module_recompiles_the_kernels_that_inline_it(tmp_path):
    """numba keys a cached kernel on its own file only, but kernels inline
    ``structures.py``; the package's cache locator keys them on the whole
    kernels folder, so an edit there is never served a stale kernel."""
    import shutil
    from pathlib import Path

    copy = tmp_path / "src"
    shutil.copytree(Path(sp.__file__).parent, copy / "succinct_paging",
                    ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "numba-cache"
    assert _cache_probe(copy, cache) == (0, 1)  # compiled, then cached
    assert _cache_probe(copy, cache) == (1, 0)  # served from the cache
    with open(copy / "succinct_paging" / "kernels" / "structures.py", "a") as f:
        f.write("\n# an edit to a helper module\n")
    assert _cache_probe(copy, cache) == (0, 1)  # recompiled, not served stale


def test_numba_is_in_the_range_the_cache_locator_was_tested_with():
    """The locator patches numba's private CacheImpl._locator_classes, so
    pyproject pins numba to a tested range (with an upper bound) and our
    locators are the first numba asks."""
    import tomllib
    from pathlib import Path

    import numba
    from numba.core import caching
    from packaging.requirements import Requirement
    from packaging.version import Version

    from succinct_paging.kernels import ContentKeyedLocator

    root = Path(__file__).resolve().parents[1]
    deps = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    (numba_req,) = [Requirement(d) for d in deps if Requirement(d).name == "numba"]
    assert any(s.operator == "<" for s in numba_req.specifier), "pin numba below the next untested minor"
    assert Version(numba.__version__) in numba_req.specifier, (numba.__version__, str(numba_req))
    impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl
    assert ContentKeyedLocator in impl._locator_classes[:2]


def test_using_the_library_writes_no_source_file():
    """Importing the package and running kernels changes no file of ``src/``
    other than caches (no modification times rewritten)."""
    from pathlib import Path

    root = Path(sp.__file__).parent
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*.py")}
    sp.simulate("followbits", np.array([0, 1, 2, 0, 1, 3]), 2, np.zeros(6, dtype=np.uint8))
    import succinct_paging.kernels  # noqa: F401
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*.py")} == before


@settings(max_examples=150, deadline=None, derandomize=True)
@given(case=pages_and_k(max_k=5, max_len=60), n_bits=st.integers(1, 4), data=st.data(),
       alg=st.sampled_from(["combine(mark0,marker)", "combine(followbits,lru)", "combine(marker,followbits_robust)",
                            "combine(random,fifo)", "combine(mark0,followbits)"]))
def test_combine_reuses_only_the_records_that_cannot_change(case, n_bits, data, alg):
    """run_combine with a shared ``records`` store (the k-sweep and the
    arrivals keep one per trace and seed) gives the faults of fresh runs for
    every bit vector and seed; it stores only the parts that read no bits,
    budget or predictions, one record per (part, seed, k)."""
    from succinct_paging.algorithms import parse_algorithm
    from succinct_paging.settings import RunSettings
    from succinct_paging.simulation import run_parsed
    from succinct_paging.validate import as_pages

    pages, k = case
    pages, n_pages = as_pages(pages)
    k = min(k, n_pages)
    parsed, records = parse_algorithm(alg), {}
    for _ in range(n_bits):
        bits = np.array(data.draw(st.lists(st.integers(0, 1), min_size=len(pages), max_size=len(pages))), np.uint8)
        for seed in (0, 1):
            shared = run_parsed(parsed, pages, bits, k, n_pages, seed, RunSettings(), records=records)
            assert shared == run_parsed(parsed, pages, bits, k, n_pages, seed, RunSettings())
    free = [j for j, part in enumerate(parsed.parts) if REGISTRY[part].prediction == "none" and not REGISTRY[part].params]
    assert sorted(records) == sorted((parsed.parts[j], 2 * seed + j, k) for j in free for seed in (0, 1))

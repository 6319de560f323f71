"""Truth (contract §1) and error injection (contract §2) against the references of
``tests/naive.py``: LFD = brute-force optimum, discard bits, k-phases, phase
bits, and the properties of ``inject``."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import succinct_paging as sp
from naive import (
    brute_force_opt,
    canonical_sequences,
    naive_eta,
    naive_k_phases,
    naive_opt,
    naive_phase_bits,
)

MODELS = ("flip", "false_keep", "false_discard")


def _arr(pages):
    return np.asarray(pages, dtype=np.int64)


def _short_cases(max_len=8):
    """(k, pages) for every canonical sequence of length <= max_len over at
    most k+2 pages, k = 1..3."""
    for k in (1, 2, 3):
        for pages in canonical_sequences(max_len, k + 2):
            if pages:
                yield k, pages


SHORT_CASES = list(_short_cases())

# Traces over a few pages, with ids that need not be dense.
traces = st.lists(st.integers(0, 7), min_size=1, max_size=60)
sparse_traces = st.lists(st.sampled_from([0, 3, 9, 10, 41, 1000]), min_size=1, max_size=40)


# ------------------------------------------------------------- §1.1 LFD = OPT


def test_enumeration_is_complete():
    # Number of set partitions of an n-set into <= m blocks (Stirling numbers).
    def stirling(n, j):
        if n == j:
            return 1
        if j == 0 or j > n:
            return 0
        return j * stirling(n - 1, j) + stirling(n - 1, j - 1)

    for k in (1, 2, 3):
        expected = sum(stirling(n, j) for n in range(1, 9) for j in range(1, k + 3))
        got = sum(1 for kk, _ in SHORT_CASES if kk == k)
        assert got == expected


def test_lfd_equals_brute_force_on_all_short_sequences():
    """contract §1.1: LFD is optimal (checks the reference against the DP)."""
    for k, pages in SHORT_CASES:
        assert naive_opt(pages, k)[0] == brute_force_opt(pages, k), (pages, k)


def test_discard_bits_match_reference_on_all_short_sequences():
    """contract §1.2: ``sp.discard_bits`` = naive LFD faults and bits."""
    for k, pages in SHORT_CASES:
        opt, bits = sp.discard_bits(_arr(pages), k)
        ref_opt, ref_bits = naive_opt(pages, k)
        assert int(opt) == ref_opt, (pages, k)
        assert np.asarray(bits).tolist() == ref_bits, (pages, k)


def test_discard_bits_types():
    opt, bits = sp.discard_bits(_arr([0, 1, 2, 0, 3, 1]), 2)
    bits = np.asarray(bits)
    assert bits.dtype == np.uint8 and bits.shape == (6,)
    assert set(bits.tolist()) <= {0, 1}
    assert int(opt) == 5


@settings(max_examples=300, deadline=None)
@given(pages=traces, k=st.integers(1, 5))
def test_discard_bits_match_reference_random(pages, k):
    opt, bits = sp.discard_bits(_arr(pages), k)
    ref_opt, ref_bits = naive_opt(pages, k)
    assert int(opt) == ref_opt
    assert np.asarray(bits).tolist() == ref_bits


@settings(max_examples=100, deadline=None)
@given(pages=sparse_traces, k=st.integers(1, 4))
def test_discard_bits_sparse_ids(pages, k):
    opt, bits = sp.discard_bits(_arr(pages), k)
    ref_opt, ref_bits = naive_opt(pages, k)
    assert int(opt) == ref_opt
    assert np.asarray(bits).tolist() == ref_bits


@settings(max_examples=150, deadline=None)
@given(pages=st.lists(st.integers(0, 5), min_size=1, max_size=14), k=st.integers(1, 4))
def test_opt_equals_brute_force_random(pages, k):
    """LFD kernel = DP optimum on longer inputs than the exhaustive test."""
    opt, _ = sp.discard_bits(_arr(pages), k)
    assert int(opt) == brute_force_opt(pages, k)
    assert sp.simulate("opt", _arr(pages), k) == int(opt)


def test_discard_bits_semantics():
    """A page whose next request is a hit of LFD has bit 0; a last request
    has bit 1 (contract §1.2), checked on the kernel's own output."""
    rng = np.random.default_rng(7)
    for _ in range(50):
        k = int(rng.integers(1, 5))
        pages = rng.integers(0, k + 3, size=40)
        _, bits = sp.discard_bits(pages, k)
        for t, p in enumerate(pages):
            later = np.flatnonzero(pages[t + 1:] == p)
            if later.size == 0:
                assert bits[t] == 1
        # Zero-bits are exactly the requests whose next request LFD hits, so
        # OPT = number of requests whose *previous* request has bit 1 (or none).
        faults = 0
        last_bit = {}
        for t, p in enumerate(pages):
            p = int(p)
            if last_bit.get(p, 1) == 1:
                faults += 1
            last_bit[p] = int(bits[t])
        assert faults == sp.discard_bits(pages, k)[0]


# ------------------------------------------------------- §1.3 phases and bits


def test_phases_and_phase_bits_on_all_short_sequences():
    for k, pages in SHORT_CASES:
        ph = np.asarray(sp.k_phases(_arr(pages), k))
        assert ph.tolist() == naive_k_phases(pages, k), (pages, k)
        bits = np.asarray(sp.phase_bits(_arr(pages), k))
        assert bits.tolist() == naive_phase_bits(pages, k), (pages, k)


@settings(max_examples=300, deadline=None)
@given(pages=st.one_of(traces, sparse_traces), k=st.integers(1, 6))
def test_phases_and_phase_bits_random(pages, k):
    ph = np.asarray(sp.k_phases(_arr(pages), k))
    assert ph.dtype == np.int64
    assert ph.tolist() == naive_k_phases(pages, k)
    bits = np.asarray(sp.phase_bits(_arr(pages), k))
    assert bits.dtype == np.uint8
    assert bits.tolist() == naive_phase_bits(pages, k)


def test_phases_examples():
    # k = 2: phases {0,1} {2,0} {1} ; k = 1: a new phase at every page change.
    assert np.asarray(sp.k_phases(_arr([0, 1, 0, 2, 0, 1, 1]), 2)).tolist() == [0, 0, 0, 1, 1, 2, 2]
    assert np.asarray(sp.k_phases(_arr([5, 5, 3, 3, 5]), 1)).tolist() == [0, 0, 1, 1, 2]
    assert np.asarray(sp.phase_bits(_arr([0, 1, 0, 2, 0, 1, 1]), 2)).tolist() == [0, 1, 0, 1, 1, 1, 1]


def test_phase_structure_properties():
    """Each phase has at most k distinct pages, and a phase together with the
    first request of the next has exactly k+1 (maximality)."""
    rng = np.random.default_rng(3)
    for _ in range(200):
        k = int(rng.integers(1, 6))
        pages = rng.integers(0, k + 4, size=int(rng.integers(1, 80)))
        ph = np.asarray(sp.k_phases(pages, k))
        assert ph[0] == 0 and np.all(np.diff(ph) >= 0) and np.all(np.diff(ph) <= 1)
        for i in range(int(ph[-1]) + 1):
            seg = pages[ph == i]
            assert 1 <= len(set(seg.tolist())) <= k
            if i < ph[-1]:
                first_next = pages[np.flatnonzero(ph == i + 1)[0]]
                assert len(set(seg.tolist()) | {int(first_next)}) == k + 1


# ------------------------------------------------------------- §2 injection


def _truth(n=3000, seed=987654):
    # The truth's seed must differ from the injection seeds: inject draws from
    # numpy.random.default_rng(seed) too, and equal seeds would correlate the
    # errors with the truth.
    rng = np.random.default_rng(seed)
    return (rng.random(n) < 0.4).astype(np.uint8)


def _inject(truth, model, rate, seed):
    bits, eta0, eta1 = sp.inject(truth, model, rate, seed)
    bits = np.asarray(bits)
    assert bits.shape == truth.shape
    assert set(np.unique(bits).tolist()) <= {0, 1}
    return bits, int(eta0), int(eta1)


@pytest.mark.parametrize("model", MODELS)
def test_inject_rate_zero_is_truth(model):
    truth = _truth()
    for seed in (0, 1, 2):
        bits, eta0, eta1 = _inject(truth, model, 0.0, seed)
        assert np.array_equal(bits, truth)
        assert (eta0, eta1) == (0, 0)


def test_inject_flip_rate_one_is_complement():
    truth = _truth()
    bits, eta0, eta1 = _inject(truth, "flip", 1.0, 5)
    assert np.array_equal(bits, 1 - truth)
    assert eta0 == int(truth.sum()) and eta1 == int((truth == 0).sum())


def test_inject_rate_one_one_sided():
    truth = _truth()
    bits, _, _ = _inject(truth, "false_keep", 1.0, 5)
    assert not bits.any()
    bits, _, _ = _inject(truth, "false_discard", 1.0, 5)
    assert bits.all()


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.9])
def test_inject_one_sided_models(rate):
    truth = _truth()
    for seed in range(5):
        bits, eta0, eta1 = _inject(truth, "false_keep", rate, seed)
        assert eta1 == 0 and np.all(bits <= truth)
        bits, eta0, eta1 = _inject(truth, "false_discard", rate, seed)
        assert eta0 == 0 and np.all(bits >= truth)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("rate", [0.0, 0.05, 0.3, 0.7, 1.0])
def test_inject_realised_eta_equals_counts(model, rate):
    truth = _truth()
    for seed in range(4):
        bits, eta0, eta1 = _inject(truth, model, rate, seed)
        assert (eta0, eta1) == naive_eta(bits.tolist(), truth.tolist())


@pytest.mark.parametrize("model", MODELS)
def test_inject_reproducible_and_seed_dependent(model):
    truth = _truth()
    a = _inject(truth, model, 0.5, 11)
    b = _inject(truth, model, 0.5, 11)
    c = _inject(truth, model, 0.5, 12)
    assert np.array_equal(a[0], b[0]) and a[1:] == b[1:]
    # ~600 independent fair coins differ between seeds except w.p. 2^-600
    assert not np.array_equal(a[0], c[0])


def test_inject_does_not_modify_input():
    truth = _truth()
    copy = truth.copy()
    for model in MODELS:
        _inject(truth, model, 0.5, 1)
    assert np.array_equal(truth, copy)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("rate", [0.1, 0.5])
def test_inject_rate_is_the_per_bit_probability(model, rate):
    """Changed fraction of the eligible bits ~ Binomial(m, rate): within 6
    standard deviations (deterministic given the seeds, and not flaky)."""
    truth = _truth(20000)
    eligible = {"flip": truth >= 0, "false_keep": truth == 1, "false_discard": truth == 0}[model]
    m = int(eligible.sum())
    for seed in (0, 1):
        bits, _, _ = _inject(truth, model, rate, seed)
        changed = int((bits != truth).sum())
        sd = (m * rate * (1 - rate)) ** 0.5
        assert abs(changed - m * rate) <= 6 * sd, (changed, m * rate, sd)


def test_inject_bits_independent_of_position():
    """Changes are spread over the sequence (not e.g. the first r·n bits)."""
    truth = np.zeros(20000, dtype=np.uint8)
    bits, _, _ = _inject(truth, "flip", 0.5, 3)
    first, second = int(bits[:10000].sum()), int(bits[10000:].sum())
    sd = (10000 * 0.25) ** 0.5
    assert abs(first - 5000) <= 6 * sd and abs(second - 5000) <= 6 * sd
    # no long-range correlation between neighbours
    agree = int((bits[1:] == bits[:-1]).sum())
    assert abs(agree - 19999 / 2) <= 6 * (19999 * 0.25) ** 0.5

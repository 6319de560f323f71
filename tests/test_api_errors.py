"""API errors: the public functions reject bad arguments
with a ValueError naming the argument, before any kernel runs.

numba does not check bounds, so a wrong length, a negative id or a bit of 2
that reached a kernel would read or write out of bounds silently. Every bad
call below is made with the kernels replaced by tripwires, so the test also
proves that validation happens *before* the kernel is entered.
"""

import importlib
import re

import numpy as np
import pytest

import succinct_paging as sp
from succinct_paging.validate import MAX_K

# The module behind the function ``succinct_paging.simulate``.
simulate_mod = importlib.import_module("succinct_paging.simulation")
truth_mod = importlib.import_module("succinct_paging.truth")
errors_mod = importlib.import_module("succinct_paging.errors")

PAGES = [0, 1, 0, 2, 1, 3, 0, 2]
N = len(PAGES)
BITS = [0, 1, 0, 1, 1, 0, 0, 1]
RAISE_BEFORE = "validation"  # marker in the tripwire message


@pytest.fixture
def tripwires(monkeypatch):
    """Replace every entry into the kernels with a function that fails the
    test; returns the list of entries that were reached."""
    reached = []

    def wire(name):
        def tripwire(*args, **kwargs):
            reached.append(name)
            raise AssertionError(f"{name} reached before {RAISE_BEFORE} rejected the call")
        return tripwire

    monkeypatch.setattr(simulate_mod, "run_parsed", wire("simulate kernel"))
    monkeypatch.setattr(truth_mod, "run_opt", wire("LFD kernel"))
    monkeypatch.setattr(truth_mod, "k_phases_kernel", wire("k-phases kernel"))
    monkeypatch.setattr(truth_mod, "phase_bits_kernel", wire("phase-bits kernel"))
    monkeypatch.setattr(errors_mod, "inject_bits", wire("inject kernel"))
    return reached


def simulate(algorithm="followbits", pages=PAGES, k=2, bits=BITS, **kw):
    return lambda: sp.simulate(algorithm, pages, k, bits, **kw)


# (call, argument the message must name, text naming the bad value)
BAD_CALLS = {
    # wrong dtypes
    "pages float": (simulate(pages=np.array(PAGES, dtype=float)), "pages", "float64"),
    "pages strings": (simulate(pages=["a", "b"]), "pages", "<U1"),
    "pages bool": (simulate(pages=[True, False]), "pages", "bool"),
    "pages object": (simulate(pages=[1, None]), "pages", "object"),
    "pages complex": (simulate(pages=np.array([1j, 2j])), "pages", "complex"),
    "pages 2-D": (simulate(pages=[PAGES]), "pages", "(1, 8)"),
    "pages scalar": (simulate(pages=5), "pages", "()"),
    "pages negative id": (simulate(pages=[0, 1, -3, 1]), "pages", "-3"),
    "bits float": (simulate(bits=np.zeros(N)), "bits", "float64"),
    "bits strings": (simulate(bits=list("01010101")), "bits", "<U1"),
    "bits 2-D": (simulate(bits=[BITS]), "bits", "(1, 8)"),
    # mismatched lengths
    "bits too short": (simulate(bits=BITS[:-1]), "bits", "length 7"),
    "bits too long": (simulate(bits=BITS + [0]), "bits", "length 9"),
    "bits missing": (simulate(bits=None), "bits", "required"),
    # bits other than 0/1
    "bit 2": (simulate(bits=[0, 1, 2, 0, 0, 0, 0, 0]), "bits", "found 2 at index 2"),
    "bit -1": (simulate(bits=[0, 0, 0, 0, 0, -1, 0, 0]), "bits", "found -1 at index 5"),
    "bit 255 uint8": (simulate(bits=np.array([255] + BITS[1:], dtype=np.uint8)), "bits", "found 255"),
    "phase bit 2": (simulate(algorithm="mark_predict", bits=[2] * N), "bits", "found 2"),
    # k < 1 and non-integer k
    "k 0": (simulate(k=0), "k", "got 0"),
    "k -1": (simulate(k=-1), "k", "got -1"),
    "k float": (simulate(k=2.0), "k", "got 2.0"),
    "k bool": (simulate(k=True), "k", "got True"),
    "k string": (simulate(k="2"), "k", "got '2'"),
    "k None": (simulate(k=None), "k", "got None"),
    # unknown algorithm ids
    "unknown id": (simulate(algorithm="lfu"), "algorithm", "'lfu'"),
    "unknown id in combine": (simulate(algorithm="combine(followbits,lfu)"), "algorithm", "'lfu'"),
    "upper-case id": (simulate(algorithm="LRU"), "algorithm", "'LRU'"),
    "id not a string": (simulate(algorithm=3), "algorithm", "got 3"),
    "id with a leading space": (simulate(algorithm=" lru"), "algorithm", "' lru'"),
    "id with a trailing newline": (simulate(algorithm="followbits\n"), "algorithm", "'followbits\\n'"),
    "combine of mixed bits": (simulate(algorithm="combine(followbits,mark_predict)"), "algorithm",
                              "combine(followbits,mark_predict)"),
    # the other arguments of simulate
    "seed negative": (simulate(algorithm="marker", seed=-1), "seed", "got -1"),
    "seed float": (simulate(algorithm="marker", seed=1.0), "seed", "got 1.0"),
    "seed too big": (simulate(algorithm="marker", seed=2**63), "seed", str(2**63)),
    "k above MAX_K": (simulate(k=MAX_K + 1), "k", str(MAX_K + 1)),
    "budget 0": (simulate(algorithm="followbits_robust", budget=0), "budget", "got 0"),
    "switch_factor < 1": (simulate(algorithm="combine(followbits,lru)", switch_factor=0.5),
                          "switch_factor", "got 0.5"),
    "switch_factor nan": (simulate(algorithm="combine(followbits,lru)", switch_factor=float("nan")),
                          "switch_factor", "nan"),
    # discard_bits, phase_bits, k_phases
    "discard_bits pages float": (lambda: sp.discard_bits(np.array(PAGES, float), 2), "pages", "float64"),
    "discard_bits pages negative": (lambda: sp.discard_bits([0, -1], 2), "pages", "-1"),
    "discard_bits k 0": (lambda: sp.discard_bits(PAGES, 0), "k", "got 0"),
    "discard_bits k float": (lambda: sp.discard_bits(PAGES, 1.5), "k", "got 1.5"),
    "phase_bits pages 2-D": (lambda: sp.phase_bits([PAGES], 2), "pages", "(1, 8)"),
    "phase_bits pages strings": (lambda: sp.phase_bits(["x", "y"], 2), "pages", "<U1"),
    "phase_bits k 0": (lambda: sp.phase_bits(PAGES, 0), "k", "got 0"),
    "phase_bits k -5": (lambda: sp.phase_bits(PAGES, -5), "k", "got -5"),
    "k_phases k 0": (lambda: sp.k_phases(PAGES, 0), "k", "got 0"),
    # inject
    "inject bits float": (lambda: sp.inject(np.zeros(4), "flip", 0.1, 0), "truth_bits", "float64"),
    "inject bit 3": (lambda: sp.inject([0, 1, 3], "flip", 0.1, 0), "truth_bits", "found 3 at index 2"),
    "inject bits 2-D": (lambda: sp.inject([[0, 1]], "flip", 0.1, 0), "truth_bits", "(1, 2)"),
    "inject bits None": (lambda: sp.inject(None, "flip", 0.1, 0), "truth_bits", "required"),
    "inject unknown model": (lambda: sp.inject(BITS, "flipp", 0.1, 0), "error model", "'flipp'"),
    "inject model None": (lambda: sp.inject(BITS, None, 0.1, 0), "error model", "None"),
    "inject rate > 1": (lambda: sp.inject(BITS, "flip", 1.5, 0), "rate", "got 1.5"),
    "inject rate < 0": (lambda: sp.inject(BITS, "flip", -0.1, 0), "rate", "got -0.1"),
    "inject rate nan": (lambda: sp.inject(BITS, "flip", float("nan"), 0), "rate", "nan"),
    "inject rate string": (lambda: sp.inject(BITS, "flip", "0.1", 0), "rate", "'0.1'"),
    "inject seed negative": (lambda: sp.inject(BITS, "flip", 0.1, -2), "seed", "got -2"),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_argument_raises_value_error_naming_it(case, tripwires):
    call, argument, culprit = BAD_CALLS[case]
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert re.search(rf"(^|\W){re.escape(argument)}(\W|$)", message), \
        f"{case}: message does not name the argument {argument!r}: {message}"
    assert culprit in message, f"{case}: message does not show the bad value ({culprit!r}): {message}"
    assert tripwires == [], f"{case}: a kernel was entered before the call was rejected"


def test_tripwires_fire_on_valid_calls(tripwires):
    """The tripwire fixture really guards the kernels (else the test above
    would pass vacuously)."""
    for call in (simulate(), simulate(algorithm="lru"), lambda: sp.discard_bits(PAGES, 2),
                 lambda: sp.phase_bits(PAGES, 2), lambda: sp.k_phases(PAGES, 2),
                 lambda: sp.inject(BITS, "flip", 0.5, 1)):
        with pytest.raises(AssertionError, match=RAISE_BEFORE):
            call()
    assert len(tripwires) == 6


EVERY_ALGORITHM = sp.ALGORITHMS + ("combine(followbits,lru)", "combine(mark0,marker)", "combine(lru,fifo)")


@pytest.mark.parametrize("algorithm", EVERY_ALGORITHM)
def test_accepted_layouts_give_the_same_result(algorithm):
    """Inputs that are valid but unusual for a kernel (other integer dtypes,
    byte order, strides, huge sparse ids, bool bits) are converted before the
    kernel, and give the same faults as the plain int64/uint8 input."""
    rng = np.random.default_rng(5)
    pages = rng.integers(0, 12, size=300)
    bits = rng.integers(0, 2, size=300)
    expected = sp.simulate(algorithm, pages, 4, bits, seed=3)
    variants = {
        "int8": (pages.astype(np.int8), bits),
        "uint64": (pages.astype(np.uint64), bits),
        "big-endian": (pages.astype(">i8"), bits.astype(">i4")),
        "strided": (np.repeat(pages, 2)[::2], np.repeat(bits, 2)[::2]),
        "list": (pages.tolist(), bits.tolist()),
        "bool bits": (pages, bits.astype(bool)),
        # Ids far beyond the trace length (even >= 2**63, which would wrap to
        # negative in int64) are remapped order-preservingly, never used as
        # indices; an order-preserving relabelling changes no result.
        "sparse int64": (pages * 10**12 + 5, bits),
        "sparse uint64 >= 2**63": (pages.astype(np.uint64) * np.uint64(2**59) + np.uint64(2**63), bits),
    }
    for name, (p, b) in variants.items():
        assert sp.simulate(algorithm, p, 4, b, seed=3) == expected, name


def test_truth_functions_accept_sparse_and_odd_layouts():
    pages = np.array([3, 9, 3, 4, 9, 10, 3, 4])
    opt, bits = sp.discard_bits(pages, 2)
    for variant in (pages * 10**13, pages.astype(">i4"), np.repeat(pages, 3)[::3], pages.astype(np.uint16)):
        opt2, bits2 = sp.discard_bits(variant, 2)
        assert opt2 == opt and np.array_equal(bits2, bits)
        assert np.array_equal(sp.phase_bits(variant, 2), sp.phase_bits(pages, 2))
        assert np.array_equal(sp.k_phases(variant, 2), sp.k_phases(pages, 2))


def test_empty_input_is_valid():
    assert sp.simulate("lru", [], 3) == 0
    assert sp.simulate("followbits", [], 3, bits=[]) == 0
    opt, bits = sp.discard_bits([], 3)
    assert opt == 0 and bits.shape == (0,)
    assert sp.phase_bits([], 3).shape == (0,)


@pytest.mark.parametrize("algorithm", EVERY_ALGORITHM)
def test_huge_k_behaves_like_k_equal_n(algorithm):
    """A k far above the number of pages is valid and means "never evict".

    Kernels allocate O(k) memory and keep sizes in fixed-width integers, so
    before the API capped k at the number of pages, k = 2**62 crashed the
    interpreter (mark0: segmentation fault), other huge k raised MemoryError
    or OverflowError. With k >= N no lazy algorithm evicts (and mark0_eager
    only drops), so every k >= N gives the faults of k = N.
    """
    n_distinct = len(set(PAGES))
    expected = sp.simulate(algorithm, PAGES, n_distinct, BITS, seed=1)
    for k in (n_distinct + 1, 10**6, MAX_K):
        assert sp.simulate(algorithm, PAGES, k, BITS, seed=1) == expected, k
        assert sp.simulate(algorithm, PAGES, k, BITS, seed=1, budget=2**70) == expected, k
    for k in (MAX_K + 1, 2**62, 2**70):  # beyond the documented limit: an error naming k
        with pytest.raises(ValueError, match=rf"k must be an integer in \[1, {MAX_K}\]"):
            sp.simulate(algorithm, PAGES, k, BITS, seed=1)


def test_huge_k_in_truth_functions():
    n_distinct = len(set(PAGES))
    opt, bits = sp.discard_bits(PAGES, n_distinct)
    for k in (10**6, MAX_K):
        opt2, bits2 = sp.discard_bits(PAGES, k)
        assert opt2 == opt == n_distinct and np.array_equal(bits2, bits)
        assert np.array_equal(sp.k_phases(PAGES, k), np.zeros(N, dtype=np.int64))
        assert np.array_equal(sp.phase_bits(PAGES, k), sp.phase_bits(PAGES, n_distinct))

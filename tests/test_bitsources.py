"""The bit-source registry (src/succinct_paging/bitsources.py).

- Entries are well formed; importing the registry does not import numba.
- The truth-reading entries are the functions the experiments used before
  (errors.inject_bits, the k-sweep's soon bits, the §7 bits from noisy
  arrivals), with η counted by errors.count_errors.
- Adding a predictor is one entry: a toy source registered at run time runs
  through learned_runs.
"""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import succinct_paging as sp
from strategies import pages_and_k
from succinct_paging import bitsources as B
from succinct_paging.arrivals import arrival_discard_bits, arrival_phase_bits, noisy_arrivals
from succinct_paging.errors import count_errors, inject_bits
from succinct_paging.experiments.grid import compute_truth
from succinct_paging.experiments.learned import learned_runs
from succinct_paging.seeds import derive_seed
from succinct_paging.truth import setup_instance


def test_entries_are_well_formed():
    assert set(B.ERROR_MODELS) <= set(B.REGISTRY) and {"soon", "lognormal"} <= set(B.REGISTRY)
    assert set(B.learned_ids()) == {"lru_miss", "frequency", "logistic", "optgen", "optgen_logistic", "popu", "pleco"}
    for src in B.REGISTRY.values():
        assert src.reads in B.READS and set(src.kinds) <= set(B.KINDS)
        assert callable(src.load())
    assert all(B.get(s).reads == "truth" for s in (*B.ERROR_MODELS, "soon", "lognormal"))
    with pytest.raises(ValueError, match="unknown bit source 'nope'; allowed: flip"):
        B.get("nope")
    with pytest.raises(ValueError, match="unknown parameters \\['speed'\\]"):
        B.get("optgen").resolve({"speed": 1})
    with pytest.raises(ValueError, match="kinds must be"):
        B.BitSource("bad", ("colour",), "past", lambda *a, **k: {}, "§10")
    with pytest.raises(ValueError, match="reads must be"):
        B.BitSource("bad", ("discard",), "future", lambda *a, **k: {}, "§10")


def test_registry_import_does_not_import_numba():
    code = "import sys, succinct_paging.bitsources; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@settings(max_examples=40, deadline=None)
@given(case=pages_and_k(max_k=5, max_len=60), model=st.sampled_from(B.ERROR_MODELS),
       rate=st.sampled_from([0.0, 0.2, 1.0]), seed=st.integers(0, 2**32))
def test_error_models_are_inject_bits(case, model, rate, seed):
    pages, k = case
    inst = setup_instance(pages, k)
    drawn = B.draw(model, inst, seed, {"rate": rate}, ("discard", "phase"))
    for kind in ("discard", "phase"):
        assert drawn[kind][0].tolist() == inject_bits(inst.bits(kind), model, rate,
                                                      derive_seed(seed, kind))[0].tolist()
        assert drawn[kind][1:] == count_errors(drawn[kind][0], inst.bits(kind))


@settings(max_examples=40, deadline=None)
@given(case=pages_and_k(max_k=5, max_len=60), rate=st.sampled_from([0.1, 0.5, 1.0]))
def test_soon_bits_follow_their_rule(case, rate):
    pages, k = case
    inst = setup_instance(pages, k)
    bits = B.draw("soon", inst, 0, {"rate": rate})["discard"][0]
    m = max(1, int(np.ceil(rate * inst.k)))
    for t in range(inst.n):  # plain rule: next request within m requests after the end of t's phase
        end = max(u for u in range(inst.n) if inst.phases[u] == inst.phases[t])
        assert bits[t] == int(inst.next[t] < inst.n and inst.next[t] <= end + m)


@settings(max_examples=30, deadline=None)
@given(case=pages_and_k(max_k=5, max_len=60), sigma=st.sampled_from([0.0, 1.0, 20.0]), seed=st.integers(0, 1000))
def test_lognormal_is_contract_7(case, sigma, seed):
    pages, k = case
    inst = setup_instance(pages, k)
    drawn = B.draw("lognormal", inst, seed, {"sigma": sigma})
    a = noisy_arrivals(pages, sigma, seed)
    assert np.array_equal(drawn["arrivals"][0], a)
    assert np.array_equal(drawn["discard"][0], arrival_discard_bits(pages, k, a))
    assert np.array_equal(drawn["phase"][0], arrival_phase_bits(pages, k, a))
    if sigma == 0.0:
        assert drawn["discard"][1:] == (0, 0)


def test_adding_a_predictor_is_one_entry():
    def last_seen_bits(inst, seed, params, kinds):  # bit 1 iff the page was never seen before
        seen, out = set(), []
        for p in inst.pages.tolist():
            out.append(int(p not in seen))
            seen.add(p)
        return {"discard": np.array(out, dtype=np.uint8)}

    B.register(B.BitSource("first_seen", ("discard",), "past", last_seen_bits, "test"))
    try:
        assert "first_seen" in B.learned_ids()
        with pytest.raises(ValueError, match="already registered"):
            B.register(B.BitSource("first_seen", ("discard",), "past", last_seen_bits, "test"))
        pages = np.array([0, 1, 2, 0, 3, 1, 0, 2, 4, 0], dtype=np.int64)
        traces = [("a", pages)]
        truth = compute_truth(traces, 2)
        rows = learned_runs("f", traces, truth, 2, "first_seen", ["followbits"], [0], 1)
        bits = np.array([1, 1, 1, 0, 1, 0, 0, 0, 1, 0], dtype=np.uint8)
        assert rows["faults"].tolist() == [sp.simulate("followbits", pages, 2, bits=bits)]
        assert (rows["eta0"].iloc[0], rows["eta1"].iloc[0]) == count_errors(bits, sp.discard_bits(pages, 2)[1])
    finally:
        B.unregister("first_seen")
    assert "first_seen" not in B.REGISTRY

"""The k-sweep of contract §9 (succinct_paging.experiments.k_sweep), its
config section and its figure."""

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from succinct_paging.bounds import harmonic
from succinct_paging.config import ConfigError, check_config
from succinct_paging.experiments.grid import COLUMNS
from succinct_paging.experiments.k_sweep import (FAMILIES, length, make_instances, mark_predict_sides, n_pages,
                                                 pooled, read_sweep, run_job, shard_seeds)
from succinct_paging.bitsources import soon_bits
from succinct_paging.experiments.grid import write_runs_csv
from succinct_paging.plotting.k_dependence import plot_k_dependence
from succinct_paging.truth import setup_instance

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"

SECTION = {
    "phases": 30, "phases_per_k": 0, "instances": 2, "seeds": 3,
    "errors": [{"model": "flip", "rate": 0.0}, {"model": "false_keep", "rate": 1.0},
               {"model": "false_keep", "rate": 0.1}, {"model": "flip", "rate": 1.0},
               {"model": "false_discard", "rate": 1.0}, {"model": "soon", "rate": 0.5}],
    "algorithms": ["lru", "marker", "followbits", "followbits_robust", "mark0", "mark0_eager", "mark_predict",
                   "combine(followbits,lru)", "combine(mark0,marker)"],
}
DETERMINISTIC = ["lru", "followbits", "followbits_robust"]


@settings(max_examples=40, deadline=None)
@given(family=st.sampled_from(["loop", "loop_2k", "uniform"]), k=st.integers(2, 40), phases=st.integers(1, 50),
       per_k=st.integers(0, 3))
def test_generators_derive_n_from_k_and_length_from_phases(family, k, phases, per_k):
    """N = k + 1 on loop and uniform, 2k on loop_2k (hot_set: tests/test_robustness_k.py); P = max(phases, per_k·k)
    k-phases: P·k requests on the loops (exactly P k-phases), ⌈P·(k+1)·H_k⌉
    on uniform; loop is the cycle 0 … k."""
    insts = make_instances(family, k, phases, 2, 11, per_k)
    p = max(phases, per_k * k)
    assert len(insts) == (2 if family == "uniform" else 1)
    for _, pages in insts:
        assert len(pages) == length(family, k, phases, per_k)
        assert int(pages.max()) < n_pages(family, k)
        if family == "uniform":
            assert len(pages) == int(np.ceil(p * (k + 1) * harmonic(k)))
        else:
            assert len(pages) == p * k
            assert np.array_equal(pages, np.arange(p * k) % n_pages(family, k))
            assert setup_instance(pages, k).n_phases == p
    assert n_pages("loop", k) == n_pages("uniform", k) == k + 1 and n_pages("loop_2k", k) == 2 * k


def test_uniform_uses_every_page_and_is_seeded():
    a = make_instances("uniform", 8, 200, 2, 5)
    b = make_instances("uniform", 8, 200, 2, 5)
    assert [x for x, _ in a] == [x for x, _ in b] and all(np.array_equal(p, q) for (_, p), (_, q) in zip(a, b))
    assert not np.array_equal(a[0][1], a[1][1])
    assert all(len(set(p.tolist())) == 9 for _, p in a)
    with pytest.raises(ValueError, match="loop_3k"):
        make_instances("loop_3k", 4, 10, 1, 0)


@pytest.fixture(scope="module")
def table():
    return pd.concat([run_job(fam, k, SECTION, 3) for fam in FAMILIES for k in (2, 3, 5)], ignore_index=True)


def test_table_has_the_runs_columns_and_is_reproducible(table):
    assert list(table.columns) == COLUMNS
    again = run_job("uniform", 3, SECTION, 3)
    pd.testing.assert_frame_equal(again, table[(table["trace_family"] == "uniform") & (table["k"] == 3)]
                                  .reset_index(drop=True))
    assert set(table["N"]) == {3, 4, 6, 10}
    for (fam, k), g in table.groupby(["trace_family", "k"]):
        assert set(g["N"]) == {n_pages(fam, k)}
    # randomized algorithms on every seed; deterministic ones with certain bits once
    rand = table[(table["algorithm"] == "mark0") & (table["error_model"] == "flip") & (table["rate"] == 1.0)]
    assert set(rand["seed"]) == {0, 1, 2}
    det = table[(table["algorithm"] == "followbits") & (table["rate"] == 1.0)]
    assert set(det["seed"]) == {0}
    noisy = table[(table["algorithm"] == "followbits") & (table["rate"] == 0.1)]
    assert set(noisy["seed"]) == {0, 1, 2}
    blind = table[table["prediction"] == "none"]
    assert set(blind["error_model"]) == {"none"} and blind["rate"].isna().all()


def test_rows_are_exact_runs(table):
    """Each row's faults, OPT and η are what simulate and the truth give."""
    import succinct_paging as sp

    for row in table.sample(25, random_state=1).itertuples():
        pages = dict(make_instances(row.trace_family, row.k, 30, 2, 3))[row.instance]
        inst = setup_instance(pages, row.k)
        assert row.opt == inst.opt and row.n == len(pages)
        if row.prediction == "none":
            continue
        bits = inst.bits(row.prediction)
        if row.rate == 0.0:
            assert row.eta0 == row.eta1 == 0
        if row.error_model == "false_keep" and row.rate == 1.0:
            assert row.eta0 == int(bits.sum()) and row.eta1 == 0
            if not sp.parse_algorithm(row.algorithm).randomized:
                assert row.faults == sp.simulate(row.algorithm, pages, row.k, np.zeros_like(bits))


def test_deterministic_algorithms_meet_their_bounds(table):
    det = table[table["algorithm"].isin(DETERMINISTIC)]
    assert len(det) and (det["faults"] <= det["bound"]).all()
    assert (table["faults"] >= table["opt"]).all()


def test_followbits_pays_k_minus_1_per_wrong_keep_bit_on_loop():
    """On loop with all bits 0, followbits is LRU: Σ(cost − OPT)/Ση0 tends to
    k − 1 once the trace has many more k-phases than k (here 40k)."""
    section = dict(SECTION, phases_per_k=40, seeds=1,
                   errors=[{"model": "false_keep", "rate": 1.0}], algorithms=["followbits"])
    for k in (2, 4, 8):
        pool = pooled(run_job("loop", k, section, 3))
        extra = float(pool["extra_per_eta0"].iloc[0])
        assert abs(extra / (k - 1) - 1) < 0.03, (k, extra)


def test_mark_predict_perfect_bits_on_loop_2k_tend_to_2():
    """With perfect phase bits mark_predict faults on every request of the
    cycle over 2k pages (every phase is new), whatever its coins, while OPT
    faults on a fraction about k/(2k − 1): the ratio tends to 2 − 1/k → 2."""
    section = dict(SECTION, phases_per_k=40, seeds=2, errors=[{"model": "flip", "rate": 0.0}],
                   algorithms=["mark_predict"])
    ratios = []
    for k in (2, 4, 8):
        runs = run_job("loop_2k", k, section, 3)
        assert (runs["faults"] == runs["n"]).all() and len(runs) == 2
        ratios.append(float(pooled(runs)["ratio"].iloc[0]))
        assert abs(ratios[-1] - (2 - 1 / k)) < 0.03, (k, ratios[-1])
    assert ratios == sorted(ratios) and 1.8 < ratios[-1] <= 2.0


@settings(max_examples=40, deadline=None)
@given(k=st.integers(2, 12), phases=st.integers(2, 30), rate=st.sampled_from([0.1, 0.25, 0.5, 1.0]))
def test_soon_bits(k, phases, rate):
    """soon: bit 1 iff the next request of the page comes at most ⌈rate·k⌉
    requests after the end of the current k-phase (naive loop over t); on
    loop at rate 1 it is exactly every phase bit flipped."""
    for pages in (make_instances("loop", k, phases, 1, 0)[0][1], make_instances("uniform", k, phases, 1, 0)[0][1]):
        inst = setup_instance(pages, k)
        m = int(np.ceil(rate * k))
        bits = soon_bits(inst, rate)
        for t in range(inst.n):
            end = max(u for u in range(inst.n) if inst.phases[u] == inst.phases[t])
            later = [u for u in range(t + 1, inst.n) if pages[u] == pages[t]]
            assert bits[t] == int(bool(later) and later[0] <= end + m)
    loop_inst = setup_instance(make_instances("loop", k, phases, 1, 0)[0][1], k)
    assert np.array_equal(soon_bits(loop_inst, 1.0), 1 - loop_inst.phase)


def test_soon_is_worse_than_flip_for_mark_predict_on_loop():
    """The adversarial soon bits (rate 0.5) cost mark_predict more than every
    phase bit wrong on loop, for k = 16, 32."""
    section = dict(SECTION, phases_per_k=4, seeds=4, algorithms=["mark_predict"],
                   errors=[{"model": "flip", "rate": 1.0}, {"model": "soon", "rate": 0.5}])
    for k in (16, 32):
        pool = pooled(run_job("loop", k, section, 3)).set_index("error_model")["ratio"]
        assert pool["soon"] > 1.2 * pool["flip"], (k, pool)


def test_pooled():
    df = pd.DataFrame({"trace_family": ["a"] * 3, "k": [2] * 3, "algorithm": ["x"] * 3,
                       "error_model": ["false_keep"] * 3, "rate": [1.0] * 3, "faults": [10, 20, 30],
                       "opt": [5, 5, 5], "eta0": pd.array([5, 0, 5], dtype="Int64")})
    p = pooled(df)
    assert p["ratio"].iloc[0] == 4 and p["extra_per_eta0"].iloc[0] == 45 / 10


def test_csv_roundtrip_and_figure(table, tmp_path):
    write_runs_csv(table, tmp_path / "k_sweep.csv")
    back = read_sweep(tmp_path / "k_sweep.csv")
    pd.testing.assert_frame_equal(back, table.reset_index(drop=True))
    worst, soon, _, (a, b) = mark_predict_sides(back)
    assert list(worst["k"]) == list(soon["k"]) == [2, 3, 5] and b > 0
    p1 = plot_k_dependence(back, tmp_path / "a" / "k_dependence")
    p2 = plot_k_dependence(back, tmp_path / "b" / "k_dependence")
    for x, y in zip(p1, p2):
        assert open(x, "rb").read() == open(y, "rb").read()


def _config(**k_sweep):
    cfg = {"seeds": [0], "algorithms": ["lru"], "error_models": ["flip"], "rates": [0.0],
           "traces": {"mirror": str(ROOT)},
           "families": {"loop": {"generator": "loop", "length": 50, "k": [2], "params": {"n_pages": 3}}}}
    if k_sweep:
        cfg["k_sweep"] = copy.deepcopy(k_sweep)
    return cfg


def test_config_defaults_and_canonical_ids():
    cfg = check_config(_config(), SCHEMA, ROOT)
    sec = cfg["k_sweep"]
    assert sec["families"] == ["loop", "uniform", "loop_2k", "hot_set"] and sec["ks"] == [2, 4, 8, 16, 32, 64, 128]
    assert sec["seeds"] >= 10
    cfg = check_config(_config(algorithms=["combine(mark0, marker)"]), SCHEMA, ROOT)
    assert cfg["k_sweep"]["algorithms"] == ["combine(mark0,marker)"]


@pytest.mark.parametrize("section, key, words", [
    ({"families": ["zipf"]}, "k_sweep.families[0]", "allowed values: loop, uniform, loop_2k, hot_set"),
    ({"ks": [1]}, "k_sweep.ks[0]", "[2, 4096]"),
    ({"ks": [4.0]}, "k_sweep.ks[0]", "write 4"),
    ({"ks": [5000]}, "k_sweep.ks[0]", "[2, 4096]"),
    ({"errors": [{"model": "flop", "rate": 1}]}, "k_sweep.errors[0].model", "flip, false_keep, false_discard, soon"),
    ({"errors": [{"model": "flip", "rate": 2}]}, "k_sweep.errors[0].rate", "[0, 1]"),
    ({"errors": [{"model": "flip"}]}, "k_sweep.errors[0].rate", "required"),
    ({"errors": [{"model": "flip", "rate": 1}, {"model": "flip", "rate": 1.0}]}, "k_sweep.errors[1]", "once"),
    ({"algorithms": ["opt"]}, "k_sweep.algorithms[0]", "opt column"),
    ({"algorithms": ["blind_oracle"]}, "k_sweep.algorithms[0]", "next-arrival"),
    ({"algorithms": ["lru", "lru "]}, "k_sweep.algorithms[1]", "unknown algorithm"),
    ({"seeds": 0}, "k_sweep.seeds", "[1, 1000]"),
    ({"phases": 0}, "k_sweep.phases", "[1, 100000]"),
    ({"instances": 0}, "k_sweep.instances", "[1, 1000]"),
    ({"colour": 1}, "k_sweep", "unknown key"),
])
def test_config_rejects_bad_sections(section, key, words):
    with pytest.raises(ConfigError) as exc:
        check_config(_config(**section), SCHEMA, ROOT)
    msg = str(exc.value)
    assert f"config key {key}" in msg and words in msg, msg


@pytest.mark.parametrize("chunks", [[[0], [1], [2]], [[0, 1], [2]], [[2], [0, 1]]])
def test_sharded_seeds_merge_to_the_same_bytes(chunks, tmp_path):
    """Jobs over chunks of the seeds, concatenated as k_sweep_table does,
    give byte for byte the table of one job over all seeds (issue 19): a
    run must not depend on the other seeds of its job (the seed-0-only runs
    of deterministic algorithms with certain bits included)."""
    from succinct_paging.experiments.grid import concat_runs, write_runs

    for fam in ("uniform", "loop_2k"):
        whole = tmp_path / f"{fam}_whole.csv"
        write_runs_csv(run_job(fam, 3, SECTION, 3), whole)
        parts = []
        for i, seeds in enumerate(chunks):
            part = run_job(fam, 3, SECTION, 3, seeds=seeds)
            assert set(part["seed"]) <= set(seeds)
            parts.append(tmp_path / f"{fam}_{i}.parquet")
            write_runs(part, parts[-1])
        merged = tmp_path / f"{fam}_merged.csv"
        write_runs_csv(concat_runs(parts), merged)
        assert merged.read_bytes() == whole.read_bytes()


@settings(max_examples=60, deadline=None)
@given(seeds=st.integers(1, 50), k=st.sampled_from([2, 16, 256, 1024]), budget=st.integers(1, 10**11),
       family=st.sampled_from(sorted(FAMILIES)))
def test_shards_partition_the_seeds_within_the_budget(seeds, k, budget, family):
    """shard_seeds cuts 0 … seeds−1 into contiguous chunks, as few as keep
    each job's estimated steps within requests_per_job (one seed per job at
    most), and near-equal (sizes differ by at most one)."""
    section = {**SECTION, "seeds": seeds, "requests_per_job": budget, "phases": 30}
    chunks = shard_seeds(family, k, section)
    flat = [s for first, last in chunks for s in range(first, last + 1)]
    assert flat == list(range(seeds))
    sizes = [last - first + 1 for first, last in chunks]
    assert max(sizes) - min(sizes) <= 1
    per_seed = length(family, k, 30, 0) * (1 if family != "uniform" else 2) * len(SECTION["errors"]) \
        * len(SECTION["algorithms"])
    fit = max(1, budget // per_seed)  # seeds per job within the budget (one at least)
    assert max(sizes) <= fit  # every job within the budget, unless one seed alone exceeds it
    assert len(chunks) == 1 or (len(chunks) - 1) * fit < seeds  # as few jobs as that allows


def test_run_job_rejects_seeds_outside_the_section():
    with pytest.raises(ValueError, match="k_sweep.seeds"):
        run_job("loop", 2, SECTION, 3, seeds=[3])


@pytest.mark.parametrize("family", ["uniform", "loop_2k", "hot_set"])
def test_shared_truth_gives_the_same_rows(family, tmp_path):
    """A shard that reads the truth folder of its family and k (rule
    k_sweep_truth) writes the bytes of a shard that makes its instances
    itself (issue 19: the truth is made once for all shards)."""
    from succinct_paging.experiments.k_sweep import read_truth, write_truth

    write_truth(tmp_path / "truth", family, 3, SECTION, 3)
    for seeds in ([0], [1, 2]):
        made, read = tmp_path / "made.csv", tmp_path / "read.csv"
        write_runs_csv(run_job(family, 3, SECTION, 3, seeds=seeds), made)
        write_runs_csv(run_job(family, 3, SECTION, 3, seeds=seeds,
                               instances=read_truth(tmp_path / "truth", family, 3, SECTION)), read)
        assert read.read_bytes() == made.read_bytes()


@pytest.mark.parametrize("change", [{"phases": 31}, {"instances": 3}])
def test_a_stale_shared_truth_is_refused(change, tmp_path):
    """A truth folder made for another section (length or instance count)
    is named in the error, not silently run."""
    from succinct_paging.experiments.k_sweep import read_truth, write_truth

    write_truth(tmp_path / "truth", "uniform", 3, SECTION, 3)
    with pytest.raises(ValueError, match="does not hold the uniform instances at k = 3"):
        read_truth(tmp_path / "truth", "uniform", 3, {**SECTION, **change})


def test_shared_truth_holds_the_instances(tmp_path):
    """Every array of every instance comes back equal, with N, k and OPT."""
    from succinct_paging.experiments.k_sweep import read_truth, sweep_instances, write_truth

    write_truth(tmp_path / "truth", "uniform", 5, SECTION, 7)
    read = read_truth(tmp_path / "truth", "uniform", 5, SECTION)
    made = list(sweep_instances("uniform", 5, SECTION, 7))
    assert [name for name, _ in read] == [name for name, _ in made] and len(made) == SECTION["instances"]
    for (_, a), (_, b) in zip(read, made):
        assert (a.n_pages, a.k, a.opt) == (b.n_pages, b.k, b.opt)
        for field in ("pages", "discard", "phases", "phase", "next"):
            assert np.array_equal(getattr(a, field), getattr(b, field)) and getattr(a, field).dtype == \
                getattr(b, field).dtype, field

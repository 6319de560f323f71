"""The caching field's traces and practical baselines (contract §10): the
``cache`` generator (reading, checksums, config checks, left out with one
warning), the libcachesim baselines in the registry (their LRU and FIFO equal
our kernels exactly; min_k; no combine), the baseline-only families and the
ARC-paper reproduction table."""

import bz2
import gzip
import importlib.util
import io
import lzma
import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

import succinct_paging as sp
from succinct_paging.algorithms import LIBRARY_ALGORITHMS, REGISTRY, parse_algorithm
from succinct_paging.cache_traces import CACHE_TRACES, cache_trace
from succinct_paging.config import ConfigError, ConfigWarning, check_config
from succinct_paging.experiments.cache import arc_reproduction, read_published, to_markdown
from succinct_paging.experiments.grid import compute_truth, make_family, run_grid
from succinct_paging.traces import TraceError, load_cache_trace, read_trace
from succinct_paging.traces.mirror import read_integer_ids

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
TEST_MIRROR = REPO / ".test" / "mirror"
MIRROR = Path(os.environ.get("SUCCINCT_PAGING_MIRROR", REPO.parent / "shared" / "traces")).resolve()
needs_mirror = pytest.mark.skipif(not (MIRROR / "cache").is_dir(),
                                  reason=f"cache traces of the mirror {MIRROR} not present on this machine")
needs_libcachesim = pytest.mark.skipif(importlib.util.find_spec("libcachesim") is None,
                                       reason="libcachesim not installed (pip install 'succinct-paging[cache]')")

#: The small traces of the default run, at their cache sizes.
SMALL = ("lirs_cpp", "lirs_glimpse", "lirs_multi2", "lirs_sprite", "cloudphysics", "arc_OLTP",
         "cache2k_mt-20121220", "cache2k_mt-20130703")


def _config(families, **extra):
    config = {"master_seed": 1, "seeds": [0], "algorithms": ["opt", "lru", "arc"], "error_models": ["flip"],
              "rates": [0.0], "traces": {"mirror": str(TEST_MIRROR)}, "families": families}
    config.update(extra)
    return config


def _check(config):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_config(config, SCHEMA, REPO)
    return [w for w in caught if issubclass(w.category, ConfigWarning)]


ZIPF = {"generator": "zipf", "length": 100, "k": [3], "params": {"n_pages": 10, "s": 1.0}}


# ------------------------------------------------------------ reading


def test_ci_mirror_cache_folder_reads_both_formats_and_verifies_checksums():
    for name, fmt in (("lirs_cpp", "txt"), ("cloudphysics", "oracleGeneral")):
        assert cache_trace(name).format == fmt
        [(instance, pages)] = load_cache_trace(TEST_MIRROR, name)
        assert instance == name
        assert pages.dtype == np.int64 and pages[0] == 0
        # dense ids in order of first appearance
        firsts = pd.unique(pages)
        assert np.array_equal(firsts, np.arange(firsts.size))
    # the numeric reader gives the same remap as the general text reader
    path = TEST_MIRROR / "cache" / "lirs_cpp.txt.zst"
    assert np.array_equal(load_cache_trace(TEST_MIRROR, "lirs_cpp")[0][1], read_trace(path))


def test_checksum_mismatch_and_missing_file_name_the_file(tmp_path):
    shutil.copytree(TEST_MIRROR / "cache", tmp_path / "cache")
    target = tmp_path / "cache" / "lirs_cpp.txt.zst"
    target.write_bytes(zstandard.ZstdCompressor().compress(b"1\n2\n"))
    with pytest.raises(TraceError, match="lirs_cpp.txt.zst: checksum mismatch"):
        load_cache_trace(tmp_path, "lirs_cpp")
    assert load_cache_trace(tmp_path, "lirs_cpp", verify=False)[0][1].tolist() == [0, 1]
    with pytest.raises(TraceError, match="arc_P12.txt.zst not found"):
        load_cache_trace(tmp_path, "arc_P12")
    with pytest.raises(ValueError, match="unknown cache trace 'nope'; allowed: arc_OLTP"):
        load_cache_trace(tmp_path, "nope")


def test_integer_reader_rejects_text_naming_the_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("1\n2\nabc\n")
    with pytest.raises(TraceError, match="bad.txt: not one integer page id per line"):
        read_integer_ids(bad)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(TraceError, match="empty.txt"):
        read_integer_ids(empty)


@pytest.mark.parametrize("ext, pack", [("gz", gzip.compress),
                                       ("zst", zstandard.ZstdCompressor(write_checksum=True).compress),
                                       ("bz2", bz2.compress), ("xz", lzma.compress)])
def test_integer_reader_names_a_damaged_compressed_file(tmp_path, ext, pack):
    """A compressed cache trace reads whole; damaged (a flipped byte) or cut
    short it is a TraceError naming the file, whatever the compression (zstd
    with its checksum, as the zstd command writes it; docs/trace-files.md)."""
    packed = pack(b"".join(b"%d\n" % (i % 97) for i in range(5000)))
    whole = tmp_path / f"whole.txt.{ext}"
    whole.write_bytes(packed)
    assert read_integer_ids(whole).tolist() == [i % 97 for i in range(5000)]
    flipped = bytearray(packed)
    flipped[len(flipped) // 2] ^= 0xFF
    for name, raw in (("flipped", bytes(flipped)), ("cut", packed[: len(packed) // 2])):
        path = tmp_path / f"{name}.txt.{ext}"
        path.write_bytes(raw)
        with pytest.raises(TraceError, match=f"{name}.txt.{ext}"):
            read_integer_ids(path)


@needs_mirror
@pytest.mark.parametrize("name", [n for n in SMALL] + ["twitter_cluster52"])
def test_mirror_cache_traces_have_the_published_counts(name):
    spec = CACHE_TRACES[name]
    [(_, pages)] = load_cache_trace(MIRROR, name)
    assert pages.size == spec.requests
    assert int(pages.max()) + 1 == spec.distinct


# ------------------------------------------------------------ config


def test_cache_family_config_errors_name_the_key_and_allowed_values():
    def fails(spec, match):
        with pytest.raises(ConfigError, match=match):
            _check(_config({"c": {"generator": "cache", "k": [5], **spec}}))

    fails({}, r"families\.c\.params\.trace: required for generator 'cache'; allowed: arc_OLTP, arc_P2")
    fails({"params": {"trace": "lirs-cpp"}}, r"families\.c\.params\.trace: 'lirs-cpp' is not a cache trace.*"
                                             r"allowed: arc_OLTP.*lirs_cpp")
    fails({"params": {"trace": "lirs_cpp", "n_pages": 3}}, r"families\.c\.params: n_pages not used")
    fails({"params": {"trace": "lirs_cpp"}, "length": 10}, r"families\.c\.length: not used")
    fails({"params": {"trace": "lirs_cpp"}, "instances": 2}, r"families\.c\.instances: 2 is not allowed")
    fails({"params": {"trace": "lirs_cpp"}, "baseline_only": "yes"}, r"families\.c\.baseline_only")


def test_missing_cache_trace_is_left_out_with_one_warning(tmp_path):
    families = {"z": dict(ZIPF), "a": {"generator": "cache", "params": {"trace": "arc_P2"}, "k": [5]},
                "b": {"generator": "cache", "params": {"trace": "lirs_cpp"}, "k": [5]},
                "c": {"generator": "cache", "params": {"trace": "arc_OLTP"}, "k": [5]}}
    config = _config(families)
    caught = _check(config)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "cache trace families left out: a, c" in message and "arc_P2.txt.zst" in message
    assert sorted(config["families"]) == ["b", "z"]
    # no mirror at all: the same one warning
    config = _config({"z": dict(ZIPF), "b": {"generator": "cache", "params": {"trace": "lirs_cpp"}, "k": [5]}},
                     traces={"mirror": str(tmp_path / "none")})
    caught = _check(config)
    assert len(caught) == 1 and "does not exist" in str(caught[0].message)
    assert list(config["families"]) == ["z"]
    with pytest.raises(ConfigError, match="traces.require_mirror is true"):
        _check(_config({"z": dict(ZIPF), "b": {"generator": "cache", "params": {"trace": "arc_P2"}, "k": [5]}},
                       traces={"mirror": str(TEST_MIRROR), "require_mirror": True}))


def test_library_algorithms_are_left_out_with_one_warning_without_the_package(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "libcachesim" else real(name, *a))
    config = _config({"z": dict(ZIPF)}, algorithms=["opt", "lru", "arc", "sieve", "followbits"])
    config["arrivals"] = {"algorithms": ["lru", "arc", "blind_oracle"]}
    caught = _check(config)
    assert len(caught) == 1
    assert "algorithms left out: arc, sieve" in str(caught[0].message)
    assert "pip install 'succinct-paging[cache]'" in str(caught[0].message)
    assert config["algorithms"] == ["opt", "lru", "followbits"]
    assert config["arrivals"]["algorithms"] == ["lru", "blind_oracle"]


def test_baseline_only_families_are_not_in_the_arrivals_default():
    config = _config({"z": dict(ZIPF), "b": {"generator": "cache", "params": {"trace": "lirs_cpp"}, "k": [5],
                                             "baseline_only": True}})
    _check(config)
    assert config["arrivals"]["families"] == ["z"]


def test_shipped_configs_validate_and_keep_the_default_run_small():
    for name in ("config/config.yaml", "config/cache.yaml", ".test/config/config.yaml"):
        config = yaml.safe_load((REPO / name).read_text())
        _check(config)
        caches = {f: s for f, s in config["families"].items() if s["generator"] == "cache"}
        assert all(s.get("baseline_only") for s in caches.values()), name
    cache = yaml.safe_load((REPO / "config/cache.yaml").read_text())
    traces = {s["params"]["trace"]: s["k"] for s in cache["families"].values()}
    assert set(traces) == set(CACHE_TRACES)
    assert all(set(CACHE_TRACES[t].ks) <= set(ks) for t, ks in traces.items())
    default = yaml.safe_load((REPO / "config/config.yaml").read_text())
    assert {s["params"]["trace"] for s in default["families"].values() if s["generator"] == "cache"} == set(SMALL)


# ------------------------------------------------------------ registry


def test_library_baselines_are_prediction_free_registry_entries():
    assert LIBRARY_ALGORITHMS == ("arc", "lirs", "s3fifo", "twoq", "sieve")
    for alg in LIBRARY_ALGORITHMS:
        entry = REGISTRY[alg]
        assert entry.prediction == "none" and not entry.randomized and entry.library == "libcachesim"
        assert alg not in sp.ALGORITHMS  # contract §3's list is our kernels only
    with pytest.raises(ValueError, match="arc is run by libcachesim.*combine"):
        parse_algorithm("combine(arc,lru)")
    with pytest.raises(ConfigError, match=r"algorithms\[1\].*combine"):
        _check(_config({"z": dict(ZIPF)}, algorithms=["lru", "combine(lru,sieve)"]))


# ------------------------------------------------------------ agreement with libcachesim

@needs_libcachesim
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(1, 20),
       st.lists(st.integers(0, 30), min_size=1, max_size=300))
def test_libcachesim_lru_and_fifo_equal_our_kernels(k, n_pages, raw):
    from succinct_paging.kernels.practical import faults_of

    pages = np.array([p % n_pages for p in raw], dtype=np.int64)
    for alg in ("lru", "fifo"):
        assert faults_of(alg, pages, k) == sp.simulate(alg, pages, k)


@needs_libcachesim
@needs_mirror
@pytest.mark.parametrize("name", SMALL)
def test_libcachesim_lru_and_fifo_equal_our_kernels_on_the_small_cache_traces(name):
    from succinct_paging.kernels.practical import faults_of

    [(_, pages)] = load_cache_trace(MIRROR, name)
    for k in CACHE_TRACES[name].ks:
        for alg in ("lru", "fifo"):
            assert faults_of(alg, pages, k) == sp.simulate(alg, pages, k), (name, k, alg)


@needs_libcachesim
def test_min_k_is_where_each_library_policy_starts_to_hit_on_an_immediate_repeat():
    """Every second request repeats the one before, so a demand-paging
    algorithm with k >= 1 faults on at most half of them: the registry's
    min_k is the least k where libcachesim's policy does (below it, it misses
    every request; S3-FIFO is checked from 10, below which it aborts)."""
    from succinct_paging.kernels.practical import faults_of

    pages = np.repeat(np.random.default_rng(3).integers(0, 60, 500), 2)
    half = pages.size // 2
    for alg in LIBRARY_ALGORITHMS:
        least = REGISTRY[alg].min_k
        assert faults_of(alg, pages, least) <= half, alg
        assert faults_of(alg, pages, least + 7) <= half, alg
        if least > 1:
            assert faults_of(alg, pages, least - 1) == pages.size, alg
    with pytest.raises(ValueError, match="needs k >= 20"):
        sp.simulate("s3fifo", pages, 19)
    with pytest.raises(ValueError, match="aborts the process below"):
        REGISTRY["s3fifo"].load_kernel()(pages, pages.astype(np.uint8), 9, 60, None,
                                         np.empty(0, np.uint8), np.empty(0, np.int64))


@needs_libcachesim
def test_baseline_rows_of_a_cache_family_are_deterministic_and_skip_below_min_k():
    spec = {"generator": "cache", "params": {"trace": "lirs_cpp"}, "k": [8]}
    traces = make_family("c", spec, TEST_MIRROR, True, 1)
    algorithms = ["opt", "lru", "fifo", "marker", *LIBRARY_ALGORITHMS]
    runs = []
    for _ in range(2):
        truth = compute_truth(traces, 8)
        runs.append(run_grid("c", traces, truth, 8, algorithms, "none", None, [0, 1], 1))
    pd.testing.assert_frame_equal(runs[0], runs[1])
    rows = runs[0]
    assert set(rows["algorithm"]) == {"opt", "lru", "fifo", "marker", "arc", "lirs", "twoq", "sieve"}  # s3fifo: k < 20
    assert (rows["prediction"] == "none").all()
    pages = traces[0][1]
    for alg in ("arc", "lirs", "twoq", "sieve"):
        faults = rows.loc[rows["algorithm"] == alg, "faults"]
        assert faults.nunique() == 1 and int(faults.iloc[0]) == sp.simulate(alg, pages, 8)
        assert int(faults.iloc[0]) >= int(rows["opt"].iloc[0])


# ------------------------------------------------------------ ARC paper table


def test_arc_reproduction_puts_published_and_our_hit_ratios_side_by_side():
    published = read_published(REPO / "resources" / "arc_paper_hit_ratios.csv")
    assert set(published["trace"]) == {"arc_OLTP", "arc_P2", "arc_P3", "arc_P6", "arc_P12"}
    assert published.set_index("trace").loc["arc_OLTP", "cache_size"] == 1000
    assert (published.set_index("trace").drop("arc_OLTP")["cache_size"] == 32768).all()
    n = 914_145
    runs = pd.DataFrame({
        "trace_family": ["oltp"] * 3 + ["other"], "instance": ["arc_OLTP"] * 3 + ["x"], "n": [n] * 3 + [10],
        "k": [1000] * 4, "algorithm": ["opt", "lru", "arc", "lru"], "error_model": ["none"] * 4,
        "faults": [424_052, 614_023, 557_264, 5], "opt": [424_052] * 3 + [3]})
    table = arc_reproduction(runs, published, [("oltp", 1000)])
    row = table.iloc[0]
    assert row["trace"] == "arc_OLTP" and row["requests"] == n
    assert row["lru_ours"] == round(100 * (1 - 614_023 / n), 2) == 32.83
    assert row["lru_diff"] == 0.0
    assert row["arc_ours"] == round(100 * (1 - 557_264 / n), 2)
    assert row["arc_diff"] == round(row["arc_ours"] - 38.93, 2)
    markdown = to_markdown(table)
    assert markdown.count("\n") == 3 and "| arc_OLTP | 1,000 | 914,145 | 32.83 | 32.83 | 0.00 |" in markdown
    # without libcachesim's rows the ARC cell is empty, not an error
    table = arc_reproduction(runs[runs["algorithm"] != "arc"], published, [("oltp", 1000)])
    assert np.isnan(table.iloc[0]["arc_ours"])


@needs_libcachesim
def test_hash_table_size_does_not_change_libcachesim_results(monkeypatch):
    """The runner sizes libcachesim's hash tables to the trace (they grow when
    needed); the faults equal those at libcachesim's default size 2^24."""
    import succinct_paging.kernels.practical as practical

    for name in ("lirs_cpp", "cloudphysics"):
        [(_, pages)] = load_cache_trace(TEST_MIRROR, name)
        assert practical.hashpower(pages) == 9  # a few hundred distinct pages
        small = {alg: practical.faults_of(alg, pages, 20) for alg in LIBRARY_ALGORITHMS}
        with monkeypatch.context() as m:
            m.setattr(practical, "hashpower", lambda pages: 24)
            assert small == {alg: practical.faults_of(alg, pages, 20) for alg in LIBRARY_ALGORITHMS}


@needs_libcachesim
def test_cli_runs_the_library_baselines_and_refuses_them_below_min_k(capsys):
    from succinct_paging.cli import main

    trace = REPO / ".test" / "traces" / "user1.txt"
    assert main(["simulate", str(trace), "--k", "4", "--algorithms", "lru,arc,sieve", "--csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(table["algorithm"]) == ["lru", "arc", "sieve"]
    pages = read_trace(trace)
    assert int(table.set_index("algorithm").loc["arc", "faults"]) == sp.simulate("arc", pages, 4)
    assert main(["simulate", str(trace), "--k", "4", "--algorithms", "lru,s3fifo"]) == 2
    assert "'s3fifo' needs --k >= 20" in capsys.readouterr().err

"""Smoke test of ``python benchmarks/bench.py --quick`` on the synthetic
trace only: it runs, and writes a table with one row per kernel and cache
size and positive rates. Never asserts on speed."""

import importlib.util
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench  # noqa: E402  (a script of the repository, not a module of the package)


def test_quick_benchmark_writes_tables(tmp_path):
    args = ["--quick", "--traces", "zipf", "--repeats", "1", "--no-compile", "--out", str(tmp_path)]
    has_libcachesim = importlib.util.find_spec("libcachesim") is not None
    if not has_libcachesim:
        args.append("--no-libcachesim")
    assert bench.main(args) == 0

    df = pd.read_csv(tmp_path / "throughput.csv")
    assert sorted(df["k"].unique()) == [10, 100, 1000]
    for _, group in df.groupby("k"):
        assert sorted(group["algorithm"]) == sorted(bench.KERNELS)
    assert (df["req_per_s"] > 0).all() and (df["faults"] > 0).all()
    assert (df["faults"][df["algorithm"] == "opt"].values
            <= df["faults"][df["algorithm"] == "lru"].values).all()

    if has_libcachesim:
        lc = pd.read_csv(tmp_path / "libcachesim.csv")
        assert len(lc) == 3 * len(bench.LIBCACHESIM)
        assert lc["misses_equal"].all()
        assert (lc["their_req_per_s"] > 0).all()

    pr = pd.read_csv(tmp_path / "predictors.csv")  # every learned predictor of the bit-source registry
    from succinct_paging.bitsources import learned_ids
    assert sorted(pr["predictor"].unique()) == sorted(learned_ids()) and (pr["req_per_s"] > 0).all()

    md = (tmp_path / "benchmarks.md").read_text()
    for alg in bench.KERNELS:
        assert f"| {alg} |" in md
    assert "## Learned predictors" in md and "| optgen |" in md


def test_large_k_table_covers_every_kernel_k_trace_and_bits_setting(tmp_path):
    """``--large-k --quick``: one row per kernel, k, trace and bits setting,
    and the cycle over k + 1 pages is the fault-heavy case (LRU faults on
    every request)."""
    assert bench.main(["--large-k", "--quick", "--repeats", "1", "--out", str(tmp_path)]) == 0
    df = pd.read_csv(tmp_path / "large_k.csv")
    assert set(df["trace"]) == {"uniform(k+1)", "loop(k+1)", "zipf"}
    assert set(df["flip_rate"]) == {bench.FLIP_RATE, 1.0}
    for (trace, rate), group in df.groupby(["trace", "flip_rate"]):
        ks = sorted(group["k"].unique())
        assert len(ks) == len(bench.LARGE_KS), (trace, ks)  # k capped only where pages are fewer
        for _, g in group.groupby("k"):
            assert sorted(g["algorithm"]) == sorted(bench.KERNELS)
    loop = df[df["trace"] == "loop(k+1)"].set_index(["k", "flip_rate", "algorithm"])["faults"]
    n = df["n"].iloc[0]
    for k in bench.LARGE_KS:
        assert loop[(k, 1.0, "lru")] == n  # the cycle over k + 1 pages: LRU faults on every request
    assert (df["req_per_s"] > 0).all()
    assert "Throughput at large k" in (tmp_path / "benchmarks.md").read_text()

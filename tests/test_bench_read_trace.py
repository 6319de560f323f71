"""Smoke test of ``python benchmarks/bench.py --read-trace`` on a small
synthetic oracleGeneral trace: it runs and writes its table. Never asserts
on speed."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench  # noqa: E402  (a script of the repository, not a module of the package)

from succinct_paging.traces import ORACLE_GENERAL, read_trace  # noqa: E402


def test_read_trace_benchmark_writes_its_table(tmp_path):
    assert bench.main(["--read-trace", "--read-trace-requests", "30000", "--out", str(tmp_path)]) == 0
    row = pd.read_csv(tmp_path / "read_trace.csv").iloc[0]
    assert row["requests"] == 30000 and 1 <= row["distinct"] <= 30000
    assert row["req_per_s"] > 0 and row["peak_rss_gib"] > 0
    assert "Reading an oracleGeneral trace" in (tmp_path / "benchmarks.md").read_text()


def test_synthetic_trace_is_valid_oracle_general(tmp_path):
    path = tmp_path / "t.bin"
    bench.write_synthetic_oracle_trace(path, 1000, chunk=300)
    raw = np.fromfile(path, dtype=ORACLE_GENERAL)
    assert raw.size == 1000 and (raw["timestamp"] == np.arange(1000)).all() and (raw["size"] == 1).all()
    pages = read_trace(path, "oracleGeneral")
    seen = {}
    assert pages.tolist() == [seen.setdefault(x, len(seen)) for x in raw["obj_id"].tolist()]

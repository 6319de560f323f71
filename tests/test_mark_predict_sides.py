"""MARK&PREDICT presented right and the k-sweep's intervals (issue 20 items 4, 5)."""

import numpy as np
import pandas as pd
import pytest
import yaml
from pathlib import Path

from succinct_paging.bounds import harmonic
from succinct_paging.experiments.k_sweep import (fit_log_affine, instance_intervals, mark_predict_sides,
                                                 run_job)

ROOT = Path(__file__).resolve().parents[1]
SECTION = {
    "phases": 40, "phases_per_k": 2, "instances": 5, "seeds": 2,
    "errors": [{"model": "false_keep", "rate": 1.0}, {"model": "flip", "rate": 1.0}, {"model": "soon", "rate": 0.5}],
    "algorithms": ["lru", "marker", "mark_predict"],
}


@pytest.fixture(scope="module")
def runs():
    return pd.concat([run_job(fam, k, SECTION, 5) for fam in ("loop", "uniform") for k in (2, 4, 8, 16)],
                     ignore_index=True)


def test_affine_log_fit_recovers_an_intercept_a_pure_log_fit_misses():
    ks = np.array([2, 4, 8, 16, 32, 64, 128])
    y = 1.2 + 0.6 * np.log(ks)
    a, b, res = fit_log_affine(ks, y)
    assert a == pytest.approx(1.2) and b == pytest.approx(0.6) and np.abs(res).max() < 1e-12
    x = np.log(ks)
    c = (x * y).sum() / (x * x).sum()  # a fit without intercept, c·ln k, misses by far at k = 2
    assert abs(c * np.log(2) - y[0]) / y[0] > 0.3


def test_mark_predict_slope_uses_alpha_two(runs):
    worst, soon, alpha2, (a, b) = mark_predict_sides(runs)
    keep = runs[(runs["algorithm"] == "mark_predict") & (runs["error_model"] == "false_keep")]
    for r in alpha2.itertuples():
        sub = keep[(keep["trace_family"] == r.trace_family) & (keep["k"] == r.k)]
        expect = (sub["faults"].sum() - 2 * sub["opt"].sum()) / sub["eta0"].sum()
        assert r.slope == pytest.approx(expect)
        assert r.slope < harmonic(r.k)  # below its proven β
    uni = alpha2[alpha2["trace_family"] == "uniform"]
    assert uni["slope_low"].notna().all() and (uni["instances"] == 5).all()
    assert alpha2[alpha2["trace_family"] == "loop"]["slope_low"].isna().all()
    assert list(worst["k"]) == [2, 4, 8, 16] and np.isfinite(worst["residual"]).all()
    assert (soon["two_h_k_minus"] == 2 * np.array([harmonic(int(k)) for k in soon["k"]]) - soon["ratio"]).all()


def test_uniform_points_have_intervals_and_loop_points_none(runs):
    pool = instance_intervals(runs)
    uni = pool[pool["trace_family"] == "uniform"]
    assert uni["ratio_low"].notna().all()
    assert ((uni["ratio_low"] <= uni["ratio"]) & (uni["ratio"] <= uni["ratio_high"])).all()
    assert pool[pool["trace_family"] == "loop"]["ratio_low"].isna().all()


def test_default_k_sweep_has_five_uniform_instances():
    sec = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())["k_sweep"]
    assert sec["instances"] >= 5 and "uniform" in sec["families"] and "hot_set" in sec["families"]

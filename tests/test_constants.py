"""Empirical constants of contract §9 (succinct_paging.experiments.constants):
hand-made runs tables, and real runs of the kernels where the bound is met
exactly (followbits on loop, mark0_eager under false_discard)."""

import math

import numpy as np
import pandas as pd
import pytest

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.bounds import harmonic
from succinct_paging.experiments.constants import (
    COLUMNS,
    empirical_constants,
    proven_constants,
    slopes,
    write_empirical_constants,
)
from succinct_paging.experiments.grid import compute_truth, make_family, run_grid


def _row(algorithm="followbits", error_model="false_keep", rate=0.5, instance="i0", seed=0, faults=10, opt=5,
         eta0=0, eta1=0, family="fam", k=4):
    pred = parse_algorithm(algorithm).prediction
    return dict(trace_family=family, instance=instance, n=100, N=20, k=k, algorithm=algorithm, prediction=pred,
                error_model=error_model, rate=rate, seed=seed, faults=faults, opt=opt, eta0=eta0, eta1=eta1,
                ratio=faults / opt, bound=math.nan)


def _frame(rows):
    df = pd.DataFrame(rows)
    return df.astype({"eta0": "Int64", "eta1": "Int64"})


def _get(table, **keys):
    sel = np.ones(len(table), dtype=bool)
    for col, val in keys.items():
        sel &= (table[col] == val).to_numpy()
    assert sel.sum() == 1, keys
    return table[sel].iloc[0]


def test_deterministic_takes_the_largest_slope_over_runs():
    # followbits, k = 4: α = 1, β = 3, γ = 1.
    rows = [
        _row(faults=11, opt=5, eta0=3),                       # (11 − 5)/3 = 2
        _row(faults=14, opt=5, eta0=3, instance="i1"),        # 3 = β: meets the bound exactly
        _row(faults=6, opt=5, eta0=0, instance="i2"),         # η0 = 0: not used
        _row(faults=9, opt=5, eta0=4, rate=1.0),              # 1
        _row(error_model="false_discard", faults=7, opt=5, eta1=4),   # 0.5
        _row(error_model="false_discard", faults=8, opt=5, eta1=3, instance="i1"),  # 1 = γ
        _row(error_model="flip", faults=100, opt=5, eta0=1, eta1=1),  # flip is never used
    ]
    table = empirical_constants(_frame(rows))
    assert list(table.columns) == COLUMNS
    r = _get(table, algorithm="followbits")
    assert (r.alpha, r.beta_proven, r.gamma_proven) == (1.0, 3.0, 1.0)
    assert r.beta_emp == 3.0 == r.beta_proven          # exact-bound case
    assert r.gamma_emp == 1.0
    assert r.beta_points == 3 and r.gamma_points == 2
    assert r.beta_q90 == pytest.approx(np.quantile([2.0, 3.0, 1.0], 0.9))


def test_randomized_averages_over_seeds_before_dividing():
    # mark0 (randomized): per (instance, rate) mean faults and mean η0 first.
    rows = [
        _row("mark0", seed=0, faults=10, opt=5, eta0=1),
        _row("mark0", seed=1, faults=20, opt=5, eta0=9),
    ]
    r = _get(empirical_constants(_frame(rows)), algorithm="mark0")
    # mean faults 15, mean η0 5: (15 − 5)/5 = 2 (the max of per-seed slopes would be 5).
    assert r.beta_emp == pytest.approx(2.0)
    assert r.beta_points == 1
    assert r.beta_proven == pytest.approx(2 * harmonic(4))
    assert math.isnan(r.gamma_emp) and r.gamma_points == 0


def test_alpha_two_for_mark_predict_and_reference_alpha_for_the_robust_variants():
    rows = [
        _row("mark_predict", faults=12, opt=5, eta0=4),   # (12 − 2·5)/4 = 0.5
        _row("followbits_robust", faults=12, opt=5, eta0=4),
        _row("combine(followbits,lru)", faults=12, opt=5, eta0=4),
        _row("lru", error_model="none", faults=12, opt=5, eta0=4),  # reads no bits: no row
    ]
    table = empirical_constants(_frame(rows))
    assert sorted(table["algorithm"]) == ["combine(followbits,lru)", "followbits_robust", "mark_predict"]
    r = _get(table, algorithm="mark_predict")
    assert r.alpha == 2.0 and r.beta_emp == pytest.approx(0.5)
    assert r.beta_proven == pytest.approx(harmonic(4))
    for alg in ("followbits_robust", "combine(followbits,lru)"):
        r = _get(table, algorithm=alg)
        assert r.alpha == 1.0 and r.beta_emp == pytest.approx(7 / 4)
        assert math.isnan(r.beta_proven) and math.isnan(r.gamma_proven)


def test_pooled_slope_with_a_jackknife_interval_next_to_the_maximum():
    rows = [_row(faults=5 + 2 * e + (i % 2), opt=5, eta0=e, instance=f"i{i}", rate=r)
            for i in range(4) for r, e in ((0.1, 1), (0.5, 3))]
    r = _get(empirical_constants(_frame(rows)), algorithm="followbits")
    # per instance: extra = 2·4 + 2·(i % 2) over η0 = 4
    assert r.beta_pooled == pytest.approx((8 * 4 + 2 * 2) / 16)
    assert r.beta_pooled_low < r.beta_pooled < r.beta_pooled_high
    assert r.beta_emp == pytest.approx(3.0)  # (5 + 2 + 1 − 5)/1 on an odd instance
    one = empirical_constants(_frame([_row(faults=9, opt=5, eta0=2)]))
    assert one["beta_pooled"].iloc[0] == 2.0 and math.isnan(one["beta_pooled_low"].iloc[0])


def test_proven_constants_come_from_the_registry():
    assert proven_constants("followbits", 10) == (1.0, 9.0, 1.0)
    assert proven_constants("mark_predict", 3) == pytest.approx((2.0, harmonic(3), 1.0))
    assert proven_constants("lru", 3) is None
    assert proven_constants("combine(followbits,lru)", 3) is None


def test_csv_is_byte_identical_and_independent_of_row_order(tmp_path):
    rng = np.random.default_rng(3)
    rows = [_row(alg, model, rate, f"i{i}", s, int(rng.integers(5, 40)), 5, int(rng.integers(0, 5)),
                 int(rng.integers(0, 5)), fam, k)
            for fam in ("a", "b") for k in (3, 5) for alg in ("followbits", "mark0", "mark_predict")
            for model in ("false_keep", "false_discard") for rate in (0.1, 0.5) for i in range(3) for s in (0, 1)]
    df = _frame(rows)
    write_empirical_constants(df, tmp_path / "a.csv")
    write_empirical_constants(df.sample(frac=1.0, random_state=1), tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    table = pd.read_csv(tmp_path / "a.csv")
    assert len(table) == 2 * 2 * 3
    # The maximum agrees with an independent computation over the slopes.
    s = slopes(df)
    for r in table.itertuples():
        mine = s[(s.trace_family == r.trace_family) & (s.k == r.k) & (s.algorithm == r.algorithm)]
        assert r.beta_emp == pytest.approx(mine.loc[mine.constant == "beta", "slope"].max(), rel=1e-5)


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="eta0"):
        empirical_constants(pd.DataFrame({"trace_family": ["a"]}))


@pytest.fixture(scope="module")
def kernel_runs():
    """Real runs on the tiny config's loop (k = 4, 5 pages) and zipf families,
    all three error models, computed in-process with run_grid."""
    algs = ["followbits", "mark0", "mark0_eager", "mark_predict"]
    frames = []
    for name, spec, k in (
        ("loop", {"generator": "loop", "instances": 1, "length": 500, "params": {"n_pages": 5}}, 4),
        ("zipf", {"generator": "zipf", "instances": 2, "length": 1000, "params": {"n_pages": 60, "s": 0.9}}, 5),
    ):
        traces = make_family(name, spec, None, False, 7)
        truth = compute_truth(traces, k)
        for model in ("false_keep", "false_discard", "flip"):
            for rate in (0.0, 0.1, 0.5, 1.0):
                frames.append(run_grid(name, traces, truth, k, algs, model, rate, [0, 1], 7))
    return pd.concat(frames, ignore_index=True)


def test_followbits_meets_k_minus_1_on_loop_and_mark0_eager_meets_gamma_1(kernel_runs):
    table = empirical_constants(kernel_runs)
    fb = _get(table, trace_family="loop", algorithm="followbits")
    assert fb.beta_emp == pytest.approx(fb.k - 1, abs=1e-12) and fb.beta_proven == fb.k - 1
    for fam in ("loop", "zipf"):
        eager = _get(table, trace_family=fam, algorithm="mark0_eager")
        assert eager.gamma_emp == pytest.approx(1.0, abs=1e-12)


def test_no_deterministic_constant_exceeds_its_proof(kernel_runs):
    table = empirical_constants(kernel_runs)
    det = table[[not parse_algorithm(a).randomized for a in table["algorithm"]]]
    assert len(det) == 2  # followbits on both families
    assert (det["beta_emp"] <= det["beta_proven"] + 1e-12).all()
    assert (det["gamma_emp"] <= det["gamma_proven"] + 1e-12).all()

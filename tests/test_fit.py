"""Fitted constants (succinct_paging.proofs.fit): the NNLS solver, the bootstrap,
the table, the 5% criterion on lb_keep, and the figure."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.experiments.grid import compute_truth, make_family, run_grid
from succinct_paging.proofs.fit import (
    COLUMNS,
    fit_constants,
    fit_table,
    nnls,
    read_csv,
    render_markdown,
    write_csv,
    write_markdown,
)
from succinct_paging.proofs.lower_bounds import lower_bound_table
from succinct_paging.plotting.proofs import plot_fitted_constants


def _kkt_ok(X, y, c, tol=1e-6):
    """Karush-Kuhn-Tucker conditions of min ||Xc − y||², c ≥ 0."""
    g = X.T @ (X @ c - y)
    scale = max(1.0, np.abs(X.T @ y).max())
    return np.all(c >= 0) and np.all(g >= -tol * scale) and np.all(np.abs(g[c > 0]) <= tol * scale)


def test_nnls_recovers_noiseless_coefficients():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 100, size=(50, 3))
    for c in ([1.0, 0.0, 2.5], [2.0, 3.0, 1.0], [0.0, 0.0, 4.0]):
        assert nnls(X, X @ np.array(c)) == pytest.approx(c, abs=1e-9)


def test_nnls_satisfies_kkt_on_random_problems():
    """Including problems whose unconstrained solution is negative."""
    rng = np.random.default_rng(1)
    for _ in range(300):
        n = int(rng.integers(3, 30))
        X = rng.normal(size=(n, 3)) * rng.uniform(0.1, 100, size=3)
        y = rng.normal(size=n) * 10
        c = nnls(X, y)
        assert _kkt_ok(X, y, c)
        # and no better non-negative point on a grid of supports
        for cols in itertools.chain.from_iterable(itertools.combinations(range(3), r) for r in (1, 2, 3)):
            sol, *_ = np.linalg.lstsq(X[:, cols], y, rcond=None)
            if np.all(sol >= 0):
                z = np.zeros(3)
                z[list(cols)] = sol
                assert np.sum((X @ c - y) ** 2) <= np.sum((X @ z - y) ** 2) + 1e-7


def test_nnls_rejects_rank_deficient_design():
    X = np.array([[1.0, 2.0, 0.5], [2.0, 4.0, 1.0], [3.0, 6.0, 1.5]])
    with pytest.raises(ValueError, match="rank"):
        nnls(X, np.ones(3))


def test_fit_constants_zero_column_and_bootstrap():
    rng = np.random.default_rng(2)
    X = np.column_stack([rng.uniform(10, 50, 40), rng.integers(0, 20, 40), np.zeros(40)])
    y = X @ np.array([1.0, 3.0, 0.0]) + rng.normal(0, 1, 40)
    a = fit_constants(X, y, n_boot=300, seed=9)
    b = fit_constants(X, y, n_boot=300, seed=9)
    assert math.isnan(a["coef"][2]) and math.isnan(a["lo"][2])
    assert a["coef"][:2] == pytest.approx([1.0, 3.0], abs=0.2)
    assert np.all(a["lo"][:2] <= a["coef"][:2]) and np.all(a["coef"][:2] <= a["hi"][:2])
    assert a["n_boot"] == 300
    np.testing.assert_array_equal(a["lo"], b["lo"])  # seeded
    c = fit_constants(X, y, n_boot=300, seed=10)
    assert not np.array_equal(a["lo"][:2], c["lo"][:2])


def test_fit_on_exact_data_has_degenerate_intervals():
    X = np.array([[7.0, 5.0], [12.0, 10.0], [22.0, 20.0]])
    y = X @ np.array([1.0, 4.0])
    res = fit_constants(X, y, n_boot=200, seed=0)
    assert res["coef"] == pytest.approx([1.0, 4.0])
    assert res["lo"] == pytest.approx([1.0, 4.0]) and res["hi"] == pytest.approx([1.0, 4.0])
    assert 0 < res["n_boot"] < 200  # resamples of one distinct row are skipped


def test_followbits_beta_on_lb_keep_within_5_percent():
    """The issue's criterion: followbits' fitted β̂ on lb_keep lies within 5%
    of k − 1, for every k = 2 … 16 (fitted per k over the numbers of rounds)."""
    lb = lower_bound_table(["lb_keep"], ["followbits"], range(2, 17), [5, 10, 20])
    fits = fit_table(lower_bounds=lb, n_boot=200, master_seed=1)
    assert sorted(fits["k"]) == list(range(2, 17))
    for row in fits.itertuples(index=False):
        assert abs(row.beta - (row.k - 1)) <= 0.05 * (row.k - 1), row
        assert abs(row.alpha - 1) <= 0.05
        assert math.isnan(row.gamma)  # η1 = 0 on lb_keep: not identified
        assert (row.proven_alpha, row.proven_beta, row.proven_gamma) == (1, row.k - 1, 1)
        assert row.beta_lo <= row.beta <= row.beta_hi


@pytest.fixture(scope="module")
def small_runs():
    """A real runs table: two synthetic families, three error models."""
    frames = []
    algs = ["followbits", "mark0", "mark_predict", "combine(followbits,lru)"]
    for name, spec in (("zipf", {"generator": "zipf", "length": 600, "instances": 2, "params": {"n_pages": 30, "s": 0.9}}),
                       ("loop", {"generator": "loop", "length": 300, "instances": 1, "params": {"n_pages": 5}})):
        traces = make_family(name, spec, None, False, 3)
        truth = compute_truth(traces, 4)
        frames.append(run_grid(name, traces, truth, 4, ["lru"], "none", None, [0], 3))
        for model in ("flip", "false_keep", "false_discard"):
            for rate in (0.0, 0.1, 0.5):
                frames.append(run_grid(name, traces, truth, 4, algs, model, rate, [0, 1], 3))
    return pd.concat(frames, ignore_index=True)


def test_fit_table_covers_every_algorithm_and_family(small_runs, tmp_path):
    lb = lower_bound_table(["lb_keep", "lb_discard"], ["followbits", "lru"], [2, 3], [4, 8])
    fits = fit_table(small_runs, lb, n_boot=100, master_seed=4)
    assert list(fits.columns) == COLUMNS
    runs_part = fits[fits["source"] == "runs"]
    want = {(a, f) for a in ["followbits", "mark0", "mark_predict", "combine(followbits,lru)"] for f in ("zipf", "loop")}
    assert set(zip(runs_part["algorithm"], runs_part["trace_family"])) == want
    assert "lru" not in set(fits["algorithm"])  # no predictions, no fit
    for row in runs_part.itertuples(index=False):
        want_c = parse_algorithm(row.algorithm).constants(row.k) if parse_algorithm(row.algorithm).constants else (math.nan,) * 3
        got = (row.proven_alpha, row.proven_beta, row.proven_gamma)
        assert all((math.isnan(w) and math.isnan(g)) or w == pytest.approx(g) for w, g in zip(want_c, got))
        assert row.alpha >= 0 and row.beta >= 0 and row.gamma >= 0
        assert row.n_runs == len(small_runs[(small_runs["algorithm"] == row.algorithm)
                                            & (small_runs["trace_family"] == row.trace_family)])
    # followbits never pays more than its bound, so its fitted line sits near OPT
    fb = runs_part[runs_part["algorithm"] == "followbits"]
    assert (fb["alpha"] <= 1.5).all()
    again = fit_table(small_runs, lb, n_boot=100, master_seed=4)
    pd.testing.assert_frame_equal(fits, again)
    write_csv(fits, tmp_path / "f.csv")
    back = read_csv(tmp_path / "f.csv")
    assert list(back.columns) == COLUMNS and len(back) == len(fits)
    write_markdown(fits, tmp_path / "f.md")
    md = (tmp_path / "f.md").read_text()
    assert md == render_markdown(fits)
    assert md.count("\n| `") == len(fits)
    paths = plot_fitted_constants(fits, tmp_path / "fig" / "fitted_constants")
    assert [p.rsplit(".", 1)[1] for p in paths] == ["pdf", "png"]
    assert b"CreationDate" not in open(paths[0], "rb").read()

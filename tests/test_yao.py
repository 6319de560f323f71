"""The randomized lower-bound family lb_yao, its hill-climbing search and the
jackknife-t interval (issue 20 items 1 and 5)."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from succinct_paging.bounds import harmonic
from succinct_paging.experiments.intervals import jackknife_ratio_interval, t975
from succinct_paging.proofs.yao import hill_climb, lower_bounds, yao_trace


def test_t_quantiles_match_the_table_and_approach_the_normal():
    assert t975(1) == 12.706 and t975(3) == 3.182 and t975(30) == 2.042
    assert abs(t975(40) - 2.021) < 0.002 and abs(t975(120) - 1.980) < 0.002


def test_no_interval_from_one_instance_and_a_finite_one_from_two():
    est, lo, hi = jackknife_ratio_interval([5.0], [2.0])
    assert est == 2.5 and math.isnan(lo) and math.isnan(hi)
    est, lo, hi = jackknife_ratio_interval([5.0, 7.0], [2.0, 2.0])
    assert est == 3.0 and lo < 3.0 < hi


def test_jackknife_interval_of_a_four_instance_family_is_wider_than_its_bootstrap_spread():
    # four instances: the instance bootstrap has at most 35 distinct resamples and its
    # percentile interval is too narrow; the jackknife-t interval uses t_3 = 3.182.
    num = np.array([10.0, 14.0, 9.0, 15.0])
    den = np.array([5.0, 5.0, 5.0, 5.0])
    est, lo, hi = jackknife_ratio_interval(num, den)
    rng = np.random.default_rng(0)
    boot = [num[i].sum() / den[i].sum() for i in rng.integers(0, 4, size=(2000, 4))]
    b_lo, b_hi = np.percentile(boot, [2.5, 97.5])
    assert hi - lo > 1.5 * (b_hi - b_lo)
    # for a mean (equal denominators) the jackknife-t interval is the t interval
    sd = (num / den).std(ddof=1)
    assert np.isclose(hi - lo, 2 * 3.182 * sd / 2)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20)), min_size=2, max_size=12))
def test_jackknife_interval_contains_the_pooled_ratio_when_the_units_agree(pairs):
    num = [a for a, _ in pairs]
    den = [b for _, b in pairs]
    est, lo, hi = jackknife_ratio_interval(num, den)
    assert np.isclose(est, sum(num) / sum(den))
    assert lo <= hi
    scaled = jackknife_ratio_interval([2 * b for b in den], den)
    assert scaled[0] == 2.0 and np.isclose(scaled[1], 2.0) and np.isclose(scaled[2], 2.0)


def test_lb_yao_trace_is_uniform_over_k_plus_one_pages():
    pages = yao_trace(8, 4, seed=3)
    assert len(pages) == math.ceil(4 * 8 * 9 * harmonic(8))
    assert set(np.unique(pages)) == set(range(9))
    assert np.array_equal(pages, yao_trace(8, 4, seed=3))


def test_lb_yao_slopes_sit_at_h_k_minus_1_for_every_randomized_algorithm():
    table = lower_bounds([4, 8], ["marker", "mark0", "mark0_eager"], 16, 3, 3, master_seed=11)
    assert (table["eta1"] == 0).all() and (table["eta0"] == table["opt"]).all()
    for r in table.itertuples():
        dilution = 16 * r.k / (16 * r.k + r.k)
        assert 0.85 * dilution * r.h_k_minus_1 < r.slope < r.h_k, r
        assert r.slope_low < r.slope < r.slope_high
        assert r.slope < r.two_h_k
    again = lower_bounds([4, 8], ["marker", "mark0", "mark0_eager"], 16, 3, 3, master_seed=11)
    assert table.equals(again)


def test_lb_yao_with_one_instance_has_no_interval():
    table = lower_bounds([4], ["mark0"], 4, 1, 2, master_seed=1)
    assert table["slope_low"].isna().all() and table["slope_high"].isna().all()


def test_hill_climb_never_loses_ground_and_stays_below_2h_k():
    a = hill_climb(8, "mark0_eager", 2, 40, 4, 8, master_seed=5)
    b = hill_climb(8, "mark0_eager", 2, 40, 4, 8, master_seed=5)
    assert a == b
    assert a["best_search"] >= a["start"]
    assert a["best_held_out"] < a["two_h_k"]
    assert a["fraction_of_2h_k"] == a["best_held_out"] / (2 * harmonic(8))

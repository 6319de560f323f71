"""Family ratios of the runs table (succinct_paging.experiments.summary, contract §6)."""

import math
import os
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from succinct_paging.experiments.summary import (
    KEYS,
    SUMMARY_COLUMNS,
    family_ratios,
    per_instance_ratios,
    read_summary,
    write_summary,
)


def _row(family="zipf", instance="i0", k=4, algorithm="followbits", prediction="discard", error_model="flip",
         rate=0.5, seed=0, faults=10, opt=5, eta0=1, eta1=2, bound=math.nan):
    return dict(trace_family=family, instance=instance, n=100, N=20, k=k, algorithm=algorithm,
                prediction=prediction, error_model=error_model, rate=rate, seed=seed, faults=faults,
                opt=opt, eta0=eta0, eta1=eta1, ratio=faults / opt if opt else math.nan, bound=bound)


def _baseline(algorithm="lru", **kw):
    return _row(algorithm=algorithm, prediction="none", error_model="none", rate=math.nan,
                eta0=pd.NA, eta1=pd.NA, **kw)


def _frame(rows):
    df = pd.DataFrame(rows)
    df["eta0"] = df["eta0"].astype("Int64")
    df["eta1"] = df["eta1"].astype("Int64")
    return df


def _one(summary, **keys):
    sel = np.ones(len(summary), dtype=bool)
    for col, val in keys.items():
        if isinstance(val, float) and math.isnan(val):
            sel &= summary[col].isna().to_numpy()
        else:
            sel &= (summary[col] == val).to_numpy()
    assert sel.sum() == 1, keys
    return summary[sel].iloc[0]


# --------------------------------------------------------------------------
# hand-made cases
# --------------------------------------------------------------------------


def test_pooled_ratio_is_not_the_mean_of_instance_ratios():
    # Instance "tiny" has OPT 1 and ratio 10; instance "big" OPT 100, ratio 1.
    # Pooled: 110 / 101 ≈ 1.089; the mean of the ratios would be 5.5.
    runs = _frame([
        _row(instance="tiny", faults=10, opt=1),
        _row(instance="big", faults=100, opt=100),
    ])
    s = family_ratios(runs)
    assert len(s) == 1
    row = s.iloc[0]
    assert row["ratio"] == pytest.approx(110 / 101)
    assert row["ratio"] != pytest.approx(np.mean([10.0, 1.0]))
    # The per-instance spread is where the 10 shows up.
    assert row["ratio_median"] == pytest.approx(5.5)
    assert row["ratio_q25"] == pytest.approx(1 + 0.25 * 9)
    assert row["ratio_q75"] == pytest.approx(1 + 0.75 * 9)
    assert row["faults"] == 110 and row["opt"] == 101
    assert row["runs"] == 2 and row["instances"] == 2 and row["seeds"] == 1


def test_seed_range_and_instances_pooled_over_seeds():
    runs = _frame([
        _row(instance="a", seed=0, faults=12, opt=10),
        _row(instance="b", seed=0, faults=30, opt=10),  # seed 0: 42/20 = 2.1
        _row(instance="a", seed=1, faults=10, opt=10),
        _row(instance="b", seed=1, faults=14, opt=10),  # seed 1: 24/20 = 1.2
    ])
    row = family_ratios(runs).iloc[0]
    assert row["ratio"] == pytest.approx(66 / 40)
    assert row["ratio_seed_min"] == pytest.approx(1.2)
    assert row["ratio_seed_max"] == pytest.approx(2.1)
    # Per instance: a = 22/20 = 1.1, b = 44/20 = 2.2 (pooled over seeds).
    assert row["ratio_median"] == pytest.approx((1.1 + 2.2) / 2)
    assert row["ratio_q25"] == pytest.approx(1.1 + 0.25 * 1.1)
    assert row["seeds"] == 2 and row["instances"] == 2 and row["runs"] == 4


def test_bound_ratio_and_nan_propagation():
    runs = _frame([
        _row(algorithm="followbits", instance="a", opt=10, faults=12, bound=15.0),
        _row(algorithm="followbits", instance="b", opt=30, faults=31, bound=35.0),
        # combine has no bound at all; followbits_robust has one missing.
        _row(algorithm="combine(followbits,lru)", instance="a", opt=10, faults=12, bound=math.nan),
        _row(algorithm="combine(followbits,lru)", instance="b", opt=30, faults=31, bound=math.nan),
        _row(algorithm="followbits_robust", instance="a", opt=10, faults=12, bound=40.0),
        _row(algorithm="followbits_robust", instance="b", opt=30, faults=31, bound=math.nan),
    ])
    s = family_ratios(runs)
    assert _one(s, algorithm="followbits")["bound_ratio"] == pytest.approx(50 / 40)
    assert math.isnan(_one(s, algorithm="combine(followbits,lru)")["bound_ratio"])
    # One NaN bound makes the pooled bound undefined (not the sum of the rest).
    assert math.isnan(_one(s, algorithm="followbits_robust")["bound_ratio"])


def test_baseline_rows_kept_with_nan_rate_and_sorted_last():
    runs = _frame([
        _baseline("lru", instance="a", faults=20, opt=10, bound=40.0),
        _baseline("lru", instance="b", faults=30, opt=10, bound=40.0),
        _baseline("opt", instance="a", faults=10, opt=10, bound=10.0),
        _row(algorithm="lru_like", prediction="discard", error_model="flip", rate=0.0, faults=10, opt=10),
        _row(algorithm="lru_like", prediction="discard", error_model="flip", rate=1.0, faults=40, opt=10),
    ])
    s = family_ratios(runs)
    assert list(s.columns) == SUMMARY_COLUMNS
    lru = _one(s, algorithm="lru")
    assert lru["error_model"] == "none" and math.isnan(lru["rate"])
    assert lru["ratio"] == pytest.approx(2.5) and lru["runs"] == 2
    assert lru["bound_ratio"] == pytest.approx(4.0)
    assert math.isnan(lru["eta0_mean"]) and math.isnan(lru["eta1_mean"])
    assert _one(s, algorithm="opt")["ratio"] == pytest.approx(1.0)
    assert len(s) == 4
    # Sorted by keys; NaN rates last within equal preceding keys.
    assert list(s["algorithm"]) == ["lru", "lru_like", "lru_like", "opt"]
    assert list(s.loc[s["algorithm"] == "lru_like", "rate"]) == [0.0, 1.0]


def test_nan_rate_sorts_after_numbers_for_the_same_algorithm():
    runs = _frame([
        _row(algorithm="x", rate=math.nan, error_model="flip"),
        _row(algorithm="x", rate=0.5, error_model="flip"),
        _row(algorithm="x", rate=0.0, error_model="flip"),
    ])
    s = family_ratios(runs)
    assert s["rate"].iloc[:2].tolist() == [0.0, 0.5] and math.isnan(s["rate"].iloc[2])


def test_eta_means_and_zero_opt():
    runs = _frame([
        _row(instance="a", eta0=2, eta1=4, faults=5, opt=0),
        _row(instance="b", eta0=4, eta1=0, faults=0, opt=0),
    ])
    row = family_ratios(runs).iloc[0]
    assert row["eta0_mean"] == pytest.approx(3.0) and row["eta1_mean"] == pytest.approx(2.0)
    assert math.isnan(row["ratio"])  # Σ OPT = 0: no ratio rather than inf


def test_empty_runs_give_header_only(tmp_path):
    path = tmp_path / "s.csv"
    s = write_summary(_frame([_row()]).iloc[0:0], path)
    assert len(s) == 0
    assert path.read_text() == ",".join(SUMMARY_COLUMNS) + "\n"


def test_missing_column_is_an_error():
    runs = _frame([_row()]).drop(columns=["seed"])
    with pytest.raises(ValueError, match="seed"):
        family_ratios(runs)


def test_per_instance_ratios_pool_seeds():
    runs = _frame([
        _row(instance="a", seed=0, faults=12, opt=10),
        _row(instance="a", seed=1, faults=18, opt=10),
        _baseline("lru", instance="a", faults=20, opt=10),
    ])
    inst = per_instance_ratios(runs)
    assert len(inst) == 2
    assert _one(inst, algorithm="followbits")["ratio"] == pytest.approx(1.5)
    assert math.isnan(_one(inst, algorithm="lru")["rate"])


# --------------------------------------------------------------------------
# CSV output
# --------------------------------------------------------------------------


def _mixed_runs(rng, n_inst=3, seeds=(0, 1, 2)):
    rows = []
    for fam in ("zipf", "brightkite"):
        for k in (3, 10):
            for i in range(n_inst):
                for s in seeds:
                    opt = int(rng.integers(1, 200))
                    rows.append(_baseline("lru", family=fam, k=k, instance=f"{fam}{i}", seed=s,
                                          faults=opt * 2, opt=opt, bound=float(k * opt)))
                    for model in ("flip", "false_keep"):
                        for r in (0.0, 0.1, 1.0):
                            rows.append(_row(family=fam, k=k, instance=f"{fam}{i}", seed=s, error_model=model,
                                             rate=r, opt=opt, faults=opt + int(rng.integers(0, 50)),
                                             eta0=int(rng.integers(0, 9)), eta1=int(rng.integers(0, 9)),
                                             bound=opt + rng.random() * 1e3 / 7.0))
    return _frame(rows)


def test_csv_byte_identical_and_independent_of_row_order(tmp_path):
    rng = np.random.default_rng(1)
    runs = _mixed_runs(rng)
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "sub" / "c.csv"
    write_summary(runs, a)
    write_summary(runs, b)
    shuffled = runs.sample(frac=1.0, random_state=7).reset_index(drop=True)
    write_summary(shuffled[list(reversed(runs.columns))], c)
    assert a.read_bytes() == b.read_bytes() == c.read_bytes()
    text = a.read_text()
    assert "\r" not in text and text.endswith("\n")
    # Same permissions as a file written by open() (not mkstemp's 0600).
    umask = os.umask(0)
    os.umask(umask)
    assert (a.stat().st_mode & 0o777) == 0o666 & ~umask
    # Only the three CSVs: no temporary files left behind.
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["a.csv", "b.csv", "c.csv"]


def test_csv_round_trip(tmp_path):
    runs = _mixed_runs(np.random.default_rng(2), n_inst=2, seeds=(0,))
    path = tmp_path / "s.csv"
    s = write_summary(runs, path)
    back = read_summary(path)
    assert list(back.columns) == SUMMARY_COLUMNS
    assert (back["error_model"] == "none").sum() == (s["error_model"] == "none").sum() > 0
    assert back["rate"].isna().sum() == s["rate"].isna().sum()
    for col in ("ratio", "bound_ratio", "ratio_seed_min", "ratio_q75", "eta0_mean"):
        np.testing.assert_allclose(back[col], s[col], rtol=1e-5)
    assert (back["faults"].to_numpy() == s["faults"].to_numpy()).all()


def test_csv_keeps_large_integer_sums_exact(tmp_path):
    runs = _frame([_row(faults=1_234_567, opt=1_000_003)])
    path = tmp_path / "s.csv"
    write_summary(runs, path)
    assert "1234567" in path.read_text() and "1000003" in path.read_text()


def test_failed_write_leaves_old_file_untouched(tmp_path, monkeypatch):
    path = tmp_path / "s.csv"
    path.write_text("old\n")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(RuntimeError):
        write_summary(_frame([_row()]), path)
    assert path.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["s.csv"]


# --------------------------------------------------------------------------
# property tests
# --------------------------------------------------------------------------


@st.composite
def runs_tables(draw):
    """Random runs tables: 1–2 families, 1–2 k, baselines and predictors."""
    family_names = st.sampled_from(["uniform", "zipf", "loop"])
    families = draw(st.lists(family_names, min_size=1, max_size=2, unique=True))
    ks = draw(st.lists(st.integers(2, 12), min_size=1, max_size=2, unique=True))
    n_inst = draw(st.integers(1, 3))
    seeds = draw(st.lists(st.integers(0, 1000), min_size=1, max_size=3, unique=True))
    rates = draw(st.lists(st.sampled_from([0.0, 0.05, 0.5, 1.0]), min_size=1, max_size=2, unique=True))
    opt_s = st.integers(1, 500)
    rows = []
    for fam in families:
        for k in ks:
            for i in range(n_inst):
                for s in seeds:
                    opt = draw(opt_s)
                    rows.append(_baseline("marker", family=fam, k=k, instance=f"{fam}-{i}", seed=s, opt=opt,
                                          faults=opt + draw(st.integers(0, 500)),
                                          bound=draw(st.one_of(st.just(math.nan), st.floats(1, 1e4)))))
                    for r in rates:
                        rows.append(_row(family=fam, k=k, instance=f"{fam}-{i}", seed=s, rate=r, opt=opt,
                                         faults=opt + draw(st.integers(0, 500)),
                                         eta0=draw(st.integers(0, 50)), eta1=draw(st.integers(0, 50)),
                                         bound=draw(st.one_of(st.just(math.nan), st.floats(1, 1e4)))))
    return _frame(rows)


def _independent_pooled(runs):
    """Σ faults / Σ OPT per key, by a plain loop over the rows."""
    faults, opt = defaultdict(int), defaultdict(int)
    for r in runs.itertuples(index=False):
        key = (r.trace_family, r.k, r.algorithm, r.prediction, r.error_model,
               "nan" if pd.isna(r.rate) else float(r.rate))
        faults[key] += int(r.faults)
        opt[key] += int(r.opt)
    return {key: faults[key] / opt[key] for key in faults}


def _summary_key(row):
    return (row.trace_family, row.k, row.algorithm, row.prediction, row.error_model,
            "nan" if pd.isna(row.rate) else float(row.rate))


@settings(max_examples=30, deadline=None)
@given(runs_tables())
def test_pooled_ratio_matches_independent_sum(runs):
    s = family_ratios(runs)
    expected = _independent_pooled(runs)
    got = {_summary_key(r): r.ratio for r in s.itertuples(index=False)}
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12)
    assert int(s["runs"].sum()) == len(runs)


@settings(max_examples=30, deadline=None)
@given(runs_tables())
def test_pooled_lies_within_seed_range_and_quartiles_ordered(runs):
    # The pooled ratio is a weighted mean of the per-seed pooled ratios.
    s = family_ratios(runs)
    eps = 1e-12
    assert (s["ratio_seed_min"] <= s["ratio"] * (1 + eps)).all()
    assert (s["ratio"] <= s["ratio_seed_max"] * (1 + eps)).all()
    assert (s["ratio_q25"] <= s["ratio_median"] * (1 + eps)).all()
    assert (s["ratio_median"] <= s["ratio_q75"] * (1 + eps)).all()
    single_seed = s["seeds"] == 1
    np.testing.assert_allclose(s.loc[single_seed, "ratio_seed_min"], s.loc[single_seed, "ratio"], rtol=1e-12)


@settings(max_examples=20, deadline=None)
@given(runs_tables(), st.randoms(use_true_random=False))
def test_summary_independent_of_row_order(runs, rnd):
    perm = list(range(len(runs)))
    rnd.shuffle(perm)
    a = family_ratios(runs)
    b = family_ratios(runs.iloc[perm].reset_index(drop=True))
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    # Key order is the sort order, NaN rates last within equal keys.
    keys = a[KEYS].copy()
    resorted = keys.sort_values(KEYS, kind="mergesort", na_position="last")
    assert list(resorted.index) == list(keys.index)


# --------------------------------------------------------------------------
# instance-level bootstrap (contract §9) and paired differences
# --------------------------------------------------------------------------

from succinct_paging.experiments.summary import (  # noqa: E402
    JACKKNIFE_BELOW,
    N_BOOT,
    PAIRED_COLUMNS,
    bootstrap_ratio_interval,
    instance_weights,
    latex_table,
    paired_differences,
)


def _two_level_runs(many=4):
    """Family 'many' with ``many`` instances (2 seeds each), family 'one' with a
    single instance, both with one prediction algorithm and LRU."""
    rows = []
    for fam, n_inst in (("many", many), ("one", 1)):
        for i in range(n_inst):
            for s in (0, 1):
                opt = 10 + 5 * i
                rows.append(_row(family=fam, instance=f"{fam}{i}", seed=s, faults=opt + i + s, opt=opt))
                rows.append(_baseline(family=fam, instance=f"{fam}{i}", seed=s, faults=2 * opt + i, opt=opt))
    return _frame(rows)


def test_ci_columns_present_and_no_interval_for_one_instance():
    summary = family_ratios(_two_level_runs(), master_seed=5)
    assert {"ci_low", "ci_high"} <= set(SUMMARY_COLUMNS) <= set(summary.columns)
    one = summary[summary["trace_family"] == "one"]
    assert one["ci_low"].isna().all() and one["ci_high"].isna().all()
    many = summary[summary["trace_family"] == "many"]
    assert many["ci_low"].notna().all()
    assert (many["ci_low"] <= many["ratio"] + 1e-12).all() and (many["ratio"] <= many["ci_high"] + 1e-12).all()


def test_bootstrap_resamples_whole_instances():
    """Every resample is a multiset of instances, so the interval lies within
    the range of the per-instance ratios (seeds pooled), never beyond it:
    a row-level bootstrap could mix one seed of an instance with another's.
    (The bootstrap serves families of at least JACKKNIFE_BELOW instances.)"""
    runs = _two_level_runs(many=JACKKNIFE_BELOW + 2)
    summary = family_ratios(runs, master_seed=1)
    inst = per_instance_ratios(runs)
    for r in summary[summary["trace_family"] == "many"].itertuples():
        assert r.ci_method == "bootstrap"
        per = inst[(inst["trace_family"] == "many") & (inst["algorithm"] == r.algorithm)]["ratio"]
        assert per.min() - 1e-12 <= r.ci_low <= r.ci_high <= per.max() + 1e-12


def test_few_instances_get_a_jackknife_t_interval_wider_than_the_bootstrap():
    """Four instances: the bootstrap has at most 35 distinct resamples and
    its percentile interval is too narrow; below JACKKNIFE_BELOW instances
    the summary uses a jackknife-t interval (t with m − 1 degrees of freedom)."""
    runs = _two_level_runs(many=4)
    summary = family_ratios(runs, master_seed=1)
    many = summary[summary["trace_family"] == "many"]
    assert (many["ci_method"] == "jackknife-t").all()
    assert (summary[summary["trace_family"] == "one"]["ci_method"] == "").all()
    for r in many.itertuples():
        sub = runs[(runs["trace_family"] == "many") & (runs["algorithm"] == r.algorithm)]
        per = sub.groupby("instance")[["faults", "opt"]].sum()
        w = instance_weights(1, "many", 4, len(per))
        b_lo, b_hi = bootstrap_ratio_interval(per["faults"].to_numpy(dtype=float)[None, :],
                                              per["opt"].to_numpy(dtype=float)[None, :], w)
        assert r.ci_high - r.ci_low > 1.5 * (b_hi[0] - b_lo[0])
        assert r.ci_low < r.ratio < r.ci_high


def test_bootstrap_matches_a_plain_loop_and_is_seeded():
    rng = np.random.default_rng(0)
    faults = rng.integers(10, 100, size=(3, 6)).astype(float)
    opt = rng.integers(5, 50, size=(3, 6)).astype(float)
    w = instance_weights(42, "fam", 7, 6)
    assert w.shape == (N_BOOT, 6) and (w.sum(axis=1) == 6).all()
    np.testing.assert_array_equal(w, instance_weights(42, "fam", 7, 6))
    assert not np.array_equal(w, instance_weights(43, "fam", 7, 6))
    lo, hi = bootstrap_ratio_interval(faults, opt, w)
    for g in range(3):
        ratios = [sum(c * f for c, f in zip(row, faults[g])) / sum(c * o for c, o in zip(row, opt[g])) for row in w]
        assert lo[g] == pytest.approx(np.quantile(ratios, 0.025))
        assert hi[g] == pytest.approx(np.quantile(ratios, 0.975))


def test_identical_instances_give_a_degenerate_interval():
    lo, hi = bootstrap_ratio_interval(np.array([[2.0, 4.0, 6.0]]), np.array([[1.0, 2.0, 3.0]]),
                                      instance_weights(0, "f", 1, 3))
    assert lo[0] == pytest.approx(2.0) and hi[0] == pytest.approx(2.0)
    lo, hi = bootstrap_ratio_interval(np.array([[5.0]]), np.array([[2.0]]), instance_weights(0, "f", 1, 1))
    assert math.isnan(lo[0]) and math.isnan(hi[0])


def test_summary_bootstrap_depends_on_the_master_seed_only():
    rng = np.random.default_rng(9)
    runs = _frame([_row(family="many", instance=f"i{i}", seed=s, faults=int(rng.integers(20, 90)),
                        opt=int(rng.integers(10, 20))) for i in range(12) for s in (0, 1)])
    a = family_ratios(runs, master_seed=3)
    b = family_ratios(runs.sample(frac=1.0, random_state=2), master_seed=3)
    c = family_ratios(runs, master_seed=4)
    pd.testing.assert_frame_equal(a, b)
    many = a["trace_family"] == "many"
    assert not np.allclose(a.loc[many, "ci_low"], c.loc[many, "ci_low"])


def test_paired_differences_hand_made():
    rows = []
    # Two instances; followbits pays 2 and 0 faults more than mark0 per seed-mean.
    for inst, opt, fb, m0 in (("a", 10, (14, 12), (11, 11)), ("b", 20, (20, 20), (21, 19))):
        for s in (0, 1):
            rows.append(_row(instance=inst, seed=s, algorithm="followbits", faults=fb[s], opt=opt))
            rows.append(_row(instance=inst, seed=s, algorithm="mark0", faults=m0[s], opt=opt))
            rows.append(_baseline(instance=inst, seed=s, faults=2 * opt, opt=opt))
    table = paired_differences(_frame(rows), master_seed=0)
    assert list(table.columns) == PAIRED_COLUMNS
    r = table[(table["algorithm"] == "followbits") & (table["reference"] == "mark0")].iloc[0]
    # mean faults: a 13 vs 11, b 20 vs 20 -> Σ diff 2 over Σ OPT 30
    assert r["diff"] == pytest.approx(2 / 30)
    assert (r["better"], r["worse"], r["instances"]) == (0, 1, 2)
    assert r["ci_low"] <= r["diff"] <= r["ci_high"]
    lru = table[(table["algorithm"] == "followbits") & (table["reference"] == "lru")].iloc[0]
    assert lru["diff"] == pytest.approx((13 + 20 - 20 - 40) / 30)
    assert lru["error_model"] == "flip" and lru["better"] == 2


def test_paired_differences_one_instance_has_no_interval():
    runs = _two_level_runs()
    table = paired_differences(runs)
    one = table[table["trace_family"] == "one"]
    assert len(one) and one["ci_low"].isna().all()
    assert table[table["trace_family"] == "many"]["ci_low"].notna().all()


def test_latex_table_shows_the_interval():
    summary = family_ratios(_two_level_runs(), master_seed=0)
    text = latex_table(summary, "many", 4)
    r = summary[(summary["trace_family"] == "many") & (summary["algorithm"] == "followbits")].iloc[0]
    assert rf"\scriptsize [{r.ci_low:.2f}, {r.ci_high:.2f}]" in text
    assert "jackknife-t interval over instances" in text  # 4 instances: below JACKKNIFE_BELOW
    many = family_ratios(_two_level_runs(many=JACKKNIFE_BELOW), master_seed=0)
    assert "bootstrap interval" in latex_table(many, "many", 4)
    assert r"\scriptsize" not in latex_table(summary, "one", 4)

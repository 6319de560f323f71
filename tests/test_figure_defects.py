"""Figure defects of issue 20 item 6 and the interval legend of item 5."""

import math

import numpy as np
import pandas as pd

from succinct_paging.plotting.family import interval_label


def test_interval_legend_names_the_method_and_is_absent_for_one_instance():
    one = pd.DataFrame({"ci_low": [math.nan, math.nan], "ci_high": [math.nan, math.nan], "ci_method": ["", ""]})
    assert interval_label(one) == ""
    few = pd.DataFrame({"ci_low": [1.0, np.nan], "ci_high": [2.0, np.nan], "ci_method": ["jackknife-t", ""]})
    assert "jackknife-t" in interval_label(few)
    many = pd.DataFrame({"ci_low": [1.0], "ci_high": [2.0], "ci_method": ["bootstrap"]})
    assert interval_label(many) == "95 % bootstrap interval over instances"


def _arrival_rows(n_inst):
    rows = []
    for i in range(n_inst):
        for seed in (0, 1, 2):
            for sigma in (0.0, 10.0):
                rows.append(dict(trace_family="fam", instance=f"i{i}", n=100, N=20, k=4, algorithm="blind_oracle",
                                 prediction="arrivals", error_model="none", sigma=sigma, seed=seed,
                                 faults=20 + i + seed + (5 if sigma else 0), opt=10 + i, eta0=np.nan, eta1=np.nan))
    return pd.DataFrame(rows)


def test_arrivals_band_is_the_instance_interval_not_a_seed_range():
    from succinct_paging.experiments.arrivals import pooled
    from succinct_paging.experiments.summary import family_ratios

    one = pooled(_arrival_rows(1), master_seed=3)
    assert one["ci_low"].isna().all() and (one["ci_method"] == "").all()  # seeds vary, one instance: no band
    assert (one["ratio_seed_max"] > one["ratio_seed_min"]).all()
    four = pooled(_arrival_rows(4), master_seed=3)
    assert (four["ci_method"] == "jackknife-t").all()
    assert ((four["ci_low"] < four["ratio"]) & (four["ratio"] < four["ci_high"])).all()
    many = _arrival_rows(12)
    got = pooled(many, master_seed=3)
    assert (got["ci_method"] == "bootstrap").all()
    # the same resamples as the summary table's interval of the same runs
    runs = many.assign(rate=many["sigma"], bound=np.nan).drop(columns="sigma")
    summ = family_ratios(runs, master_seed=3).sort_values("rate")
    np.testing.assert_allclose(got.sort_values("sigma")["ci_low"], summ["ci_low"])


def test_saturated_noise_is_said():
    from succinct_paging.plotting.arrivals import saturated_share

    assert 0.8 < saturated_share(50) < 0.85 and saturated_share(200) > 0.95 and saturated_share(5) < 0.1


def test_lower_bounds_figure_has_no_repeated_panel_nor_identity_scatter(tmp_path, monkeypatch):
    import matplotlib.figure

    from succinct_paging.plotting import proofs
    from succinct_paging.proofs.lower_bounds import lower_bound_table

    table = lower_bound_table(["lb_keep", "lb_discard", "lb_all_ones"], ["followbits", "lru"], [2, 4], [5, 20])
    assert proofs._same_curves(table, "lb_keep", "lb_all_ones")  # why one panel shows both
    seen = {}
    real = proofs.save_figure

    def spy(fig, stem, spec):
        seen["titles"] = [ax.get_title() for ax in fig.axes if ax.get_visible() and ax.get_title()]
        seen["rows"] = {round(ax.get_position().y0, 3) for ax in fig.axes if ax.get_title()}
        return real(fig, stem, spec)

    monkeypatch.setattr(proofs, "save_figure", spy)
    proofs.plot_lower_bounds(table, tmp_path / "lower_bounds")
    titles = seen["titles"]
    assert len(titles) == 3 and len(set(titles)) == 3
    assert len(seen["rows"]) == 1  # one row: no bottom-row titles to overlap
    assert any("lb_all_ones" in t and "lb_keep" in t for t in titles)  # the duplicate curve named, not redrawn
    assert any(t.startswith("lb_discard, lb_all_ones") for t in titles)


def _smooth_runs():
    rows = []
    for alg, pred in (("followbits", "discard"), ("mark_predict", "phase")):
        for model, rate in (("false_keep", 0.5), ("false_discard", 0.5)):
            for i in range(3):
                eta = (40 if pred == "phase" else 2) * (i + 1)
                rows.append(dict(trace_family="fam", instance=f"i{i}", n=100, N=20, k=4, algorithm=alg,
                                 prediction=pred, error_model=model, rate=rate, seed=0, faults=12 + i, opt=10,
                                 eta0=eta if model == "false_keep" else 0, eta1=eta if model == "false_discard" else 0,
                                 ratio=1.0, bound=np.nan))
    return pd.DataFrame(rows).astype({"eta0": "Int64", "eta1": "Int64"})


def test_smoothness_puts_phase_bits_on_their_own_axes_and_says_negative_slopes(tmp_path, monkeypatch):
    from succinct_paging.plotting import smoothness

    assert "max seen" not in smoothness.seen_label("mark_predict", "β", 2.08, -4.76)
    assert "below α·OPT" in smoothness.seen_label("mark_predict", "β", 2.08, -4.76)
    assert "below" not in smoothness.seen_label("followbits", "β", 3, 1.5)
    seen = {}
    real = smoothness.save_figure

    def spy(fig, stem, spec):
        seen["axes"] = [(ax.get_title(), ax.get_xlim()[1]) for ax in fig.axes if ax.get_title()]
        return real(fig, stem, spec)

    monkeypatch.setattr(smoothness, "save_figure", spy)
    smoothness.plot_smoothness(_smooth_runs(), "fam", 4, tmp_path / "s")
    titles = [t for t, _ in seen["axes"]]
    assert len(titles) == 4 and sum(t.startswith("phase bits") for t in titles) == 2
    xmax = {t.split(",")[0]: x for t, x in seen["axes"]}
    assert xmax["discard bits"] < 1 < xmax["phase bits"]  # discard points are not squeezed by phase η


def test_robustness_figure_does_not_call_k_a_lower_bound_on_a_fixed_trace():
    import inspect

    from succinct_paging.plotting import family

    src = inspect.getsource(family.plot_robustness)
    assert "deterministic lower bound\"" not in src and "not a bound on one trace" in src

"""Workflow-level checks of the smoothness outputs on the finished tiny run
(`tiny_run` fixture, tests/conftest.py): empirical constants, intervals,
paired differences, excluded instances, the effective config and one
smoothness figure per (family, k), all in the report."""

from pathlib import Path

import pandas as pd
import yaml

from snakemake_run import ROOT, TEST_CONFIG
from succinct_paging.config import check_config
from succinct_paging.experiments.constants import COLUMNS as CONSTANT_COLUMNS
from succinct_paging.experiments.summary import PAIRED_COLUMNS, read_summary


def _family_ks(baseline_only=False):
    """(family, k) pairs of the tiny config; the baseline_only ones (cache
    traces: no rate grid, so no smoothness figures or constants) only if asked."""
    config = yaml.safe_load(TEST_CONFIG.read_text())
    return [(fam, k) for fam, spec in config["families"].items()
            if baseline_only or not spec.get("baseline_only") for k in spec["k"]]


def test_smoothness_figures_one_per_family_and_k(tiny_run):
    for fam, k in _family_ks():
        for name in ("smoothness", "ratio_vs_eta"):
            for ext in ("pdf", "png"):
                path = Path(tiny_run) / "results" / "figures" / f"{name}_{fam}_k{k}.{ext}"
                assert path.stat().st_size > 1000, path


def test_summary_has_instance_intervals(tiny_run):
    summary = read_summary(Path(tiny_run) / "results" / "summary.csv")
    one = summary[summary["instances"] == 1]
    many = summary[summary["instances"] > 1]
    assert len(one) and len(many)  # loop has one instance, zipf and brightkite more
    assert one["ci_low"].isna().all() and one["ci_high"].isna().all()
    assert many["ci_low"].notna().all()
    assert (many["ci_low"] <= many["ratio"] + 1e-9).all() and (many["ratio"] <= many["ci_high"] + 1e-9).all()
    tex = (Path(tiny_run) / "results" / "tables" / "summary_zipf_k5.tex").read_text()
    assert r"\scriptsize [" in tex


def test_empirical_constants_table(tiny_run):
    table = pd.read_csv(Path(tiny_run) / "results" / "empirical_constants.csv")
    assert list(table.columns) == CONSTANT_COLUMNS
    assert set(table["trace_family"]) == {fam for fam, _ in _family_ks()}
    assert (table["beta_points"] > 0).all() and (table["gamma_points"] > 0).all()
    eager = table[table["algorithm"] == "mark0_eager"]
    assert len(eager) == len(_family_ks())
    assert (eager["gamma_emp"] - 1.0).abs().max() < 1e-9  # one fault per wrong discard bit
    fb = table[table["algorithm"] == "followbits"]
    assert (fb["gamma_emp"] <= fb["gamma_proven"] + 1e-9).all()
    assert (fb["beta_emp"] <= fb["beta_proven"] + 1e-9).all()  # deterministic: never above its proof
    loop = fb[fb["trace_family"] == "loop"].iloc[0]
    assert loop["beta_emp"] == loop["k"] - 1  # LRU's worst case meets (k-1)·η0 exactly


def test_paired_differences_and_excluded_instances(tiny_run):
    paired = pd.read_csv(Path(tiny_run) / "results" / "paired_differences.csv")
    assert list(paired.columns) == PAIRED_COLUMNS
    assert {("followbits", "mark0"), ("followbits", "lru")} <= set(zip(paired["algorithm"], paired["reference"]))
    excluded = pd.read_csv(Path(tiny_run) / "results" / "excluded_instances.csv", keep_default_na=False)
    assert sorted((r.trace_family, r.k) for r in excluded.itertuples()) == sorted(_family_ks(baseline_only=True))
    runs = pd.read_parquet(Path(tiny_run) / "results" / "runs.parquet")
    for r in excluded.itertuples():
        sub = runs[(runs["trace_family"] == r.trace_family) & (runs["k"] == r.k)]
        assert sub["instance"].nunique() == r.instances_kept
        assert not set(str(r.excluded).split(";")) & set(sub["instance"])


def test_config_used_is_the_effective_valid_config(tiny_run):
    used = yaml.safe_load((Path(tiny_run) / "results" / "config.used.yaml").read_text())
    assert used["master_seed"] == 7 and used["exclude_trivial"] is True
    assert used["combine"]["switch_factor"] == 2  # a default, filled in
    check_config(used, ROOT / "workflow" / "schemas" / "config.schema.yaml", ROOT)


def test_new_outputs_are_in_the_report(tiny_run):
    html = (Path(tiny_run) / "results" / "report.html").read_text(encoding="utf-8", errors="replace")
    for name in ("empirical_constants.csv", "config.used.yaml", "excluded_instances.csv", "paired_differences.csv",
                 "smoothness_loop_k4.png", "ratio_vs_eta_zipf_k5.png"):
        assert name in html, name
    assert "fitted_constants" not in html

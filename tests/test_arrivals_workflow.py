"""The rules of workflow/rules/arrivals.smk on the tiny config of .test/, end
to end (next-arrival runs and figures, learned rows and the answer table, adversarial
table and figures; read from the shared run of tests/conftest.py), and the
config checks of their sections."""

import copy

import pandas as pd
import pytest
import yaml

from succinct_paging.config import ConfigError, check_config

from snakemake_run import ROOT, TEST_CONFIG

SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"


def _config():
    return check_config(yaml.safe_load(TEST_CONFIG.read_text()), SCHEMA, ROOT)


@pytest.fixture(scope="module")
def run(tiny_run):
    """The shared tiny run, its checked config and the outputs of these rules."""
    config = _config()
    targets = ["results/arrivals/runs.csv", "results/learned/answer.csv", "results/figures/learned_answer.png",
               "results/adversarial/runs.csv"]
    targets += [f"results/figures/{name}_{fam}_k{k}.png"
                for name, section in (("arrivals_vs_sigma", "arrivals"), ("adversarial", "adversarial"))
                for fam in config[section]["families"] for k in config["families"][fam]["k"]]
    return tiny_run, config, targets


def test_figures_exist(run):
    workdir, _, targets = run
    for t in targets:
        assert (workdir / t).stat().st_size > 0
        if t.endswith(".png"):
            assert (workdir / t).with_suffix(".pdf").stat().st_size > 0


def test_arrival_runs(run):
    workdir, config, _ = run
    df = pd.read_csv(workdir / "results" / "arrivals" / "runs.csv")
    assert set(df["trace_family"]) == set(config["arrivals"]["families"])
    assert set(df["algorithm"]) == set(config["arrivals"]["algorithms"])
    assert set(df["sigma"].dropna()) == set(map(float, config["arrivals"]["sigmas"]))
    assert (df["faults"] >= df["opt"]).all()
    at0 = df[df["sigma"] == 0]
    exact = at0[at0["algorithm"].isin(["blind_oracle", "combine(blind_oracle,lru)", "followbits", "mark0",
                                        "combine(followbits,lru)"])]
    assert len(exact) > 0 and (exact["faults"] == exact["opt"]).all()  # σ = 0: optimal
    bits = at0[at0["prediction"].isin(["discard", "phase"])]
    assert len(bits) > 0 and (bits["eta0"] == 0).all() and (bits["eta1"] == 0).all()
    base = df[df["prediction"] == "none"]
    assert base["sigma"].isna().all() and set(base["error_model"]) == {"none"}


def test_learned_rows_and_answer(run):
    """Learned rows enter the runs table (error_model = predictor, empty
    rate, η against the truth) and the summary; the answer table has the
    baselines and every (predictor, algorithm) pair the predictor can feed."""
    workdir, config, _ = run
    section = config["learned"]
    runs = pd.read_parquet(workdir / "results" / "runs.parquet")
    learned = runs[runs["error_model"].isin(section["predictors"])]
    assert set(learned["trace_family"]) == set(section["families"]) == {"brightkite"}
    assert set(learned["error_model"]) == set(section["predictors"])
    assert learned["rate"].isna().all() and (learned["faults"] >= learned["opt"]).all()
    bits = learned[learned["prediction"] != "arrivals"]
    assert bits["eta0"].notna().all() and bits["eta1"].notna().all()
    full = learned[learned["prediction"] == "arrivals"]
    assert set(full["error_model"]) == {"popu"} and full["eta0"].isna().all()
    summary = pd.read_csv(workdir / "results" / "summary.csv")
    assert set(section["predictors"]) <= set(summary["error_model"])
    answer = pd.read_csv(workdir / "results" / "learned" / "answer.csv")
    for (fam, k), part in answer.groupby(["trace_family", "k"]):
        base = part[part["predictor"] == "none"].set_index("algorithm")
        assert base.loc["opt", "lru_excess_removed"] == 1.0 or base.loc["lru", "faults"] == base.loc["opt", "faults"]
        assert {"opt", "lru"} <= set(base.index)
        pairs = part[part["predictor"] != "none"]
        assert set(pairs["predictor"]) == set(section["predictors"])
        one = pairs[pairs["predictor"] == "frequency"]
        assert set(one["algorithm"]) == {"followbits", "followbits_robust", "combine(followbits,lru)"}
        # shares agree with the pooled faults
        lru, opt = base.loc["lru", "faults"], base.loc["opt", "faults"]
        if lru > opt:
            expect = (lru - pairs["faults"]) / (lru - opt)
            assert ((pairs["lru_excess_removed"] - expect).abs() < 1e-6).all()


def test_adversarial_table(run):
    workdir, config, _ = run
    df = pd.read_csv(workdir / "results" / "adversarial" / "runs.csv")
    assert set(df["trace_family"]) == set(config["adversarial"]["families"]) == {"loop", "brightkite"}
    wide = df.pivot_table(index=["trace_family", "instance", "algorithm", "kind", "wrong_bits"],
                          columns="model", values="faults")
    assert (wide["adversarial"] >= wide["random"] - 1e-9).all()


def test_section_checks():
    good = yaml.safe_load(TEST_CONFIG.read_text())
    for section, key, value, message in [
        (None, "algorithms", ["lru", "blind_oracle"], "arrivals.algorithms"),
        ("arrivals", "families", ["nope"], "not a configured family"),
        ("arrivals", "algorithms", ["lru", "bogus"], "unknown algorithm"),
        ("arrivals", "sigmas", [-1], "out of range"),
        ("learned", "algorithms", ["lru"], "reads no predictions"),
        ("learned", "predictors", ["oracle"], "not allowed"),
        ("adversarial", "algorithms", ["lru"], "reads no bits"),
        ("adversarial", "families", ["nope"], "not a configured family"),
    ]:
        config = copy.deepcopy(good)
        if section is None:
            config[key] = value
        else:
            config[section] = {key: value}
        with pytest.raises(ConfigError, match=message):
            check_config(config, SCHEMA, ROOT)
    defaults = copy.deepcopy(good)
    del defaults["arrivals"]
    config = check_config(defaults, SCHEMA, ROOT)
    # default: every family with the rate grid (baseline_only ones, the cache traces, are not in it)
    assert config["arrivals"]["families"] == sorted(f for f, spec in good["families"].items()
                                                    if not spec.get("baseline_only"))
    assert config["arrivals"]["algorithms"][5] == "combine(blind_oracle,lru)"
    spaced = copy.deepcopy(good)
    spaced["arrivals"]["algorithms"] = ["lru", "combine( blind_oracle , lru )"]
    assert check_config(spaced, SCHEMA, ROOT)["arrivals"]["algorithms"] == ["lru", "combine(blind_oracle,lru)"]
    off = copy.deepcopy(good)
    off["arrivals"] = {"families": []}
    assert check_config(off, SCHEMA, ROOT)["arrivals"]["families"] == []

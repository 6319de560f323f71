"""The rules of workflow/rules/arrivals.smk on the tiny config of .test/, end
to end (next-arrival runs and figures, learned-predictor table, adversarial
table and figures), and the config checks of their sections."""

import copy
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from succinct_paging.config import ConfigError, check_config

ROOT = Path(__file__).resolve().parents[1]
TEST_CONFIG = ROOT / ".test" / "config" / "config.yaml"
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
MIRROR = (ROOT / ".." / "shared" / "traces").resolve()


def _config():
    return check_config(yaml.safe_load(TEST_CONFIG.read_text()), SCHEMA, ROOT)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    if not MIRROR.is_dir():
        pytest.skip(f"trace mirror {MIRROR} not found")
    config = _config()
    workdir = tmp_path_factory.mktemp("arrivals")
    targets = ["results/arrivals/runs.csv", "results/learned_predictors.csv", "results/adversarial/runs.csv"]
    targets += [f"results/figures/{name}_{fam}_k{k}.png"
                for name, section in (("arrivals_vs_sigma", "arrivals"), ("adversarial", "adversarial"))
                for fam in config[section]["families"] for k in config["families"][fam]["k"]]
    cmd = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(workdir),
           "--configfile", str(TEST_CONFIG), "--cores", "2", *targets]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return workdir, config, targets


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


def test_learned_table(run):
    workdir, config, _ = run
    df = pd.read_csv(workdir / "results" / "learned_predictors.csv")
    assert set(df["trace_family"]) == set(config["learned"]["families"]) == {"brightkite"}
    assert set(df["predictor"]) == {"none", "perfect", *config["learned"]["predictors"]}
    perfect = df[df["predictor"] == "perfect"]
    assert (perfect["ratio"] == 1).all()
    learned = df[df["predictor"].isin(config["learned"]["predictors"])]
    assert learned["eta0"].notna().all() and (learned["ratio"] >= 1).all()


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
        ("learned", "algorithms", ["blind_oracle"], "discard bits"),
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
    config = check_config(copy.deepcopy(good), SCHEMA, ROOT)
    assert config["arrivals"]["families"] == sorted(good["families"])
    assert config["arrivals"]["algorithms"][5] == "combine(blind_oracle,lru)"
    off = copy.deepcopy(good)
    off["arrivals"] = {"families": []}
    assert check_config(off, SCHEMA, ROOT)["arrivals"]["families"] == []

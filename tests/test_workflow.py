"""The real workflow on the tiny config of .test/, end to end.

Runs Snakemake as a user would (a subprocess in a scratch working directory;
the shared run of tests/conftest.py) and checks the runs table against the
contract's guarantees, the incremental rerun promise (a new rate only adds
jobs) and `snakemake --lint`; and that the tiny trace files of .test/ are
what .test/make_mirror.py makes.
"""

import subprocess
import sys

import pandas as pd
import pytest
import yaml

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.traces import list_instances

from snakemake_run import ROOT, TEST_CONFIG, planned_jobs, snakemake


@pytest.fixture
def finished_run(tiny_run):
    return tiny_run


def test_outputs_exist(finished_run):
    config = yaml.safe_load(TEST_CONFIG.read_text())
    for name in ("runs.parquet", "runs.csv", "summary.csv"):
        assert (finished_run / "results" / name).stat().st_size > 0
    runs = pd.read_parquet(finished_run / "results" / "runs.parquet")
    for fam, spec in config["families"].items():
        for k in spec["k"]:
            for fig in ("ratio_vs_rate", "consistency", "robustness"):
                for ext in ("pdf", "png"):
                    figure = finished_run / "results" / "figures" / f"{fig}_{fam}_k{k}.{ext}"
                    # a baseline_only family (the cache traces) has baseline rows only, no per-rate figures
                    assert figure.is_file() != bool(spec.get("baseline_only")), figure
                    assert not figure.is_file() or figure.stat().st_size > 0
            mine = runs[(runs["trace_family"] == fam) & (runs["k"] == k)]
            assert len(mine) and (mine["error_model"] == "none").all() == bool(spec.get("baseline_only"))


def test_sharded_k_sweep_reads_one_truth_and_removes_it(finished_run):
    """The tiny config cuts uniform and hot_set at k = 4 into one job per
    seed (k_sweep.requests_per_job): their truth is made by one job, read by
    both shards and deleted once they are done (a temp output); a family and
    k in one job makes no truth job."""
    from succinct_paging.config import check_config
    from succinct_paging.experiments.k_sweep import shard_seeds

    section = check_config(yaml.safe_load(TEST_CONFIG.read_text()), ROOT / "workflow/schemas/config.schema.yaml",
                           ROOT)["k_sweep"]
    sweep = finished_run / "results" / "k_sweep"
    truths = sorted(p.parent.parent.name + "/" + p.parent.name
                    for p in (finished_run / "results" / "benchmarks" / "k_sweep").glob("*/k*/truth.tsv"))
    sharded = sorted(f"{fam}/k{k}" for fam in section["families"] for k in section["ks"]
                     if len(shard_seeds(fam, k, section)) > 1)
    assert truths == sharded == ["hot_set/k4", "uniform/k4"]
    for key in sharded:
        assert sorted(p.name for p in (sweep / key).iterdir()) == ["seeds0-0.parquet", "seeds1-1.parquet"]
        assert "truth written" in (finished_run / "logs" / "k_sweep" / key / "truth.log").read_text()


def test_runs_table_obeys_spec(finished_run):
    runs = pd.read_parquet(finished_run / "results" / "runs.parquet")
    config = yaml.safe_load(TEST_CONFIG.read_text())
    assert set(runs["trace_family"]) == set(config["families"])
    learned = runs["error_model"].isin(config["learned"]["predictors"])  # rows on learned predictions
    largest_k = max(k for spec in config["families"].values() for k in spec["k"])
    # an algorithm has no row below its registry min_k (s3fifo: 20; contract §10)
    assert set(runs.loc[~learned, "algorithm"]) == {a for a in config["algorithms"]
                                                    if max(e.min_k for e in parse_algorithm(a).entries) <= largest_k}
    assert set(runs.loc[learned, "algorithm"]) == set(config["learned"]["algorithms"])
    assert (runs["faults"] >= runs["opt"]).all()
    assert ((runs["ratio"] - runs["faults"] / runs["opt"]).abs() < 1e-12).all()
    at0 = runs[runs["rate"] == 0]
    exact = at0[at0["algorithm"].isin(["followbits", "followbits_robust", "mark0", "mark0_eager"])]
    assert len(exact) > 0 and (exact["ratio"] == 1).all()
    assert (at0.loc[at0["algorithm"] == "mark_predict", "ratio"] <= 2).all()
    assert ((at0["eta0"] == 0) & (at0["eta1"] == 0)).all()
    deterministic = runs[runs["algorithm"].isin(["opt", "lru", "fifo", "followbits", "followbits_robust"])]
    bounded = deterministic.dropna(subset=["bound"])
    assert len(bounded) > 0 and (bounded["faults"] <= bounded["bound"] + 1e-9).all()
    baseline = runs[runs["error_model"] == "none"]
    assert set(baseline["prediction"]) == {"none"} and baseline["rate"].isna().all()
    assert (runs.loc[runs["algorithm"] == "opt", "ratio"] == 1).all()


@pytest.mark.parametrize("change, reruns, keeps", [
    ({"search": {"steps": 11}}, "lower_bounds_search", "lower_bounds_randomized"),
    ({"seeds": 3}, "lower_bounds_randomized", "lower_bounds_search"),
])
def test_a_lower_bound_key_reruns_only_its_rule(finished_run, tmp_path, change, reruns, keeps):
    """lb_yao and its search read disjoint keys of lower_bounds.randomized:
    a change to one part's keys reruns that part's job, not the other's."""
    config = yaml.safe_load(TEST_CONFIG.read_text())
    section = config["lower_bounds"]["randomized"]
    for key, value in change.items():
        section[key] = {**section[key], **value} if isinstance(value, dict) else value
    new_config = tmp_path / "config.yaml"
    new_config.write_text(yaml.safe_dump(config))
    counts = planned_jobs(snakemake(finished_run, "-n", "--cores", "1", config=new_config).stdout)
    assert counts.get(reruns) == 1 and keeps not in counts, counts


def test_learned_predictors_per_job_cuts_the_jobs(finished_run, tmp_path):
    """The tiny run made one learned job per family and k with all its
    predictors; learned.predictors_per_job: 2 plans runs of two in the
    config's order (frequency+optgen, popu), each reading the same truth,
    and the summary rows stay those of one job (the same runs table)."""
    config = yaml.safe_load(TEST_CONFIG.read_text())
    ks = config["families"]["brightkite"]["k"]
    made = sorted(p.name for p in (finished_run / "results" / "runs" / "brightkite" / f"k{ks[0]}").glob("learned_*"))
    assert made == ["learned_frequency+optgen+popu.parquet"]
    config["learned"]["predictors_per_job"] = 2
    new_config = tmp_path / "config.yaml"
    new_config.write_text(yaml.safe_dump(config))
    out = snakemake(finished_run, "-n", "--cores", "1", config=new_config).stdout
    assert planned_jobs(out)["learned_runs"] == 2 * len(ks)
    for k in ks:
        for group in ("frequency+optgen", "popu"):
            assert f"results/runs/brightkite/k{k}/learned_{group}.parquet" in out


def test_csv_matches_parquet(finished_run):
    pq = pd.read_parquet(finished_run / "results" / "runs.parquet")
    csv = pd.read_csv(finished_run / "results" / "runs.csv")
    assert list(csv.columns) == list(pq.columns)
    assert len(csv) == len(pq)
    assert (csv["faults"].to_numpy() == pq["faults"].to_numpy()).all()


def test_new_rate_only_adds_its_jobs(finished_run, tmp_path):
    assert planned_jobs(snakemake(finished_run, "-n", "--cores", "1").stdout) == {}
    config = yaml.safe_load(TEST_CONFIG.read_text())
    config["rates"] = config["rates"] + [0.3]
    new_config = tmp_path / "config.yaml"
    new_config.write_text(yaml.safe_dump(config))
    counts = planned_jobs(snakemake(finished_run, "-n", "--cores", "1", config=new_config).stdout)
    n_family_k = sum(len(s["k"]) for s in config["families"].values() if not s.get("baseline_only"))
    # Only the new rate's simulate jobs, plus what reads the runs table.
    downstream = {"aggregate": 1, "summarize": 1, "empirical_constants": 1, "config_used": 1,
                  "plot_family": n_family_k, "latex_table": n_family_k, "all": 1,
                  # the learned predictors' answer table and figure
                  "learned_answer": 1,
                  # the HTML views of summary.csv, paired_differences.csv, empirical_constants.csv
                  # and learned/answer.csv
                  "report_table": 4,
                  # the per-job accounting reads every benchmark file, so it follows any change
                  "benchmarks_table": 1}
    assert counts == {"simulate": n_family_k, **downstream}


def test_real_and_user_families_come_from_their_files(finished_run):
    """Every file of the fake mirror and of the user's folder is one instance
    (named by its stem), simulated in full."""
    config = yaml.safe_load(TEST_CONFIG.read_text())
    runs = pd.read_parquet(finished_run / "results" / "runs.parquet")
    mirror = ROOT / config["traces"]["mirror"]
    files = {
        "brightkite": [(name, path.read_text().splitlines()) for name, path in list_instances(mirror, "brightkite")],
        "user": [(path.stem, path.read_text().splitlines())
                 for path in sorted((ROOT / config["families"]["user"]["path"]).glob("*.txt"))],
    }
    for fam, instances in files.items():
        assert len(instances) >= 2, fam
        for name, lines in instances:
            sel = runs[(runs["trace_family"] == fam) & (runs["instance"] == name)]
            assert len(sel) > 0, (fam, name)
            assert set(sel["n"]) == {len(lines)} and set(sel["N"]) == {len(set(lines))}, (fam, name)
        assert set(runs.loc[runs["trace_family"] == fam, "instance"]) == {name for name, _ in instances}


def test_tiny_traces_are_made_by_the_script(tmp_path):
    """.test/mirror and .test/traces are exactly what the committed seeded
    script writes (synthetic data, never a copy of the real mirror)."""
    subprocess.run([sys.executable, str(ROOT / ".test" / "make_mirror.py"), str(tmp_path)], check=True)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    shipped = sorted(p.relative_to(ROOT / ".test") for folder in ("mirror", "traces")
                     for p in (ROOT / ".test" / folder).rglob("*") if p.is_file())
    assert made == shipped and len(made) == 9  # brightkite 3 + SHA256SUMS, traces 2, cache 2 + SHA256SUMS
    for rel in made:
        assert (tmp_path / rel).read_bytes() == (ROOT / ".test" / rel).read_bytes(), rel


def test_lint(tmp_path):
    proc = snakemake(tmp_path, "--lint", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr

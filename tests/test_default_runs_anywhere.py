"""A default that runs anywhere: real families without a mirror (and without
traces.fetch) are left out with one warning naming them and how to get them,
unless traces.require_mirror makes it an error; a clone without ../shared
plans the default run; `--configfile X` replaces config/config.yaml instead
of merging into it; the files-family format keys are checked up front."""

import copy
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml

from snakemake_run import planned_jobs
from succinct_paging.config import ConfigError, ConfigWarning, check_config, real_family_root

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
DEFAULT = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())


def check(config):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_config(config, SCHEMA, ROOT)
    return [w for w in caught if issubclass(w.category, ConfigWarning)]


def default_with_mirror(mirror):
    config = copy.deepcopy(DEFAULT)
    config["traces"]["mirror"] = str(mirror)
    return config


def test_missing_mirror_leaves_the_real_families_out_with_one_warning(tmp_path):
    config = default_with_mirror(tmp_path / "absent")
    caught = check(config)
    assert len(caught) == 1
    message = str(caught[0].message)
    cache = {f for f, spec in DEFAULT["families"].items() if spec["generator"] == "cache"}
    assert cache, "the default run has cache-trace families"
    for needed in ("brightkite", "citibike", str(tmp_path / "absent"), "does not exist", "traces.mirror",
                   "traces.fetch: true", "traces.require_mirror: true", "cache trace families left out",
                   *cache):
        assert needed in message, (needed, message)
    assert set(config["families"]) == set(DEFAULT["families"]) - {"brightkite", "citibike"} - cache
    assert config["learned"]["families"] == []
    assert config["adversarial"]["families"] == ["loop", "working_set"]
    assert set(config["arrivals"]["families"]) == set(config["families"])


def test_a_partial_mirror_leaves_out_only_what_it_lacks(tmp_path):
    (tmp_path / "citibike").mkdir()
    config = default_with_mirror(tmp_path)
    caught = check(config)
    assert len(caught) == 1 and "brightkite/ subfolder" in str(caught[0].message)  # and no cache/ folder
    assert "citibike" in config["families"] and "brightkite" not in config["families"]
    assert real_family_root(config, "citibike") == str(tmp_path)


def test_require_mirror_makes_it_an_error(tmp_path):
    config = default_with_mirror(tmp_path / "absent")
    config["traces"]["require_mirror"] = True
    with pytest.raises(ConfigError, match=r"config key traces\.mirror: .*brightkite, citibike.*traces\.fetch"):
        check(config)


def test_fetch_covers_what_the_mirror_lacks(tmp_path):
    (tmp_path / "brightkite").mkdir()
    config = default_with_mirror(tmp_path)
    config["traces"]["fetch"] = True
    caught = check(config)  # the cache traces have no fetch rule: only they are left out
    assert len(caught) == 1 and str(caught[0].message).startswith("cache trace families left out")
    assert {"brightkite", "citibike"} <= set(config["families"])
    assert real_family_root(config, "brightkite") == str(tmp_path)  # the mirror first
    assert real_family_root(config, "citibike") == "results/mirror"  # then the download


def test_only_real_families_and_no_mirror_is_an_error(tmp_path):
    config = default_with_mirror(tmp_path / "absent")
    config["families"] = {"bk": {"generator": "brightkite", "k": [10]}}
    config["learned"]["families"] = ["bk"]
    config["adversarial"]["families"] = ["bk"]
    with pytest.raises(ConfigError, match=r"every configured family \(bk\) is a real one"):
        check(config)


@pytest.mark.parametrize("edit, named", [
    ({"format": "csv"}, r"families\.mine\.column: required for format 'csv'"),
    ({"column": 2}, r"families\.mine\.column: not used by format 'txt'"),
    ({"format": "oracleGeneral", "header": True}, r"families\.mine\.header: not used by format 'oracleGeneral'"),
    ({"format": "csv", "column": 0}, r"families\.mine\.column: 0 is not allowed"),
    ({"format": "csv", "column": "obj_id", "header": False}, r"families\.mine\.header: false, but column"),
    ({"format": "csv", "column": 1, "delimiter": "ab"}, r"families\.mine\.delimiter: 'ab' is not allowed"),
    ({"format": "parquet"}, r"families\.mine\.format: 'parquet' is not allowed; allowed values: txt, csv"),
    ({"limit": 0}, r"families\.mine\.limit: 0 is out of range"),
])
def test_files_format_keys_are_checked(tmp_path, edit, named):
    config = default_with_mirror(tmp_path)
    config["families"] = {"mine": {"generator": "files", "path": str(tmp_path), "k": [3], **edit}}
    with pytest.raises(ConfigError, match=named):
        check(config)


def test_format_keys_belong_to_files_families(tmp_path):
    config = default_with_mirror(tmp_path)
    config["families"]["zipf"]["format"] = "csv"
    with pytest.raises(ConfigError, match=r"families\.zipf\.format: only used by generator 'files'"):
        check(config)


def dry_run(cwd, *args):
    return subprocess.run([sys.executable, "-m", "snakemake", "-n", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def test_a_clone_without_shared_plans_the_default_run(tmp_path):
    repo = tmp_path / "clone" / "repo"  # nothing at ../shared from here
    for part in ("Snakefile", "config", "workflow", "src"):
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            repo.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, repo / part)
    proc = dry_run(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    both = proc.stdout + proc.stderr
    assert both.count("real trace families left out: brightkite, citibike") == 1
    assert "results/traces/zipf.npz" in both and "results/traces/brightkite.npz" not in both
    assert planned_jobs(proc.stdout)["traces"] == 4


def test_configfile_replaces_the_default_config(tmp_path):
    proc = dry_run(ROOT, "--configfile", "config/large.yaml", "-d", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    planned = {line.split("results/traces/")[1].split(".npz")[0]
               for line in proc.stdout.splitlines() if "output: results/traces/" in line}
    assert planned == {"zipf_large"}
    assert planned_jobs(proc.stdout)["traces"] == 1


def test_trace_rule_reads_a_files_family_in_its_format(tmp_path):
    """The trace job passes the format keys on (params) and logs, with a
    timestamp, each instance's requests, distinct pages and one-time share."""
    import gzip
    import re

    from succinct_paging.store import load_traces

    data = tmp_path / "data"
    data.mkdir()
    for name, ids in {"u1": [5, 6, 5, 7, 5], "u2": [9, 9, 8]}.items():
        with gzip.open(data / f"{name}.csv.gz", "wt") as f:
            f.write("ts;obj_id\n" + "".join(f"{i};{x}\n" for i, x in enumerate(ids)))
    config = copy.deepcopy(DEFAULT)
    config["families"] = {"mine": {"generator": "files", "path": str(data), "glob": "*.csv.gz", "format": "csv",
                                   "column": "obj_id", "delimiter": ";", "limit": 4, "k": [2]}}
    for section in ("arrivals", "learned", "adversarial"):
        config[section] = {"families": []}
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config))
    proc = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(tmp_path / "w"),
                           "--configfile", str(tmp_path / "c.yaml"), "--cores", "1", "results/traces/mine.npz"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    traces = load_traces(tmp_path / "w" / "results" / "traces" / "mine.npz")
    assert [(n, p.tolist()) for n, p in traces] == [("u1", [0, 1, 0, 2]), ("u2", [0, 0, 1])]
    log = (tmp_path / "w" / "logs" / "traces" / "mine.log").read_text()
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 mine/u1: 4 requests, 3 distinct pages, "
                     r"66\.7% of them requested once$", log, re.M), log

"""Config errors: every invalid config is rejected by
:func:`succinct_paging.config.check_config` with a ConfigError whose message
names the key, the bad value and what is allowed; and the workflow rejects it
before any job runs.

Each invalid config is the tiny test config (.test/config/config.yaml) with
one value changed, so a message can only name the culprit if the checker
found it.
"""

import copy

import pytest
import yaml

from succinct_paging.cache_traces import CACHE_TRACES
from succinct_paging.config import ConfigError, check_config

from snakemake_run import ROOT, TEST_CONFIG, snakemake

SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
DELETE = object()


def base_config(tmp_mirror=None):
    config = yaml.safe_load(TEST_CONFIG.read_text())
    if tmp_mirror is not None:
        config["traces"]["mirror"] = str(tmp_mirror)
    return config


@pytest.fixture
def mirror(tmp_path):
    """A stand-in mirror with the folders of both real families and an (empty)
    file for every cache trace, so these tests do not depend on ../shared/traces."""
    for family in ("brightkite", "citibike", "cache"):
        (tmp_path / "mirror" / family).mkdir(parents=True)
    for spec in CACHE_TRACES.values():
        (tmp_path / "mirror" / "cache" / spec.file).touch()
    return tmp_path / "mirror"


def edited(config, key, value):
    """``config`` with the dotted ``key`` set to ``value`` (or deleted)."""
    config = copy.deepcopy(config)
    *parents, last = key.split(".")
    node = config
    for part in parents:
        node = node.setdefault(part, {})
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return config


def check(config):
    return check_config(config, SCHEMA, ROOT)


def test_shipped_configs_are_valid(mirror):
    for path in [TEST_CONFIG, *sorted((ROOT / "config").glob("*.yaml"))]:
        config = yaml.safe_load(path.read_text())
        config.setdefault("traces", {})["mirror"] = str(mirror)
        checked = check(config)
        assert checked["master_seed"] >= 0, path  # defaults are filled in


# id: (key to change, new value, key the message must name, culprit, what is allowed)
INVALID = {
    # unknown keys, at every level
    "unknown top-level key": ("rate", [0.1], "(top level)", "'rate'", "rates"),
    "unknown family key": ("families.zipf.lenght", 2000, "families.zipf", "'lenght'", "length"),
    "unknown traces key": ("traces.mirorr", "x", "traces", "'mirorr'", "mirror"),
    "unknown generator param": ("families.zipf.params.alpha", 1.0, "families.zipf.params", "'alpha'", "n_pages"),
    "param of another generator": ("families.zipf.params.set_size", 3, "families.zipf.params", "set_size", "n_pages, s"),
    "unknown combine key": ("combine.switch", 2, "combine", "'switch'", "switch_factor"),
    # unknown names
    "unknown algorithm": ("algorithms", ["opt", "lfu"], "algorithms[1]", "'lfu'", "followbits"),
    "unknown algorithm in combine": ("algorithms", ["combine(followbits,lfu)"], "algorithms[0]", "'lfu'",
                                     "combine(A,B)"),
    "algorithm in capitals": ("algorithms", ["LRU"], "algorithms[0]", "'LRU'", "lru"),
    "algorithm not a string": ("algorithms", ["lru", 7], "algorithms[1]", "7", "string"),
    "combine of mixed bits": ("algorithms", ["combine(followbits,mark_predict)"], "algorithms[0]",
                              "combine(followbits,mark_predict)", "same kind of bits"),
    "unknown trace family generator": ("families.zipf.generator", "gaussian", "families.zipf.generator",
                                       "'gaussian'", "working_set"),
    "unknown error model": ("error_models", ["flip", "flipp"], "error_models[1]", "'flipp'", "false_keep"),
    "bad family name": ("families.zipf-2", {"generator": "loop", "k": [2], "length": 9, "params": {"n_pages": 3}},
                        "families", "'zipf-2'", "[A-Za-z][A-Za-z0-9_]*"),
    # rates outside [0, 1] or not numbers
    "rate above 1": ("rates", [0.0, 1.5], "rates[1]", "1.5", "[0, 1]"),
    "rate below 0": ("rates", [-0.1, 0.5], "rates[0]", "-0.1", "[0, 1]"),
    "rate nan": ("rates", [0.1, float("nan")], "rates[1]", "nan", "finite number"),
    "rate inf": ("rates", [float("inf")], "rates[0]", "inf", "finite number"),
    "rate string": ("rates", ["0.1"], "rates[0]", "'0.1'", "number"),
    "rate bool": ("rates", [True], "rates[0]", "True", "number"),
    "rates not a list": ("rates", 0.1, "rates", "0.1", "array"),
    # k: non-integer or non-positive
    "k zero": ("families.zipf.k", [0], "families.zipf.k[0]", "0", "integer in [1, 1000000000]"),
    "k negative": ("families.zipf.k", [5, -2], "families.zipf.k[1]", "-2", "integer in [1, 1000000000]"),
    "k fractional": ("families.zipf.k", [2.5], "families.zipf.k[0]", "2.5", "integer"),
    "k integral float": ("families.loop.k", [4.0], "families.loop.k[0]", "4.0", "write 4"),
    "k string": ("families.zipf.k", ["5"], "families.zipf.k[0]", "'5'", "integer"),
    "k bool": ("families.zipf.k", [True], "families.zipf.k[0]", "True", "integer"),
    "k not a list": ("families.zipf.k", 5, "families.zipf.k", "5", "array"),
    # empty lists / maps
    "empty algorithms": ("algorithms", [], "algorithms", "", "must not be empty"),
    "empty rates": ("rates", [], "rates", "", "must not be empty"),
    "empty seeds": ("seeds", [], "seeds", "", "must not be empty"),
    "empty error models": ("error_models", [], "error_models", "", "must not be empty"),
    "empty k": ("families.zipf.k", [], "families.zipf.k", "", "must not be empty"),
    "no families": ("families", {}, "families", "", "must not be empty"),
    # duplicates, including two spellings of one value
    "duplicate rate 0.1 and 0.10": ("rates", [0.0, 0.1, 0.10], "rates", "0.1 is listed twice", "once"),
    "duplicate rate 1 and 1.0": ("rates", [1, 0.5, 1.0], "rates", "1 is listed twice", "once"),
    "duplicate seed": ("seeds", [0, 1, 0], "seeds", "0 is listed twice", "once"),
    "duplicate k": ("families.zipf.k", [5, 5], "families.zipf.k", "5 is listed twice", "once"),
    "duplicate error model": ("error_models", ["flip", "flip"], "error_models", "'flip' is listed twice", "once"),
    "duplicate algorithm": ("algorithms", ["lru", "opt", "lru"], "algorithms", "'lru' is listed twice", "once"),
    "duplicate algorithm spellings": ("algorithms", ["combine(followbits,lru)", "combine( followbits , lru )"],
                                      "algorithms[1]", "listed twice", "combine( followbits , lru )"),
    # negative seeds and sizes
    "negative seed": ("seeds", [0, -1], "seeds[1]", "-1", "integer in [0, 9223372036854775807 (2**63 - 1)]"),
    "negative master seed": ("master_seed", -7, "master_seed", "-7", "integer in [0, 9223372036854775807"),
    "fractional seed": ("seeds", [0.5], "seeds[0]", "0.5", "integer"),
    "zero instances": ("families.zipf.instances", 0, "families.zipf.instances", "0", "integer in [1, 100000]"),
    "negative instances": ("families.brightkite.instances", -3, "families.brightkite.instances", "-3", "in [1, 100000]"),
    "float instances": ("families.zipf.instances", 2.0, "families.zipf.instances", "2.0", "write 2"),
    "zero length": ("families.zipf.length", 0, "families.zipf.length", "0", "integer in [1, 100000000]"),
    "negative length": ("families.loop.length", -500, "families.loop.length", "-500", "integer in [1, 100000000]"),
    "zero n_pages": ("families.zipf.params.n_pages", 0, "families.zipf.params.n_pages", "0", "in [1, 100000000]"),
    "negative zipf exponent": ("families.zipf.params.s", -0.9, "families.zipf.params.s", "-0.9", ">= 0"),
    "nan zipf exponent": ("families.zipf.params.s", float("nan"), "families.zipf.params.s", "nan", "finite"),
    "budget factor zero": ("followbits_robust.budget_factor", 0, "followbits_robust.budget_factor", "0", "> 0"),
    "switch factor below 1": ("combine.switch_factor", 0.5, "combine.switch_factor", "0.5", ">= 1"),
    "unknown lower-bound algorithm": ("lower_bounds.algorithms", ["lru", "followbit"], "lower_bounds.algorithms[1]",
                                      "'followbit'", "followbits"),
    "randomized lower-bound algorithm": ("lower_bounds.algorithms", ["marker"], "lower_bounds.algorithms[0]",
                                         "'marker'", "deterministic"),
    "opt against an adversary": ("lower_bounds.algorithms", ["combine(opt,lru)"], "lower_bounds.algorithms[0]",
                                 "'combine(opt,lru)'", "deterministic"),
    # missing or misplaced keys
    "missing algorithms": ("algorithms", DELETE, "algorithms", "", "required"),
    "missing k": ("families.zipf.k", DELETE, "families.zipf.k", "", "required"),
    "missing generator": ("families.loop.generator", DELETE, "families.loop.generator", "", "required"),
    "synthetic without length": ("families.zipf.length", DELETE, "families.zipf.length", "", "required"),
    "synthetic param missing": ("families.zipf.params", {"n_pages": 100}, "families.zipf.params", "s",
                                "needs n_pages, s"),
    "length for a real family": ("families.brightkite.length", 100, "families.brightkite.length", "",
                                 "not used"),
    "mirror not a string": ("traces.mirror", 5, "traces.mirror", "5", "string"),
    "verify_checksums not a bool": ("traces.verify_checksums", "yes", "traces.verify_checksums", "'yes'",
                                    "boolean"),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_config_names_key_value_and_allowed(case, mirror):
    key, value, named_key, culprit, allowed = INVALID[case]
    config = edited(base_config(mirror), key, value)
    with pytest.raises(ConfigError) as info:
        check(config)
    message = str(info.value)
    assert message.startswith(f"config key {named_key}:"), f"{case}: wrong key named: {message}"
    assert culprit in message, f"{case}: bad value {culprit!r} not in message: {message}"
    assert allowed in message, f"{case}: what is allowed ({allowed!r}) not in message: {message}"


def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError)


def test_missing_mirror_rejected_when_real_traces_requested(tmp_path):
    missing = tmp_path / "no-such-mirror"
    config = base_config(missing)
    config["traces"]["require_mirror"] = True
    with pytest.raises(ConfigError) as info:
        check(config)
    message = str(info.value)
    assert message.startswith("config key traces.mirror:")
    assert str(missing) in message and "does not exist" in message
    assert "brightkite" in message  # the family that needs it
    assert "traces.fetch" in message  # and what else the user may do


def test_relative_mirror_is_resolved_against_the_repository(tmp_path):
    config = base_config()
    config["traces"]["mirror"] = "no/such/folder"
    config["traces"]["require_mirror"] = True
    with pytest.raises(ConfigError, match=f"folder {ROOT / 'no' / 'such' / 'folder'} does not exist"):
        check(config)


def test_mirror_without_the_family_folder_rejected(tmp_path):
    (tmp_path / "citibike").mkdir()  # a mirror, but without brightkite/
    config = base_config(tmp_path)
    config["traces"]["require_mirror"] = True
    with pytest.raises(ConfigError) as info:
        check(config)
    message = str(info.value)
    assert message.startswith("config key traces.mirror:")
    assert str(tmp_path) in message and "brightkite/" in message


def test_missing_mirror_is_fine_without_real_families_or_with_fetch(tmp_path):
    config = base_config(tmp_path / "absent")
    for fam in ("brightkite", "cachetxt", "cachebin"):  # every family that reads the mirror
        del config["families"][fam]
    config["learned"]["families"] = []  # the tiny config names its real family there
    check(copy.deepcopy(config))
    fetching = base_config(tmp_path / "absent")
    fetching["traces"]["fetch"] = True
    check(fetching)


def test_valid_edge_values_are_accepted(mirror):
    config = base_config(mirror)
    config["rates"] = [0, 1, 0.5]  # ints are numbers; both ends of [0, 1]
    config["seeds"] = [0, 2**63 - 1]
    config["families"]["zipf"]["k"] = [1]
    config["families"]["zipf"]["params"]["s"] = 0
    config["algorithms"] = ["lru", "combine( followbits , lru )"]
    checked = check(config)
    assert checked["algorithms"] == ["lru", "combine(followbits,lru)"]  # one spelling
    assert checked["followbits_robust"] == {"budget_factor": 2}  # defaults filled
    assert checked["traces"]["verify_checksums"] is True


# ------------------------------------------------------------- end to end


def test_workflow_rejects_bad_config_before_any_job(tmp_path):
    """`snakemake` with a bad config exits non-zero, prints the key, value
    and allowed range, and neither plans nor runs a job."""
    config = base_config()
    config["rates"] = [0.0, 1.5]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(config))
    workdir = tmp_path / "run"
    for args in (["-n", "--cores", "1"], ["--cores", "1"]):
        proc = snakemake(workdir, *args, config=bad, check=False)
        output = proc.stdout + proc.stderr
        assert proc.returncode != 0, output
        assert "Invalid configuration: config key rates[1]: 1.5 is out of range" in output, output
        assert "[0, 1]" in output
        assert "Job stats" not in output and "localrule" not in output, output
        assert not (workdir / "results").exists() and not (workdir / "logs").exists()


def test_workflow_accepts_tiny_rates(tmp_path):
    config = base_config()
    config["rates"] = [0.0, 1e-05]
    path = tmp_path / "tiny_rate.yaml"
    path.write_text(yaml.safe_dump(config))
    proc = snakemake(tmp_path / "run", "-n", "--cores", "1", config=path, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr

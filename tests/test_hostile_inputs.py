"""Issue 15, "the hostile inputs that still got through": every case is a row.

Each row of :data:`CASES` is one input of the issue (numbered by its item)
and must be rejected with a ValueError (library) or ConfigError (config)
whose message names the argument, key or file and what is allowed. Config
rows are the tiny test config (.test/config/config.yaml) with one value
changed; YAML rows are config files. :func:`test_rejected_before_any_job`
runs some rows through ``snakemake -n`` to show the workflow stops before
planning a job. The rest pins what is a correct result rather than an error:
huge k is capped and bounded in O(1), reordered lists rerun nothing, and
after Ctrl-C the README's command gives byte-identical tables.
"""

import copy
import math
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import succinct_paging as sp
from succinct_paging.algorithms import upper_bound
from succinct_paging.bounds import harmonic
from succinct_paging.config import PERIODIC_REPEATS, ConfigError, check_config, check_config_file
from succinct_paging.validate import MAX_K, MAX_SEED
from test_reliability import check_interrupted_state, check_resumed, digests, interrupt, marked_incomplete, outputs

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
TEST_CONFIG = ROOT / ".test" / "config" / "config.yaml"
TABLES = ("results/runs.parquet", "results/runs.csv")


# ------------------------------------------------------------------ helpers


#: A small valid config file (synthetic, no mirror), lines 1-6; YAML rows append to it.
MINIMAL = """seeds: [0]
algorithms: [lru, followbits]
error_models: [flip]
rates: [0.1]
families:
  loop: {generator: loop, k: [2], length: 9, params: {n_pages: 3}}
"""


def tiny_config(mirror):
    config = yaml.safe_load(TEST_CONFIG.read_text())
    config["traces"]["mirror"] = str(mirror)
    return config


def check_file(path):
    """Check a config file as the workflow does: the file, then its content."""
    check_config_file(path)
    return check_config(yaml.safe_load(Path(path).read_text()), SCHEMA, ROOT)


def edit(key, value):
    """A config edit: set the dotted ``key``."""
    def apply(config, tmp):
        *parents, last = key.split(".")
        node = config
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return apply


def add_family(name):
    def apply(config, tmp):
        config["families"][name] = {"generator": "loop", "k": [2], "length": 9, "params": {"n_pages": 3}}
    return apply


def files_family(glob):
    """A ``files`` family over the folder ``<tmp>/own`` (one trace a.txt, one subfolder)."""
    def apply(config, tmp):
        folder = tmp / "own"
        (folder / "sub").mkdir(parents=True, exist_ok=True)
        (folder / "a.txt").write_text("1\n2\n1\n")
        config["families"]["own"] = {"generator": "files", "path": str(folder), "glob": glob, "k": [2]}
    return apply


def config_case(change):
    """A config row: the tiny test config with ``change`` applied, written
    to ``<tmp>/config.yaml`` (with a stand-in mirror); returns the path."""
    def build(tmp):
        (tmp / "mirror" / "brightkite").mkdir(parents=True, exist_ok=True)
        config = tiny_config(tmp / "mirror")
        change(config, tmp)
        path = tmp / "config.yaml"
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        return path
    return "config", build


def yaml_case(text):
    """A config-file row: :data:`MINIMAL` with ``text`` appended (from line 7)."""
    def build(tmp):
        path = tmp / "config.yaml"
        path.write_text(MINIMAL + text)
        return path
    return "config", build


def library_case(call):
    return "library", call


#: id: (case, exception, texts the message must contain: the argument / key
#: (/ file and line) first, then the culprit and what is allowed)
CASES = {
    # 1. a huge k (or size) ran for hours: now a documented maximum
    "1 k above MAX_K": (config_case(edit("families.zipf.k", [MAX_K + 1])), ConfigError,
                        ["config key families.zipf.k[0]:", "1000000001", "[1, 1000000000]"]),
    "1 lower_bounds.ks 10**6": (config_case(edit("lower_bounds.ks", [2, 10**6])), ConfigError,
                                ["config key lower_bounds.ks[1]:", "1000000", "[2, 64]"]),
    "1 lower_bounds.rounds huge": (config_case(edit("lower_bounds.rounds", [10**9])), ConfigError,
                                   ["config key lower_bounds.rounds[0]:", "1000000000", "[1, 5000]"]),
    "1 robust_search.random huge": (config_case(edit("lower_bounds.robust_search", {"random": 10**9})),
                                    ConfigError, ["config key lower_bounds.robust_search.random:", "[0, 100000]"]),
    "1 robust_search.local_steps huge": (config_case(edit("lower_bounds.robust_search", {"local_steps": 10**9})),
                                         ConfigError, ["config key lower_bounds.robust_search.local_steps:",
                                                       "[0, 100000]"]),
    "1 robust_search.max_length huge": (config_case(edit("lower_bounds.robust_search", {"max_length": 10**6})),
                                        ConfigError, ["config key lower_bounds.robust_search.max_length:",
                                                      "[1, 500]"]),
    "1 adversarial.length huge": (config_case(edit("adversarial.length", 10**9)), ConfigError,
                                  ["config key adversarial.length:", "[1, 100000]"]),
    "1 synthetic length huge": (config_case(edit("families.zipf.length", 10**12)), ConfigError,
                                ["config key families.zipf.length:", "[1, 100000000]"]),
    "1 upper_bound k above MAX_K": (library_case(lambda: upper_bound("lru", MAX_K + 1, 10)), ValueError,
                                    ["k must be", "[1, 1000000000]", "1000000001"]),
    # 2. k and seeds of 2**63 or more were accepted and written wrongly
    "2 k 10**19": (config_case(edit("families.loop.k", [10**19])), ConfigError,
                   ["config key families.loop.k[0]:", str(10**19), "[1, 1000000000]"]),
    "2 seed 10**19": (config_case(edit("seeds", [0, 10**19])), ConfigError,
                      ["config key seeds[1]:", str(10**19), "2**63 - 1"]),
    "2 seed 2**64": (config_case(edit("seeds", [2**64])), ConfigError, ["config key seeds[0]:", str(2**64),
                                                                        str(MAX_SEED)]),
    "2 master_seed 2**63": (config_case(edit("master_seed", 2**63)), ConfigError,
                            ["config key master_seed:", str(2**63), "2**63 - 1"]),
    "2 simulate seed 10**19": (library_case(lambda: sp.simulate("marker", [0, 1], 1, seed=10**19)), ValueError,
                               ["seed must be", str(10**19), "2**63 - 1"]),
    # 3. upper_bound and harmonic did not validate
    "3 upper_bound misspelled id": (library_case(lambda: upper_bound("folowbits", 2, 10, 3, 4)), ValueError,
                                    ["algorithm", "'folowbits'", "followbits"]),
    "3 upper_bound negative k": (library_case(lambda: upper_bound("lru", -5, 10)), ValueError,
                                 ["k must be", "-5"]),
    "3 upper_bound k True": (library_case(lambda: upper_bound("followbits", True, 10, 3, 4)), ValueError,
                             ["k must be", "True"]),
    "3 upper_bound k float": (library_case(lambda: upper_bound("followbits", 2.0, 10, 3, 4)), ValueError,
                              ["k must be", "2.0"]),
    "3 upper_bound negative opt": (library_case(lambda: upper_bound("followbits", 2, -10, 3, 4)), ValueError,
                                   ["opt must be", "-10", "in [0, 2**63 - 1]"]),
    "3 upper_bound negative eta0": (library_case(lambda: upper_bound("followbits", 2, 10, -3, 4)), ValueError,
                                    ["eta0 must be", "-3"]),
    "3 upper_bound negative eta1": (library_case(lambda: upper_bound("followbits", 2, 10, 3, -4)), ValueError,
                                    ["eta1 must be", "-4"]),
    "3 upper_bound nan eta1": (library_case(lambda: upper_bound("mark0", 2, 10, 3, math.nan)), ValueError,
                               ["eta1 must be", "nan", "finite"]),
    "3 upper_bound inf opt": (library_case(lambda: upper_bound("lru", 2, math.inf)), ValueError,
                              ["opt must be", "inf", "finite"]),
    "3 upper_bound negative phases": (library_case(lambda: upper_bound("followbits_robust", 2, 10, n_phases=-1)),
                                      ValueError, ["n_phases must be", "-1"]),
    "3 upper_bound budget 0": (library_case(lambda: upper_bound("followbits_robust", 2, 10, n_phases=3, budget=0)),
                               ValueError, ["budget must be", "got 0", ">= 1"]),
    "3 upper_bound negative budget": (library_case(lambda: upper_bound("followbits_robust", 2, 10, budget=-4)),
                                      ValueError, ["budget must be", "-4"]),
    "3 harmonic string": (library_case(lambda: harmonic("3")), ValueError, ["k must be", "'3'", ">= 0"]),
    "3 harmonic float": (library_case(lambda: harmonic(2.9)), ValueError, ["k must be", "2.9"]),
    "3 harmonic bool": (library_case(lambda: harmonic(True)), ValueError, ["k must be", "True"]),
    "3 harmonic negative": (library_case(lambda: harmonic(-1)), ValueError, ["k must be", "-1"]),
    "3 simulate leading space": (library_case(lambda: sp.simulate(" lru", [0, 1], 1)), ValueError,
                                 ["algorithm", "' lru'", "allowed"]),
    "3 simulate trailing space": (library_case(lambda: sp.simulate("lru ", [0, 1], 1)), ValueError,
                                  ["algorithm", "'lru '", "allowed"]),
    "3 upper_bound leading space": (library_case(lambda: upper_bound(" lru", 2, 10)), ValueError,
                                    ["algorithm", "' lru'", "allowed"]),
    "3 config leading space": (config_case(edit("algorithms", ["opt", " lru"])), ConfigError,
                               ["config key algorithms[1]:", "' lru'", "allowed"]),
    # 5. values that passed validation and failed later, in a job
    "5 min_length above max_length": (
        config_case(edit("lower_bounds.robust_search", {"min_length": 50, "max_length": 10})), ConfigError,
        ["config key lower_bounds.robust_search.min_length:", "50", "max_length", "[1, 10]"]),
    "5 glob absolute": (config_case(files_family("/etc/*")), ConfigError,
                        ["config key families.own.glob:", "'/etc/*'", "outside", "relative"]),
    "5 glob empty": (config_case(files_family("")), ConfigError,
                     ["config key families.own.glob:", "''", "empty", "*.txt"]),
    "5 glob blank": (config_case(files_family("  ")), ConfigError, ["config key families.own.glob:", "empty"]),
    "5 glob parent": (config_case(files_family("../*")), ConfigError,
                      ["config key families.own.glob:", "'../*'", "outside", "'..'"]),
    "5 glob parent inside": (config_case(files_family("sub/../../*.txt")), ConfigError,
                             ["config key families.own.glob:", "outside"]),
    "5 glob home": (config_case(files_family("~/*")), ConfigError, ["config key families.own.glob:", "outside"]),
    "5 glob matches nothing": (config_case(files_family("*.csv")), ConfigError,
                               ["config key families.own.glob:", "'*.csv'", "matches no file"]),
    "5 glob matches a folder only": (config_case(files_family("sub")), ConfigError,
                                     ["config key families.own.glob:", "matches no file"]),
    "5 family name trailing newline": (config_case(add_family("abc\n")), ConfigError,
                                       ["config key families:", "'abc\\n'", "[A-Za-z][A-Za-z0-9_]*", "whole name"]),
    "5 family name leading newline": (config_case(add_family("\nabc")), ConfigError,
                                      ["config key families:", "'\\nabc'", "whole name"]),
    "5 family name 20 repeated characters": (config_case(add_family("a" * 20)), ConfigError,
                                             ["config key families:", "'a'", "20 times", "PeriodicWildcardError"]),
    "5 family name ending in a repeated block": (config_case(add_family("zipf" + "ab" * 20)), ConfigError,
                                                 ["config key families:", "'ab'", "20 times",
                                                  "PeriodicWildcardError"]),
    "5 family name too long": (config_case(add_family("f" + "0123456789" * 7)), ConfigError,
                               ["config key families:", "too long", "at most 64 characters"]),
    # 6. YAML quirks
    "6 repeated top-level key": (yaml_case("rates: [0.5]\n"), ConfigError,
                                 ["config.yaml, line 7: config key rates:", "given twice", "lines 4 and 7"]),
    "6 repeated nested key": (yaml_case("  extra:\n    generator: loop\n    k: [3]\n    k: [4]\n"), ConfigError,
                              ["line 10: config key families.extra.k:", "given twice"]),
    "6 octal seed": (yaml_case("master_seed: 010\n"), ConfigError,
                     ["line 7: config key master_seed:", "010 reads as the octal number 8", "write 10"]),
    "6 octal k": (yaml_case("lower_bounds:\n  ks: [2, 010]\n"), ConfigError,
                  ["config key lower_bounds.ks[1]:", "octal number 8", "write 10"]),
    "6 base-60 number": (yaml_case("lower_bounds:\n  robust_search:\n    random: 1:30\n"), ConfigError,
                         ["config key lower_bounds.robust_search.random:", "base-60 number 90", "write 90"]),
    "6 exponent without point is text": (config_case(edit("rates", [0.0, "1e-3"])), ConfigError,
                                         ["config key rates[1]:", "'1e-3'", "write 0.001"]),
    "6 exponent without point in yaml": (yaml_case("arrivals:\n  sigmas: [0, 2e1]\n"), ConfigError,
                                         ["config key arrivals.sigmas[1]:", "'2e1'", "write 20"]),
    "6 integer in exponent notation": (config_case(edit("lower_bounds.robust_search", {"random": "1e3"})),
                                       ConfigError, ["config key lower_bounds.robust_search.random:", "'1e3'",
                                                     "write 1000"]),
    "6 tiny rate in exponent notation": (config_case(edit("rates", ["1e-5"])), ConfigError,
                                         ["config key rates[0]:", "write 0.00001"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input_is_rejected_naming_it(case, tmp_path):
    (kind, make), exception, texts = CASES[case]
    with pytest.raises(exception) as info:
        check_file(make(tmp_path)) if kind == "config" else make()
    message = str(info.value)
    if kind == "config":
        assert message.startswith(("config key", "config file")), f"{case}: {message}"
    for text in texts:
        assert text in message, f"{case}: {text!r} not in message: {message}"


def test_limits_are_one_number_in_library_and_schema():
    """The config's maxima for k and seeds are the library's (so config and
    library cannot disagree again), and below 2**63 (the tables' int64)."""
    schema = yaml.safe_load(SCHEMA.read_text())["properties"]
    assert MAX_K == 10**9 and MAX_SEED == 2**63 - 1
    assert schema["families"]["additionalProperties"]["properties"]["k"]["items"]["maximum"] == MAX_K
    assert schema["seeds"]["items"]["maximum"] == MAX_SEED
    assert schema["master_seed"]["maximum"] == MAX_SEED
    # the largest allowed values pass the library too (3 distinct pages: k is capped, 3 cold faults)
    assert sp.simulate("marker", [0, 1, 2, 0], MAX_K, seed=MAX_SEED) == 3


def test_shipped_config_files_pass_the_yaml_checks():
    for path in [TEST_CONFIG, *sorted((ROOT / "config").glob("*.yaml")), ROOT / "profiles" / "local" / "config.yaml"]:
        check_config_file(path)


def test_yaml_checks_leave_ordinary_numbers_alone(tmp_path):
    """0, 00, 10, 1_000, 0.05, 1.0e-3, quoted "010" and an anchor used twice pass."""
    path = tmp_path / "c.yaml"
    path.write_text(MINIMAL + 'master_seed: 0\nlower_bounds: {bootstrap: 1_000, ks: [00, 10]}\n'
                    'combine: &c {switch_factor: 1.0e-3}\nplots: {layout: "010"}\nx: *c\ny: *c\n')
    check_config_file(path)


def test_largest_allowed_values_are_accepted(tmp_path):
    (tmp_path / "brightkite").mkdir()
    config = tiny_config(tmp_path)
    config["families"]["loop"]["k"] = [MAX_K]
    config["seeds"] = [MAX_SEED, 0]
    config["master_seed"] = MAX_SEED
    config["lower_bounds"] = {"ks": [64], "rounds": [200], "robust_search": {"min_length": 7, "max_length": 7}}
    checked = check_config(config, SCHEMA, ROOT)
    assert checked["seeds"] == [0, MAX_SEED]


# ------------------------------------------------- huge k: capped, O(1) bounds


def test_huge_k_bounds_are_exact_and_finite():
    """Every bound is O(1) in k (an O(k) sum at k = 10**18 would not return)
    and H_k agrees with the exact sum on both sides of the table's end."""
    for k in (1, 2, 10, 1023, 1024, 1025, 1500, 5000):
        assert harmonic(k) == pytest.approx(math.fsum(1 / i for i in range(1, k + 1)), rel=1e-15, abs=0)
    assert harmonic(10**18) == pytest.approx(math.log(10**18) + 0.5772156649015329, rel=1e-15)
    for alg in ("lru", "marker", "followbits", "followbits_robust", "mark0", "mark0_eager", "mark_predict"):
        bound = upper_bound(alg, MAX_K, 500, 3, 4, n_phases=1)
        assert math.isfinite(bound) and bound >= 500, alg


def test_huge_k_config_runs_as_k_equal_distinct_pages():
    """k = MAX_K on a 5-page trace is a valid experiment whose faults are
    those of k = 5 (the cap), for every algorithm of the tiny config: the
    cold faults only for our lazy kernels; the same count at both k for the
    libcachesim policies (its LIRS keeps fewer than k pages resident, so it
    may fault more: docs/cache-workloads.md); a usage error at both k for a
    policy whose min_k exceeds the cap."""
    from succinct_paging.algorithms import parse_algorithm

    pages = [i % 5 for i in range(500)]
    truth5 = sp.discard_bits(pages, 5)[1]
    for alg in yaml.safe_load(TEST_CONFIG.read_text())["algorithms"]:
        entries = parse_algorithm(alg).entries
        if max(e.min_k for e in entries) > 5:
            for k in (MAX_K, 5):
                with pytest.raises(ValueError, match="needs k >="):
                    sp.simulate(alg, pages, k, truth5, seed=1)
            continue
        faults = sp.simulate(alg, pages, MAX_K, truth5, seed=1)
        assert faults == sp.simulate(alg, pages, 5, truth5, seed=1), alg
        if not any(e.library for e in entries):
            assert faults == 5, alg


# ------------------------------------------ 5. which names Snakemake refuses


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab_1", min_size=1, max_size=63).map(lambda s: "f" + s)
       | st.tuples(st.text(alphabet="ab1", min_size=0, max_size=6), st.text(alphabet="ab", min_size=1, max_size=3),
                   st.integers(15, 25)).map(lambda t: "f" + t[0] + t[1] * t[2]))
def test_periodic_names_are_exactly_those_snakemake_refuses(name):
    """check_config rejects a family name iff Snakemake's own detector would
    raise PeriodicWildcardError for it as a wildcard value."""
    from snakemake.io import PeriodicityDetector

    if len(name) > 64:
        return
    refused = PeriodicityDetector().is_periodic(name) is not None
    config = {"families": {name: {"generator": "loop", "k": [2], "length": 9, "params": {"n_pages": 3}}},
              "algorithms": ["lru"], "error_models": ["flip"], "rates": [0.1], "seeds": [0]}
    try:
        check_config(config, SCHEMA, ROOT)
        rejected = False
    except ConfigError as exc:
        assert "PeriodicWildcardError" in str(exc), str(exc)
        rejected = True
    assert rejected == refused, (name, refused)
    assert PERIODIC_REPEATS == PeriodicityDetector().min_repeat


# ------------------------------------------------- 7. canonical order of lists


def test_reordered_lists_give_the_same_job_params(tmp_path):
    """seeds, algorithms and error_models reach job params in one canonical
    order (sorted; registry order, combinations last; schema order), so reordering them in the
    config changes no param and reruns no job."""
    (tmp_path / "brightkite").mkdir()
    config = tiny_config(tmp_path)
    shuffled = copy.deepcopy(config)
    shuffled["seeds"] = [1, 0]
    shuffled["algorithms"] = list(reversed(config["algorithms"]))
    shuffled["error_models"] = list(reversed(config["error_models"]))
    assert check_config(shuffled, SCHEMA, ROOT) == check_config(config, SCHEMA, ROOT)
    assert shuffled["seeds"] == [0, 1] and shuffled["error_models"] == ["flip", "false_keep", "false_discard"]


def test_shipped_configs_are_already_in_canonical_order(tmp_path):
    """The shipped configs list them in the canonical order already: sorting
    changes no param of theirs, so no existing result reruns or changes."""
    from succinct_paging.traces import CACHE_TRACES

    for name in ("brightkite", "citibike", "cache"):
        (tmp_path / name).mkdir()
    for trace in CACHE_TRACES.values():  # the plan only asks whether each cache trace's file is there
        (tmp_path / "cache" / trace.file).touch()
    for path in [TEST_CONFIG, *sorted((ROOT / "config").glob("*.yaml"))]:
        raw = yaml.safe_load(path.read_text())
        config = copy.deepcopy(raw)
        config.setdefault("traces", {})["mirror"] = str(tmp_path)
        checked = check_config(config, SCHEMA, ROOT)
        for key in ("seeds", "error_models"):
            assert checked[key] == raw[key], (path, key)
        assert checked["algorithms"] == raw["algorithms"], path


# ------------------------------------------------------ workflow, end to end


def run_snakemake(workdir, config, *args, timeout=600):
    cmd = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(workdir),
           "--configfile", str(config), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


DRY_RUN_ROWS = ["2 k 10**19", "2 seed 10**19", "5 min_length above max_length", "5 glob absolute",
                "5 family name trailing newline", "5 family name 20 repeated characters",
                "6 repeated top-level key", "6 octal seed", "6 exponent without point is text"]


@pytest.mark.parametrize("case", DRY_RUN_ROWS)
def test_rejected_before_any_job(case, tmp_path):
    """`snakemake -n` with the row's config file stops with the row's
    message before planning a job (YAML quirks: the workflow checks each of
    workflow.configfiles itself, since Snakemake's loader hides them)."""
    (kind, make), _, texts = CASES[case]
    path = make(tmp_path)
    proc = run_snakemake(tmp_path / "run", path, "-n", "--cores", "1")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "Invalid configuration: config " in output, output
    for text in texts:
        assert text in output, f"{case}: {text!r} not in: {output}"
    assert "Job stats" not in output and "PeriodicWildcardError:" not in output, output
    assert not (tmp_path / "run" / "results").exists()


SYNTHETIC = {
    "master_seed": 7, "seeds": [0, 1],
    "algorithms": ["opt", "lru", "marker", "followbits", "followbits_robust", "mark0", "combine(followbits,lru)"],
    "error_models": ["flip"], "rates": [0.1, 1.0],
    "families": {
        "zipf": {"generator": "zipf", "instances": 2, "length": 2000, "k": [5], "params": {"n_pages": 100, "s": 0.9}},
        "loop": {"generator": "loop", "instances": 1, "length": 500, "k": [4], "params": {"n_pages": 5}},
    },
}


@pytest.fixture(scope="module")
def synthetic_config(tmp_path_factory):
    """Two synthetic families, one error model, two rates: 11 jobs for the tables, no mirror needed."""
    path = tmp_path_factory.mktemp("config") / "config.yaml"
    path.write_text(yaml.safe_dump(SYNTHETIC, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory, synthetic_config):
    workdir = tmp_path_factory.mktemp("reference")
    proc = run_snakemake(workdir, synthetic_config, "--cores", "2", *TABLES)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return workdir


def readme_resume_command():
    """The first command of the "Resuming an interrupted run" paragraph
    (docs/configuration.md), as arguments after `snakemake`."""
    text = (ROOT / "docs" / "configuration.md").read_text()
    section = text[text.index("**Resuming an interrupted run.**"):]
    command = re.search(r"```bash\n(snakemake [^\n]*)\n```", section).group(1)
    assert "&&" not in command, command
    return command.split()[1:]


@pytest.mark.parametrize("min_tables", [1, 4])
def test_readme_command_resumes_after_ctrl_c(reference_run, synthetic_config, tmp_path, min_tables):
    """Ctrl-C (SIGINT to Snakemake and its jobs, as a terminal sends it)
    once ``min_tables`` of the 6 per-job tables exist, then the README's
    resume command (with the run's targets): the tables are byte-identical
    to an uninterrupted run's, and outputs finished before the interruption
    are not rewritten."""
    reference = digests(outputs(reference_run))
    interrupt(tmp_path, synthetic_config, signal.SIGINT, min_tables=min_tables)
    finished = check_interrupted_state(tmp_path, reference)
    if marked_incomplete(tmp_path):  # the usual case (jobs were running): why the README adds the flag
        plain = run_snakemake(tmp_path, synthetic_config, "-n", "--cores", "2", *TABLES)
        assert plain.returncode != 0 and "IncompleteFilesException" in plain.stdout + plain.stderr
    args = readme_resume_command()
    args[args.index("--cores") + 1] = "2"
    proc = run_snakemake(tmp_path, synthetic_config, *args, *TABLES)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    check_resumed(tmp_path, reference, finished)
    assert digests(outputs(tmp_path)) == reference


def test_reordered_config_plans_no_job(reference_run, tmp_path):
    """After a complete run, the same config with seeds, algorithms and
    error models reordered plans nothing (item 7)."""
    shuffled = copy.deepcopy(SYNTHETIC)
    shuffled["seeds"] = [1, 0]
    shuffled["algorithms"] = list(reversed(SYNTHETIC["algorithms"]))
    shuffled["error_models"] = ["flip"]
    path = tmp_path / "shuffled.yaml"
    path.write_text(yaml.safe_dump(shuffled, sort_keys=False))
    proc = run_snakemake(reference_run, path, "-n", "--cores", "1", *TABLES)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Nothing to be done" in proc.stdout + proc.stderr, proc.stdout + proc.stderr

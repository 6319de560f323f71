"""The run settings (issue 22 item 3): the budget and switch factors live in
one object, :class:`succinct_paging.settings.RunSettings`, which the config
check, the drivers, the workflow's jobs and the CLI share.

Fails when: the object's limits drift from the schema's; a driver grows its
own ``budget_factor``/``switch_factor`` arguments again; a setting stops
reaching the runs (the same runs with another switch factor or budget must
change); or ``to_params`` does not restore the object a job rebuilds.
"""

import ast
import copy
import math

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from succinct_paging.bounds import robust_budget
from succinct_paging.config import ConfigError, check_config
from succinct_paging.experiments.grid import compute_truth, run_grid
from succinct_paging.settings import CONFIG_KEYS, RunSettings, factor_problem
from succinct_paging.simulation import simulate

from snakemake_run import ROOT, TEST_CONFIG

SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
SRC = ROOT / "src" / "succinct_paging"

#: The functions that may still name a factor: the bounds' formulas, the
#: kernels and their plain-Python twin (a kernel takes plain numbers), the
#: public single-run API ``simulate(switch_factor=...)`` and its combine step.
FORMULAS = {("bounds.py", "robust_budget"), ("bounds.py", "combine_factor"), ("bounds.py", "combine_bound"),
            ("kernels/combine.py", "mirror_faults"), ("kernels/combine.py", "combine_kernel"),
            ("proofs/lower_bounds.py", "_Combine.__init__"), ("simulation.py", "simulate"),
            ("simulation.py", "run_combine")}

numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5),
                    st.sampled_from([0, 0.0, 1, 1.0, 1e-9, 0.999999, 2, float("nan")]))


def _accepted_by_config(field, value):
    config = yaml.safe_load(TEST_CONFIG.read_text())
    config["traces"]["mirror"] = str(ROOT / ".test" / "mirror")
    section, key = CONFIG_KEYS[field]
    config.setdefault(section, {})[key] = value
    try:
        check_config(copy.deepcopy(config), SCHEMA, ROOT)
    except ConfigError as exc:
        assert key in str(exc), str(exc)
        return False
    return True


@settings(max_examples=40, deadline=None)
@given(field=st.sampled_from(sorted(CONFIG_KEYS)), value=numbers)
def test_the_object_allows_what_the_config_schema_allows(field, value):
    """One set of allowed values: the config check and RunSettings agree on
    every number, at the edges (0, 1) and beyond (nan, inf)."""
    if isinstance(value, float) and not math.isfinite(value):
        return  # YAML/JSON schema numbers are finite in a config file; the object rejects them (below)
    assert _accepted_by_config(field, value) == (factor_problem(field, value) is None)


@pytest.mark.parametrize("field, value", [("budget_factor", 0), ("budget_factor", float("inf")),
                                          ("switch_factor", 0.5), ("switch_factor", float("nan")),
                                          ("switch_factor", True)])
def test_a_bad_factor_is_refused_naming_the_field_and_the_value(field, value):
    with pytest.raises(ValueError, match=rf"{field} must be a finite number >=? \d, got {value!r}"):
        RunSettings(**{field: value})


@pytest.mark.parametrize("budget", [0, -1, 2.5, True])
def test_a_bad_fixed_budget_is_refused(budget):
    with pytest.raises(ValueError, match="fixed_budget must be an integer >= 1"):
        RunSettings(fixed_budget=budget)


@settings(max_examples=60, deadline=None)
@given(bf=st.floats(1e-3, 50), sf=st.floats(1, 10), k=st.integers(1, 10**6),
       fixed=st.one_of(st.none(), st.integers(1, 10**9)))
def test_params_restore_the_object_and_the_budget_is_the_contracts(bf, sf, k, fixed):
    s = RunSettings(bf, sf, fixed)
    assert RunSettings(**s.to_params()) == s
    assert s.budget(k) == (fixed if fixed is not None else robust_budget(bf, k))


def test_from_config_reads_the_checked_config():
    config = yaml.safe_load(TEST_CONFIG.read_text())
    config["traces"]["mirror"] = str(ROOT / ".test" / "mirror")
    config["followbits_robust"] = {"budget_factor": 3}
    config["combine"] = {"switch_factor": 1.25}
    checked = check_config(config, SCHEMA, ROOT)
    assert RunSettings.from_config(checked) == RunSettings(budget_factor=3, switch_factor=1.25)
    del checked["combine"]["switch_factor"]
    with pytest.raises(KeyError):  # only a checked config (defaults filled) is read
        RunSettings.from_config(checked)


def test_the_settings_reach_the_runs():
    """A driver passes its settings to every run: another budget changes
    followbits_robust's faults and another switch factor combine's, on an
    instance where both matter (all bits wrong on uniform requests over
    k + 3 pages)."""
    k = 4
    pages = np.random.default_rng(1).integers(0, k + 3, 300)
    traces = [("uniform", pages)]
    truth = compute_truth(traces, k)
    algs = ["followbits_robust", "combine(followbits,lru)"]

    def faults(**kw):
        runs = run_grid("uniform", traces, truth, k, algs, "flip", 1.0, [0], 1, settings=RunSettings(**kw))
        return dict(zip(runs["algorithm"], runs["faults"]))

    default = faults()
    assert faults(budget_factor=0.25)["followbits_robust"] != default["followbits_robust"]
    assert faults(switch_factor=8)["combine(followbits,lru)"] != default["combine(followbits,lru)"]


def _factor_arguments():
    """``(module, [class.]function)`` of every function in src/ with an
    argument named after a factor."""
    found = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text())
        owner = {id(f): c.name for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for f in c.body}
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = node.args
                if {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs} & set(CONFIG_KEYS):
                    name = f"{owner[id(node)]}.{node.name}" if id(node) in owner else node.name
                    found.add((path.relative_to(SRC).as_posix(), name))
    return found


def test_no_driver_threads_the_factors_by_hand():
    """The drivers take one ``settings`` argument: only the formulas, the
    kernels and the single-run API name a factor."""
    assert _factor_arguments() >= {("bounds.py", "combine_factor")}  # the scan sees what it must
    extra = _factor_arguments() - FORMULAS
    assert not extra, f"functions that take a factor instead of a RunSettings: {sorted(extra)}"


@settings(max_examples=80, deadline=None)
@given(data=st.data(), k=st.integers(1, 6))
def test_the_budget_changes_nothing_once_the_cache_holds_every_page(data, k):
    """What run_parsed relies on when it takes the budget at the capped k: a
    cache of at least n_pages pages never evicts, so followbits_robust's
    budget (here 1 against a huge one) cannot change a fault."""
    n_pages = data.draw(st.integers(1, k))
    pages = np.array(data.draw(st.lists(st.integers(0, n_pages - 1), min_size=1, max_size=60)))
    bits = np.array(data.draw(st.lists(st.integers(0, 1), min_size=len(pages), max_size=len(pages))))
    for alg in ("followbits_robust", "combine(followbits_robust,lru)"):
        small = simulate(alg, pages, k, bits, budget=1)
        large = simulate(alg, pages, k, bits, budget=10**6)
        assert small == large == len(set(pages.tolist()))

"""Cheap jobs are cheap (issue 19): the modules that merge, table and figure
jobs import do not import numba (only jobs that run a kernel pay for it),
and the accounting and report-table modules do not import pandas either."""

import json
import subprocess
import sys

#: Modules imported by jobs that run no kernel, and what each must not import.
NO_NUMBA = [
    "succinct_paging.experiments.grid",  # merges (concat_tables), excluded_instances
    "succinct_paging.experiments.k_sweep",  # plot_k_dependence, and the Snakefile's shard plan
    "succinct_paging.experiments.arrivals",  # plot_arrivals
    "succinct_paging.experiments.adversarial",  # plot_adversarial
    "succinct_paging.experiments.summary",  # summarize, latex_table
    "succinct_paging.plotting.family",
    "succinct_paging.plotting.smoothness",
    "succinct_paging.plotting.k_dependence",
    "succinct_paging.plotting.arrivals",
    "succinct_paging.plotting.adversarial",
]
NO_PANDAS = ["succinct_paging.html_table", "succinct_paging.accounting", "succinct_paging.joblog"]

PROBE = "import importlib, json, sys; importlib.import_module(sys.argv[1]); " \
        "print(json.dumps(sorted(m for m in ('numba', 'pandas') if m in sys.modules)))"


def _loaded(modules):
    """``{module: [numba and/or pandas, if importing it alone loads them]}`` (one fresh interpreter each)."""
    out = {}
    for name in modules:
        proc = subprocess.run([sys.executable, "-c", PROBE, name], capture_output=True, text=True, check=True)
        out[name] = json.loads(proc.stdout)
    return out


def test_cheap_job_modules_do_not_import_numba():
    loaded = _loaded(NO_NUMBA)
    assert {name: heavy for name, heavy in loaded.items() if "numba" in heavy} == {}


def test_accounting_and_report_tables_import_neither_numba_nor_pandas():
    loaded = _loaded(NO_PANDAS)
    assert {name: heavy for name, heavy in loaded.items() if heavy} == {}


def test_the_probe_sees_numba_where_a_kernel_module_is_imported():
    """The probe itself works: the simulation module does import numba."""
    assert "numba" in _loaded(["succinct_paging.simulation"])["succinct_paging.simulation"]

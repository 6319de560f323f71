"""Plugins (succinct_paging.plugins, docs/extending.md): an algorithm defined
outside the package reaches the registry of every process of a run, the id
lists are live, and a bad spec is an error naming the config key. Each check
runs in a fresh interpreter so that this process's registry stays as shipped."""

import json
import os
import re
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from snakemake_run import ROOT, snakemake

#: A user's plugin file: the complete example of docs/extending.md (a toy
#: MRU kernel under the kernel contract, records included so combine can
#: replay it, and its register_plugin), so the documented example is what runs.
PLUGIN = re.search(r"```python\n(# my_algorithms.py\n.*?)```",
                   (ROOT / "docs" / "extending.md").read_text(encoding="utf-8"), re.S).group(1)


def _python(code, env=None):
    """Run ``code`` in a fresh interpreter with this worktree's src first; its stdout."""
    full = {key: value for key, value in os.environ.items() if key != "SUCCINCT_PAGING_PLUGINS"}
    full["PYTHONPATH"] = str(ROOT / "src")
    full.update(env or {})
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=full,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def plugin_file(tmp_path):
    path = tmp_path / "my_algorithms.py"
    path.write_text(PLUGIN)
    return path


def test_a_plugin_file_registers_once_and_the_lists_are_live(plugin_file):
    out = _python(f'''
        import json, os, sys
        import succinct_paging as sp
        from succinct_paging import algorithms, plugins
        before = sp.ALGORITHMS
        specs = plugins.load([{str(plugin_file)!r}, {str(plugin_file) + ":register_plugin"!r}])
        plugins.load(specs)  # again: a second call would raise "already registered"
        mods = [n for n in sys.modules if n.startswith("succinct_paging_plugin_")]
        print(json.dumps({{"before": "mru" in before, "after": "mru" in sp.ALGORITHMS,
                          "module": "mru" in algorithms.ALGORITHMS, "modules": len(mods),
                          "env": json.loads(os.environ[plugins.ENV]), "specs": specs,
                          "faults": sp.simulate("mru", [0, 1, 2, 0, 1, 2], 2),
                          "combine": sp.simulate("combine(mru,lru)", [0, 1, 2, 0, 1, 2], 2)}}))
    ''')
    got = json.loads(out)
    assert got["before"] is False and got["after"] is True and got["module"] is True
    assert got["modules"] == 1
    assert got["specs"] == [f"{plugin_file.resolve()}:register_plugin"] * 2
    assert got["env"] == [f"{plugin_file.resolve()}:register_plugin"]
    # 0, 1 cold; 2 evicts 1 (most recent); 0 hits; 1 evicts 0; 2 hits
    assert got["faults"] == 4
    assert got["combine"] >= 4


def test_a_child_process_loads_the_plugins_of_the_environment(plugin_file):
    """What a job's script sees: only the variable set by the Snakemake process."""
    spec = f"{plugin_file.resolve()}:register_plugin"
    out = _python('''
        from succinct_paging.algorithms import parse_algorithm, display_order
        print(parse_algorithm("combine(mru,lru)").parts, display_order(["lru", "mru", "opt"]))
    ''', env={"SUCCINCT_PAGING_PLUGINS": json.dumps([spec])})
    assert out.strip() == "('mru', 'lru') ['opt', 'lru', 'mru']"


def test_a_module_spec_is_imported(tmp_path):
    (tmp_path / "userpkg").mkdir()
    (tmp_path / "userpkg" / "__init__.py").write_text("")
    (tmp_path / "userpkg" / "algs.py").write_text(PLUGIN)
    out = _python('''
        from succinct_paging import plugins, algorithms
        plugins.load(["userpkg.algs:register_plugin"])
        print("mru" in algorithms.base_ids("bits"))
    ''', env={"PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{tmp_path}"})
    assert out.strip() == "True"


def test_an_installed_entry_point_is_loaded_without_a_config_key(tmp_path):
    """A distribution declaring ``[project.entry-points."succinct_paging.plugins"]``
    (here its installed metadata, written by hand) is loaded on the first read
    of the registry."""
    (tmp_path / "userpkg").mkdir()
    (tmp_path / "userpkg" / "__init__.py").write_text("")
    (tmp_path / "userpkg" / "algs.py").write_text(PLUGIN)
    info = tmp_path / "userpkg-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: userpkg\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[succinct_paging.plugins]\nmine = userpkg.algs:register_plugin\n")
    out = _python('''
        import succinct_paging as sp
        print("mru" in sp.ALGORITHMS, sp.simulate("mru", [0, 1, 2, 0, 1, 2], 2))
    ''', env={"PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{tmp_path}"})
    assert out.split() == ["True", "4"]


@pytest.mark.parametrize("spec, message", [
    ("missing.py", "does not exist"),
    ("my_algorithms.py:nope", "has no function 'nope'"),
    ("my_algorithms.py:not-a-name", "is not a function name"),
    ("no_colon_module", "expected 'package.module:function'"),
    ("no_such_module_xyz:f", "ModuleNotFoundError"),
])
def test_a_bad_plugin_names_the_config_key(plugin_file, spec, message):
    cfg = {"plugins": ["my_algorithms.py", spec], "algorithms": ["lru"], "error_models": ["flip"], "rates": [0.0],
           "seeds": [0], "families": {"z": {"generator": "zipf", "length": 10, "k": [2],
                                            "params": {"n_pages": 5, "s": 0.9}}}}
    code = f'''
        from succinct_paging.config import ConfigError, check_config
        try:
            check_config({cfg!r}, {str(ROOT / "workflow/schemas/config.schema.yaml")!r}, {str(plugin_file.parent)!r})
        except ConfigError as exc:
            print(exc)
    '''
    out = _python(code)
    assert out.startswith("config key plugins[1]: "), out
    assert message in out


def test_a_failing_plugin_function_is_reported_with_its_spec(tmp_path):
    (tmp_path / "bad.py").write_text("def register_plugin():\n    raise RuntimeError('boom')\n")
    out = _python(f'''
        from succinct_paging import plugins
        try:
            plugins.load(["bad.py"], {str(tmp_path)!r})
        except plugins.PluginError as exc:
            print(exc)
    ''')
    assert out.startswith("config key plugins[0]: plugin ") and "bad.py:register_plugin" in out
    assert "RuntimeError: boom" in out


def test_the_workflow_runs_a_user_algorithm_from_a_plugin(tmp_path, plugin_file):
    """The user's path end to end: a plugin file outside the repository, a
    tiny config naming it, and the plugin's rows in runs.csv (the Snakemake
    process validates the config with it, every simulate job loads it)."""
    config = tmp_path / "config.yaml"
    config.write_text(textwrap.dedent(f'''
        plugins: ["{plugin_file}"]
        master_seed: 5
        seeds: [0]
        algorithms: [opt, lru, mru, followbits, "combine(mru,lru)"]
        error_models: [flip]
        rates: [0.0, 0.5]
        families:
          tiny:
            generator: zipf
            instances: 1
            length: 300
            k: [4]
            params: {{n_pages: 20, s: 0.9}}
    '''))
    work = tmp_path / "work"
    snakemake(work, "--cores", "1", "results/runs.csv", config=config)
    runs = pd.read_csv(work / "results" / "runs.csv")
    mru = runs[runs["algorithm"] == "mru"]
    assert len(mru) == 1 and mru["faults"].iloc[0] >= mru["opt"].iloc[0] > 0
    combined = runs[runs["algorithm"] == "combine(mru,lru)"]  # prediction-free, like its parts: one baseline row
    assert len(combined) == 1 and combined["faults"].iloc[0] >= combined["opt"].iloc[0]
    assert set(runs["algorithm"]) == {"opt", "lru", "mru", "followbits", "combine(mru,lru)"}

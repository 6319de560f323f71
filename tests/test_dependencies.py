"""One list of dependencies (issue 22): pyproject.toml is the source;
environment.yml (conda users, tests included) and workflow/envs/*.yaml (the
rules' environments under --use-conda) name the same packages at one pinned
version each, and every pin satisfies pyproject's range."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
#: conda-forge / bioconda names of PyPI distributions that differ.
CONDA_NAME = {"snakemake": "snakemake-minimal"}
#: Not needed in the rules' environments, and why.
NOT_IN_JOBS = {
    "snakemake": "the Snakemake process; a job's script imports it from the path its preamble adds",
    "pygments": "snakemake --report runs in the Snakemake process",
}


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _requirements(names):
    return {Requirement(r).name.lower(): Requirement(r) for r in names}


def _conda_pins(path):
    """``{name: version}`` of a conda environment file (python left out),
    the packages of its ``pip:`` list (``name==version``; not on conda-forge)
    included; the project itself (``-e .``) left out."""
    pins = {}
    for dep in yaml.safe_load(path.read_text())["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep.get("pip", []):
                if not spec.startswith("-"):
                    name, _, version = spec.partition("==")
                    assert version, f"{path.name}: pip {spec!r} has no pinned version"
                    pins[name.strip()] = version.strip()
        elif isinstance(dep, str) and dep not in ("pip",):
            name, _, version = dep.partition("=")
            assert version, f"{path.name}: {dep!r} has no pinned version"
            if name != "python":
                pins[name] = version
    return pins


def _conda(name):
    return CONDA_NAME.get(name, name)


BASE = _requirements(_project()["dependencies"])
TEST = _requirements(_project()["optional-dependencies"]["test"])
ENVIRONMENT = _conda_pins(ROOT / "environment.yml")
JOB_ENVS = sorted((ROOT / "workflow" / "envs").glob("*.yaml"))


def test_environment_yml_has_every_base_and_test_dependency_in_range():
    for name, req in {**BASE, **TEST}.items():
        pin = ENVIRONMENT.get(_conda(name))
        assert pin, f"environment.yml lacks {_conda(name)} (pyproject: {req})"
        assert Version(pin) in req.specifier, f"environment.yml pins {_conda(name)}={pin}, outside pyproject's {req}"
    known = {_conda(n) for n in {**BASE, **TEST}}
    assert set(ENVIRONMENT) <= known, f"environment.yml names packages pyproject does not: {set(ENVIRONMENT) - known}"


@pytest.mark.parametrize("env", JOB_ENVS, ids=lambda p: p.name)
def test_job_environments_have_every_runtime_dependency_at_the_same_pin(env):
    pins = _conda_pins(env)
    needed = {_conda(n) for n in BASE if n not in NOT_IN_JOBS}
    assert needed <= set(pins), f"{env.name} lacks {sorted(needed - set(pins))} (pyproject [project] dependencies)"
    for name, version in pins.items():
        assert ENVIRONMENT.get(name) == version, f"{env.name}: {name}={version}, environment.yml {ENVIRONMENT.get(name)}"


def test_the_python_versions_agree():
    requires = _project()["requires-python"]
    for path in [ROOT / "environment.yml"] + JOB_ENVS:
        deps = yaml.safe_load(path.read_text())["dependencies"]
        python = [d for d in deps if isinstance(d, str) and d.startswith("python=")]
        assert python and Version(python[0].split("=")[1]) in Requirement(f"python{requires}").specifier, path.name


def test_every_rule_names_an_existing_environment():
    for smk in (ROOT / "workflow" / "rules").glob("*.smk"):
        for env in re.findall(r'conda:\s*\n\s*"([^"]+)"', smk.read_text()):
            assert (smk.parent / env).resolve() in [p.resolve() for p in JOB_ENVS], (smk.name, env)

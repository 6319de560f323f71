"""A plain ``pip install -e .`` does everything the README says: the
packages ``snakemake --report`` needs are base dependencies, not extras
(the test extra pulls pygments in through pytest, so a run of the test
suite alone would hide a missing one)."""

import importlib.metadata
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement):
    return re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_report_dependencies_are_base_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = {_name(r) for r in project["dependencies"]}
    report_extra = [r for r in importlib.metadata.requires("snakemake") or []
                    if re.search(r"""extra\s*==\s*["']reports["']""", r)]
    assert report_extra, "snakemake no longer declares a 'reports' extra; check what --report needs"
    missing = {_name(r) for r in report_extra} - base
    assert not missing, f"snakemake --report needs {sorted(missing)}: add them to [project] dependencies"


def test_console_script_and_version_are_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["succinct-paging"] == "succinct_paging.cli:main"
    assert "version" in project.get("dynamic", [])

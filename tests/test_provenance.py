"""config.used.yaml's provenance (issue 20): commit, package versions, paths
relative to the repository, and the file stays a valid configuration."""

from pathlib import Path

import yaml

from succinct_paging.config import check_config
from succinct_paging.provenance import git_commit, header, package_versions, relative_paths

ROOT = Path(__file__).resolve().parents[1]


def test_absolute_paths_become_relative_to_the_repository():
    # the sibling folder spelled absolute but not resolved (CI's shared/ may be a symlink)
    cfg = {"traces": {"mirror": str(ROOT.parent / "shared" / "traces"), "fetch": False},
           "list": [str(ROOT / "config" / "x.yaml"), "plain"], "n": 3}
    out = relative_paths(cfg, ROOT)
    assert out["traces"]["mirror"] == "../shared/traces"
    assert out["list"] == ["config/x.yaml", "plain"] and out["n"] == 3


def test_header_names_the_commit_and_the_package_versions():
    commit, _ = git_commit(ROOT)
    assert len(commit) == 40 and all(c in "0123456789abcdef" for c in commit)
    text = header(ROOT)
    assert f"# commit: {commit}" in text
    versions = package_versions()
    for name in ("numba", "pandas", "snakemake", "python"):
        assert f"{name} {versions[name]}" in text
    assert all(line.startswith("# ") for line in text.splitlines())
    assert str(ROOT) not in text


def test_outside_git_the_commit_is_unknown(tmp_path):
    assert git_commit(tmp_path) == ("unknown", False)


def test_relative_config_with_header_is_still_a_valid_config(tmp_path):
    cfg = yaml.safe_load((ROOT / ".test" / "config" / "config.yaml").read_text())
    check_config(cfg, ROOT / "workflow" / "schemas" / "config.schema.yaml", ROOT)
    text = header(ROOT) + yaml.safe_dump(relative_paths(cfg, ROOT), sort_keys=True)
    again = yaml.safe_load(text)
    assert not Path(again["traces"]["mirror"]).is_absolute()
    check_config(again, ROOT / "workflow" / "schemas" / "config.schema.yaml", ROOT)

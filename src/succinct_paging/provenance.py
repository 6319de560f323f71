"""Provenance of a run (issue 20): the commit, the package versions and the
configuration with paths written relative to the repository, for
``results/config.used.yaml``.

The provenance goes into the file's comment header, so the file stays a
valid configuration file (``--configfile results/config.used.yaml``). Same
config, commit and environment ⇒ same bytes. No numba or pandas import.
"""

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

#: Distributions whose versions a run records (missing ones print "absent").
PACKAGES = ("succinct-paging", "numpy", "numba", "pandas", "pyarrow", "matplotlib", "snakemake",
            "libcachesim")


def git_commit(repo_root):
    """``(commit, dirty)`` of the git work tree at ``repo_root``: the full
    hash of HEAD and whether tracked files differ from it; ``("unknown",
    False)`` outside a git work tree or without git."""
    try:
        head = subprocess.run(["git", "-C", str(repo_root), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=30)
        if head.returncode != 0:
            return "unknown", False
        status = subprocess.run(["git", "-C", str(repo_root), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=30)
        return head.stdout.strip(), bool(status.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return "unknown", False


def package_versions(names=PACKAGES):
    """``{name: version}`` of the installed distributions (``"absent"`` when
    not installed), plus ``python``."""
    out = {"python": ".".join(map(str, sys.version_info[:3]))}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def relative_paths(value, repo_root):
    """``value`` (nested dicts/lists) with every absolute path string
    replaced by the same path relative to ``repo_root`` (``../shared/traces``
    for a sibling folder), so the file does not name the machine's folders."""
    if isinstance(value, dict):
        return {key: relative_paths(v, repo_root) for key, v in value.items()}
    if isinstance(value, list):
        return [relative_paths(v, repo_root) for v in value]
    if isinstance(value, str) and os.path.isabs(value):
        return Path(os.path.relpath(value, Path(repo_root).resolve())).as_posix()
    return value


def header(repo_root, versions=None):
    """The comment header of ``config.used.yaml``: commit (with ``-dirty``
    when tracked files were modified) and package versions, one per line."""
    commit, dirty = git_commit(repo_root)
    versions = package_versions() if versions is None else versions
    lines = ["# Effective configuration of the run that wrote results/ (rule config_used; defaults filled in;",
             "# paths relative to the repository).",
             f"# commit: {commit}{'-dirty' if dirty else ''}",
             "# packages: " + ", ".join(f"{name} {versions[name]}" for name in sorted(versions))]
    return "\n".join(lines) + "\n"

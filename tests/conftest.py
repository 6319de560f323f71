"""Fixtures shared by the workflow tests, and how they share one run when
the suite is spread over cores (pytest-xdist, ``-n auto`` in pyproject.toml)."""

import contextlib
import fcntl
import os
import shutil

import pytest

from snakemake_run import snakemake


@contextlib.contextmanager
def _exclusive(path):
    """Hold an exclusive lock on the file ``path`` (blocks until free; every
    pytest-xdist worker of the session sees the same file)."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _session_root(tmp_path_factory):
    """The folder every worker of this session shares (the base temp
    folder itself without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """The one complete run of .test/config (target ``all``, --cores 2) plus
    its HTML report, shared by every test that reads its outputs or compares
    a run of its own against them; returns the working directory. Tests may
    add files outside results/ or dry-run in it, but must not change results/.
    The first worker to need it makes it; the others wait for it and reuse
    it (a ``.complete`` marker says it was made to the end)."""
    root = _session_root(tmp_path_factory)
    workdir = root / "tiny_run"
    with _exclusive(root / "tiny_run.lock"):
        if not (workdir / ".complete").exists():
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir()
            snakemake(workdir, "--cores", "2")
            snakemake(workdir, "--report", "results/report.html")
            (workdir / ".complete").touch()
    return workdir


@pytest.fixture(autouse=True)
def _one_test_in_the_tiny_run_at_a_time(request, tmp_path_factory):
    """A test that uses the tiny run holds its folder alone: Snakemake locks
    the folder even for a dry run, so two workers' runs there would collide."""
    if "tiny_run" not in request.fixturenames:
        yield
        return
    with _exclusive(_session_root(tmp_path_factory) / "tiny_run.in_use"):
        yield

"""Fixtures shared by the workflow tests."""

import pytest

from snakemake_run import snakemake


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """The one complete run of .test/config (target ``all``, --cores 2) plus
    its HTML report, shared by every test that reads its outputs or compares
    a run of its own against them; returns the working directory. Tests may
    add files outside results/ or dry-run in it, but must not change results/."""
    workdir = tmp_path_factory.mktemp("tiny_run")
    snakemake(workdir, "--cores", "2")
    snakemake(workdir, "--report", "results/report.html")
    return workdir

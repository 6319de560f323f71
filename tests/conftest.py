"""Fixtures shared by the workflow tests."""

import pytest

from snakemake_run import MIRROR, snakemake


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """One complete run of .test/config plus its HTML report, shared by every
    test that only reads it; returns the working directory."""
    if not MIRROR.is_dir():
        pytest.skip(f"trace mirror {MIRROR} not found")
    workdir = tmp_path_factory.mktemp("tiny_run")
    snakemake(workdir, "--cores", "2")
    snakemake(workdir, "--report", "results/report.html")
    return workdir

"""Running the real workflow from tests: one subprocess per call, in a scratch
working directory, exactly as a user would (`snakemake -s Snakefile -d DIR`).

The one helper for every test that runs Snakemake. The tiny config
(.test/config/config.yaml) needs nothing outside the repository: its real
family reads the fake mirror .test/mirror (made by .test/make_mirror.py), so
no workflow test needs the real-trace mirror ../shared/traces.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_CONFIG = ROOT / ".test" / "config" / "config.yaml"
TIMEOUT = 600  # seconds for one Snakemake call; the tiny run takes well under a minute


def snakemake_cmd(workdir, *args, config=TEST_CONFIG):
    """The command line of :func:`snakemake` (for tests that start it themselves)."""
    return [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(workdir),
            "--configfile", str(config), *args]


def snakemake(workdir, *args, config=TEST_CONFIG, check=True):
    """Run Snakemake on ``config`` in ``workdir``; raise with its output on
    failure if ``check``; return the CompletedProcess (text stdout, stderr)."""
    proc = subprocess.run(snakemake_cmd(workdir, *args, config=config), capture_output=True, text=True,
                          cwd=ROOT, timeout=TIMEOUT)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def planned_jobs(dry_run_stdout):
    """Job counts per rule from the 'Job stats' table of a dry run."""
    counts, in_table = {}, False
    for line in dry_run_stdout.splitlines():
        parts = line.split()
        if parts[:2] == ["job", "count"]:
            in_table = True
            continue
        if in_table and len(parts) == 2 and parts[1].isdigit():
            if parts[0] == "total":
                break
            counts[parts[0]] = int(parts[1])
    return counts

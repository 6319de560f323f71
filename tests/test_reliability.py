"""Reliability of the workflow, end to end.

- Determinism: the same config gives byte-identical runs.parquet and runs.csv
  (and identical per-job files) from scratch with --cores 1 and --cores 2.
- Interruption: a run killed with SIGKILL or SIGTERM after its first jobs
  leaves only complete outputs (each byte-identical to an uninterrupted run),
  and resuming reruns only the unfinished jobs and gives the same tables.
  After SIGKILL a user must type (same options each time):

      snakemake --cores N --unlock
      snakemake --cores N --rerun-incomplete

  After SIGTERM (or Ctrl-C) the plain command resumes. Underneath: a writer
  killed mid-write leaves no file under the output's name (atomic_path).
- Corrupt trace mirror: a run on a mirror copy with a modified file fails in
  the traces job, names the file, and leaves no results/traces/<family>.npz.

Snakemake runs as a user would run it (a subprocess in a scratch working
directory) on a trimmed copy of the tiny test config (one error model, two
rates, two families: 11 jobs), targeting the tables only.
"""

import base64
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from succinct_paging.experiments.grid import concat_runs, write_runs, write_runs_csv
from succinct_paging.traces import list_instances

ROOT = Path(__file__).resolve().parents[1]
TEST_CONFIG = ROOT / ".test" / "config" / "config.yaml"
MIRROR = (ROOT / ".." / "shared" / "traces").resolve()
TABLES = ("results/runs.parquet", "results/runs.csv")
TIMEOUT = 600  # seconds for one Snakemake call (the whole file: ~2 CPU-minutes, ~70 s on 2 idle cores)

needs_mirror = pytest.mark.skipif(not (MIRROR / "brightkite").is_dir(), reason=f"trace mirror {MIRROR} not found")


# ------------------------------------------------------------------ helpers


def snakemake_cmd(workdir, config, *args):
    return [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(workdir),
            "--configfile", str(config), *args]


def snakemake(workdir, config, *args, check=True):
    proc = subprocess.run(snakemake_cmd(workdir, config, *args), capture_output=True, text=True,
                          timeout=TIMEOUT)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def outputs(workdir):
    """``{relative path: (sha256, inode, mtime_ns)}`` of every file under
    results/ whose name is not hidden (hidden = a writer's temporary file)."""
    found = {}
    for path in sorted((Path(workdir) / "results").rglob("*")):
        rel = path.relative_to(workdir)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            st = path.stat()
            found[rel.as_posix()] = (hashlib.sha256(path.read_bytes()).hexdigest(), st.st_ino, st.st_mtime_ns)
    return found


def digests(files):
    return {name: info[0] for name, info in files.items()}


def hidden_files(workdir):
    return sorted(p.relative_to(workdir).as_posix() for p in (Path(workdir) / "results").rglob(".*"))


def marked_incomplete(workdir):
    """Output paths that Snakemake marked as started but not finished (its
    .snakemake/incomplete records are urlsafe-base64 names of the paths)."""
    folder = Path(workdir) / ".snakemake" / "incomplete"
    marks = set()
    for record in folder.rglob("*") if folder.is_dir() else ():
        if record.is_file():
            parts = record.relative_to(folder).parts
            b64 = "".join(p.removeprefix("@") for p in parts)
            marks.add(base64.urlsafe_b64decode(b64).decode())
    return marks


def interrupt(workdir, config, sig, min_tables=1):
    """Start the tables run with --cores 2, wait until ``min_tables`` per-job
    run tables exist, then send ``sig`` to Snakemake and all its jobs (its
    process group, as a batch system or the OOM killer of a job would) and
    wait until every process of the group is gone."""
    Path(workdir).mkdir(parents=True, exist_ok=True)
    log = open(Path(workdir) / "interrupted-run.log", "w")
    proc = subprocess.Popen(snakemake_cmd(workdir, config, "--cores", "2", *TABLES),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + TIMEOUT
    try:
        while True:
            tables = [p for p in (Path(workdir) / "results" / "runs").rglob("*.parquet") if not p.name.startswith(".")]
            if len(tables) >= min_tables:
                break
            if proc.poll() is not None:
                pytest.fail(f"snakemake ended ({proc.returncode}) before it could be interrupted; see {log.name}")
            if time.monotonic() > deadline:
                pytest.fail("no job finished in time")
            time.sleep(0.05)
        os.killpg(proc.pid, sig)
        proc.wait(timeout=TIMEOUT)
        while True:  # orphaned jobs would keep writing into the folder
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            if time.monotonic() > deadline:
                pytest.fail("processes of the interrupted run are still alive")
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
    assert proc.returncode != 0
    assert not (Path(workdir) / TABLES[0]).exists(), "interrupted too late: the run had already finished"
    return proc.returncode


def check_interrupted_state(workdir, reference):
    """What an interrupted run leaves is complete: every output file that
    exists is byte-identical to the uninterrupted run's, and the only other
    files are hidden temporaries no rule would read. Returns the outputs
    Snakemake considers finished (present and not marked incomplete)."""
    left = outputs(workdir)
    assert left, "the interrupted run finished no job"
    ref = digests(reference)
    for name, (digest, _, _) in left.items():
        assert name in ref, f"unexpected output {name}"
        assert digest == ref[name], f"{name} differs from the uninterrupted run's: a partial file was left"
    for name in hidden_files(workdir):
        assert Path(name).name.startswith(".") and ".tmp" in name, f"stray file {name}"
    marks = marked_incomplete(workdir)
    return {name: info for name, info in left.items() if name not in marks}


def check_resumed(workdir, reference, finished):
    """The resume left the outputs finished before the interruption untouched
    (same inode and mtime: not rewritten, so those jobs did not rerun) and
    produced all of the reference's files, byte for byte."""
    after = outputs(workdir)
    for name, (digest, inode, mtime) in finished.items():
        assert after[name][1:] == (inode, mtime), f"{name} was finished before the interruption but rewritten"
    assert digests(after) == digests(reference)
    for table in TABLES:
        assert after[table][0] == reference[table][0], f"{table} differs from the uninterrupted run's"


# ----------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def config_path(tmp_path_factory):
    """The tiny test config, trimmed to 11 jobs for the tables."""
    config = yaml.safe_load(TEST_CONFIG.read_text())
    config["error_models"] = ["flip"]
    config["rates"] = [0.1, 1.0]
    config["families"] = {name: config["families"][name] for name in ("zipf", "brightkite")}
    path = tmp_path_factory.mktemp("config") / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def reference_dir(tmp_path_factory, config_path):
    """Working directory of one uninterrupted run from scratch with --cores 2."""
    workdir = tmp_path_factory.mktemp("reference")
    snakemake(workdir, config_path, "--cores", "2", *TABLES)
    assert hidden_files(workdir) == [], "a successful run left temporary files"
    return workdir


@pytest.fixture(scope="module")
def reference(reference_dir):
    """``{path: (sha256, inode, mtime_ns)}`` of the uninterrupted run's results."""
    files = outputs(reference_dir)
    assert set(TABLES) <= set(files)
    return files


# ------------------------------------------------------------- determinism


@needs_mirror
def test_tables_identical_with_cores_1_and_2(reference, config_path, tmp_path):
    """A second run from scratch with --cores 1 (another job order) gives
    the same checksums of the tables and of every per-job file."""
    snakemake(tmp_path, config_path, "--cores", "1", *TABLES)
    second = outputs(tmp_path)
    for table in TABLES:
        assert second[table][0] == reference[table][0], f"{table}: checksum differs between --cores 1 and 2"
    assert digests(second) == digests(reference)


@needs_mirror
def test_table_does_not_depend_on_job_order(reference, reference_dir, tmp_path):
    """Aggregating the per-job tables in any order gives the same bytes."""
    job_tables = sorted(reference_dir / name for name in reference if name.startswith("results/runs/"))
    assert len(job_tables) == 6
    order = list(job_tables)
    for attempt in range(3):
        random.Random(attempt).shuffle(order)
        runs = concat_runs(order)
        write_runs(runs, tmp_path / f"runs{attempt}.parquet")
        write_runs_csv(runs, tmp_path / f"runs{attempt}.csv")
        for ext in ("parquet", "csv"):
            produced = hashlib.sha256((tmp_path / f"runs{attempt}.{ext}").read_bytes()).hexdigest()
            assert produced == reference[f"results/runs.{ext}"][0], f"order {attempt}: runs.{ext} differs"


# ------------------------------------------------------------ interruption


@needs_mirror
def test_resume_after_sigkill(reference, config_path, tmp_path):
    """SIGKILL (kill -9, OOM killer, power loss) leaves Snakemake's lock and
    possibly outputs marked incomplete. The documented recipe, --unlock and
    then --rerun-incomplete, reruns only the unfinished jobs and gives the
    tables of an uninterrupted run."""
    interrupt(tmp_path, config_path, signal.SIGKILL)
    finished = check_interrupted_state(tmp_path, reference)

    before = outputs(tmp_path)
    refused = snakemake(tmp_path, config_path, "--cores", "2", *TABLES, check=False)
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0 and ("--unlock" in said or "--rerun-incomplete" in said), \
        "the plain rerun no longer refuses after SIGKILL: update the README's resume instructions"
    assert outputs(tmp_path) == before, "the refused rerun changed the results"

    snakemake(tmp_path, config_path, "--cores", "2", *TABLES, "--unlock")
    snakemake(tmp_path, config_path, "--cores", "2", *TABLES, "--rerun-incomplete")
    check_resumed(tmp_path, reference, finished)


@needs_mirror
def test_resume_after_sigterm(reference, config_path, tmp_path):
    """SIGTERM to Snakemake and its jobs: the killed jobs' outputs are removed,
    the lock released, and the plain command resumes the run."""
    interrupt(tmp_path, config_path, signal.SIGTERM)
    finished = check_interrupted_state(tmp_path, reference)
    assert set(finished) == set(outputs(tmp_path)), "SIGTERM left outputs marked incomplete"

    snakemake(tmp_path, config_path, "--cores", "2", *TABLES)
    check_resumed(tmp_path, reference, finished)


def _writer_killed_mid_write(target, first=None):
    """Run a writer in a subprocess that is SIGKILLed halfway through
    writing ``target`` through :func:`succinct_paging.store.atomic_path`."""
    code = (
        "import os, signal, sys\n"
        "from succinct_paging.store import atomic_path\n"
        "with atomic_path(sys.argv[1]) as tmp:\n"
        "    with open(tmp, 'wb') as fh:\n"
        "        fh.write(b'PAR1 half a table')\n"
        "        fh.flush()\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(target)], timeout=TIMEOUT)
    assert proc.returncode == -signal.SIGKILL


def test_writer_killed_mid_write_leaves_no_output(tmp_path):
    """The guarantee the interruption tests rely on, made deterministic: a
    writer killed in the middle of a write leaves no file under the output's
    name (only a hidden temporary), and an existing complete output stays."""
    target = tmp_path / "results" / "runs" / "rate0.5.parquet"
    _writer_killed_mid_write(target)
    assert not target.exists()
    left = [p.name for p in target.parent.iterdir()]
    assert len(left) == 1 and left[0].startswith(f".{target.name}.") and ".tmp" in left[0]

    target.write_bytes(b"complete old version")
    _writer_killed_mid_write(target)
    assert target.read_bytes() == b"complete old version"


def test_writer_error_leaves_nothing(tmp_path):
    from succinct_paging.store import atomic_path

    target = tmp_path / "out.npz"
    with pytest.raises(RuntimeError, match="boom"):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"partial")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_outputs_get_the_default_file_mode(tmp_path):
    """Outputs are readable like any file the user creates (mkstemp's 0600
    would lock collaborators out of a shared results folder)."""
    from succinct_paging.store import save_npz

    umask = os.umask(0o022)
    try:
        save_npz(tmp_path / "x.npz", a=[1, 2])
    finally:
        os.umask(umask)
    assert (tmp_path / "x.npz").stat().st_mode & 0o777 == 0o644


# ------------------------------------------------------- corrupted mirror


@pytest.fixture
def mirror_copy(tmp_path):
    """The first three BrightKite files of the mirror and their SHA256SUMS lines."""
    source = MIRROR / "brightkite"
    names = [path.name for _, path in list_instances(MIRROR, "brightkite")[:3]]
    target = tmp_path / "mirror" / "brightkite"
    target.mkdir(parents=True)
    for name in names:
        (target / name).write_bytes((source / name).read_bytes())
    sums = [line for line in (source / "SHA256SUMS").read_text().splitlines() if line.split()[-1] in names]
    assert len(sums) == 3
    (target / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    return target, names


def mirror_config(tmp_path, mirror_dir, verify=True):
    config = {
        "master_seed": 7, "seeds": [0], "algorithms": ["opt", "lru", "followbits"],
        "error_models": ["flip"], "rates": [0.5],
        "traces": {"mirror": str(mirror_dir), "verify_checksums": verify},
        "families": {"brightkite": {"generator": "brightkite", "k": [10]}},
    }
    path = tmp_path / f"mirror-{verify}.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@needs_mirror
def test_corrupted_mirror_file_fails_naming_it(mirror_copy, tmp_path):
    folder, names = mirror_copy
    corrupt = folder / names[1]
    original = corrupt.read_bytes()
    lines = original.split(b"\n")
    lines[100] = lines[100][:-1] + (b"0" if lines[100][-1:] != b"0" else b"1")  # one changed hex digit
    corrupt.write_bytes(b"\n".join(lines))
    config = mirror_config(tmp_path, folder.parent)
    workdir = tmp_path / "run"

    proc = snakemake(workdir, config, "--cores", "1", "--show-failed-logs", check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "logs/traces/brightkite.log" in output  # Snakemake points at the job's log ...
    assert f"{corrupt}: checksum mismatch" in output  # ... and, with --show-failed-logs, shows it
    log = (workdir / "logs" / "traces" / "brightkite.log").read_text()
    assert "TraceError" in log and f"{corrupt}: checksum mismatch" in log
    assert not (workdir / "results" / "traces" / "brightkite.npz").exists()
    assert not (workdir / "results").exists() or hidden_files(workdir) == []
    for rule in ("truth", "baseline", "simulate", "aggregate"):  # no job ran on the bad traces
        assert f"rule {rule}:" not in output, output

    corrupt.write_bytes(original)  # repaired: the same command now gets past the traces
    snakemake(workdir, config, "--cores", "1", "results/traces/brightkite.npz")
    assert (workdir / "results" / "traces" / "brightkite.npz").exists()


@needs_mirror
def test_malformed_mirror_file_without_checksums_names_file_and_line(mirror_copy, tmp_path):
    """With verify_checksums off, a malformed file is still an error naming
    the file and the line (here a blank line 7)."""
    folder, names = mirror_copy
    bad = folder / names[2]
    lines = bad.read_bytes().split(b"\n")
    lines[6] = b""
    bad.write_bytes(b"\n".join(lines))
    workdir = tmp_path / "run"
    proc = snakemake(workdir, mirror_config(tmp_path, folder.parent, verify=False), "--cores", "1",
                     "--show-failed-logs", "results/traces/brightkite.npz", check=False)
    assert proc.returncode != 0
    assert f"{bad}, line 7: blank line" in proc.stdout + proc.stderr
    assert not (workdir / "results" / "traces" / "brightkite.npz").exists()

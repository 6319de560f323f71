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
directory). The uninterrupted --cores 2 run is the shared tiny run of
tests/conftest.py. The determinism and interruption tests run the tables of
the tiny config cut to its smallest family (7 jobs); an uninterrupted run of
that config does the same jobs with the same params as the tiny run, so
their reference is the tiny run's files of that family and the tables the
aggregate job's code makes of them (test_table_does_not_depend_on_job_order
checks that code against the tiny run's own tables). The mirror tests
corrupt a copy of the fake mirror .test/mirror.
"""

import base64
import hashlib
import math
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from succinct_paging.experiments.grid import concat_runs, write_runs, write_runs_csv
from succinct_paging.traces import list_instances

from snakemake_run import ROOT, TEST_CONFIG, TIMEOUT, snakemake, snakemake_cmd

TABLES = ("results/runs.parquet", "results/runs.csv")
FAMILY = "loop"  # the tiny config's smallest family: the determinism and interruption tests run only its jobs


# ------------------------------------------------------------------ helpers


def outputs(workdir):
    """``{relative path: (sha256, inode, mtime_ns)}`` of every file under
    results/ whose name is not hidden (hidden = a writer's temporary file),
    except the per-job accounting (results/benchmarks/ and benchmarks.csv:
    measured times, which differ between any two runs)."""
    found = {}
    for path in sorted((Path(workdir) / "results").rglob("*")):
        rel = path.relative_to(workdir)
        if rel.as_posix().startswith(("results/benchmarks/", "results/benchmarks.csv")):
            continue
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            st = path.stat()
            found[rel.as_posix()] = (sha256(path), st.st_ino, st.st_mtime_ns)
    return found


def digests(files):
    return {name: info[0] for name, info in files.items()}


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def family_files(files, family):
    """The entries of ``files`` (from :func:`outputs`) that the tables target
    writes for ``family``: its traces, truth and per-job run tables."""
    prefixes = (f"results/traces/{family}.npz", f"results/truth/{family}/", f"results/runs/{family}/")
    return {name: info for name, info in files.items() if name.startswith(prefixes)}


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
    proc = subprocess.Popen(snakemake_cmd(workdir, "--cores", "2", *TABLES, config=config),
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
    exists is byte-identical to the uninterrupted run's (``reference``:
    ``{path: sha256}``), and the only other files are hidden temporaries no
    rule would read. Returns the outputs Snakemake considers finished
    (present and not marked incomplete)."""
    left = outputs(workdir)
    assert left, "the interrupted run finished no job"
    ref = reference
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
    for table in TABLES:
        assert after[table][0] == reference[table], f"{table} differs from the uninterrupted run's"
    assert digests(after) == reference


# ----------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def tiny_config():
    return yaml.safe_load(TEST_CONFIG.read_text())


@pytest.fixture(scope="module")
def family_config(tmp_path_factory, tiny_config):
    """The tiny test config cut to :data:`FAMILY` (7 jobs for the tables:
    traces, truth, baseline, one simulate per rate, aggregate)."""
    config = dict(tiny_config, families={FAMILY: tiny_config["families"][FAMILY]})
    config["arrivals"] = dict(config["arrivals"], families=[FAMILY])
    config["learned"] = dict(config["learned"], families=[])
    config["adversarial"] = dict(config["adversarial"], families=[FAMILY])
    path = tmp_path_factory.mktemp("config") / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def family_reference(tiny_run, tmp_path_factory):
    """``{path: sha256}`` of an uninterrupted tables run of :func:`family_config`:
    the tiny run's traces, truth and run tables of :data:`FAMILY`, and the
    tables that the aggregate job's code makes of those run tables."""
    reference = digests(family_files(outputs(tiny_run), FAMILY))
    job_tables = sorted(tiny_run / name for name in reference if name.startswith("results/runs/"))
    assert len(job_tables) == 4  # baseline and three rates
    folder = tmp_path_factory.mktemp("family_tables")
    runs = concat_runs(job_tables)
    write_runs(runs, folder / "runs.parquet")
    write_runs_csv(runs, folder / "runs.csv")
    for table in TABLES:
        reference[table] = sha256(folder / Path(table).name)
    return reference


# ------------------------------------------------------------- determinism


def test_tables_identical_with_cores_1_and_2(family_reference, family_config, tmp_path):
    """A second run from scratch with --cores 1 (another job order) gives
    the same checksums of every per-job file as the tiny run (--cores 2),
    and of the tables; with the next test (the aggregate of the tiny run's
    per-job tables in any order is the tiny run's table), the tables of any
    job order are the same."""
    snakemake(tmp_path, "--cores", "1", *TABLES, config=family_config)
    assert hidden_files(tmp_path) == [], "a successful run left temporary files"
    second = digests(outputs(tmp_path))
    for table in TABLES:
        assert second[table] == family_reference[table], f"{table}: checksum differs between --cores 1 and 2"
    assert second == family_reference


def test_table_does_not_depend_on_job_order(tiny_run, tiny_config, tmp_path):
    """Aggregating the per-job tables in any order gives the same bytes."""
    reference = digests(outputs(tiny_run))
    job_tables = sorted(tiny_run / name for name in reference if name.startswith("results/runs/"))
    n_family_k = sum(len(spec["k"]) for spec in tiny_config["families"].values())
    n_grid = sum(len(spec["k"]) for spec in tiny_config["families"].values() if not spec.get("baseline_only"))
    learned = tiny_config["learned"]
    groups = math.ceil(len(learned["predictors"]) / learned.get("predictors_per_job", len(learned["predictors"])))
    n_learned = sum(len(tiny_config["families"][f]["k"]) for f in learned["families"]) * groups
    # a baseline per family and k, one per rate where the family has the rate grid, one per group of learned
    # predictors (learned.predictors_per_job; all of them by default)
    assert len(job_tables) == n_family_k + n_grid * len(tiny_config["rates"]) + n_learned
    order = list(job_tables)
    for attempt in range(3):
        random.Random(attempt).shuffle(order)
        runs = concat_runs(order)
        write_runs(runs, tmp_path / f"runs{attempt}.parquet")
        write_runs_csv(runs, tmp_path / f"runs{attempt}.csv")
        for ext in ("parquet", "csv"):
            produced = sha256(tmp_path / f"runs{attempt}.{ext}")
            assert produced == reference[f"results/runs.{ext}"], f"order {attempt}: runs.{ext} differs"


# ------------------------------------------------------------ interruption


def test_resume_after_sigkill(family_reference, family_config, tmp_path):
    """SIGKILL (kill -9, OOM killer, power loss) leaves Snakemake's lock and
    possibly outputs marked incomplete. The documented recipe, --unlock and
    then --rerun-incomplete, reruns only the unfinished jobs and gives the
    tables of an uninterrupted run."""
    interrupt(tmp_path, family_config, signal.SIGKILL)
    finished = check_interrupted_state(tmp_path, family_reference)

    before = outputs(tmp_path)
    refused = snakemake(tmp_path, "--cores", "2", *TABLES, config=family_config, check=False)
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0 and ("--unlock" in said or "--rerun-incomplete" in said), \
        "the plain rerun no longer refuses after SIGKILL: update the README's resume instructions"
    assert outputs(tmp_path) == before, "the refused rerun changed the results"

    snakemake(tmp_path, "--cores", "2", *TABLES, "--unlock", config=family_config)
    snakemake(tmp_path, "--cores", "2", *TABLES, "--rerun-incomplete", config=family_config)
    check_resumed(tmp_path, family_reference, finished)


def test_resume_after_sigterm(family_reference, family_config, tmp_path):
    """SIGTERM to Snakemake and its jobs: the killed jobs' outputs are removed,
    the lock released, and the plain command resumes the run."""
    interrupt(tmp_path, family_config, signal.SIGTERM)
    finished = check_interrupted_state(tmp_path, family_reference)
    assert set(finished) == set(outputs(tmp_path)), "SIGTERM left outputs marked incomplete"

    snakemake(tmp_path, "--cores", "2", *TABLES, config=family_config)
    check_resumed(tmp_path, family_reference, finished)


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
def mirror_copy(tmp_path, tiny_config):
    """A copy of the tiny config's fake BrightKite mirror with its SHA256SUMS."""
    source = ROOT / tiny_config["traces"]["mirror"] / "brightkite"
    names = [path.name for _, path in list_instances(source.parent, "brightkite")]
    target = tmp_path / "mirror" / "brightkite"
    target.mkdir(parents=True)
    for name in [*names, "SHA256SUMS"]:
        (target / name).write_bytes((source / name).read_bytes())
    assert len(names) == 3 and set((target / "SHA256SUMS").read_text().split()[1::2]) == set(names)
    return target, names


def mirror_config(tmp_path, tiny_config, mirror_dir, verify=True):
    """The tiny config cut to its BrightKite family, read from ``mirror_dir``."""
    config = dict(tiny_config, seeds=[0], algorithms=["opt", "lru", "followbits"], error_models=["flip"],
                  rates=[0.5], traces={"mirror": str(mirror_dir), "verify_checksums": verify},
                  families={"brightkite": tiny_config["families"]["brightkite"]})
    for section in ("arrivals", "learned", "adversarial"):
        config[section] = dict(config[section], families=["brightkite"])
    path = tmp_path / f"mirror-{verify}.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def test_corrupted_mirror_file_fails_naming_it(mirror_copy, tiny_config, tmp_path):
    folder, names = mirror_copy
    corrupt = folder / names[1]
    original = corrupt.read_bytes()
    lines = original.split(b"\n")
    lines[100] = lines[100][:-1] + (b"0" if lines[100][-1:] != b"0" else b"1")  # one changed hex digit
    corrupt.write_bytes(b"\n".join(lines))
    config = mirror_config(tmp_path, tiny_config, folder.parent)
    workdir = tmp_path / "run"

    proc = snakemake(workdir, "--cores", "1", "--show-failed-logs", config=config, check=False)
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
    snakemake(workdir, "--cores", "1", "results/traces/brightkite.npz", config=config)
    assert (workdir / "results" / "traces" / "brightkite.npz").exists()


def test_malformed_mirror_file_without_checksums_names_file_and_line(mirror_copy, tiny_config, tmp_path):
    """With verify_checksums off, a malformed file is still an error naming
    the file and the line (here a blank line 7)."""
    folder, names = mirror_copy
    bad = folder / names[2]
    lines = bad.read_bytes().split(b"\n")
    lines[6] = b""
    bad.write_bytes(b"\n".join(lines))
    workdir = tmp_path / "run"
    proc = snakemake(workdir, "--cores", "1", "--show-failed-logs", "results/traces/brightkite.npz",
                     config=mirror_config(tmp_path, tiny_config, folder.parent, verify=False), check=False)
    assert proc.returncode != 0
    assert f"{bad}, line 7: blank line" in proc.stdout + proc.stderr
    assert not (workdir / "results" / "traces" / "brightkite.npz").exists()


def test_npy_folder_is_written_whole_or_not_at_all(tmp_path):
    """save_npy_dir: a failing writer leaves neither the folder nor its
    temporary; a finished one replaces an older folder and reads back
    (mapped copy-on-write: writes stay private)."""
    from succinct_paging.store import load_npy_dir, save_npy_dir

    target = tmp_path / "truth"

    class Broken:
        def __array__(self, *args, **kwargs):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        save_npy_dir(target, a=np.arange(3), b=Broken())
    assert list(tmp_path.iterdir()) == []
    save_npy_dir(target, a=np.arange(3), stale=np.zeros(2))
    save_npy_dir(target, a=np.arange(5))
    back = load_npy_dir(target)
    assert list(back) == ["a"] and np.array_equal(back["a"], np.arange(5))
    back["a"][0] = 9
    assert np.load(target / "a.npy")[0] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["truth"]

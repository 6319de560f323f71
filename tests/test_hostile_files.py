"""Issue 21, "the user's own files, and options that end in a traceback":
every finding of the issue is a row here (library, command line, workflow),
and each failed on the main branch the issue was filed against.

Rows are grouped by the issue's bullets: truncated compressed files, limit
and memory, CSV quoting, txt and csv on the same bytes, command-line
values, library gaps, workflow limits, written traces and seeds, config
lists checked against the job, and stale results after a changed trace.
"""

import bz2
import dataclasses
import gzip
import lzma
import os
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

import succinct_paging as sp
from succinct_paging.algorithms import REGISTRY, register, unregister
from succinct_paging.config import ConfigError, check_config
from succinct_paging.seeds import derive_seed
from succinct_paging.traces import TraceError, TraceWarning, formats, read_trace, write_oracle_general
from snakemake_run import planned_jobs, snakemake

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
TEST_CONFIG = ROOT / ".test" / "config" / "config.yaml"

COMPRESS = {"zstd": zstandard.ZstdCompressor().compress, "gzip": gzip.compress, "bzip2": bz2.compress,
            "xz": lzma.compress}


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceWarning)
        return fn(*args, **kwargs)


def cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "succinct_paging.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=300, **kwargs)


def one_line_error(proc, *texts):
    """rc 2, one ``succinct-paging: error:`` line naming ``texts``, no traceback."""
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("succinct-paging: error: "), proc.stderr
    for text in texts:
        assert text in lines[0], proc.stderr


# ------------------------------------------- 1. truncated compressed files


@pytest.mark.parametrize("how", list(COMPRESS))
@pytest.mark.parametrize("fmt", ["txt", "oracleGeneral"])
def test_truncated_compressed_file_is_an_error_not_a_shorter_trace(tmp_path, how, fmt):
    ids = np.arange(40_000) % 997
    raw = tmp_path / "raw"
    if fmt == "txt":
        raw.write_bytes(b"".join(b"%d\n" % x for x in ids))
    else:
        write_oracle_general(raw, ids)
    packed = COMPRESS[how](raw.read_bytes())
    whole = tmp_path / "whole"
    whole.write_bytes(packed)
    assert quiet(read_trace, whole, fmt).size == ids.size
    cut = tmp_path / "cut"
    cut.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(TraceError, match=r"cut: (truncated compressed file|cannot read or decompress)"):
        quiet(read_trace, cut, fmt)
    one_line_error(cli("simulate", cut, "--k", 4, "--format", fmt), str(cut))


def test_corrupt_zstd_is_an_error_naming_the_file(tmp_path):
    packed = bytearray(zstandard.ZstdCompressor().compress(b"1\n2\n3\n" * 1000))
    packed[len(packed) // 2] ^= 0xFF
    path = tmp_path / "bad.txt.zst"
    path.write_bytes(bytes(packed))
    with pytest.raises(TraceError, match=r"bad\.txt\.zst"):
        quiet(read_trace, path)


def test_concatenated_zstd_frames_are_one_trace(tmp_path):
    c = zstandard.ZstdCompressor()
    path = tmp_path / "two.zst"
    path.write_bytes(c.compress(b"1\n2\n") + c.compress(b"3\n1\n"))
    assert read_trace(path).tolist() == [0, 1, 2, 0]


@settings(max_examples=40, deadline=None)
@given(frames=st.lists(st.binary(max_size=20_000), min_size=1, max_size=3), size=st.integers(1, 9000))
def test_every_compressed_stream_reads_like_a_file(tmp_path_factory, frames, size):
    """open_binary's streams (gzip, zstd with several frames, bzip2, xz)
    give the whole data from read() and from read(size) repeated, as io
    streams do (read() of a zstd stream returned all but its last byte)."""
    from succinct_paging.traces.formats import open_binary

    data = b"".join(frames)
    z = zstandard.ZstdCompressor()
    packed = {"gz": gzip.compress(data), "zst": b"".join(z.compress(f) for f in frames),
              "bz2": bz2.compress(data), "xz": lzma.compress(data)}
    folder = tmp_path_factory.mktemp("streams")
    for ext, raw in packed.items():
        path = folder / f"t.{ext}"
        path.write_bytes(raw)
        with open_binary(path) as f:
            assert f.read() == data, ext
        with open_binary(path) as f:
            assert f.read(-1) == data and f.read() == b"", ext
        with open_binary(path) as f:
            got = b"".join(iter(lambda: f.read(size), b""))
        assert got == data, ext


# ------------------------------------------------ 2. limit and memory


def _bomb(path, lines=200_000):
    """A zstd file of ``lines`` lines "1" (about 2·lines bytes unpacked)."""
    with open(path, "wb") as f, zstandard.ZstdCompressor().stream_writer(f) as w:
        for _ in range(lines // 10_000):
            w.write(b"1\n" * 10_000)
    return path


@pytest.mark.parametrize("fmt", ["txt", "csv"])
def test_limit_stops_decompressing(tmp_path, monkeypatch, fmt):
    """With a maximum far below the file's unpacked size, reading the first
    1000 requests succeeds (reading stopped there); without a limit the
    maximum is a clear error naming the file and what to set."""
    path = _bomb(tmp_path / "bomb.zst")
    monkeypatch.setattr(formats, "MAX_DECOMPRESSED_BYTES", 1 << 18, raising=False)
    monkeypatch.setattr(formats, "_BLOCK", 1 << 14, raising=False)
    options = {"column": 1} if fmt == "csv" else {}
    assert quiet(read_trace, path, fmt, limit=1000, **options).size == 1000
    with pytest.raises(TraceError, match=r"bomb\.zst: decompresses to more than .*limit"):
        quiet(read_trace, path, fmt, **options)


def test_oracle_general_bomb_is_refused_or_cut_at_the_limit(tmp_path, monkeypatch):
    """A small .zst of many zero records (main: a traceback without a limit)."""
    path = tmp_path / "bomb.bin.zst"
    with open(path, "wb") as f, zstandard.ZstdCompressor().stream_writer(f) as w:
        for _ in range(20):
            w.write(bytes(24 * 10_000))
    monkeypatch.setattr(formats, "MAX_DECOMPRESSED_BYTES", 24 << 14, raising=False)
    monkeypatch.setattr(formats, "_BLOCK", 24 << 10, raising=False)
    assert read_trace(path, "oracleGeneral", limit=1000).tolist() == [0] * 1000
    with pytest.raises(TraceError, match=r"bomb\.bin\.zst: decompresses to more than .*limit"):
        read_trace(path, "oracleGeneral")


def test_oracle_general_limit_reserves_nothing_up_front(tmp_path):
    """A limit far above a compressed file's records costs no memory (main
    reserved 8 bytes per request of the limit: 16 GB here)."""
    write_oracle_general(tmp_path / "raw.bin", [1, 2, 1])
    path = tmp_path / "t.bin.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress((tmp_path / "raw.bin").read_bytes()))
    tracemalloc.start()
    try:
        got = read_trace(path, "oracleGeneral", limit=2_000_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got.tolist() == [0, 1, 0]
    assert peak < 64 << 20, peak


def test_csv_memory_does_not_grow_with_longest_field_times_rows(tmp_path):
    """One 40,000-character field among 1,000 rows: main built a fixed-width
    array of 1,000 × 40,000 characters (160 MB); memory is now the text plus
    one 16 MiB read block."""
    rows = ["t,obj"] + [f"{i},{'x' * 40_000 if i == 0 else i}" for i in range(1000)]
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(rows) + "\n")
    tracemalloc.start()
    try:
        got = quiet(read_trace, path, "csv", column="obj")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got.size == 1000
    assert peak < 48 << 20, peak


def test_overlong_line_is_an_error_naming_the_line(tmp_path, monkeypatch):
    monkeypatch.setattr(formats, "MAX_LINE_BYTES", 1 << 12, raising=False)
    monkeypatch.setattr(formats, "_BLOCK", 1 << 12, raising=False)
    path = tmp_path / "long.csv"
    path.write_bytes(b"a,obj\n1,2\n" + b"x" * (1 << 14) + b"\n")
    with pytest.raises(TraceError, match=r"long\.csv, line 3: longer than"):
        quiet(read_trace, path, "csv", column="obj")


def test_first_line_over_a_mib_is_not_a_false_missing_delimiter(tmp_path):
    path = tmp_path / "head.csv"
    path.write_bytes(b"obj," + b"y" * (1 << 20) + b"\n1,2\n")
    with pytest.raises(TraceError) as info:
        quiet(read_trace, path, "csv", column="obj")
    assert "holds no" not in str(info.value) and "line 1: longer than" in str(info.value)


# ------------------------------------------------------- 3. CSV quoting


def test_quoted_header_field_with_the_delimiter_names_the_right_column(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('"x,y",obj,size\n1,10,7\n2,20,7\n3,10,7\n')
    assert read_trace(path, "csv", column="obj").tolist() == [0, 1, 0]


def test_spreadsheet_csv_with_bom_quoted_header_and_crlf_is_read(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes('\ufeff"obj","time","size"\r\n"a",1,3\r\n"b",2,3\r\n"a",3,3\r\n'.encode("utf-8"))
    assert read_trace(path, "csv", column="obj").tolist() == [0, 1, 0]


@pytest.mark.parametrize("body, line", [("1,2\n3\n", 3), ("1,2\n3,4,5\n", 3), ('1,2\n"3",4,5\n', 3)])
def test_ragged_rows_are_an_error_with_the_line(tmp_path, body, line):
    path = tmp_path / "ragged.csv"
    path.write_text("a,obj\n" + body)
    with pytest.raises(TraceError, match=rf"ragged\.csv, line {line}: \d field\(s\).*first line has 2"):
        quiet(read_trace, path, "csv", column="obj")


# --------------------------------------------- 4. txt and csv, same bytes


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf1\n2\n1\n", "\u00a01\n2\n1\u00a0\n".encode()])
def test_bom_and_nbsp_give_the_same_pages_in_txt_and_csv(tmp_path, data):
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    assert read_trace(path).tolist() == read_trace(path, "csv", column=1).tolist() == [0, 1, 0]
    assert sp.simulate("lru", read_trace(path), 1) == 3


@pytest.mark.parametrize("byte", [b"\x00", b"\x01", b"\x1b", b"\x7f"])
@pytest.mark.parametrize("fmt", ["txt", "csv"])
def test_control_bytes_in_ids_are_an_error(tmp_path, byte, fmt):
    path = tmp_path / "ctl.txt"
    path.write_bytes(b"1\n2" + byte + b"\n3\n")
    with pytest.raises(TraceError, match=r"ctl\.txt, line 2: control character"):
        read_trace(path, fmt, **({"column": 1} if fmt == "csv" else {}))


ID = st.text(alphabet="ab1 \u00a0\"", min_size=1, max_size=5)


@settings(max_examples=60, deadline=None)
@given(ids=st.lists(ID, min_size=1, max_size=20), bom=st.booleans(), end=st.sampled_from(["\n", "\r\n", "\r"]),
       quote=st.lists(st.booleans(), min_size=20, max_size=20))
def test_txt_and_csv_read_the_same_pages_from_the_same_bytes(tmp_path_factory, ids, bom, end, quote):
    """Random one-column files with a BOM, any line end, whitespace and
    quotes: txt and csv column 1 read the same pages, or both refuse."""
    lines = ['"' + x.replace('"', '""') + '"' if q else x for x, q in zip(ids, quote)]
    path = tmp_path_factory.mktemp("same") / "t.txt"
    path.write_bytes((("\ufeff" if bom else "") + end.join(lines) + end).encode())
    results = []
    for fmt, options in (("txt", {}), ("csv", {"column": 1, "delimiter": ","})):
        try:
            results.append(quiet(read_trace, path, fmt, **options).tolist())
        except TraceError as exc:
            results.append(("error", str(exc).split(": ", 1)[1].split(";")[0][:20]))
    if all(isinstance(r, list) for r in results):
        assert results[0] == results[1]
    else:
        assert all(isinstance(r, tuple) for r in results), results


# ---------------------------------------------------- 5. command line


@pytest.fixture(scope="module")
def trace(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "t.txt"
    path.write_text("1\n2\n3\n1\n2\n4\n")
    return path


@pytest.mark.parametrize("args, texts", [
    (["--budget-factor", "inf"], ["--budget-factor inf", "finite"]),
    (["--budget-factor", "nan"], ["--budget-factor nan"]),
    (["--switch-factor", "inf"], ["--switch-factor inf", "finite"]),
    (["--seed", str(2**64)], ["--seed", "2**63 - 1"]),
    (["--seed", str(2**63)], ["--seed", "2**63 - 1"]),
    (["--master-seed", str(2**63)], ["--master-seed", "2**63 - 1"]),
    (["--limit", str(10**13)], ["--limit", "2000000000"]),
    (["--k", str(10**10)], ["--k", "1000000000"]),
])
def test_cli_values_are_checked_as_their_config_keys(trace, args, texts):
    one_line_error(cli("simulate", trace, "--k", 2, *args), *texts)


def test_closed_stdout_is_a_failure(trace):
    proc = subprocess.run([sys.executable, "-m", "succinct_paging.cli", "simulate", str(trace), "--k", "2"],
                          stdout=subprocess.DEVNULL if False else None, capture_output=False, text=True,
                          stderr=subprocess.PIPE, timeout=300, close_fds=True,
                          preexec_fn=lambda: os.close(1))
    assert proc.returncode != 0
    assert "cannot write the output" in proc.stderr and "Traceback" not in proc.stderr


def test_full_disk_output_is_a_failure(trace):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "succinct_paging.cli", "simulate", str(trace), "--k", "2"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert proc.returncode == 1 and "cannot write the output" in proc.stderr and "Traceback" not in proc.stderr


NO_CACHE = """
from numba.core import caching
def refuse(self):
    if "succinct-paging-numba-" not in self.get_cache_path():
        raise PermissionError(13, "Permission denied", self.get_cache_path())
    caching._CacheLocator.ensure_cache_path(self)
for cls in (caching.InTreeCacheLocator, caching.UserWideCacheLocator, caching.UserProvidedCacheLocator):
    cls.ensure_cache_path = refuse
import sys
from succinct_paging.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_unwritable_numba_cache_falls_back_with_one_warning(trace):
    """No writable cache folder (package, NUMBA_CACHE_DIR, HOME): the command
    runs uncached and says so once, instead of numba's "no locator" traceback."""
    proc = subprocess.run([sys.executable, "-c", NO_CACHE, "simulate", str(trace), "--k", "2",
                           "--algorithms", "lru"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "no locator" not in proc.stderr
    assert proc.stderr.count("numba cache: no writable cache folder") == 1, proc.stderr
    assert proc.stdout.splitlines()[1].split()[:2] == ["lru", "6"]


# ------------------------------------------------------- 6. library gaps


@pytest.mark.parametrize("bits, truth, text", [
    ([0, -1], [0, 1], "bits must contain only 0 and 1"),
    ([0, 1, 1], [0, 1], "bits has length 3 but truth has length 2"),
    ([1], [0, 1, 1], "bits has length 1 but truth has length 3"),
    ([[0, 1]], [[1, 0]], "truth must be a 1-D array"),
    ([0.5, 1], [0, 1], "bits must be 0/1 integers or booleans"),
    (np.array([1, 2], dtype="m8[s]"), [0, 1], "bits must be 0/1 integers or booleans"),
])
def test_count_errors_validates_its_arguments(bits, truth, text):
    with pytest.raises(ValueError, match=text.replace("(", r"\(")):
        sp.count_errors(bits, truth)


@settings(max_examples=80, deadline=None)
@given(dtype=st.sampled_from(["u1", "i1", "i8", "u8", "f8", "?", "m8[s]", "M8[s]", "U1", "O"]),
       shape=st.sampled_from([(0,), (3,), (2, 2), (1, 3), ()]),
       value=st.sampled_from([0, 1, 2, -1, 2**62]))
def test_count_errors_over_dtypes_shapes_and_extremes(dtype, shape, value):
    """Either a ValueError naming bits or truth, or the counts of a 0/1
    pair of 1-D arrays of the same length; never another exception."""
    try:
        bits = np.full(shape, value).astype(dtype) if dtype not in ("U1", "O") else np.full(shape, str(value % 10))
    except (ValueError, OverflowError, TypeError):
        return
    truth = np.zeros(bits.shape[0] if bits.ndim else 1, dtype=np.int64)
    try:
        eta0, eta1 = sp.count_errors(bits, truth)
    except ValueError as exc:
        assert str(exc).startswith(("bits ", "truth ")), exc
        return
    assert bits.ndim == 1 and set(np.asarray(bits, dtype=np.int64).tolist()) <= {0, 1}
    assert eta0 == 0 and eta1 == int(np.count_nonzero(np.asarray(bits, dtype=np.int64)))


@pytest.mark.parametrize("name, args", [
    ("opt", (10**400, 0, 0)), ("eta0", (1, 10**400, 0)), ("eta1", (1, 0, 1e308 * 10)), ("opt", (2**63, 0, 0)),
])
def test_upper_bound_rejects_counts_beyond_any_trace(name, args):
    with pytest.raises(ValueError, match=rf"{name} must be a finite number in \[0, 2\*\*63 - 1\]"):
        sp.upper_bound("followbits", 10, *args)


@settings(max_examples=60, deadline=None)
@given(opt=st.integers(0, 2**63 - 1), eta0=st.integers(0, 2**63 - 1), eta1=st.integers(0, 2**63 - 1),
       k=st.integers(1, 10**9), alg=st.sampled_from(["lru", "followbits", "mark0", "followbits_robust", "opt"]))
def test_upper_bound_is_finite_or_nan_at_the_extremes(opt, eta0, eta1, k, alg):
    value = sp.upper_bound(alg, k, opt, eta0, eta1, n_phases=opt)
    assert value != float("inf") and value == value or alg not in ("lru", "followbits", "opt")


def test_timedelta_pages_name_the_argument():
    with pytest.raises(ValueError, match=r"pages must have an integer dtype, got timedelta64"):
        sp.simulate("lru", np.array([1, 2, 3], dtype="m8[s]"), 2)


# -------------------------------------------------- 7. workflow limits


def tiny():
    return yaml.safe_load(TEST_CONFIG.read_text())


def check(config):
    config["traces"]["mirror"] = str(ROOT / ".test" / "mirror")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return check_config(config, SCHEMA, ROOT)


@pytest.mark.parametrize("key, value, texts", [
    ("limit", 10**13, ["config key families.user.limit:", "2000000000"]),
    ("column", "0", ["config key families.user.column:", "'0'", ">= 1"]),
])
def test_files_keys_have_a_range(key, value, texts):
    config = tiny()
    config["families"]["user"].update({"format": "csv", "column": 1} if key == "limit" else {"format": "csv"})
    config["families"]["user"][key] = value
    with pytest.raises(ConfigError) as info:
        check(config)
    for text in texts:
        assert text in str(info.value), str(info.value)


@pytest.mark.parametrize("ks, texts", [
    ([4096], ["config key k_sweep.ks[0]:", "k = 4096", "requests", "machine.memory_gb"]),
    ([8, 1024], ["config key k_sweep.ks[1]:", "uniform at k = 1024", "GB of memory", "machine.memory_gb = 8"]),
])
def test_k_sweep_beyond_the_machine_is_refused_with_the_estimate(ks, texts):
    config = tiny()
    config["k_sweep"] = {"ks": ks}
    with pytest.raises(ConfigError) as info:
        check(config)
    for text in texts:
        assert text in str(info.value), str(info.value)


def test_a_bigger_machine_is_a_config_key():
    config = tiny()
    config["k_sweep"] = {"ks": [1024]}
    config["machine"] = {"memory_gb": 64}
    assert check(config)["k_sweep"]["ks"] == [1024]


def test_synthetic_length_beyond_the_machine_is_refused():
    config = tiny()
    config["families"]["zipf"]["length"] = 100_000_000
    config["families"]["zipf"]["instances"] = 100
    with pytest.raises(ConfigError, match=r"config key families\.zipf\.length: family zipf needs about 1e\+08"):
        check(config)


def test_sizing_agrees_with_the_k_sweep():
    """The plan-time estimate is the length of the instances the k-sweep
    makes, for every k-sweep family (a family added later is covered)."""
    from succinct_paging.experiments.k_sweep import FAMILIES, make_instances
    from succinct_paging.sizing import K_SWEEP_DETERMINISTIC, k_sweep_length

    for fam in FAMILIES:
        for k in (2, 3, 7):
            for phases, per_k in ((1, 0), (5, 2)):
                made = make_instances(fam, k, phases, 2, 1, per_k)
                assert {len(p) for _, p in made} == {k_sweep_length(fam, k, phases, per_k)}, (fam, k)
                assert len(made) == (1 if fam in K_SWEEP_DETERMINISTIC else 2), fam


# -------------------------------------------- 8. written traces and seeds


@pytest.mark.parametrize("parts", [(10,), (20230701, "bits", "zipf", "zipf-0", 5, 1), (7, 0.1, True, "x")])
def test_seeds_do_not_depend_on_the_callers_integer_type(parts):
    numpy_parts = tuple(np.int64(x) if type(x) is int else np.float64(x) if type(x) is float
                        else np.bool_(x) if type(x) is bool else np.str_(x) for x in parts)
    assert derive_seed(*numpy_parts) == derive_seed(*parts)
    assert derive_seed(np.int32(10), np.uint8(3)) == derive_seed(10, 3)


def test_seeds_of_plain_values_are_unchanged():
    """Pinned values of today's configs (plain ints, strs, floats): the seeds
    and so every table stay byte-identical."""
    assert derive_seed(20230701, "zipf", 0, "flip", 0.1, 3) == 319757756570596449


# ------------------------------------ 9. config lists against the job


def test_lower_bounds_accept_only_what_the_adversary_serves():
    toy = dataclasses.replace(REGISTRY["lru"], id="lru_toy")
    register(toy)
    try:
        config = tiny()
        config["lower_bounds"]["algorithms"] = ["lru", "lru_toy"]
        with pytest.raises(ConfigError, match=r"lower_bounds\.algorithms\[1\]: 'lru_toy' cannot be played by "
                                              r"the step-by-step adversary.*lru, fifo, followbits"):
            check(config)
        config = tiny()
        config["lower_bounds"]["algorithms"] = ["blind_oracle"]
        with pytest.raises(ConfigError, match=r"lower_bounds\.algorithms\[0\]"):
            check(config)
    finally:
        unregister("lru_toy")


# ------------------------------------- 10. trace content decides reruns


FILES_CONFIG = """seeds: [0]
algorithms: [lru, followbits]
error_models: [flip]
rates: [0.1]
families:
  own: {generator: files, path: PATH, glob: "*.txt", k: [2]}
"""


def test_trace_content_not_mtime_decides_reruns(tmp_path):
    """A trace replaced by a different one with an older mtime reruns its
    trace job; an unchanged one touched to a newer mtime does not; a
    truncated compressed one fails the job."""
    folder = tmp_path / "traces"
    folder.mkdir()
    trace = folder / "a.txt"
    trace.write_text("1\n2\n3\n1\n" * 5)
    config = tmp_path / "config.yaml"
    config.write_text(FILES_CONFIG.replace("PATH", str(folder)))
    work = tmp_path / "run"
    target = "results/traces/own.npz"
    snakemake(work, "--cores", "1", target, config=config)
    assert planned_jobs(snakemake(work, "-n", "--cores", "1", target, config=config).stdout) == {}
    old = trace.stat().st_mtime - 3600
    trace.write_text("1\n2\n3\n4\n" * 5)  # corrected copy, older mtime (rsync -t, untar)
    os.utime(trace, (old, old))
    assert planned_jobs(snakemake(work, "-n", "--cores", "1", target, config=config).stdout) == {"traces": 1}
    snakemake(work, "--cores", "1", target, config=config)
    time.sleep(0.01)
    trace.touch()  # same content, newer mtime
    assert planned_jobs(snakemake(work, "-n", "--cores", "1", target, config=config).stdout) == {}
    packed = zstandard.ZstdCompressor().compress(b"".join(b"%d\n" % i for i in range(50_000)))
    (folder / "a.txt").unlink()
    (folder / "b.txt").write_bytes(packed[: len(packed) // 2])
    proc = snakemake(work, "--cores", "1", target, config=config, check=False)
    assert proc.returncode != 0
    log = (work / "logs" / "traces" / "own.log").read_text()
    assert "truncated compressed file" in log, log


PUBLIC = {
    "simulate": lambda a: sp.simulate("lru", a, 2), "discard_bits": lambda a: sp.discard_bits(a, 2),
    "phase_bits": lambda a: sp.phase_bits(a, 2), "k_phases": lambda a: sp.k_phases(a, 2),
    "inject": lambda a: sp.inject(a, "flip", 0.5, 1), "next_arrivals": lambda a: sp.next_arrivals(a),
    "setup_instance": lambda a: sp.setup_instance(a, 2),
    "count_errors": lambda a: sp.count_errors(a, np.zeros(a.shape[:1] or (1,), dtype=np.uint8)),
}


@settings(max_examples=200, deadline=None)
@given(dtype=st.sampled_from(["u1", "i1", "i8", "u8", "f8", "?", "m8[s]", "M8[s]", "U1", "O", "c16"]),
       shape=st.sampled_from([(0,), (4,), (2, 2), ()]), value=st.sampled_from([0, 1, 3, -1, 2**62]),
       fn=st.sampled_from(sorted(PUBLIC)))
def test_public_functions_over_dtypes_shapes_and_extremes(dtype, shape, value, fn):
    """Every public array function returns, or raises a ValueError whose
    message starts with the argument's name: never another exception."""
    try:
        arr = np.full(shape, str(value % 10) if dtype in ("U1", "O") else value).astype(dtype)
    except (ValueError, OverflowError, TypeError):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. numpy's ComplexWarning: no silent cast
        try:
            PUBLIC[fn](arr)
        except ValueError as exc:
            assert str(exc).split()[0] in ("pages", "truth_bits", "bits", "truth"), (fn, str(exc))

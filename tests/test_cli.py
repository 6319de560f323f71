"""The ``succinct-paging`` command line: one trace stored as text, CSV with a
header, gzipped CSV, oracleGeneral .bin and .zst gives identical rows, and the
rows are right (OPT, bits, η and the deterministic algorithms' faults against
the plain-Python references of tests/naive.py); bad arguments and misread
traces exit with status 2 and one line naming the problem."""

import csv
import gzip
import io
import subprocess
import sys

import numpy as np
import pytest
import zstandard

from naive import naive_eta, naive_opt, naive_simulate
from succinct_paging.cli import COLUMNS, main
from succinct_paging.errors import inject_bits
from succinct_paging.seeds import derive_seed
from succinct_paging.traces import remap, write_oracle_general

K = 6
DETERMINISTIC = ("opt", "lru", "fifo", "followbits", "followbits_robust")


@pytest.fixture(scope="module")
def ids():
    """Ids of every size (up to 2^64 - 1), repeats with locality."""
    rng = np.random.default_rng(5)
    alphabet = np.array([0, 1, 7, 2**32, 2**53 + 1, 2**63, 2**64 - 1, *range(100, 140)], dtype=np.uint64)
    picks = np.minimum(rng.zipf(1.4, 1500) - 1, alphabet.size - 1)
    return alphabet[picks]


@pytest.fixture(scope="module")
def stored(ids, tmp_path_factory):
    """The same trace in five files, all with stem ``t`` (seeds derive from it)."""
    d = tmp_path_factory.mktemp("cli")
    text = "".join(f"{x}\n" for x in ids)
    table = "timestamp,obj_id,size\n" + "".join(f"{i},{x},1\n" for i, x in enumerate(ids))
    (d / "t.txt").write_text(text)
    (d / "t.csv").write_text(table)
    with gzip.open(d / "t.csv.gz", "wt") as f:
        f.write(table)
    write_oracle_general(d / "t.bin", ids)
    (d / "zst").mkdir()
    (d / "zst" / "t.bin.zst").write_bytes(zstandard.ZstdCompressor().compress((d / "t.bin").read_bytes()))
    return {
        "txt": [str(d / "t.txt")],
        "csv": [str(d / "t.csv"), "--format", "csv", "--column", "obj_id"],
        "csv.gz": [str(d / "t.csv.gz"), "--format", "csv", "--column", "obj_id"],
        "bin": [str(d / "t.bin"), "--format", "oracleGeneral"],
        "zst": [str(d / "zst" / "t.bin.zst"), "--format", "oracleGeneral"],
    }


def run(capsys, *argv):
    code = main(["simulate", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def rows(out):
    return list(csv.DictReader(io.StringIO(out)))


@pytest.mark.parametrize("rate", [0.0, 0.3])
def test_every_format_gives_the_same_correct_rows(stored, ids, capsys, rate):
    args = ["--k", K, "--rate", rate, "--error-model", "flip", "--seed", 4, "--csv",
            "--algorithms", ",".join(DETERMINISTIC) + ",marker,combine(followbits,lru)"]
    outputs = {}
    for name, trace in stored.items():
        code, out, err = run(capsys, *trace, *args)
        assert code == 0, err
        outputs[name] = out
    assert len(set(outputs.values())) == 1, outputs  # byte-identical CSV for every storage
    table = rows(outputs["txt"])
    assert list(table[0]) == list(COLUMNS)
    assert [r["algorithm"] for r in table] == [*DETERMINISTIC, "marker", "combine(followbits,lru)"]

    pages = remap(ids).tolist()
    opt, truth = naive_opt(pages, K)
    seed = derive_seed(derive_seed(20230701, "bits", "t", "t", K, 4), "discard")
    bits = inject_bits(np.array(truth, dtype=np.uint8), "flip", rate, seed)[0].tolist()
    eta0, eta1 = naive_eta(bits, truth)
    for r in table:
        assert int(r["opt"]) == opt
        assert float(r["ratio"]) == pytest.approx(int(r["faults"]) / opt)
        if r["algorithm"] in ("opt", "lru", "fifo", "marker"):
            assert r["eta0"] == r["eta1"] == ""
        else:
            assert (int(r["eta0"]), int(r["eta1"])) == (eta0, eta1)
        if r["algorithm"] in DETERMINISTIC:
            assert int(r["faults"]) == naive_simulate(r["algorithm"], pages, K, bits)
    if rate == 0.0:
        assert eta0 == eta1 == 0
        assert int(table[DETERMINISTIC.index("followbits")]["faults"]) == opt  # consistency


def test_plain_table_has_one_row_per_algorithm(stored, capsys):
    code, out, err = run(capsys, *stored["txt"], "--k", K, "--algorithms", "lru,followbits")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split() == list(COLUMNS)
    assert [line.split()[0] for line in lines[1:]] == ["lru", "followbits"]
    assert "1500 requests" in err


def test_limit_reads_a_prefix(stored, ids, capsys):
    code, out, _ = run(capsys, *stored["bin"], "--k", K, "--limit", 100, "--algorithms", "opt", "--csv")
    assert code == 0
    assert int(rows(out)[0]["faults"]) == naive_opt(remap(ids[:100]).tolist(), K)[0]


def test_a_csv_with_a_header_read_as_text_is_rejected(stored, capsys):
    code, out, err = run(capsys, stored["csv"][0], "--k", K)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("succinct-paging: error: ") and "t.csv" in err and "--format csv --column" in err


@pytest.mark.parametrize("argv, named", [
    (["--k", "0"], "--k 0"),
    (["--k", "3", "--rate", "1.5"], "--rate 1.5"),
    (["--k", "3", "--rate", "nan"], "--rate nan"),
    (["--k", "3", "--error-model", "swap"], "--error-model 'swap'"),
    (["--k", "3", "--format", "parquet"], "--format 'parquet'"),
    (["--k", "3", "--algorithms", "lru,nope"], "'nope'"),
    (["--k", "3", "--algorithms", "lru,lru"], "listed twice"),
    (["--k", "3", "--algorithms", "blind_oracle"], "next-arrival"),
    (["--k", "3", "--seed", "-1"], "--seed -1"),
    (["--k", "3", "--limit", "0"], "--limit 0"),
    (["--k", "3", "--format", "csv"], "column required for format 'csv'"),
    (["--k", "3", "--format", "csv", "--column", "page"], "no column named 'page'"),
    (["--k", "3", "--format", "oracleGeneral"], "not an oracleGeneral record"),
])
def test_bad_arguments_exit_2_with_one_line(stored, capsys, argv, named):
    trace = stored["txt"][0] if "oracleGeneral" in argv or "--format" not in argv else stored["csv"][0]
    code, out, err = run(capsys, trace, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("succinct-paging: error: ") and named in err, err


def test_missing_trace_file(tmp_path, capsys):
    code, _, err = run(capsys, tmp_path / "absent.txt", "--k", 2)
    assert code == 2 and "absent.txt not found" in err


def test_help_does_not_import_numba_or_pandas():
    code = ("import sys; from succinct_paging import cli; "
            "print('numba' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    helped = subprocess.run([sys.executable, "-m", "succinct_paging.cli", "simulate", "--help"],
                            capture_output=True, text=True)
    assert helped.returncode == 0 and "--column" in helped.stdout

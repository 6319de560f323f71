"""Trace formats (succinct_paging.traces.formats): every format and
compression gives the ids the file holds, remapped in order of first
appearance; line ends \\n, \\r\\n and a lone \\r are one and the same; a limit
is a prefix; misread-looking files are errors or warnings that name the file
and what to set; a files family cannot map two files to one instance name."""

import gzip
import warnings

import numpy as np
import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from succinct_paging.traces import (
    ORACLE_GENERAL,
    TraceError,
    TraceWarning,
    load_trace_folder,
    read_trace,
    remap,
    trace_stats,
    write_oracle_general,
)

U64 = st.integers(min_value=0, max_value=2**64 - 1)
ID_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
                  min_size=1, max_size=6).filter(lambda s: s.strip() == s and not any(c in s for c in ",;|\t\"\x85"))


def compress(data: bytes, how: str) -> bytes:
    return {"none": lambda d: d, "gzip": gzip.compress, "zstd": zstandard.ZstdCompressor().compress}[how](data)


def write(path, data: bytes, how="none"):
    path.write_bytes(compress(data, how))
    return path


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceWarning)
        return fn(*args, **kwargs)


def first_appearance(ids):
    seen = {}
    return [seen.setdefault(x, len(seen)) for x in ids]


@settings(max_examples=40, deadline=None)
@given(ids=st.lists(U64 | st.sampled_from([0, 1, 2**64 - 1]), min_size=1, max_size=60),
       how=st.sampled_from(["none", "gzip", "zstd"]), end=st.sampled_from([b"\n", b"\r\n", b"\r"]))
def test_every_format_reads_the_same_integer_ids(tmp_path_factory, ids, how, end):
    d = tmp_path_factory.mktemp("f")
    expected = first_appearance(ids)
    text = b"".join(str(x).encode() + end for x in ids)
    table = b"t,obj_id,size" + end + b"".join(f"{i},{x},1".encode() + end for i, x in enumerate(ids))
    got_txt = quiet(read_trace, write(d / "a", text, how))
    got_csv = quiet(read_trace, write(d / "b", table, how), "csv", column="obj_id")
    got_col = quiet(read_trace, write(d / "c", table, how), "csv", column=2, header=True)
    write_oracle_general(d / "raw.bin", ids)
    got_bin = quiet(read_trace, write(d / "e", (d / "raw.bin").read_bytes(), how), "oracleGeneral")
    for got in (got_txt, got_csv, got_col, got_bin):
        assert got.dtype == np.int64 and got.tolist() == expected
    assert remap(np.array(ids, dtype=np.uint64)).tolist() == expected


@settings(max_examples=40, deadline=None)
@given(ids=st.lists(ID_TEXT, min_size=1, max_size=40), delim=st.sampled_from([",", "\t", ";"]),
       limit=st.none() | st.integers(1, 50))
def test_string_ids_in_any_column_and_delimiter(tmp_path_factory, ids, delim, limit):
    d = tmp_path_factory.mktemp("s")
    rows = [delim.join(["x", "page", "y"])] + [delim.join(["0", x, "1"]) for x in ids]
    path = d / "t.dat"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    got = quiet(read_trace, path, "csv", column="page", delimiter=delim, limit=limit)
    assert got.tolist() == first_appearance(ids[:limit])
    (d / "t.txt").write_text("".join(x + "\n" for x in ids), encoding="utf-8")
    assert quiet(read_trace, d / "t.txt", limit=limit).tolist() == first_appearance(ids[:limit])


def test_cr_only_line_ends_are_lines_not_one_request(tmp_path):
    for name, data in {"lf": b"a\nb\na\nc\n", "crlf": b"a\r\nb\r\na\r\nc", "cr": b"a\rb\ra\rc\r",
                       "mixed": b"a\rb\r\na\nc"}.items():
        assert read_trace(write(tmp_path / name, data)).tolist() == [0, 1, 0, 2], name
    table = b"obj_id,x\r5,1\r6,1\r5,1\r"
    assert read_trace(write(tmp_path / "t.csv", table), "csv", column="obj_id").tolist() == [0, 1, 0]


def test_tsv_default_delimiter_is_a_tab(tmp_path):
    path = write(tmp_path / "t.tsv.gz", b"a\tpage\n1\tx\n2\ty\n3\tx\n", "gzip")
    assert read_trace(path, "csv", column="page").tolist() == [0, 1, 0]


def test_csv_read_as_text_is_an_error_naming_file_and_option(tmp_path):
    path = write(tmp_path / "t.csv", b"timestamp,obj_id,size\n0,5,1\n1,6,1\n")
    with pytest.raises(TraceError) as info:
        read_trace(path)
    message = str(info.value)
    assert str(path) in message and "format: csv" in message and "column" in message


def test_header_line_read_as_a_page_warns(tmp_path):
    path = write(tmp_path / "t.txt", b"obj_id\n5\n6\n5\n")
    with pytest.warns(TraceWarning, match=r"t\.txt, line 1: 'obj_id' looks like a header.*header: true"):
        assert read_trace(path).tolist() == [0, 1, 2, 1]
    assert read_trace(path, header=True).tolist() == [0, 1, 0]
    table = write(tmp_path / "u.csv", b"ts,obj_id\n0,5\n1,6\n2,5\n")
    with pytest.warns(TraceWarning, match=r"u\.csv, line 1: 'obj_id' in column 2 looks like a header"):
        read_trace(table, "csv", column=2)


def test_all_distinct_pages_warn(tmp_path):
    path = write(tmp_path / "t.txt", b"".join(b"%d\n" % i for i in range(150)))
    with pytest.warns(TraceWarning, match=r"t\.txt: every one of its 150 requests is to a distinct page"):
        read_trace(path)


@pytest.mark.parametrize("data, options, named", [
    (b"a,b\n1,2\n", {"format": "csv", "column": "c"}, r"no column named 'c'.*'a', 'b'"),
    (b"a;b\n1;2\n", {"format": "csv", "column": "b"}, r"no column named 'b'.*holds no ','.*delimiter"),
    (b"1,2\n3,4\n", {"format": "csv", "column": 3}, r"line 1: column 3 asked for, but the line has 2"),
    (b"a,b\n1,\n", {"format": "csv", "column": "b"}, r"line 2: empty page id"),
    (b"1\n\n2\n", {}, r"line 2: blank line"),
    (b"", {}, r"empty trace file"),
    (b"\xff\xfe\x00\x01", {}, r"line 1: not valid UTF-8.*oracleGeneral"),
    (b"1\n2\n", {"format": "csv"}, r"column required for format 'csv'"),
    (b"1\n2\n", {"format": "txt", "column": 1}, r"column not used by format 'txt'"),
    (b"1\n2\n", {"format": "bin"}, r"format 'bin' is not allowed; allowed: txt, csv, oracleGeneral"),
    (b"1\n2\n", {"limit": 0}, r"limit 0 is out of range"),
    (b"obj_id,timestamp,size,next\n", {"format": "oracleGeneral"}, r"text.*not an oracleGeneral record"),
])
def test_errors_name_the_file_and_what_to_set(tmp_path, data, options, named):
    path = write(tmp_path / "t.x", data)
    with pytest.raises(TraceError, match=named) as info:
        read_trace(path, **options)
    assert str(path) in str(info.value)


def test_truncated_oracle_general_is_an_error(tmp_path):
    write_oracle_general(tmp_path / "t.bin", [1, 2, 3])
    data = (tmp_path / "t.bin").read_bytes()
    for how in ("none", "zstd"):
        path = write(tmp_path / f"cut.{how}", data[:-5], how)
        with pytest.raises(TraceError, match=r"partial record \(19 of 24 bytes after 2 records\)"):
            read_trace(path, "oracleGeneral")


def test_oracle_general_layout_is_libcachesim_s(tmp_path):
    assert ORACLE_GENERAL.itemsize == 24
    write_oracle_general(tmp_path / "t.bin", [9, 8, 9])
    raw = np.fromfile(tmp_path / "t.bin", dtype=ORACLE_GENERAL)
    assert raw["obj_id"].tolist() == [9, 8, 9]
    # libCacheSim's traceConv: "reference count starts with 1", -1 for never again
    assert raw["next_access_vtime"].tolist() == [3, -1, -1]
    assert raw["timestamp"].tolist() == [1, 2, 3]
    data = (tmp_path / "t.bin").read_bytes()
    assert int.from_bytes(data[4:12], "little") == 9 and int.from_bytes(data[24 + 4:24 + 12], "little") == 8


@settings(max_examples=20, deadline=None)
@given(ids=st.lists(st.integers(0, 5), min_size=1, max_size=30))
def test_oracle_general_round_trip_through_libcachesim(tmp_path_factory, ids):
    """libCacheSim's own reader sees our ids and next-access positions (it
    maps -1 to INT64_MAX, its "never")."""
    lcs = pytest.importorskip("libcachesim")
    path = tmp_path_factory.mktemp("lcs") / "t.bin"
    write_oracle_general(path, ids)
    reqs = [(r.obj_id, r.next_access_vtime) for r in lcs.TraceReader(str(path), lcs.TraceType.ORACLE_GENERAL_TRACE)]
    never = 2**63 - 1
    expected = [(x, next((j + 1 for j in range(i + 1, len(ids)) if ids[j] == x), never)) for i, x in enumerate(ids)]
    assert reqs == expected
    assert read_trace(path, "oracleGeneral").tolist() == first_appearance(ids)


def test_same_stem_in_one_family_is_an_error_naming_both(tmp_path):
    (tmp_path / "a.txt").write_text("1\n2\n")
    (tmp_path / "a.csv").write_text("1\n2\n")
    (tmp_path / "b.txt").write_text("1\n")
    with pytest.raises(TraceError, match=r"a\.csv and a\.txt would both be instance 'a'"):
        load_trace_folder(tmp_path, "*")
    names = [name for name, _ in load_trace_folder(tmp_path, "*.txt")]
    assert names == ["a", "b"]


def test_folder_reads_every_file_with_the_format(tmp_path):
    for i, how in enumerate(["none", "gzip", "zstd"]):
        write(tmp_path / f"t{i}.csv" if how == "none" else tmp_path / f"t{i}.csv.{'gz' if how == 'gzip' else 'zst'}",
              b"obj_id\n4\n5\n4\n", how)
    loaded = load_trace_folder(tmp_path, "t*", format="csv", column="obj_id", limit=2)
    assert [(n, p.tolist()) for n, p in loaded] == [("t0", [0, 1]), ("t1", [0, 1]), ("t2", [0, 1])]


@settings(max_examples=50, deadline=None)
@given(pages=st.lists(st.integers(0, 8), max_size=40))
def test_trace_stats_counts(pages):
    s = trace_stats(remap(pages))
    counts = {p: pages.count(p) for p in set(pages)}
    assert s["requests"] == len(pages) and s["distinct"] == len(counts)
    once = sum(1 for c in counts.values() if c == 1)
    assert s["one_time_share"] == (once / len(counts) if counts else 0.0)


def test_job_log_stamps_every_line(tmp_path):
    import re

    from succinct_paging.joblog import open_log

    log = open_log(tmp_path / "job.log")
    log.write("one\ntwo")
    log.write(" continued\n")
    print("three", file=log)
    log.close()
    log.close()  # closing twice is harmless
    lines = (tmp_path / "job.log").read_text().splitlines()
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 "
    assert [re.sub(stamp, "", x, count=1) for x in lines] == ["one", "two continued", "three"]
    assert all(re.match(stamp, x) for x in lines)

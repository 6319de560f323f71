"""The report's table views without pandas (succinct_paging.html_table): the
same markup as pandas' to_html of the CSV read as strings, for any CSV."""

import csv
import io

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from succinct_paging.html_table import read_rows, table_html

#: Cells as our tables write them (numbers, ids, names, `;`-joined lists), plus spaces, markup and CSV
#: quoting characters.
cells = st.text(alphabet="az09.-+_;:,\"' <>&éσ()", max_size=6)


@settings(max_examples=150, deadline=None)
@given(header=st.lists(st.from_regex(r"[a-z][a-z0-9_<>&]{0,5}", fullmatch=True), min_size=1, max_size=4, unique=True),
       data=st.data())
def test_same_markup_as_pandas(tmp_path_factory, header, data):
    rows = data.draw(st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), max_size=5))
    rows = [r for r in rows if len(r) > 1 or r[0].strip()]  # a one-column blank row is a blank line: both skip it
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header] + rows)
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    expected = pd.read_csv(path, dtype=str, keep_default_na=False).to_html(index=False, border=0, na_rep="")
    got_header, got_rows = read_rows(path)
    assert table_html(got_header, got_rows) == expected


def test_escapes_markup_and_keeps_empty_cells(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n"<x>&",\n', encoding="utf-8")
    header, rows = read_rows(path)
    assert rows == [["<x>&", ""]]
    html = table_html(header, rows)
    assert "<td>&lt;x&gt;&amp;</td>" in html and "<td></td>" in html

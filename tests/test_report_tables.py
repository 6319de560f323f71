"""The report shows the result tables (HTML pages made by rule report_table)
and names every subcategory for what it holds (no 'Other' anywhere)."""

import json
import re

import pandas as pd


def _categories(report_html):
    raw = report_html.read_text(encoding="utf-8")
    start = raw.index("var categories = ") + len("var categories = ")
    return json.loads(raw[start:raw.index(";\n", start)])


def test_report_tables_are_viewable_and_named(tiny_run):
    categories = _categories(tiny_run / "results" / "report.html")
    assert not [c for c, subs in categories.items() if "Other" in subs]
    tables = categories["Tables"]
    for csv in ("runs", "summary", "paired_differences", "excluded_instances"):
        assert f"results/{csv}.csv" in tables["CSV (download)"]
    views = tables["View in the report"]
    for name in ("summary", "empirical_constants", "paired_differences", "lower_bounds", "robust_search",
                 "k_sweep", "learned/answer"):
        assert f"results/report_tables/{name}.html" in views


def test_html_table_has_the_rows_and_cells_of_the_csv(tiny_run):
    for name in ("summary", "empirical_constants"):
        csv = pd.read_csv(tiny_run / "results" / f"{name}.csv", keep_default_na=False, dtype=str)
        page = (tiny_run / "results" / "report_tables" / f"{name}.html").read_text(encoding="utf-8")
        body = page[page.index("<tbody>"):]
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        assert len(rows) == len(csv)
        header = re.findall(r"<th>(.*?)</th>", page[:page.index("<tbody>")])
        assert header == list(csv.columns)
        first = [c.strip() for c in re.findall(r"<td>(.*?)</td>", rows[0], re.S)]
        assert first == [str(v) for v in csv.iloc[0]]

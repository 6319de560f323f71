import sys

from succinct_paging.joblog import open_log

sys.stderr = open_log(snakemake.log[0])  # noqa: F821 (snakemake comes from Snakemake)
# One result table (CSV) as a self-contained HTML page for the report.
import html  # noqa: E402

from succinct_paging.html_table import read_rows, table_html  # noqa: E402 (standard library only: no pandas)
from succinct_paging.store import atomic_path  # noqa: E402

source = snakemake.input[0]  # noqa: F821
header, rows = read_rows(source)  # cells exactly as in the CSV; empty stay empty
style = ("body{font-family:sans-serif;font-size:13px;margin:8px}"
         "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 6px;text-align:right}"
         "th{position:sticky;top:0;background:#eee}td:first-child,th:first-child{text-align:left}"
         "tr:nth-child(even){background:#f7f7f7}")
page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(source)}</title>"
        f"<style>{style}</style></head><body><p>{html.escape(source)}: {len(rows)} rows</p>"
        + table_html(header, rows) + "</body></html>\n")
with atomic_path(snakemake.output[0]) as tmp:  # noqa: F821
    tmp.write_text(page, encoding="utf-8")
print(f"{source}: {len(rows)} rows -> {snakemake.output[0]}", file=sys.stderr)  # noqa: F821

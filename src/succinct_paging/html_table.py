"""A CSV file as the HTML table of the report's table views (rule
report_table), with the standard library only: a table job must not pay
for importing pandas (issue 19). The markup is the one
``pandas.DataFrame.to_html(index=False, border=0, na_rep="")`` writes for
the CSV read as strings (``dtype=str, keep_default_na=False``), so the
views did not change when pandas left the job (tests/test_html_table.py
compares the two)."""

import csv

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _cell(text):
    """As pandas writes a cell: markup escaped, stripped, each pair of spaces as two non-breaking ones."""
    return text.translate(_ESCAPES).strip().replace("  ", "&nbsp;&nbsp;")


def read_rows(path):
    """``(header, rows)`` of a CSV file, every cell a string as written;
    blank lines (empty or spaces only) are skipped, as pandas does.
    O(size of the file)."""
    with open(path, newline="", encoding="utf-8") as fh:
        records = [r for r in csv.reader(fh) if len(r) > 1 or (r and r[0].strip())]
    if not records:
        raise ValueError(f"{path}: no header line")
    return records[0], records[1:]


def table_html(header, rows):
    """The ``<table>`` element of ``header`` and ``rows`` (lists of strings)."""
    out = ['<table class="dataframe">', "  <thead>", '    <tr style="text-align: right;">']
    out += [f"      <th>{_cell(h)}</th>" for h in header]
    out += ["    </tr>", "  </thead>", "  <tbody>"]
    for row in rows:
        out.append("    <tr>")
        out += [f"      <td>{_cell(c)}</td>" for c in row]
        out.append("    </tr>")
    out += ["  </tbody>", "</table>"]
    return "\n".join(out)

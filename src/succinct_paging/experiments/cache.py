"""The caching field's traces in the run table (contract §10): the
reproduction of the ARC paper's published LRU and ARC hit ratios.

:func:`arc_reproduction` reads rows of the runs table (contract §6) and the
published cells (``resources/arc_paper_hit_ratios.csv``) and puts them side
by side: per ARC trace at the paper's cache size, the published and our hit
ratios (%) of LRU (our kernel) and ARC (libcachesim), their differences in
percentage points, and OPT's hit ratio for scale. O(rows).
"""

import pandas as pd

from succinct_paging.store import atomic_path

#: Columns of :func:`arc_reproduction`.
ARC_COLUMNS = ["trace", "k", "requests", "lru_published", "lru_ours", "lru_diff",
               "arc_published", "arc_ours", "arc_diff", "opt_ours"]


def read_published(path):
    """The published cells: ``trace, cache_size, lru_hit_ratio, arc_hit_ratio``
    (percent; ``#`` lines are comments). Raises ValueError naming the file
    if a column is missing."""
    table = pd.read_csv(path, comment="#")
    missing = {"trace", "cache_size", "lru_hit_ratio", "arc_hit_ratio"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    return table


def arc_reproduction(runs, published, families):
    """One row per ``(family, k)`` of ``families`` (pairs of a cache family on
    an ARC trace and the paper's k): its trace (the run table's instance),
    the published and our hit ratios (%, 100 · (1 − faults / n)), our minus
    published (percentage points, rounded to 2 decimals like the paper) and
    OPT's hit ratio. A cell the runs table lacks (no ``arc`` rows because
    libcachesim is missing) is empty. Sorted by trace name."""
    rows = []
    for fam, k in families:
        sub = runs[(runs["trace_family"] == fam) & (runs["k"] == k) & (runs["error_model"] == "none")]
        if sub.empty:
            continue
        trace, n, opt = str(sub["instance"].iloc[0]), int(sub["n"].iloc[0]), int(sub["opt"].iloc[0])

        def ours(alg):
            faults = sub.loc[sub["algorithm"] == alg, "faults"]
            return round(100.0 * (1.0 - int(faults.iloc[0]) / n), 2) if len(faults) else float("nan")

        pub = published[(published["trace"] == trace) & (published["cache_size"] == k)]
        lru_pub = float(pub["lru_hit_ratio"].iloc[0]) if len(pub) else float("nan")
        arc_pub = float(pub["arc_hit_ratio"].iloc[0]) if len(pub) else float("nan")
        lru, arc = ours("lru"), ours("arc")
        rows.append((trace, int(k), n, lru_pub, lru, round(lru - lru_pub, 2), arc_pub, arc,
                     round(arc - arc_pub, 2), round(100.0 * (1.0 - opt / n), 2)))
    return pd.DataFrame(rows, columns=ARC_COLUMNS).sort_values("trace", kind="mergesort").reset_index(drop=True)


def to_markdown(table):
    """The reproduction table as a Markdown table (for the docs and the report)."""
    head = ("| trace | k | requests | LRU published | LRU ours | diff | ARC published | ARC (libcachesim) | diff "
            "| OPT |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    fmt = lambda x: "" if pd.isna(x) else f"{x:.2f}"  # noqa: E731
    lines = [f"| {r.trace} | {r.k:,} | {r.requests:,} | {fmt(r.lru_published)} | {fmt(r.lru_ours)} | "
             f"{fmt(r.lru_diff)} | {fmt(r.arc_published)} | {fmt(r.arc_ours)} | {fmt(r.arc_diff)} | "
             f"{fmt(r.opt_ours)} |\n" for r in table.itertuples()]
    return head + "".join(lines)


def write_arc_reproduction(runs_path, published_path, families, csv_path, md_path):
    """Read the runs table and the published cells, write the reproduction
    table as CSV and Markdown (atomically); returns the table."""
    runs = pd.read_parquet(runs_path, columns=["trace_family", "instance", "n", "k", "algorithm",
                                                "error_model", "faults", "opt"])
    table = arc_reproduction(runs, read_published(published_path), [tuple(fk) for fk in families])
    with atomic_path(csv_path) as tmp:
        table.to_csv(tmp, index=False, float_format="%.2f", lineterminator="\n")
    with atomic_path(md_path) as tmp:
        tmp.write_text(to_markdown(table), encoding="utf-8")
    return table

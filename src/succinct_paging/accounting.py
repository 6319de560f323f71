"""Per-job accounting (issue 19): Snakemake's ``benchmark:`` files gathered
into one table, and the one-line statement a user sizes a run with.

Every rule that computes has a ``benchmark:`` file whose path is its log
path with ``logs/`` replaced by ``results/benchmarks/`` and ``.log`` by
``.tsv``. :func:`gather` finds those files for any rule, given only the
rules' benchmark patterns (``{rule: pattern}``), so rules added later need
no edit here. Standard library only: the accounting job must stay cheap.
"""

import csv
import re
from pathlib import Path

#: Columns of ``results/benchmarks.csv``.
COLUMNS = ["rule", "wildcards", "seconds", "max_rss_mb", "cpu_seconds", "path"]

_WILDCARD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:,([^{}]*(?:\{[^{}]*\}[^{}]*)*))?\}")


def pattern_regex(pattern):
    """A compiled regex matching the paths of a Snakemake file ``pattern``,
    one named group per wildcard (a wildcard's own constraint is kept,
    otherwise it matches one path component or more, as Snakemake's ``.+``)."""
    out, pos, seen = [], 0, set()
    for m in _WILDCARD.finditer(pattern):
        out.append(re.escape(pattern[pos:m.start()]))
        name, constraint = m.group(1), m.group(2)
        if name in seen:
            out.append(f"(?P={name})")
        else:
            seen.add(name)
            out.append(f"(?P<{name}>{constraint or '.+'})")
        pos = m.end()
    out.append(re.escape(pattern[pos:]))
    return re.compile("".join(out) + r"\Z")


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


def read_benchmark(path):
    """``(seconds, max_rss_mb, cpu_seconds)`` of one Snakemake benchmark TSV
    (the last record when a job was benchmarked repeatedly). NaN for a
    column Snakemake could not measure (it writes ``NA``)."""
    with open(path, newline="") as fh:
        records = list(csv.DictReader(fh, delimiter="\t"))
    if not records:
        raise ValueError(f"{path}: empty benchmark file")
    rec = records[-1]
    return _number(rec.get("s")), _number(rec.get("max_rss")), _number(rec.get("cpu_time"))


def _literal_length(pattern):
    return len(_WILDCARD.sub("", pattern))


def log_resources(path):
    """``(cpu_seconds, max_rss_mb)`` from the last ``job resources:`` line of
    a job log (:func:`succinct_paging.joblog.resources_line`), or None when
    the log has none (a job that does not use open_log, or was killed)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = [line for line in fh if "job resources:" in line]
    except OSError:
        return None
    if not lines:
        return None
    fields = dict(part.split("=", 1) for part in lines[-1].split("job resources:", 1)[1].split() if "=" in part)
    try:
        return float(fields["cpu_seconds"]), float(fields["max_rss_mb"])
    except (KeyError, ValueError):
        return None


def log_path(benchmark_rel):
    """The log of a benchmark file by the convention: ``results/benchmarks/X.tsv`` → ``logs/X.log``."""
    return "logs/" + benchmark_rel.removeprefix("results/benchmarks/").removesuffix(".tsv") + ".log"


def gather(patterns, root="."):
    """Rows ``(rule, wildcards, seconds, max_rss_mb, cpu_seconds, path)`` of
    every benchmark file under ``root`` that one of ``patterns`` (``{rule:
    benchmark pattern}``, relative paths, wildcard constraints allowed)
    matches; ``wildcards`` is ``name=value`` joined by ``;`` in the pattern's
    order. CPU seconds come from the job log's ``job resources:`` line when
    it has one (:func:`log_resources`; the log is the benchmark path with
    ``results/benchmarks/`` → ``logs/``, ``.tsv`` → ``.log``), else from the
    benchmark's samples. A file that several patterns match belongs to the one with the
    most literal characters (``figures/smoothness_{family}_k{k}`` before
    ``figures/{family}_k{k}``). Sorted by rule and wildcards.
    O(files × rules)."""
    root = Path(root)
    compiled = sorted((-_literal_length(p), rule, pattern_regex(p), p.split("{", 1)[0].rsplit("/", 1)[0])
                      for rule, p in patterns.items() if p)
    folders = sorted({folder for *_, folder in compiled})
    files = sorted({path for folder in folders if (root / folder).is_dir() for path in (root / folder).rglob("*.tsv")})
    rows = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        for _, rule, regex, _ in compiled:
            m = regex.match(rel)
            if m:
                wildcards = ";".join(f"{k}={v}" for k, v in m.groupdict().items())
                seconds, rss, cpu = read_benchmark(path)
                exact = log_resources(root / log_path(rel))
                if exact:  # the job's own count: exact, where the benchmark's samples miss the end
                    cpu, rss = exact[0], max(rss, exact[1]) if rss == rss else exact[1]
                rows.append((rule, wildcards, seconds, rss, cpu, rel))
                break
    return sorted(rows, key=lambda r: (r[0], r[1]))


def write_table(rows, path):
    """Write :func:`gather`'s rows as CSV (header :data:`COLUMNS`)."""
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for rule, wildcards, seconds, rss, cpu, rel in rows:
            writer.writerow([rule, wildcards, f"{seconds:.3f}", f"{rss:.1f}", f"{cpu:.3f}", rel])


def read_table(path):
    """Rows of a table written by :func:`write_table` (numbers as floats)."""
    with open(path, newline="") as fh:
        return [(r["rule"], r["wildcards"], float(r["seconds"]), float(r["max_rss_mb"]), float(r["cpu_seconds"]),
                 r["path"]) for r in csv.DictReader(fh)]


def statement(rows):
    """One line: number of jobs, total CPU seconds and wall seconds summed,
    the longest job (by CPU seconds) and its share of the CPU total."""
    if not rows:
        return "accounting: no benchmark files yet"
    cpu = [r[4] if r[4] == r[4] else 0.0 for r in rows]  # NaN → 0
    total = sum(cpu)
    i = max(range(len(rows)), key=lambda j: cpu[j])
    rule, wildcards = rows[i][0], rows[i][1]
    share = cpu[i] / total if total > 0 else float("nan")
    wall = sum(r[2] for r in rows if r[2] == r[2])
    return (f"accounting: {len(rows)} jobs, {total:.1f} CPU s in total ({wall:.1f} s of job wall time summed); "
            f"longest job {rule}[{wildcards}] {cpu[i]:.1f} CPU s = {share:.1%} of the total")

"""Every rule with a log has a Snakemake benchmark file at the conventional
path (issue 19): the log path with ``logs/`` → ``results/benchmarks/`` and
``.log`` → ``.tsv``, so results/benchmarks.csv accounts for every job and
finds each job's log. The accounting rule itself is the one exception (its
benchmark would be written after it gathers)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXEMPT = {"benchmarks_table"}


def _rules():
    """``{rule: (log path, benchmark path or None)}`` of workflow/rules/*.smk, read as text."""
    found = {}
    for path in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        text = path.read_text()
        for block in re.split(r"^(?=rule \w+:)", text, flags=re.M):
            m = re.match(r"rule (\w+):", block)
            if not m:
                continue
            log = re.search(r"^    log:\n\s+\"([^\"]+)\"", block, flags=re.M)
            bench = re.search(r"^    benchmark:\n\s+\"([^\"]+)\"", block, flags=re.M)
            found[m.group(1)] = (log and log.group(1), bench and bench.group(1))
    return found


def test_every_logged_rule_has_its_benchmark_at_the_conventional_path():
    rules = _rules()
    assert len(rules) > 20 and "simulate" in rules and "k_sweep_job" in rules
    for name, (log, bench) in rules.items():
        if log is None or name in EXEMPT:
            continue
        assert log.startswith("logs/") and log.endswith(".log"), (name, log)
        expected = "results/benchmarks/" + log[len("logs/"):-len(".log")] + ".tsv"
        assert bench == expected, f"rule {name}: benchmark {bench!r}, expected {expected!r} (from log {log!r})"


def test_log_and_benchmark_paths_map_back():
    from succinct_paging.accounting import log_path

    for name, (log, bench) in _rules().items():
        if bench:
            assert log_path(bench) == log, name

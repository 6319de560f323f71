"""Per-job accounting (issue 19): benchmark files found from the rules'
patterns alone, the most specific pattern winning, and the statement."""

import math

from succinct_paging.accounting import gather, pattern_regex, read_table, statement, write_table

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def _bench(root, rel, seconds, cpu, rss="100.5"):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"{seconds}\t0:00:01\t{rss}\t1\t1\t1\t0\t0\t10\t{cpu}\n")


PATTERNS = {
    "plot_family": "results/benchmarks/figures/{family,[A-Za-z][A-Za-z0-9_]*}_k{k,[0-9]+}.tsv",
    "plot_smoothness": "results/benchmarks/figures/smoothness_{family}_k{k}.tsv",
    "simulate": "results/benchmarks/runs/{family}/k{k}/rate{rate,[0-9]+(\\.[0-9]+)?(e-[0-9]+)?}.tsv",
    "baseline": "results/benchmarks/runs/{family}/k{k}/baseline.tsv",
    "aggregate": "results/benchmarks/aggregate.tsv",
    "no_benchmark": None,
}


def test_gather_assigns_every_file_to_its_rule(tmp_path):
    _bench(tmp_path, "results/benchmarks/figures/zipf_k5.tsv", 1.5, 1.25)
    _bench(tmp_path, "results/benchmarks/figures/smoothness_zipf_k5.tsv", 2.0, 1.0)
    _bench(tmp_path, "results/benchmarks/runs/loop/k4/rate0.1.tsv", 3.0, 2.5)
    _bench(tmp_path, "results/benchmarks/runs/loop/k4/baseline.tsv", 1.0, 0.5)
    _bench(tmp_path, "results/benchmarks/aggregate.tsv", 0.5, 0.25)
    _bench(tmp_path, "results/benchmarks/unknown/thing.tsv", 9.0, 9.0)  # no rule: left out
    rows = gather(PATTERNS, tmp_path)
    got = {(r[0], r[1]): (r[2], r[4]) for r in rows}
    assert got == {
        ("plot_family", "family=zipf;k=5"): (1.5, 1.25),
        ("plot_smoothness", "family=zipf;k=5"): (2.0, 1.0),
        ("simulate", "family=loop;k=4;rate=0.1"): (3.0, 2.5),
        ("baseline", "family=loop;k=4"): (1.0, 0.5),
        ("aggregate", ""): (0.5, 0.25),
    }
    out = tmp_path / "benchmarks.csv"
    write_table(rows, out)
    back = read_table(out)
    assert [(r[0], r[1], r[4]) for r in back] == [(r[0], r[1], r[4]) for r in rows]
    line = statement(back)
    assert "5 jobs" in line and "5.5 CPU s" in line
    assert "simulate[family=loop;k=4;rate=0.1] 2.5 CPU s = 45.5%" in line


def test_na_columns_are_nan_and_count_as_zero(tmp_path):
    path = tmp_path / "results/benchmarks/aggregate.tsv"
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + "0.7\t0:00:00\tNA\tNA\tNA\tNA\tNA\tNA\tNA\tNA\n")
    rows = gather({"aggregate": "results/benchmarks/aggregate.tsv"}, tmp_path)
    assert rows[0][2] == 0.7 and math.isnan(rows[0][3]) and math.isnan(rows[0][4])
    assert "0.0 CPU s" in statement(rows)


def test_pattern_regex_repeated_wildcard_must_agree():
    regex = pattern_regex("a/{x}/b_{x}.tsv")
    assert regex.match("a/1/b_1.tsv") and not regex.match("a/1/b_2.tsv")


def test_cpu_seconds_come_from_the_job_log_when_it_has_them(tmp_path):
    """The benchmark samples CPU time (every 30 s after 15 s) and misses a
    job's end; the job's own resources line is exact and wins."""
    _bench(tmp_path, "results/benchmarks/runs/loop/k4/baseline.tsv", 40.0, 12.0, rss="100.0")
    log = tmp_path / "logs/runs/loop/k4/baseline.log"
    log.parent.mkdir(parents=True)
    log.write_text("2026-01-01T00:00:00+00:00 started\n"
                   "2026-01-01T00:00:40+00:00 job resources: cpu_seconds=39.250 max_rss_mb=250.5\n")
    rows = gather({"baseline": "results/benchmarks/runs/{family}/k{k}/baseline.tsv"}, tmp_path)
    assert rows[0][4] == 39.25 and rows[0][3] == 250.5


def test_open_log_ends_with_the_resources_line(tmp_path):
    import subprocess
    import sys

    log = tmp_path / "job.log"
    code = ("import sys; from succinct_paging.joblog import open_log; "
            f"sys.stderr = open_log({str(log)!r}); print('work', file=sys.stderr); sum(range(10**6))")
    subprocess.run([sys.executable, "-c", code], check=True)
    from succinct_paging.accounting import log_resources

    lines = log.read_text().splitlines()
    assert lines[0].endswith(" work") and "job resources: cpu_seconds=" in lines[-1]
    cpu, rss = log_resources(log)
    assert cpu > 0 and rss > 10

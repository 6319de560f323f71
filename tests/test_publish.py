"""Publication outputs and scale-out: the HTML report, LaTeX tables, the
figure layout switch, the gallery, the SLURM profile and config/paper.yaml.

Like tests/test_workflow.py this runs Snakemake as a user would (a
subprocess in a scratch working directory) and reads the one finished run
of the tiny config (tiny_run, tests/conftest.py); the dry runs need no SLURM
installation and run nothing.
"""

import html
import re
import struct
from pathlib import Path

import pandas as pd
import pytest
import yaml

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.plotting.family import LAYOUTS, plot_ratio_vs_rate
from succinct_paging.experiments.summary import latex_table, read_summary

from snakemake_run import ROOT, TEST_CONFIG, planned_jobs, snakemake

PAPER_CONFIG = ROOT / "config" / "paper.yaml"
FIGURES = ("ratio_vs_rate", "consistency", "robustness")

def expected_jobs(config):
    """Jobs of the sweep rules in a from-scratch run of ``config`` (target all).

    One traces job per family; truth, baseline, figures and LaTeX table per
    (family, k); one simulate job per (family, k, rate), all error models in it; the
    lower-bound, fitting and search jobs of workflow/rules/proofs.smk once.
    Rules of other sections (e.g. workflow/rules/arrivals.smk) are checked by
    their own tests; :func:`assert_plans` ignores them.
    """
    fams = config["families"]
    n_family_k = sum(len(spec["k"]) for spec in fams.values())
    # a baseline_only family (the cache traces) has no rate grid, figures or LaTeX table
    n_grid = sum(len(spec["k"]) for spec in fams.values() if not spec.get("baseline_only"))
    kinds = {parse_algorithm(a).prediction != "none" for a in config["algorithms"]}
    expected = {
        "traces": len(fams),
        "truth": n_family_k,
        "baseline": n_family_k if False in kinds else 0,
        "simulate": n_grid * len(config["rates"]) if True in kinds else 0,
        "aggregate": 1,
        "summarize": 1,
        "plot_family": n_grid,
        "latex_table": n_grid,
        "lower_bounds": 1,
        "plot_lower_bounds": 1,
        "empirical_constants": 1,
        "robust_search": 1,
        "all": 1,
    }
    return {rule: n for rule, n in expected.items() if n}


def assert_plans(dry_run_stdout, config):
    """The dry run plans exactly :func:`expected_jobs` for the sweep rules."""
    counts = planned_jobs(dry_run_stdout)
    expected = expected_jobs(config)
    assert counts, dry_run_stdout
    assert {rule: counts.get(rule, 0) for rule in expected} == expected, counts


def family_ks(config):
    """(family, k) pairs with per-family figures and LaTeX tables (not baseline_only)."""
    return [(fam, k) for fam, spec in config["families"].items() if not spec.get("baseline_only")
            for k in spec["k"]]


@pytest.fixture(scope="module")
def tiny_config():
    return yaml.safe_load(TEST_CONFIG.read_text())


@pytest.fixture
def finished_run(tiny_run):
    return tiny_run


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------


def _caption_phrases(rst_path):
    """Word sequences of a caption file: its sentences, cut where a Jinja
    expression stands (its value differs per figure), with at least 4 words."""
    phrases = []
    for fragment in re.split(r"\{\{.*?\}\}|\{%.*?%\}", rst_path.read_text(), flags=re.S):
        for sentence in re.split(r"(?<=[.;:])\s", " ".join(fragment.split())):
            words = re.findall(r"\w+", sentence)
            if len(words) >= 4:
                phrases.append(words)
    return phrases


def _rendered_text(report_html):
    """The report's text with HTML entities and JSON/JS string escapes undone."""
    raw = report_html.read_text(encoding="utf-8")
    text = html.unescape(raw)
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    text = text.replace('\\"', '"').replace("\\n", " ").replace("\\/", "/")
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())


def test_report_has_every_figure_and_caption(finished_run, tiny_config):
    report = finished_run / "results" / "report.html"
    assert report.stat().st_size > 100_000  # self-contained: figures are embedded
    text = _rendered_text(report)
    for fam, k in family_ks(tiny_config):
        for fig in FIGURES:
            assert f"{fig}_{fam}_k{k}.png" in text
        assert f"summary_{fam}_k{k}.tex" in text
    captions = ["ratio_vs_rate", "consistency", "robustness", "runs", "summary", "latex_table", "workflow"]
    for name in captions:
        phrases = _caption_phrases(ROOT / "workflow" / "report" / f"{name}.rst")
        assert phrases, name
        for words in phrases:
            # Word sequences, not strings: markup changes spaces and punctuation.
            assert re.search(r"\W+".join(map(re.escape, words)), text), (name, " ".join(words))


# --------------------------------------------------------------------------
# LaTeX tables
# --------------------------------------------------------------------------


def test_latex_tables_booktabs_one_row_per_algorithm(finished_run, tiny_config):
    runs = pd.read_parquet(finished_run / "results" / "runs.parquet")
    for fam, k in family_ks(tiny_config):
        tex = (finished_run / "results" / "tables" / f"summary_{fam}_k{k}.tex").read_text()
        for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
            assert rule in tex
        assert tex.index(r"\toprule") < tex.index(r"\midrule") < tex.index(r"\bottomrule")
        assert f"\\label{{tab:summary-{fam}-k{k}}}" in tex and r"\caption{" in tex
        body = tex[tex.index(r"\midrule") : tex.index(r"\bottomrule")]
        rows = [line for line in body.splitlines() if line.startswith(r"\texttt{")]
        names = [re.match(r"\\texttt\{(.*?)\}", line).group(1).replace(r"\_", "_") for line in rows]
        # every algorithm, except those with no row below their registry min_k (s3fifo: 20)
        assert sorted(names) == sorted(a for a in tiny_config["algorithms"]
                                       if max(e.min_k for e in parse_algorithm(a).entries) <= k)
        n_rates = len(tiny_config["rates"])
        # every row has the algorithm and one cell per rate (or one spanning cell)
        for line in rows:
            assert line.endswith(r"\\")
            assert line.count("&") == n_rates or r"\multicolumn" in line
        # the values are the pooled ratios of the runs table (flip, rate 0)
        sel = runs[(runs["trace_family"] == fam) & (runs["k"] == k) & (runs["algorithm"] == "followbits")
                   & (runs["error_model"] == "flip") & (runs["rate"] == 0.0)]
        first = next(line for line in rows if line.startswith(r"\texttt{followbits}"))
        assert first.split("&")[1].strip() == f"{sel['faults'].sum() / sel['opt'].sum():.2f}"


def test_latex_table_escapes_ids_and_marks_missing_values():
    rows = []
    for alg, pred in (("followbits_robust", "discard"), ("my_alg&co", "discard"), ("lru", "none")):
        rates = [float("nan")] if pred == "none" else [0.0, 0.5]
        for rate in rates:
            ratio = 1.0 if pred == "none" else float("nan") if (alg == "my_alg&co" and rate == 0.5) else 1.0 + rate
            rows.append(dict(trace_family="my_fam", k=3, algorithm=alg, prediction=pred,
                             error_model="none" if pred == "none" else "false_keep", rate=rate,
                             instances=2, seeds=1, ratio=ratio))
    tex = latex_table(pd.DataFrame(rows), "my_fam", 3)
    assert r"\texttt{followbits\_robust} & 1.00 & 1.50 \\" in tex
    assert r"\texttt{my\_alg\&co} & 1.00 & -- \\" in tex
    assert r"\texttt{lru} & \multicolumn{2}{c}{1.00} \\" in tex
    assert r"\label{tab:summary-my-fam-k3}" in tex and r"\texttt{false\_keep}" in tex
    with pytest.raises(ValueError, match="no summary rows"):
        latex_table(pd.DataFrame(rows), "other", 3)


# --------------------------------------------------------------------------
# figure layout
# --------------------------------------------------------------------------


def _pdf_size_in(path):
    """(width, height) in inches of a one-page PDF, from its MediaBox."""
    box = re.search(rb"/MediaBox\s*\[\s*([-\d.\s]+)\]", Path(path).read_bytes()).group(1).split()
    x0, y0, x1, y1 = map(float, box)
    return (x1 - x0) / 72.0, (y1 - y0) / 72.0


def _png_size(path):
    return struct.unpack(">II", Path(path).read_bytes()[16:24])


def test_layout_switch_reruns_only_figures(finished_run, tiny_config, tmp_path):
    config = dict(tiny_config, plots={"layout": "one_column"})
    new_config = tmp_path / "config.yaml"
    # Keep the key order: the traces rule's params are compared as written.
    new_config.write_text(yaml.safe_dump(config, sort_keys=False))
    counts = planned_jobs(snakemake(finished_run, "-n", "--cores", "1", config=new_config).stdout)
    assert counts["plot_family"] == len(family_ks(tiny_config))
    computing = {"traces", "truth", "baseline", "simulate", "aggregate", "summarize", "latex_table"}
    assert not computing & set(counts), counts


def test_layout_sets_figure_width_and_embeds_truetype(finished_run, tmp_path):
    figures = finished_run / "results" / "figures"
    # The workflow's default is two_column: the full text width.
    wide = figures / "ratio_vs_rate_zipf_k5.pdf"
    assert _pdf_size_in(wide)[0] == pytest.approx(LAYOUTS["two_column"]["width"], abs=0.01)
    data = wide.read_bytes()
    assert b"/FontFile2" in data and b"/Type3" not in data  # TrueType (fonttype 42), no Type 3
    summary = read_summary(finished_run / "results" / "summary.csv")
    narrow_pdf, narrow_png = plot_ratio_vs_rate(summary, "zipf", 5, tmp_path / "narrow", layout="one_column")
    assert _pdf_size_in(narrow_pdf)[0] == pytest.approx(LAYOUTS["one_column"]["width"], abs=0.01)
    assert _png_size(narrow_png)[0] < _png_size(wide.with_suffix(".png"))[0]
    with pytest.raises(ValueError, match="layout"):
        plot_ratio_vs_rate(summary, "zipf", 5, tmp_path / "bad", layout="three_column")


# --------------------------------------------------------------------------
# gallery
# --------------------------------------------------------------------------


def test_gallery_copies_figures_with_index(finished_run):
    snakemake(finished_run, "--cores", "1", "gallery")
    gallery = finished_run / "docs" / "figures"
    pngs = sorted(p.name for p in gallery.glob("*.png"))
    # the tiny config has only brightkite k=10 of the default gallery
    assert pngs == ["ratio_vs_rate_brightkite_k10.png"]
    assert (gallery / pngs[0]).read_bytes() == (finished_run / "results" / "figures" / pngs[0]).read_bytes()
    index = (gallery / "README.md").read_text()
    assert f"]({pngs[0]})" in index
    # the gallery is not part of `all`
    assert planned_jobs(snakemake(finished_run, "-n", "--cores", "1").stdout) == {}


# --------------------------------------------------------------------------
# scale-out: SLURM profile and the paper-sized config
# --------------------------------------------------------------------------


def test_slurm_profile_dry_run_without_slurm(tmp_path, tiny_config):
    proc = snakemake(tmp_path, "-n", "--profile", str(ROOT / "profiles" / "slurm"), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert_plans(proc.stdout, tiny_config)
    # the profile's resources reach the jobs
    assert "slurm_partition=" in proc.stdout and "mem_mb=4000" in proc.stdout  # truth: set-resources
    assert not (tmp_path / "results").exists()


def test_local_profile_dry_run(tmp_path, tiny_config):
    proc = snakemake(tmp_path, "-n", "--profile", str(ROOT / "profiles" / "local"), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert_plans(proc.stdout, tiny_config)


def test_paper_config_is_valid_and_plans_the_full_sweep(tmp_path):
    """Planned against a stand-in mirror (empty family folders): the plan
    depends on the config, not on the mirror's files."""
    config = yaml.safe_load(PAPER_CONFIG.read_text())
    assert len(config["seeds"]) >= 20
    assert set(config["error_models"]) == {"flip", "false_keep", "false_discard"}
    assert {"brightkite", "citibike"} <= {s["generator"] for s in config["families"].values()}
    for family in ("brightkite", "citibike"):
        (tmp_path / "mirror" / family).mkdir(parents=True)
    config.setdefault("traces", {})["mirror"] = str(tmp_path / "mirror")
    stand_in = tmp_path / "paper.yaml"
    stand_in.write_text(yaml.safe_dump(config, sort_keys=False))
    proc = snakemake(tmp_path / "run", "-n", "--cores", "8", config=stand_in, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert_plans(proc.stdout, config)

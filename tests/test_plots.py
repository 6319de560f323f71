"""Figures of SPEC §6 (succinct_paging.plots) on a synthetic runs table."""

import concurrent.futures
import math
import multiprocessing
import os
import struct
import zlib

import numpy as np
import pandas as pd
import pytest

from succinct_paging.bounds import upper_bound
from succinct_paging.plots import (
    KNOWN_ALGORITHMS,
    algorithm_colour,
    algorithm_marker,
    figure_stems,
    plot_family,
    plot_robustness,
)
from succinct_paging.summary import family_ratios, read_summary, write_summary

# A representative subset (figures cost time per algorithm drawn), including
# a user-added id outside the known colour list.
BASELINES = ["opt", "lru", "marker"]
PREDICTORS = {
    "followbits": "discard",
    "mark0": "discard",
    "mark_predict": "phase",
    "combine(followbits,lru)": "discard",
    "my_new_alg": "discard",
}


def synthetic_runs(
    families=("zipf", "brightkite"),
    ks=(4, 10),
    error_models=("flip", "false_keep", "false_discard"),
    rates=(0.0, 0.1, 1.0),
    seeds=(0, 1),
    instances=3,
    seed=0,
):
    """A runs table shaped like SPEC §6 with plausible (made-up) numbers.

    Baseline algorithms appear once per instance and seed with error model
    ``none`` and NaN rate; the others once per (error model, rate, seed,
    instance). Bounds come from :func:`succinct_paging.bounds.upper_bound`.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for fam in families:
        for k in ks:
            for i in range(instances):
                inst = f"{fam}-{i}"
                n = int(rng.integers(200, 400))
                for s in seeds:
                    opt = int(rng.integers(max(k, 5), 60))
                    phases = max(1, opt // k)
                    common = dict(trace_family=fam, instance=inst, n=n, N=3 * k, k=k, seed=s, opt=opt)
                    for alg in BASELINES:
                        factor = {"opt": 1.0, "lru": 1.6, "fifo": 1.7, "random": 1.8, "marker": 1.5}[alg]
                        faults = opt if alg == "opt" else int(round(opt * factor * rng.uniform(0.9, 1.1)))
                        rows.append(
                            dict(
                                common,
                                algorithm=alg,
                                prediction="none",
                                error_model="none",
                                rate=math.nan,
                                faults=faults,
                                eta0=pd.NA,
                                eta1=pd.NA,
                                bound=upper_bound(alg, k, opt),
                            )
                        )
                    for model in error_models:
                        for r in rates:
                            eta0 = int(rng.binomial(opt, r)) if model in ("flip", "false_keep") else 0
                            eta1 = int(rng.binomial(n - opt, r)) if model in ("flip", "false_discard") else 0
                            for alg, pred in PREDICTORS.items():
                                extra = (0.3 * (k - 1) * eta0 + 0.8 * eta1) * rng.uniform(0.5, 1.0)
                                if alg.startswith("combine") or alg == "followbits_robust":
                                    extra = min(extra, 1.5 * opt)
                                faults = int(round(opt + extra + (0.2 * opt if pred == "phase" else 0)))
                                rows.append(
                                    dict(
                                        common,
                                        algorithm=alg,
                                        prediction=pred,
                                        error_model=model,
                                        rate=float(r),
                                        faults=faults,
                                        eta0=eta0,
                                        eta1=eta1,
                                        bound=upper_bound(alg, k, opt, eta0, eta1, n_phases=phases),
                                    )
                                )
    df = pd.DataFrame(rows)
    df["eta0"] = df["eta0"].astype("Int64")
    df["eta1"] = df["eta1"].astype("Int64")
    df["ratio"] = df["faults"] / df["opt"]
    return df


def _png_ok(path):
    with open(path, "rb") as fh:
        data = fh.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    # IHDR: width and height are nonzero; the image chunk stream is intact.
    width, height = struct.unpack(">II", data[16:24])
    assert width > 100 and height > 100
    pos, seen = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(ctype + body) == crc, (path, ctype)
        seen.append(ctype)
        pos += 12 + length
    assert seen[0] == b"IHDR" and seen[-1] == b"IEND" and b"IDAT" in seen


def _pdf_ok(path):
    with open(path, "rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF"), path
    assert b"%%EOF" in data[-64:]


def _expected_files(out_dir, family, k):
    return [f"{stem}.{ext}" for stem in figure_stems(family, k, out_dir) for ext in ("pdf", "png")]


FAMILIES = ("zipf", "brightkite")
KS = (4, 10)


@pytest.fixture(scope="module")
def runs():
    return synthetic_runs(families=FAMILIES, ks=KS)


@pytest.fixture(scope="module")
def summary_csv(runs, tmp_path_factory):
    """The summary as the workflow passes it on: written to CSV, read back."""
    path = tmp_path_factory.mktemp("summary") / "summary.csv"
    write_summary(runs, path)
    return read_summary(path)


@pytest.fixture(scope="module")
def figures(runs, summary_csv, tmp_path_factory):
    """plot_family for every family and k, each drawn once for all tests."""
    jobs = {(f, k): tmp_path_factory.mktemp(f"fig_{f}_{k}") for f in FAMILIES for k in KS}
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2:
        return {key: (d, plot_family(summary_csv, runs, *key, d)) for key, d in jobs.items()}
    # Figures are CPU-bound (text layout, font subsetting): draw them in
    # parallel to keep the suite fast. spawn, not fork: the parent may hold
    # threads (pyarrow, numba) that fork would copy in a locked state.
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        futures = {key: pool.submit(plot_family, summary_csv, runs, *key, str(d)) for key, d in jobs.items()}
        return {key: (jobs[key], fut.result()) for key, fut in futures.items()}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("k", KS)
def test_plot_family_writes_all_six(figures, family, k):
    out_dir, paths = figures[family, k]
    assert sorted(paths) == sorted(_expected_files(out_dir, family, k))
    names = sorted(os.path.basename(p) for p in paths)
    assert names == sorted(
        f"{kind}_{family}_k{k}.{ext}"
        for kind in ("ratio_vs_rate", "consistency", "robustness")
        for ext in ("pdf", "png")
    )
    for p in paths:
        (_png_ok if p.endswith(".png") else _pdf_ok)(p)
    # No temporary files left behind.
    assert sorted(x.name for x in out_dir.iterdir()) == names


def test_pdf_reproducible_metadata(figures):
    _, paths = figures["zipf", 4]
    for p in paths:
        with open(p, "rb") as fh:
            data = fh.read()
        if p.endswith(".pdf"):
            assert b"/CreationDate" not in data
            assert b"FontFile2" in data  # TrueType (Type 42) fonts embedded
        else:
            assert b"Software" not in data


def test_outputs_byte_identical_on_rerun(tmp_path, runs, summary_csv, figures):
    _, paths = figures["brightkite", 10]
    stem = os.path.join(tmp_path, "robustness_brightkite_k10")
    again = plot_robustness(summary_csv, runs, "brightkite", 10, stem)
    first = {os.path.basename(p): p for p in paths}
    for p in again:
        with open(p, "rb") as fa, open(first[os.path.basename(p)], "rb") as fb:
            assert fa.read() == fb.read(), p


def test_missing_rate_one_still_writes_robustness(tmp_path):
    # Also: no runs table at all (no per-instance overlay), summary in memory.
    runs = synthetic_runs(families=("zipf",), ks=(4,), error_models=("flip", "false_keep"), rates=(0.0, 0.1),
                          seeds=(0,), instances=2)
    paths = plot_family(family_ratios(runs), None, "zipf", 4, tmp_path)
    assert sorted(paths) == sorted(_expected_files(tmp_path, "zipf", 4))
    for p in paths:
        (_png_ok if p.endswith(".png") else _pdf_ok)(p)


def test_only_baselines_gives_placeholders(tmp_path):
    runs = synthetic_runs(families=("loop",), ks=(4,), error_models=(), seeds=(0,), instances=2)
    paths = plot_family(family_ratios(runs), runs, "loop", 4, tmp_path)
    assert sorted(paths) == sorted(_expected_files(tmp_path, "loop", 4))
    for p in paths:
        (_png_ok if p.endswith(".png") else _pdf_ok)(p)


def test_colours_fixed_and_distinct():
    colours = [algorithm_colour(a) for a in KNOWN_ALGORITHMS]
    assert len(set(colours)) == len(colours)
    assert algorithm_colour("combine(followbits, lru)") == algorithm_colour("combine(followbits,lru)")
    # Unknown ids: deterministic, independent of what else is plotted.
    assert algorithm_colour("my_new_alg") == algorithm_colour("my_new_alg")
    assert algorithm_colour("my_new_alg") not in colours
    assert algorithm_marker("my_new_alg") == algorithm_marker("my_new_alg")

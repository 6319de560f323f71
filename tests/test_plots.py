"""Figures of contract §6 (succinct_paging.plotting.family) on a synthetic runs table."""

import concurrent.futures
import itertools
import math
import multiprocessing
import os
import struct
import zlib

import numpy as np
import pandas as pd
import pytest

from succinct_paging.algorithms import upper_bound as registered_bound
from succinct_paging.algorithms import REGISTRY, style
from succinct_paging.plotting.family import (
    figure_stems,
    plot_family,
    plot_robustness,
)
from succinct_paging.experiments.summary import family_ratios, read_summary, write_summary

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


def upper_bound(alg, *args, **kwargs):
    return math.nan if alg == "my_new_alg" else registered_bound(alg, *args, **kwargs)


def synthetic_runs(
    families=("zipf", "brightkite"),
    ks=(4, 10),
    error_models=("flip", "false_keep", "false_discard"),
    rates=(0.0, 0.1, 1.0),
    seeds=(0, 1),
    instances=3,
    seed=0,
):
    """A runs table shaped like contract §6 with plausible (made-up) numbers.

    Baseline algorithms appear once per instance and seed with error model
    ``none`` and NaN rate; the others once per (error model, rate, seed,
    instance). Bounds come from :func:`succinct_paging.algorithms.upper_bound` (NaN
    for the unregistered id).
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


# Deuteranopia (Machado, Oliveira & Fernandes 2009, severity 1), in linear RGB.
_DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968],
                          [0.280085, 0.672501, 0.047413],
                          [-0.011820, 0.042940, 0.968881]])


def _as_deuteranope_sees(hex_colour):
    c = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    seen = np.clip(_DEUTERANOPIA @ linear, 0, 1)
    return np.where(seen <= 0.0031308, 12.92 * seen, 1.055 * seen ** (1 / 2.4) - 0.055)


def test_every_algorithm_has_its_own_look_and_colours_survive_deuteranopia():
    """Each registered algorithm is one (colour, marker, dash) triple, unique;
    algorithms that share a colour differ in marker and dash; any two
    colours in use stay apart for a deuteranope (the former red/green pair
    of mark0_eager and mark_predict was 0.12 apart, under this threshold)."""
    looks = {a: style(a) for a in REGISTRY}
    assert len(set(map(str, looks.values()))) == len(looks)
    for a, b in itertools.combinations(REGISTRY, 2):
        if looks[a][0] == looks[b][0]:
            assert looks[a][1] != looks[b][1] and looks[a][2] != looks[b][2], (a, b)
    colours = sorted({c for c, _, _ in looks.values()})
    for a, b in itertools.combinations(colours, 2):
        assert np.linalg.norm(_as_deuteranope_sees(a) - _as_deuteranope_sees(b)) >= 0.2, (a, b)
    # combine(A,B) has A's colour but its own marker and dash; spacing does not matter
    assert style("combine(followbits, lru)") == style("combine(followbits,lru)")
    assert style("combine(followbits,lru)")[1:] != style("followbits")[1:]
    # an unknown id gets a fixed look
    assert style("my_new_alg") == style("my_new_alg")

# --------------------------------------------------------------------------
# smoothness figures (contract §1.4, §9) and the ratio against η / OPT
# --------------------------------------------------------------------------

from succinct_paging.plotting.family import plot_ratio_vs_rate, wrong_bits_per_opt  # noqa: E402
from succinct_paging.plotting.smoothness import plot_smoothness, smoothness_points  # noqa: E402


def test_smoothness_figure_written_for_a_tiny_runs_table(tmp_path):
    runs = synthetic_runs(families=("zipf",), ks=(4,), rates=(0.0, 0.5), seeds=(0,), instances=2)
    paths = plot_smoothness(runs, "zipf", 4, tmp_path / "smoothness_zipf_k4")
    assert paths == [str(tmp_path / "smoothness_zipf_k4.pdf"), str(tmp_path / "smoothness_zipf_k4.png")]
    _pdf_ok(paths[0])
    _png_ok(paths[1])
    # Same input, same bytes.
    again = plot_smoothness(runs, "zipf", 4, tmp_path / "again")
    assert open(paths[1], "rb").read() == open(again[1], "rb").read()


def test_smoothness_points_are_extra_cost_and_error_per_opt():
    runs = synthetic_runs(families=("zipf",), ks=(4,), rates=(0.5, 1.0), seeds=(0, 1), instances=2)
    pts = smoothness_points(runs, "zipf", 4)
    assert set(pts["algorithm"]) == {"followbits", "mark0", "mark_predict"}  # those with proven (α, β, γ)
    np.testing.assert_allclose(pts["y"], pts["x"] * pts["slope"])
    assert (pts["eta"] > 0).all()
    # Deterministic: one point per run; randomized: one per instance and rate.
    fb = pts[(pts["algorithm"] == "followbits") & (pts["constant"] == "beta")]
    m0 = pts[(pts["algorithm"] == "mark0") & (pts["constant"] == "beta")]
    assert len(fb) == 2 * len(m0)


def test_smoothness_without_false_keep_says_so(tmp_path):
    runs = synthetic_runs(families=("zipf",), ks=(4,), error_models=("false_discard",), rates=(0.5,),
                          seeds=(0,), instances=1)
    for layout in ("two_column", "one_column"):
        paths = plot_smoothness(runs, "zipf", 4, tmp_path / f"s_{layout}", layout=layout)
        _png_ok(paths[1])


def test_ratio_vs_eta_uses_wrong_bits_per_opt(tmp_path, summary_csv):
    sub = summary_csv[(summary_csv["trace_family"] == "zipf") & (summary_csv["k"] == 4)
                      & (summary_csv["prediction"] != "none")]
    x = wrong_bits_per_opt(sub)
    expected = (sub["eta0_mean"] + sub["eta1_mean"]) * sub["runs"] / sub["opt"].astype(float)
    np.testing.assert_allclose(x, expected.to_numpy(dtype=float))
    paths = plot_ratio_vs_rate(summary_csv, "zipf", 4, tmp_path / "ratio_vs_eta_zipf_k4", x="eta")
    _png_ok(paths[1])
    with pytest.raises(ValueError, match="x must be"):
        plot_ratio_vs_rate(summary_csv, "zipf", 4, tmp_path / "bad", x="sigma")


def test_bound_touch_marks_exact_equality_only():
    from succinct_paging.plotting.ratio import _bound_touches

    ratio = np.array([1.0, 2.0, 3.0, np.nan, 2.5])
    bound = np.array([1.0, 2.5, 3.0 + 1e-13, 2.0, np.nan])
    assert _bound_touches(ratio, bound).tolist() == [True, False, True, False, False]


def test_adversarial_figure_draws_every_bound_and_says_when_there_is_none(tmp_path):
    from succinct_paging.plotting.adversarial import plot_adversarial

    rows = []
    for alg, has_bound in (("followbits", True), ("followbits_robust", True), ("combine(followbits,lru)", False)):
        for inst in ("a", "b"):
            for b in (0, 1, 2):
                for model in ("adversarial", "random"):
                    faults = 10 + 2 * b if model == "adversarial" else 10 + b
                    bound = (10 + 3 * b if alg == "followbits" else 400.0) if has_bound else math.nan
                    rows.append(dict(trace_family="ws", instance=inst, n=50, k=4, algorithm=alg, kind="false_keep",
                                     model=model, source="greedy", wrong_bits=b, eta0=float(b), eta1=0.0,
                                     faults=float(faults), opt=10, bound=bound))
    df = pd.DataFrame(rows)
    for layout in ("two_column", "one_column"):
        paths = plot_adversarial(df, "ws", 4, tmp_path / f"adv_{layout}", layout=layout)
        _pdf_ok(paths[0])
        _png_ok(paths[1])

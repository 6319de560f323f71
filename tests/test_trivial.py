"""Trivial instances (at most k distinct pages) are excluded per (family, k)
in the truth step, and every downstream table agrees (config key
exclude_trivial)."""

import numpy as np
import pytest

from succinct_paging.experiments.grid import (
    EXCLUDED_COLUMNS,
    compute_truth,
    excluded_table,
    is_trivial,
    run_grid,
    truth_instances,
    write_excluded_table,
)
from succinct_paging.store import load_npz, save_npz

TRACES = [
    ("one_page", np.array([3, 3, 3, 3])),
    ("four_pages", np.array([0, 1, 2, 3, 0, 1])),
    ("five_pages", np.array([0, 1, 2, 3, 4, 0, 1, 2, 3, 4])),
]


def test_is_trivial_counts_distinct_pages():
    assert is_trivial(TRACES[0][1], 1)
    assert is_trivial(TRACES[1][1], 4) and not is_trivial(TRACES[1][1], 3)
    assert not is_trivial(TRACES[2][1], 4)


@pytest.mark.parametrize("k", [1, 3, 4, 5])
def test_truth_keeps_exactly_the_nontrivial_instances(k):
    truth = compute_truth(TRACES, k, exclude_trivial=True)
    kept = [name for name, pages in TRACES if len(set(pages.tolist())) > k]
    assert list(truth["instances"]) == kept
    assert list(truth["excluded"]) == [name for name, _ in TRACES if name not in kept]
    assert list(truth["excluded_distinct"]) == [len(set(p.tolist())) for n, p in TRACES if n not in kept]
    assert len(truth["opt"]) == len(kept)
    assert len(truth["discard"]) == sum(len(p) for n, p in TRACES if n in kept)


def test_without_exclusion_every_instance_stays():
    truth = compute_truth(TRACES, 4)
    assert list(truth["instances"]) == [n for n, _ in TRACES] and len(truth["excluded"]) == 0


def test_runs_cover_the_truth_instances_only(tmp_path):
    truth = compute_truth(TRACES, 4, exclude_trivial=True)
    save_npz(tmp_path / "t.npz", **truth)
    loaded = load_npz(tmp_path / "t.npz")  # as the simulate job reads it
    runs = run_grid("fam", TRACES, loaded, 4, ["followbits"], "flip", 0.5, [0], 1)
    assert set(runs["instance"]) == {"five_pages"}
    full = compute_truth(TRACES, 4)
    runs = run_grid("fam", TRACES, full, 4, ["followbits"], "flip", 0.5, [0], 1)
    assert list(runs["instance"]) == [n for n, _ in TRACES]
    # Bits and OPT of the kept instance are the same either way.
    kept = runs[runs["instance"] == "five_pages"].iloc[0]
    assert int(kept["opt"]) == int(truth["opt"][0])


def test_truth_naming_an_unknown_instance_is_an_error():
    truth = compute_truth(TRACES, 4)
    with pytest.raises(ValueError, match="does not hold"):
        truth_instances(TRACES[:1], truth)


def test_excluded_table(tmp_path):
    truths = [compute_truth(TRACES, k, exclude_trivial=True) for k in (1, 4)]
    table = excluded_table([("fam", 1), ("fam", 4)], truths)
    assert list(table.columns) == EXCLUDED_COLUMNS
    assert table["instances_excluded"].tolist() == [1, 2]
    assert table["instances_kept"].tolist() == [2, 1]
    assert table["excluded"].tolist()[1] == "one_page;four_pages"
    assert table["distinct_pages"].tolist()[1] == "1;4"
    for i, t in enumerate(truths):
        save_npz(tmp_path / f"{i}.npz", **t)
    written = write_excluded_table([["fam", 1], ["fam", 4]], [tmp_path / "0.npz", tmp_path / "1.npz"],
                                   tmp_path / "x.csv")
    assert written.equals(table)
    with pytest.raises(ValueError, match="truth files"):
        write_excluded_table([("fam", 1)], [], tmp_path / "y.csv")

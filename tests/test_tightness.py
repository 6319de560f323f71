"""Adversaries that reach the bounds (issue 20 item 3): the greedy adversary
on ``loop`` with the default run's settings, and the tightness table."""

from pathlib import Path

import pandas as pd
import yaml

from succinct_paging.experiments.adversarial import adversarial_table
from succinct_paging.experiments.tightness import COLUMNS, status, tightness
from succinct_paging.proofs.lower_bounds import lower_bound_table
from succinct_paging.traces.synthetic import loop

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())


def _loop_adversary(algorithms, kinds=("false_keep", "flip")):
    adv = DEFAULT["adversarial"]
    spec = DEFAULT["families"]["loop"]
    pages = loop(spec["length"], spec["params"]["n_pages"])[: adv["length"]]
    return adversarial_table("loop", [("loop-0", pages)], 10, algorithms, [0, 1, 2, 4, 8], kinds=kinds,
                             max_candidates=64, master_seed=DEFAULT["master_seed"])


def test_default_run_attacks_loop():
    assert "loop" in DEFAULT["adversarial"]["families"]
    assert DEFAULT["families"]["loop"]["k"] == [10]


def test_greedy_adversary_on_loop_finds_k_minus_1_faults_per_wrong_bit():
    table = _loop_adversary(["followbits"])
    k, budget = 10, 8
    for kind in ("false_keep", "flip"):
        row = table[(table["model"] == "adversarial") & (table["kind"] == kind) & (table["wrong_bits"] == budget)]
        extra = float(row["faults"].iloc[0] - row["opt"].iloc[0])
        assert extra >= 0.9 * (k - 1) * budget, (kind, extra)
        assert extra <= (k - 1) * row["eta0"].iloc[0] + row["eta1"].iloc[0]  # the proven bound


def test_tightness_marks_followbits_met_and_never_exceeds_a_proven_constant():
    adv = _loop_adversary(["followbits", "mark0"], kinds=("false_keep", "false_discard"))
    lb = lower_bound_table(["lb_keep", "lb_discard"], ["followbits"], [4], [10])
    table = tightness(adv, lb)
    assert list(table.columns) == COLUMNS
    fb = table[(table["algorithm"] == "followbits") & (table["k"] == 10)].set_index("constant")
    assert fb.loc["beta", "status"] == "met" and fb.loc["beta", "largest"] == 9
    assert fb.loc["gamma", "status"] == "met"
    assert (table["largest"] <= table["proven"] + 1e-9).all()
    row = table[(table["algorithm"] == "followbits") & (table["k"] == 4) & (table["constant"] == "beta")]
    assert row["source"].iloc[0] == "adaptive lower bound" and row["share"].iloc[0] == 1.0


def test_lb_yao_rows_enter_as_pooled_slopes():
    randomized = pd.DataFrame([dict(family="lb_yao", k=8, algorithm="mark0", instances=5, seeds=4, n=100, opt=100,
                                    eta0=100, eta1=0, expected_cost=260.0)])
    table = tightness(randomized=randomized)
    assert table["largest"].tolist() == [1.6] and table["status"].tolist() == ["gap"]


def test_status_thresholds():
    assert [status(s) for s in (1.0, 0.95, 0.94, 0.5, 0.49, float("nan"))] == \
        ["met", "met", "approached", "approached", "gap", "gap"]

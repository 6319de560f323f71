"""The randomized lower-bound family ``lb_yao`` (issue 20; contract §4, §9).

``lb_yao`` at cache size k: independent uniform requests over k + 1 pages
(Yao's distribution: once the cache is full every online algorithm faults
with probability 1/(k+1) per request, OPT about once per k-phase, so every
online algorithm, randomized or not, pays about H_k·OPT) and the adversarial
bit assignment of the randomized argument: every predicted bit is 0, so
every true 1-bit (each OPT eviction) is a wrong keep: η0 ≈ OPT, η1 = 0, and
no algorithm can tell a wrong bit from the uniform requests. Hence
(E[cost] − OPT)/η0 ≥ about (H_k − 1)·P/(P + k) for every algorithm, P the
number of k-phases (the k cold faults are in OPT and η0 but cost nothing
extra): a randomized lower bound on β when α = 1, tending to H_k − 1.
Length: ⌈P·(k+1)·H_k⌉ requests for P = phases_per_k·k k-phases.

:func:`lower_bounds` measures the slope per k and randomized algorithm
(pooled over instances, means over seeds, jackknife-t interval over
instances); :func:`hill_climb` searches bit assignments against the
expectation for the worst (E[cost] − OPT − η1)/η0 (the proven β of
``mark0``/``mark0_eager`` is 2H_k). Every seed derives from the master seed.
"""

import math

import numpy as np
import pandas as pd

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.bounds import harmonic
from succinct_paging.errors import count_errors
from succinct_paging.experiments.intervals import jackknife_ratio_interval
from succinct_paging.seeds import derive_seed
from succinct_paging.settings import RunSettings
from succinct_paging.simulation import run_parsed
from succinct_paging.sizing import k_sweep_length
from succinct_paging.traces.synthetic import uniform
from succinct_paging.truth import setup_instance

#: Columns of results/lower_bounds_randomized.csv.
COLUMNS = ["family", "k", "algorithm", "instances", "seeds", "n", "opt", "eta0", "eta1", "expected_cost",
           "slope", "slope_low", "slope_high", "h_k_minus_1", "h_k", "two_h_k"]

#: The algorithms whose worst slope the search probes (contract §3.4, §3.5: is 2H_k tight?).
SEARCH_ALGORITHMS = ("mark0", "mark0_eager")

#: Columns of results/lower_bounds_search.csv.
SEARCH_COLUMNS = ["k", "algorithm", "n", "steps", "accepted", "search_seeds", "held_out_seeds", "opt",
                  "eta0", "eta1", "start", "best_search", "best_held_out", "two_h_k", "fraction_of_2h_k"]


def yao_trace(k, phases_per_k, seed):
    """An ``lb_yao`` trace of about P = phases_per_k·k k-phases:
    ⌈P·(k+1)·H_k⌉ uniform requests over k + 1 pages (the k-sweep's
    ``uniform`` length, :func:`succinct_paging.sizing.k_sweep_length`). O(n)."""
    return uniform(k_sweep_length("uniform", k, 0, phases_per_k), int(k) + 1, seed)


def expected_cost(alg, inst, bits, seeds, master_seed, tag, settings=RunSettings()):
    """Mean faults of parsed ``alg`` on ``inst`` with ``bits`` over the
    replicate ``seeds`` (algorithm coins ``derive_seed(master_seed, "lb_yao",
    tag, alg.id, seed)``), with ``settings`` (a
    :class:`~succinct_paging.settings.RunSettings`). O(len(seeds)·n)."""
    costs = [run_parsed(alg, inst.pages, bits, inst.k, inst.n_pages,
                        derive_seed(master_seed, "lb_yao", tag, alg.id, s), settings)
             for s in seeds]
    return float(np.mean(costs))


def lower_bounds(ks, algorithms, phases_per_k, instances, seeds, master_seed, settings=RunSettings()):
    """results/lower_bounds_randomized.csv: per k and algorithm, the sums
    over ``instances`` ``lb_yao`` instances of OPT, η0, η1 and E[cost] (mean
    over ``seeds`` replicate seeds), the pooled slope
    Σ(E[cost] − OPT)/Ση0 with its 95 % jackknife-t interval over instances
    (none for one instance), and H_k − 1, H_k, 2H_k. O(|ks|·|algorithms|·
    instances·seeds·n)."""
    rows = []
    for k in ks:
        k = int(k)
        insts = [setup_instance(yao_trace(k, phases_per_k, derive_seed(master_seed, "lb_yao", "trace", k, i)), k)
                 for i in range(int(instances))]
        for name in algorithms:
            alg = parse_algorithm(name)
            extra, eta0s, opts, eta1s, costs = [], [], [], [], []
            for i, inst in enumerate(insts):
                bits = np.zeros(inst.n, dtype=np.uint8)
                e0, e1 = count_errors(bits, inst.bits(alg.prediction if alg.prediction != "none" else "discard"))
                cost = expected_cost(alg, inst, bits, range(int(seeds)), master_seed, ("bound", k, i), settings)
                extra.append(cost - inst.opt)
                eta0s.append(e0)
                eta1s.append(e1)
                opts.append(inst.opt)
                costs.append(cost)
            slope, low, high = jackknife_ratio_interval(extra, eta0s)
            h = harmonic(k)
            rows.append(("lb_yao", k, alg.id, len(insts), int(seeds), sum(i.n for i in insts), sum(opts),
                         sum(eta0s), sum(eta1s), sum(costs), slope, low, high, h - 1, h, 2 * h))
    return pd.DataFrame(rows, columns=COLUMNS)


def _objective(alg, inst, bits, seeds, master_seed, tag, settings):
    e0, e1 = count_errors(bits, inst.bits(alg.prediction))
    if e0 == 0:
        return -math.inf, e0, e1
    cost = expected_cost(alg, inst, bits, seeds, master_seed, tag, settings)
    return (cost - inst.opt - e1) / e0, e0, e1


def hill_climb(k, algorithm, phases_per_k, steps, search_seeds, held_out_seeds, master_seed,
               settings=RunSettings()):
    """Adaptive search for the worst (E[cost] − OPT − η1)/η0 of
    ``algorithm`` on one ``lb_yao`` trace at cache size ``k``: start from
    the all-0 bits, propose flipping a random block of 1 … k consecutive
    bits, keep the proposal when the objective (means over the same
    ``search_seeds`` coins: common random numbers) does not decrease.
    The best assignment is re-evaluated on ``held_out_seeds`` fresh coins
    (the unbiased number to compare with 2H_k). Returns a dict with
    :data:`SEARCH_COLUMNS`. O(steps·search_seeds·n)."""
    k = int(k)
    alg = parse_algorithm(algorithm)
    inst = setup_instance(yao_trace(k, phases_per_k, derive_seed(master_seed, "lb_yao", "search-trace", k)), k)
    rng = np.random.default_rng(derive_seed(master_seed, "lb_yao", "search", k, alg.id))
    search = range(int(search_seeds))
    bits = np.zeros(inst.n, dtype=np.uint8)
    value, _, _ = _objective(alg, inst, bits, search, master_seed, "search", settings)
    start, accepted = value, 0
    for _ in range(int(steps)):
        width = int(rng.integers(1, k + 1))
        at = int(rng.integers(0, max(1, inst.n - width + 1)))
        trial = bits.copy()
        trial[at:at + width] ^= 1
        v, _, _ = _objective(alg, inst, trial, search, master_seed, "search", settings)
        if v >= value:
            bits, value, accepted = trial, v, accepted + 1
    held = range(int(search_seeds), int(search_seeds) + int(held_out_seeds))
    held_value, e0, e1 = _objective(alg, inst, bits, held, master_seed, "search", settings)
    two_h = 2 * harmonic(k)
    return dict(zip(SEARCH_COLUMNS, (k, alg.id, inst.n, int(steps), accepted, int(search_seeds),
                                     int(held_out_seeds), inst.opt, e0, e1, start, value, held_value, two_h,
                                     held_value / two_h)))


def search_table(ks, algorithms, phases_per_k, steps, search_seeds, held_out_seeds, master_seed,
                 settings=RunSettings()):
    """results/lower_bounds_search.csv: :func:`hill_climb` for every k and
    algorithm, in that order."""
    return pd.DataFrame([hill_climb(k, a, phases_per_k, steps, search_seeds, held_out_seeds, master_seed,
                                    settings) for k in ks for a in algorithms],
                        columns=SEARCH_COLUMNS)

"""Adversarial error injection: wrong bits placed where
they hurt a given algorithm most, next to the random models of contract §2.

The greedy search
-----------------
Input: an algorithm, a trace, its true bits (discard bits, or phase bits for
``mark_predict``), a budget ``B`` of wrong bits and a *kind* that says which
bits may be made wrong, matching the random models of contract §2:

- ``flip``: any bit (η0 and η1 both grow);
- ``false_keep``: only true-1 bits, made 0 (only η0 grows);
- ``false_discard``: only true-0 bits, made 1 (only η1 grows).

Start from the true bits. In each of ``B`` steps, try every eligible position
that is still correct (or, on long traces, a uniformly random sample of
``max_candidates`` of them, drawn from a seeded generator), make that one bit
wrong, run the algorithm, and keep the position whose cost is largest (ties:
the earliest position). The cost of a randomized algorithm is its mean over a
fixed list of seeds (the same seeds for every candidate: common random
numbers). The set after ``b`` steps is the adversary's placement of ``b``
wrong bits, so one search gives every budget up to ``B``. Cost: ``B`` × (number
of candidates) × (number of seeds) runs of the algorithm.

It is a heuristic lower bound on the worst case, not the worst case itself:
greedy can miss placements whose bits only hurt together. It is compared
with the random models *at the same number of wrong bits*: conditioned on
``η0 + η1 = b`` wrong bits, each random model of contract §2 is a uniformly random
set of ``b`` eligible positions (bits are independent and equally likely to
go wrong), which :func:`random_placement_costs` samples.
"""

import itertools
import math

import numpy as np
import pandas as pd

from succinct_paging.algorithms import parse_algorithm, upper_bound
from succinct_paging.errors import ERROR_MODELS
from succinct_paging.seeds import derive_seed
from succinct_paging.settings import RunSettings

# The kernels (numba) are imported where runs happen: the figure job reads
# KINDS and the runs table without importing numba (issue 19).

#: The random error models whose placements the search starts from (contract §2).
KINDS = ERROR_MODELS


def eligible_positions(truth, kind):
    """Positions whose bit ``kind`` may make wrong (see the module)."""
    if kind == "flip":
        return np.arange(truth.shape[0])
    if kind == "false_keep":
        return np.flatnonzero(truth == 1)
    if kind == "false_discard":
        return np.flatnonzero(truth == 0)
    raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")


class _Runner:
    """Mean cost of one parsed algorithm on one trace over fixed seeds."""

    def __init__(self, algorithm, pages, k, seeds, settings=RunSettings()):
        self.alg = parse_algorithm(algorithm)
        if self.alg.prediction not in ("discard", "phase"):
            raise ValueError(f"algorithm {self.alg.id!r} reads no bits; nothing to attack")
        self.pages = np.ascontiguousarray(pages, dtype=np.int64)
        self.n_pages = int(self.pages.max()) + 1 if len(self.pages) else 0
        self.k = max(1, min(int(k), self.n_pages))
        self.seeds = list(seeds) if self.alg.randomized else list(seeds)[:1]
        self.settings = settings

    def cost(self, bits):
        from succinct_paging.simulation import run_parsed

        total = 0
        for s in self.seeds:
            total += run_parsed(self.alg, self.pages, bits, self.k, self.n_pages, s, self.settings)
        return total / len(self.seeds)


def true_bits(algorithm, pages, k):
    """``(opt, truth, n_phases)``: OPT and the true bits of the kind
    ``algorithm`` reads (discard, or phase for phase-bit algorithms)."""
    from succinct_paging.truth import setup_instance

    inst = setup_instance(pages, k)
    kind = "phase" if parse_algorithm(algorithm).prediction == "phase" else "discard"
    return inst.opt, inst.bits(kind), inst.n_phases


def greedy_placement(algorithm, pages, k, truth, budget, kind="flip", seeds=(0,), max_candidates=None,
                     rng_seed=0, settings=RunSettings()):
    """The greedy search of the module docstring.

    Returns a list of ``budget + 1`` tuples ``(b, position, cost)``: the cost
    (mean over ``seeds``) with the first ``b`` chosen positions made wrong,
    and the position added at step ``b`` (-1 for ``b = 0``). Stops early if no
    eligible position is left. ``max_candidates``: evaluate at most this many
    random positions per step (None: all). ``settings``: the runs'
    :class:`~succinct_paging.settings.RunSettings`.
    """
    runner = _Runner(algorithm, pages, k, seeds, settings)
    bits = np.ascontiguousarray(truth, dtype=np.uint8).copy()
    remaining = list(eligible_positions(truth, kind))
    rng = np.random.default_rng(rng_seed)
    path = [(0, -1, runner.cost(bits))]
    for b in range(1, budget + 1):
        if not remaining:
            break
        if max_candidates is not None and len(remaining) > max_candidates:
            cand = sorted(rng.choice(remaining, size=max_candidates, replace=False).tolist())
        else:
            cand = remaining
        best, best_cost = -1, -math.inf
        for t in cand:
            bits[t] ^= 1
            c = runner.cost(bits)
            bits[t] ^= 1
            if c > best_cost:
                best, best_cost = t, c
        bits[best] ^= 1
        remaining.remove(best)
        path.append((b, int(best), best_cost))
    return path


def random_placements(truth, kind, n_wrong, samples, rng_seed=0):
    """Sets of ``n_wrong`` eligible positions of the random model ``kind``
    conditioned on ``n_wrong`` wrong bits (uniform sets): all of them when
    there are at most ``samples`` (the mean over them is then exact),
    otherwise ``samples`` independent uniform draws."""
    pool = eligible_positions(truth, kind)
    if n_wrong > len(pool):
        return []
    if math.comb(len(pool), n_wrong) <= samples:
        return [np.array(c, dtype=np.int64) for c in itertools.combinations(pool, n_wrong)]
    rng = np.random.default_rng(rng_seed)
    return [np.sort(rng.choice(pool, size=n_wrong, replace=False)) for _ in range(samples)]


def adversarial_curve(algorithm, pages, k, truth, budgets, kind="flip", seeds=(0,), samples=20,
                      max_candidates=None, rng_seed=0, settings=RunSettings()):
    """Adversarial and random costs at every number of wrong bits in ``budgets``.

    Returns a list of dicts with keys ``wrong_bits``, ``greedy`` (cost of the
    greedy placement), ``greedy_eta0``, ``random`` (mean cost over the random
    model's placements), ``random_eta0`` (their mean η0), ``random_max``,
    ``adversarial`` = max(greedy, random_max), ``adversarial_eta0`` and
    ``source`` ("greedy" or "random placement").

    Why the maximum: greedy is myopic. When no single wrong bit costs
    anything but two together do, it can stop below the random mean (it did on
    about 1.6% of small random instances, e.g. ``followbits``, k = 2, pages
    2,0,2,0,1,0,2,2,1,0, two false keeps: greedy 5 faults, random mean 5.1).
    The adversary therefore returns the worst placement it has evaluated,
    the random model's own placements included, so that at the same number
    of wrong bits it is never better for the algorithm than the random model
    (as reported: with the same placements, exact where they are all
    enumerated).
    """
    budgets = sorted(set(int(b) for b in budgets))
    runner = _Runner(algorithm, pages, k, seeds, settings)
    path = greedy_placement(algorithm, pages, k, truth, budgets[-1], kind, seeds, max_candidates,
                            rng_seed, settings)
    chosen = np.array([pos for _, pos, _ in path[1:]], dtype=np.int64)
    truth = np.ascontiguousarray(truth, dtype=np.uint8)
    out = []
    for b in budgets:
        if b >= len(path):
            break
        g_cost = path[b][2]
        g_eta0 = int(np.count_nonzero(truth[chosen[:b]] == 1))
        costs, etas = [], []
        worst_set = None
        for wrong in random_placements(truth, kind, b, samples, rng_seed + 1 + b):
            bits = truth.copy()
            bits[wrong] ^= 1
            c = runner.cost(bits)
            costs.append(c)
            etas.append(int(np.count_nonzero(truth[wrong] == 1)))
            if worst_set is None or c > costs[worst_set]:
                worst_set = len(costs) - 1
        row = dict(wrong_bits=b, greedy=g_cost, greedy_eta0=g_eta0,
                   random=float(np.mean(costs)) if costs else math.nan,
                   random_eta0=float(np.mean(etas)) if etas else math.nan,
                   random_max=max(costs) if costs else math.nan)
        if costs and costs[worst_set] > g_cost:
            row.update(adversarial=costs[worst_set], adversarial_eta0=etas[worst_set], source="random placement")
        else:
            row.update(adversarial=g_cost, adversarial_eta0=g_eta0, source="greedy")
        out.append(row)
    return out


def adversarial_table(family, traces, k, algorithms, budgets, kinds=KINDS, seeds=(0, 1, 2, 3),
                      samples=20, max_candidates=None, master_seed=0, settings=RunSettings(),
                      progress=None):
    """Rows ``trace_family, instance, n, k, algorithm, kind, model, source,
    wrong_bits, eta0, eta1, faults, opt, bound``: ``model`` is
    ``adversarial`` (see :func:`adversarial_curve`; ``source`` says whether
    greedy or a random placement was worse) or ``random`` (mean over the
    random model's placements; η0, η1 are means). ``faults`` is a mean over
    ``seeds`` for randomized algorithms; ``bound`` is the contract §3 bound at the
    row's η (NaN where none)."""
    rows = []
    for instance, pages in traces:
        for name in algorithms:
            alg = parse_algorithm(name)
            opt, truth, n_phases = true_bits(alg.id, pages, k)
            budget = settings.budget(k)
            for kind in kinds:
                sd = derive_seed(master_seed, "adversarial", family, instance, k, alg.id, kind)
                curve = adversarial_curve(alg.id, pages, k, truth, budgets, kind, seeds, samples,
                                          max_candidates, sd % 2**62, settings)
                for r in curve:
                    b = r["wrong_bits"]
                    for model, cost, eta0, source in (
                            ("adversarial", r["adversarial"], r["adversarial_eta0"], r["source"]),
                            ("random", r["random"], r["random_eta0"], "")):
                        rows.append((family, instance, len(pages), k, alg.id, kind, model, source, b,
                                     eta0, b - eta0, cost, opt,
                                     upper_bound(alg.id, k, opt, eta0, b - eta0, n_phases, budget)))
            if progress:
                progress(f"{family} k={k} {instance} {alg.id} done")
    df = pd.DataFrame(rows, columns=["trace_family", "instance", "n", "k", "algorithm", "kind", "model",
                                     "source", "wrong_bits", "eta0", "eta1", "faults", "opt", "bound"])
    return df.astype({"eta0": "float64", "eta1": "float64", "faults": "float64", "bound": "float64"})

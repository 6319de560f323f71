"""The arithmetic of the bounds (contract §3, §4): harmonic numbers, the
(α, β, γ) form, ``followbits_robust``'s fault budget and per-phase bound, and
the deterministic lower-bound frontier.

Pure arithmetic on realised quantities (OPT, η0, η1, k, the number of
k-phases); nothing here simulates. Which bound belongs to which algorithm is
a fact of the registry (:mod:`succinct_paging.algorithms`), where
:func:`succinct_paging.algorithms.upper_bound` evaluates it.
"""

import functools
import math
import numbers

#: Deterministic algorithms the step-by-step adversaries of contract §4
#: (:mod:`succinct_paging.proofs.lower_bounds`, ``method="step"``) can serve,
#: alone or as ``combine`` of two of them; the config check of
#: ``lower_bounds.algorithms`` allows exactly these (one list for both).
STEPPED = ("lru", "fifo", "followbits", "followbits_robust")

#: Up to this k, H_k is summed exactly (math.fsum); beyond it the asymptotic
#: expansion is used, whose truncation error is below 1e-19 there.
_EXACT_HARMONIC = 1024
_EULER_GAMMA = 0.57721566490153286061


def harmonic(k):
    """H_k = 1 + 1/2 + ... + 1/k for an integer ``k >= 0`` (H_0 = 0), in time
    independent of k: an exact sum up to k = 1024 (cached), then
    ln k + γ + 1/(2k) − 1/(12k²) + 1/(120k⁴). Raises ValueError naming ``k``
    for anything but a non-negative integer (bools, floats, strings)."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 0:
        raise ValueError(f"k must be an integer >= 0, got {k!r}")
    k = int(k)
    if k <= _EXACT_HARMONIC:
        return _exact_harmonic(k)
    x = float(k)
    return math.log(x) + _EULER_GAMMA + 1.0 / (2 * x) - 1.0 / (12 * x * x) + 1.0 / (120 * x**4)


@functools.lru_cache(maxsize=None)
def _exact_harmonic(k):
    return math.fsum(1.0 / i for i in range(1, k + 1))


def robust_budget(budget_factor, k):
    """``followbits_robust``'s fault budget per k-phase for a configured
    ``budget_factor``: max(1, round(budget_factor · k)) (2k by default)."""
    return max(1, int(round(budget_factor * k)))


def constants_bound(constants, opt, eta0, eta1):
    """α·OPT + β·η0 + γ·η1 for ``constants = (α, β, γ)``."""
    alpha, beta, gamma = constants
    return alpha * opt + beta * eta0 + gamma * eta1


def robust_phase_bound(k, opt, eta0, eta1, n_phases, budget):
    """``followbits_robust``'s bound: (budget + k) faults per k-phase
    (contract §3.3; 3k at the default budget 2k). The exact maximum is
    budget + k − 1 (contract §8); the column keeps the contract's form."""
    b = 2 * k if budget is None else budget
    return float((b + k) * n_phases)


def deterministic_frontier(k):
    """Contract §4: no deterministic algorithm has α + β < k or
    α + (k−1)γ < k. Returns both frontier constants, ``(k, k)``."""
    return float(k), float(k)


def combine_factor(switch_factor=2.0):
    """The multiplicative constant c of ``combine(A, B)``'s bound
    (:func:`combine_bound`): 1 + s²/(s − 1) for switch factor s > 1 (5 at
    s = 2). Our derivation, docs/tightness.md."""
    s = float(switch_factor)
    if not s > 1:
        raise ValueError(f"switch_factor must be > 1, got {switch_factor!r}")
    return 1.0 + s * s / (s - 1.0)


def combine_bound(min_cost, k, switch_factor=2.0):
    """Upper bound on the faults of ``combine(A, B)`` (contract §3.7; our
    derivation, docs/tightness.md) on a run where the cheaper part pays
    M = ``min_cost``: c·M + s/(s − 1) + k·m with c = :func:`combine_factor`
    and m = 1 + ⌊log_s(s·M + 1)⌋ switches at most (each switch costs at most
    k faults to catch up with the followed part's cache)."""
    s = float(switch_factor)
    m = 1 + math.floor(math.log(s * float(min_cost) + 1.0, s))
    return combine_factor(s) * float(min_cost) + s / (s - 1.0) + int(k) * m

"""Upper bounds of SPEC §3 and deterministic lower-bound lines of SPEC §4.

All functions are pure arithmetic on realised quantities (OPT, η0, η1, k and
the number of k-phases); they never simulate anything.
"""

import math

#: Proven (α, β, γ) of SPEC §3 for the (α, β, γ)-competitive algorithms.
PROVEN_CONSTANTS = {
    "followbits": lambda k: (1.0, k - 1.0, 1.0),
    "mark0": lambda k: (1.0, 2.0 * harmonic(k), 1.0),
    "mark0_eager": lambda k: (1.0, 2.0 * harmonic(k), 1.0),
    "mark_predict": lambda k: (2.0, harmonic(k), 1.0),
}


def harmonic(k):
    """H_k = 1 + 1/2 + ... + 1/k (H_0 = 0)."""
    return math.fsum(1.0 / i for i in range(1, int(k) + 1))


def upper_bound(algorithm, k, opt, eta0=0, eta1=0, n_phases=0, budget=None):
    """The SPEC §3 ``bound`` column of one run, or NaN where none is listed.

    ``opt``, ``eta0``, ``eta1`` are realised values of the run; ``n_phases``
    is the number of k-phases of the trace (``followbits_robust`` only);
    ``budget`` is ``followbits_robust``'s fault budget per phase (default 2k).
    For ``followbits_robust`` the bound is (budget + k) per k-phase, which is
    SPEC's 3k at the default budget. ``combine(...)``, ``random``: NaN.
    """
    if algorithm == "opt":
        return float(opt)
    if algorithm in ("lru", "fifo"):
        return float(k * opt)
    if algorithm == "marker":
        return 2.0 * harmonic(k) * opt
    if algorithm in PROVEN_CONSTANTS:
        alpha, beta, gamma = PROVEN_CONSTANTS[algorithm](k)
        return alpha * opt + beta * eta0 + gamma * eta1
    if algorithm == "followbits_robust":
        b = 2 * k if budget is None else budget
        return float((b + k) * n_phases)
    return math.nan


def deterministic_frontier(k):
    """SPEC §4: no deterministic algorithm has α + β < k or α + (k−1)γ < k.

    Returns the two frontier constants ``(alpha_plus_beta, alpha_plus_km1_gamma)``,
    both equal to ``k``.
    """
    return float(k), float(k)

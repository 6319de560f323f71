"""Registry of the algorithms of SPEC §3 and §7: one id, one kernel, one record.

To add an algorithm: write a kernel with the common contract of
:mod:`succinct_paging.kernels.classic` and add one line to ``REGISTRY``.
``combine(A,B)`` (SPEC §3.7) works for any two registered ids.
"""

import re
from dataclasses import dataclass
from typing import Callable

from .kernels import arrivals, classic, discard, phase

#: Kinds of predictions: none, one bit per request (discard, phase), or a
#: predicted next-arrival time per request (arrivals, SPEC §7).
PREDICTIONS = ("none", "discard", "phase", "arrivals")


@dataclass(frozen=True)
class Algorithm:
    """One registered algorithm.

    ``prediction``: which bits it reads (SPEC §6 column); ``randomized``: whether
    its result depends on the seed; ``kernel``: the numba kernel, ``None`` for
    ``opt``, which is run by :mod:`succinct_paging.truth`.
    """

    id: str
    prediction: str
    randomized: bool
    kernel: Callable | None
    spec: str


REGISTRY = {
    a.id: a
    for a in (
        Algorithm("opt", "none", False, None, "§1.1"),
        Algorithm("lru", "none", False, classic.lru_kernel, "§3"),
        Algorithm("fifo", "none", False, classic.fifo_kernel, "§3"),
        Algorithm("random", "none", True, classic.random_kernel, "§3"),
        Algorithm("marker", "none", True, classic.marker_kernel, "§3.1"),
        Algorithm("followbits", "discard", False, discard.followbits_kernel, "§3.2"),
        Algorithm("followbits_robust", "discard", False, discard.followbits_robust_kernel, "§3.3"),
        Algorithm("mark0", "discard", True, discard.mark0_kernel, "§3.4"),
        Algorithm("mark0_eager", "discard", True, discard.mark0_eager_kernel, "§3.5"),
        Algorithm("mark_predict", "phase", True, phase.mark_predict_kernel, "§3.6"),
        Algorithm("blind_oracle", "arrivals", False, arrivals.blind_oracle_kernel, "§7"),
        Algorithm("predictive_marker", "arrivals", True, arrivals.predictive_marker_kernel, "§7"),
        Algorithm("lmarker", "arrivals", True, arrivals.lmarker_kernel, "§7"),
    )
}

#: The base ids of SPEC §3 (no predictions or one bit per request), in order.
ALGORITHMS = tuple(a.id for a in REGISTRY.values() if a.prediction != "arrivals")

#: The base ids of SPEC §7 (next-arrival predictions), in order.
ARRIVAL_ALGORITHMS = tuple(a.id for a in REGISTRY.values() if a.prediction == "arrivals")

_COMBINE = re.compile(r"^combine\(\s*([a-z0-9_]+)\s*,\s*([a-z0-9_]+)\s*\)$")


@dataclass(frozen=True)
class Parsed:
    """An algorithm id resolved against the registry.

    ``parts`` is ``(A,)`` for a base algorithm and ``(A, B)`` for
    ``combine(A,B)``; ``id`` is the canonical spelling (no spaces).
    """

    id: str
    parts: tuple
    prediction: str
    randomized: bool


def parse_algorithm(name):
    """Resolve ``name`` (a base id or ``combine(A,B)``) or raise ValueError
    naming the id and the allowed ones."""
    if not isinstance(name, str):
        raise ValueError(f"algorithm must be a string, got {name!r}")
    allowed = ", ".join(ALGORITHMS + ARRIVAL_ALGORITHMS) + ", combine(A,B)"
    m = _COMBINE.match(name.strip())
    ids = m.groups() if m else (name.strip(),)
    for part in ids:
        if part not in REGISTRY:
            raise ValueError(f"unknown algorithm {part!r} in {name!r}; allowed: {allowed}")
    algs = [REGISTRY[i] for i in ids]
    kinds = {a.prediction for a in algs} - {"none"}
    if len(kinds) > 1:
        raise ValueError(
            f"algorithm {name!r}: combine needs A and B to use the same kind of "
            f"bits (or none), got {sorted(kinds)}"
        )
    canonical = f"combine({ids[0]},{ids[1]})" if m else ids[0]
    return Parsed(
        id=canonical,
        parts=tuple(ids),
        prediction=kinds.pop() if kinds else "none",
        randomized=any(a.randomized for a in algs),
    )

"""The algorithm registry: the one place where every fact about an algorithm
lives (contract §3, §7).

An entry states the algorithm's id, which predictions it reads, whether it
draws coins, which extra kernel arguments it takes, its proven bound, and how
figures show it (label order, colour, marker, dash). ``simulate``, the bounds,
the figures, the benchmark and the tests all derive from it.

Kernels are named, not imported (``"classic:lru_kernel"`` is
``succinct_paging.kernels.classic.lru_kernel``) and loaded on first use, so
importing this module, the package or the Snakefile does not import numba.

To add an algorithm: write a kernel that follows the contract of
:mod:`succinct_paging.kernels` and call :func:`register` (or add an entry to
``_BUILTIN``); from outside the package, call it in a plugin
(:mod:`succinct_paging.plugins`), which every process of a run loads before
it reads the registry. The id lists are live: :data:`ALGORITHMS` and
:data:`ARRIVAL_ALGORITHMS` are computed on every access. ``combine(A,B)`` (contract §3.7) works for any two registered
ids. Colours are the Okabe–Ito palette (safe under the common colour-vision
deficiencies); algorithms that share a colour differ in marker and dash.
"""

import importlib
import math
import numbers
import re
from dataclasses import dataclass
from typing import Callable

from succinct_paging import plugins
from succinct_paging.bounds import constants_bound, harmonic, robust_phase_bound
from succinct_paging.validate import MAX_K, as_cache_size, as_int

#: Kinds of predictions: none, one bit per request (discard, phase), or a
#: predicted next-arrival time per request (arrivals, contract §7).
PREDICTIONS = ("none", "discard", "phase", "arrivals")

#: Extra kernel arguments an algorithm may take, after the common ones.
KERNEL_PARAMS = ("budget", "predictions")

#: The Okabe–Ito palette (Okabe & Ito 2008), by name.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#555555",  # a dark grey (not in the palette), distinct from all eight under deuteranopia
}


@dataclass(frozen=True)
class Algorithm:
    """One registered algorithm.

    - ``kernel``: ``"module:function"`` under :mod:`succinct_paging.kernels`
      (a dotted ``"package.module:function"`` is imported as written), or a
      callable; called as ``kernel(pages, bits, k, n_pages, rng, flags,
      evicted, *extra)`` with ``extra`` the values of ``params``.
    - ``prediction``: which predictions it reads (:data:`PREDICTIONS`).
    - ``randomized``: whether its result depends on the seed.
    - ``params``: extra kernel arguments, a subset of :data:`KERNEL_PARAMS`.
    - ``constants``: ``k -> (α, β, γ)`` of a proven (α, β, γ) bound, or None.
    - ``bound``: ``(k, opt, eta0, eta1, n_phases, budget) -> float`` for an
      algorithm whose bound is not of the (α, β, γ) form, or None.
    - ``contract``: the section of ``docs/contract.md`` that defines it.
    - ``colour``, ``marker``, ``dash``: how every figure draws it.
    - ``library``: the package that runs it instead of one of our numba
      kernels (``"libcachesim"`` for the practical baselines of contract
      §10), or None. Such an algorithm records no evictions, so it cannot be
      part of ``combine(A,B)``; its rows are left out when the package is
      missing (:mod:`succinct_paging.config`).
    - ``min_k``: the least cache size at which it is a demand-paging
      algorithm (default 1). libcachesim's 2Q misses every request below 4
      pages, its LIRS at 1 page and its S3-FIFO below 20 pages (its small
      queue, 10 % of the cache, then holds under 2 objects; below 10 pages
      the library aborts); measured on a trace where every second request
      repeats the one before (tests/test_cache_traces.py). The run table has
      no row of such an algorithm at a smaller k.
    """

    id: str
    prediction: str
    randomized: bool
    kernel: object
    contract: str
    colour: str
    marker: str
    dash: str = "-"
    params: tuple = ()
    constants: Callable | None = None
    bound: Callable | None = None
    library: str | None = None
    min_k: int = 1

    def __post_init__(self):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.id):
            raise ValueError(f"algorithm id {self.id!r}: use lower-case letters, digits and _")
        if self.prediction not in PREDICTIONS:
            raise ValueError(f"algorithm {self.id!r}: prediction must be one of {', '.join(PREDICTIONS)}")
        unknown = set(self.params) - set(KERNEL_PARAMS)
        if unknown:
            raise ValueError(f"algorithm {self.id!r}: unknown params {sorted(unknown)}; "
                             f"allowed: {', '.join(KERNEL_PARAMS)}")

    def load_kernel(self):
        """The kernel function (its module is imported on the first call;
        later calls find it in ``sys.modules``)."""
        if callable(self.kernel):
            return self.kernel
        module, name = self.kernel.split(":")
        return getattr(importlib.import_module(module if "." in module else f"succinct_paging.kernels.{module}"),
                       name)


def _k_times_opt(k, opt, eta0, eta1, n_phases, budget):
    return float(k * opt)


def _marker_bound(k, opt, eta0, eta1, n_phases, budget):
    return 2.0 * harmonic(k) * opt


def _opt_bound(k, opt, eta0, eta1, n_phases, budget):
    return float(opt)


_O = OKABE_ITO
_BUILTIN = (
    Algorithm("opt", "none", False, "opt:opt_contract_kernel", "§1.1", _O["black"], "*", "-",
              bound=_opt_bound),
    Algorithm("lru", "none", False, "classic:lru_kernel", "§3", _O["grey"], "o", "-", bound=_k_times_opt),
    Algorithm("fifo", "none", False, "classic:fifo_kernel", "§3", _O["grey"], "s", "--", bound=_k_times_opt),
    Algorithm("random", "none", True, "classic:random_kernel", "§3", _O["yellow"], "v", ":"),
    Algorithm("marker", "none", True, "classic:marker_kernel", "§3.1", _O["purple"], "D", "-",
              bound=_marker_bound),
    Algorithm("followbits", "discard", False, "discard:followbits_kernel", "§3.2", _O["blue"], "o", "-",
              constants=lambda k: (1.0, k - 1.0, 1.0)),
    Algorithm("followbits_robust", "discard", False, "discard:followbits_robust_kernel", "§3.3", _O["sky"],
              "s", "--", params=("budget",), bound=robust_phase_bound),
    Algorithm("mark0", "discard", True, "discard:mark0_kernel", "§3.4", _O["orange"], "^", "-",
              constants=lambda k: (1.0, 2.0 * harmonic(k), 1.0)),
    Algorithm("mark0_eager", "discard", True, "discard:mark0_eager_kernel", "§3.5", _O["vermillion"], "v",
              "--", constants=lambda k: (1.0, 2.0 * harmonic(k), 1.0)),
    Algorithm("mark_predict", "phase", True, "mark_predict:mark_predict_kernel", "§3.6", _O["green"], "P",
              "-.", constants=lambda k: (2.0, harmonic(k), 1.0)),
    Algorithm("blind_oracle", "arrivals", False, "arrivals:blind_oracle_kernel", "§7", _O["blue"], "X", ":",
              params=("predictions",)),
    Algorithm("predictive_marker", "arrivals", True, "arrivals:predictive_marker_kernel", "§7", _O["vermillion"],
              "<", ":", params=("predictions",)),
    Algorithm("lmarker", "arrivals", True, "arrivals:lmarker_kernel", "§7", _O["purple"], ">", ":",
              params=("predictions",)),
    # Practical baselines of contract §10, run by libcachesim (kernels/practical.py).
    Algorithm("arc", "none", False, "practical:arc_kernel", "§10", _O["grey"], "h", ":", library="libcachesim"),
    Algorithm("lirs", "none", False, "practical:lirs_kernel", "§10", _O["grey"], "p", "-.", library="libcachesim",
              min_k=2),
    Algorithm("s3fifo", "none", False, "practical:s3fifo_kernel", "§10", _O["yellow"], "H", "--",
              library="libcachesim", min_k=20),
    Algorithm("twoq", "none", False, "practical:twoq_kernel", "§10", _O["black"], "8", "--", library="libcachesim",
              min_k=4),
    Algorithm("sieve", "none", False, "practical:sieve_kernel", "§10", _O["yellow"], "x", "-.",
              library="libcachesim"),
)

#: Registered algorithms by id, in display order.
REGISTRY = {a.id: a for a in _BUILTIN}

#: How combine(A,B) is drawn when its parts are known: A's colour, a diamond
#: marker and a dash-dot line (so it differs from both parts).
COMBINE_STYLE = {"marker": "d", "dash": (0, (5, 1.5, 1, 1.5))}


def register(algorithm):
    """Add ``algorithm`` (an :class:`Algorithm`) to the registry; its id must
    be new. Returns it. Everything that reads the registry picks it up."""
    if not isinstance(algorithm, Algorithm):
        raise ValueError(f"register expects an Algorithm, got {algorithm!r}")
    if algorithm.id in REGISTRY:
        raise ValueError(f"algorithm {algorithm.id!r} is already registered")
    REGISTRY[algorithm.id] = algorithm
    return algorithm


def unregister(alg_id):
    """Remove a registered algorithm (for tests that register a toy one)."""
    del REGISTRY[alg_id]


def base_ids(kind=None):
    """Registered ids in display order; ``kind``: ``"bits"`` (contract §3:
    our kernels without predictions or with one bit per request),
    ``"arrivals"`` (contract §7) or ``"library"`` (run by another package,
    the practical baselines of contract §10). Plugins are loaded first; the
    answer reflects the registry now."""
    plugins.ensure_loaded()
    if kind is None:
        return tuple(REGISTRY)
    if kind == "library":
        return tuple(a.id for a in REGISTRY.values() if a.library)
    if kind == "bits":
        return tuple(a.id for a in REGISTRY.values() if a.prediction != "arrivals" and not a.library)
    return tuple(a.id for a in REGISTRY.values() if a.prediction == "arrivals")


_LIVE = {
    "ALGORITHMS": "bits",  # the base ids of contract §3 (no predictions or one bit per request), in order
    "ARRIVAL_ALGORITHMS": "arrivals",  # the base ids of contract §7 (next-arrival predictions), in order
    "LIBRARY_ALGORITHMS": "library",  # the practical baselines of contract §10, run by libcachesim, in order
}


def __getattr__(name):
    """``ALGORITHMS``, ``ARRIVAL_ALGORITHMS`` and ``LIBRARY_ALGORITHMS``: computed on every access
    (the registry may have grown since import)."""
    if name in _LIVE:
        return base_ids(_LIVE[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

_COMBINE = re.compile(r"combine\(\s*([a-z0-9_]+)\s*,\s*([a-z0-9_]+)\s*\)")


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

    @property
    def entries(self):
        """The registry entries of the parts."""
        return tuple(REGISTRY[p] for p in self.parts)

    @property
    def constants(self):
        """``k -> (α, β, γ)`` of a base algorithm with such a bound, else None."""
        return self.entries[0].constants if len(self.parts) == 1 else None


def parse_algorithm(name):
    """Resolve ``name`` (a base id or ``combine(A,B)``) or raise ValueError
    naming the id and the allowed ones. Surrounding white space is an error
    (ids are written exactly as listed)."""
    if not isinstance(name, str):
        raise ValueError(f"algorithm must be a string, got {name!r}")
    plugins.ensure_loaded()
    allowed = ", ".join(REGISTRY) + ", combine(A,B)"
    m = _COMBINE.fullmatch(name)
    ids = m.groups() if m else (name,)
    for part in ids:
        if part not in REGISTRY:
            raise ValueError(f"unknown algorithm {part!r} in {name!r}; allowed: {allowed}")
    algs = [REGISTRY[i] for i in ids]
    if m and any(a.library for a in algs):
        lib = next(a for a in algs if a.library)
        raise ValueError(f"algorithm {name!r}: {lib.id} is run by {lib.library}, which records no evictions; "
                         "combine(A,B) needs two of our kernels")
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


def display_order(algorithms):
    """``algorithms`` (ids) sorted for display: base ids in registry order,
    each combine after its first part, unknown ids last (sorted)."""
    rank = {a: i for i, a in enumerate(REGISTRY)}

    def key(a):
        m = _COMBINE.fullmatch(str(a).replace(" ", ""))
        if m and m.group(1) in rank:
            return (0, rank[m.group(1)], 1, str(a))
        if a in rank:
            return (0, rank[a], 0, "")
        return (1, 0, 0, str(a))

    return sorted(dict.fromkeys(map(str, algorithms)), key=key)


def style(algorithm):
    """``(colour, marker, dash)`` of an id in every figure. combine(A,B)
    takes A's colour with :data:`COMBINE_STYLE`; an unknown id a grey."""
    plugins.ensure_loaded()
    a = str(algorithm).replace(" ", "")
    m = _COMBINE.fullmatch(a)
    if m and m.group(1) in REGISTRY:
        return REGISTRY[m.group(1)].colour, COMBINE_STYLE["marker"], COMBINE_STYLE["dash"]
    if a in REGISTRY:
        e = REGISTRY[a]
        return e.colour, e.marker, e.dash
    return OKABE_ITO["grey"], "h", "-"


_MAX_COUNT = 2**63 - 1


def _count(value, name):
    """A realised count (OPT, η0, η1, phases), or a mean of counts over
    seeds, as a number in [0, 2**63 - 1] (ints stay ints): no trace holds
    more requests, and larger values would overflow the bound's arithmetic."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Real) or isinstance(value, complex)
            or not 0 <= value <= _MAX_COUNT):
        raise ValueError(f"{name} must be a finite number in [0, 2**63 - 1], got {value!r}")
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def upper_bound(algorithm, k, opt, eta0=0, eta1=0, n_phases=0, budget=None):
    """The contract §6 ``bound`` column of one run: the algorithm's proven
    upper bound of contract §3 evaluated at the realised ``opt``, ``eta0``,
    ``eta1`` (and, for ``followbits_robust``, the number of k-phases
    ``n_phases`` and its fault ``budget`` per phase, default 2k); NaN where
    the registry lists no bound (``random``, ``combine(...)``, the §7
    algorithms). O(1) in k. Counts may be means over seeds. Raises ValueError
    naming the argument: unknown ids, k outside [1, MAX_K], negative, NaN or
    infinite counts, budget < 1.
    """
    parsed = parse_algorithm(algorithm)
    k = as_cache_size(k, MAX_K)
    opt, eta0, eta1, n_phases = (_count(v, name) for v, name in
                                 ((opt, "opt"), (eta0, "eta0"), (eta1, "eta1"), (n_phases, "n_phases")))
    if budget is not None:
        budget = as_int(budget, "budget")
    if len(parsed.parts) > 1:
        return math.nan
    entry = REGISTRY[parsed.id]
    if entry.constants is not None:
        return constants_bound(entry.constants(k), opt, eta0, eta1)
    if entry.bound is not None:
        return entry.bound(k, opt, eta0, eta1, n_phases, budget)
    return math.nan

"""The bit-source registry: the one place that says where predictions come
from (contract §2, §7, §9, §10), like :mod:`succinct_paging.algorithms` is
for algorithms.

A bit source has an id, the kinds of predictions it gives (``discard``,
``phase`` bits, ``arrivals``: predicted next-arrival times), its parameters
with defaults, whether it reads the truth (error models: bits made from the
true bits) or only the past (learned predictors, contract §10), and a
function ``(instance, seed, params, kinds) -> {kind: array}`` (``kinds``:
the kinds the caller wants; a source may skip the work for the others). :func:`draw` calls
it and counts the realised η0, η1 of every bit kind against the true bits
(:func:`succinct_paging.errors.count_errors`).

``instance`` is a :class:`succinct_paging.truth.Instance` or any object with
the attributes the source reads (``pages``, ``n_pages``, ``k``, ``bits(kind)``;
``soon`` also ``next``, ``phases``, ``n_phases``; ``lognormal`` ``next``).

Entries:

- ``flip``, ``false_keep``, ``false_discard`` (reads truth, contract §2):
  independent errors at ``rate``; the bits of kind K use
  ``derive_seed(seed, K)``.
- ``soon`` (reads truth, contract §9): the k-sweep's adversarial bits.
- ``lognormal`` (reads truth, contract §7): noisy next arrivals
  ``next + ε``, ε lognormal(0, ``sigma``) from ``seed``, and the bits of
  §7's rule (LFD run on them; the phase rule).
- ``lru_miss``, ``frequency``, ``logistic``, ``optgen``, ``optgen_logistic``
  (past only, contract §10): one-bit learners of
  :mod:`succinct_paging.kernels.learned`.
- ``popu``, ``pleco`` (past only, contract §10): next-arrival predictors;
  their bits follow §7's rule with the future phase ends estimated online
  (:func:`succinct_paging.kernels.learned.online_arrival_bits`), so they
  stay past-only.

To add a predictor: write a function ``(instance, seed, params, kinds)`` returning
``{kind: array}`` (a numba kernel under :mod:`succinct_paging.kernels` for
speed) and call :func:`register` with a :class:`BitSource` (or add an entry
to ``_BUILTIN``). Functions are named as ``"module:function"`` and loaded on
first use, so importing this module does not import numba.
"""

import importlib
import math
import re
from dataclasses import dataclass, field

import numpy as np

from succinct_paging import plugins
from succinct_paging.errors import ERROR_MODELS, count_errors  # noqa: F401 (ERROR_MODELS: the registry's entries)

#: Kinds of predictions a source can give.
KINDS = ("discard", "phase", "arrivals")

#: What a source reads: the true bits (error models) or only the past (learned).
READS = ("truth", "past")


@dataclass(frozen=True)
class BitSource:
    """One registered bit source (module docstring).

    - ``kinds``: the kinds it gives (subset of :data:`KINDS`).
    - ``reads``: ``"truth"`` or ``"past"``.
    - ``params``: parameter names and defaults (a dict; frozen by copy).
    - ``function``: ``"module:function"`` in this package or a callable
      ``(instance, seed, params, kinds) -> {kind: array}``.
    - ``randomized``: whether the result depends on ``seed``.
    - ``contract``: the section of docs/contract.md that defines it.
    """

    id: str
    kinds: tuple
    reads: str
    function: object
    contract: str
    randomized: bool = False
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.id):
            raise ValueError(f"bit source id {self.id!r}: use lower-case letters, digits and _")
        if not self.kinds or set(self.kinds) - set(KINDS):
            raise ValueError(f"bit source {self.id!r}: kinds must be a non-empty subset of {', '.join(KINDS)}")
        if self.reads not in READS:
            raise ValueError(f"bit source {self.id!r}: reads must be one of {', '.join(READS)}")

    def load(self):
        """The function (its module is imported on the first call)."""
        if callable(self.function):
            return self.function
        module, name = self.function.split(":")
        return getattr(importlib.import_module(f"succinct_paging.{module}"), name)

    def resolve(self, params=None):
        """``params`` over the defaults; unknown names raise ValueError."""
        params = dict(params or {})
        unknown = set(params) - set(self.params)
        if unknown:
            raise ValueError(f"bit source {self.id!r}: unknown parameters {sorted(unknown)}; "
                             f"allowed: {', '.join(self.params) or 'none'}")
        return {**self.params, **params}


# --- the functions of the built-in sources ---

def _error_model(model):
    def make(inst, seed, params, kinds=("discard", "phase")):
        from succinct_paging.errors import inject_bits
        from succinct_paging.seeds import derive_seed
        return {kind: inject_bits(inst.bits(kind), model, params["rate"], derive_seed(seed, kind))[0]
                for kind in ("discard", "phase") if kind in kinds}
    make.__name__ = f"{model}_bits"
    return make


def soon_bits(inst, rate):
    """Adversarial bits ``soon`` at ``rate`` r (contract §9, our design): bit 1
    ("evict me") iff the page is requested again within the first
    m = ⌈r·k⌉ requests after the end of the current k-phase (or earlier), 0
    otherwise. Deterministic; the same bits serve both kinds. O(n)."""
    m = max(1, int(np.ceil(rate * inst.k)))
    last = np.zeros(inst.n_phases, dtype=np.int64)
    last[inst.phases] = np.arange(inst.n)  # the largest index of each phase wins
    return ((inst.next < inst.n) & (inst.next <= last[inst.phases] + m)).astype(np.uint8)


def _soon(inst, seed, params, kinds=KINDS):
    bits = soon_bits(inst, params["rate"])
    return {"discard": bits, "phase": bits}


def _lognormal(inst, seed, params, kinds=KINDS):
    from succinct_paging.arrivals import (
        discard_bits_from_predictions,
        lognormal_noise,
        phase_bits_from_predictions,
        true_next,
    )
    nxt = true_next(inst.pages, inst.n_pages)
    a = nxt + lognormal_noise(inst.n, float(params["sigma"]), seed)
    out = {"arrivals": a}
    if "discard" in kinds:
        out["discard"] = discard_bits_from_predictions(inst.pages, inst.n_pages, inst.k, a)
    if "phase" in kinds:
        out["phase"] = phase_bits_from_predictions(inst.pages, inst.n_pages, inst.k, a)
    return out


def _features(inst):
    from succinct_paging.kernels.learned import reuse_features
    return reuse_features(inst.pages, inst.n_pages)


def _lru_miss(inst, seed, params, kinds=KINDS):
    from succinct_paging.kernels.learned import lru_miss_bits
    return {"discard": lru_miss_bits(inst.pages, inst.n_pages, int(inst.k))}


def _frequency(inst, seed, params, kinds=KINDS):
    from succinct_paging.kernels.learned import frequency_bits
    return {"discard": frequency_bits(inst.pages, inst.n_pages, int(params["min_count"]))}


def _learner(labeler, learner):
    def make(inst, seed, params, kinds=KINDS):
        from succinct_paging.kernels import learned as L
        lab = {"lru": L.LABELER_LRU, "optgen": L.LABELER_OPTGEN}[labeler]
        lrn = {"logistic": L.LEARNER_LOGISTIC, "counters": L.LEARNER_COUNTERS}[learner]
        if lrn == L.LEARNER_LOGISTIC:
            dist, cnt = _features(inst)
        else:
            dist = cnt = np.empty(0, dtype=np.int64)
        window = max(2, int(params.get("window_per_k", 8)) * int(inst.k))
        history = int(params.get("history", 0))
        if not 0 <= history <= L._HISTORY_MAX:
            raise ValueError(f"bit source {labeler}_{learner}: params.history must be in 0 … {L._HISTORY_MAX}, "
                             f"got {params.get('history')!r}")
        bits = L.online_bits(inst.pages, inst.n_pages, int(inst.k), lab, lrn, window,
                             int(params.get("threshold", 16)), float(params.get("learning_rate", 0.05)),
                             dist, cnt, bool(params.get("late", False)), history)
        return {"discard": bits}
    make.__name__ = f"{labeler}_{learner}_bits"
    return make


def _arrival_source(which):
    def make(inst, seed, params, kinds=KINDS):
        from succinct_paging.kernels import learned as L
        if which == "popu":
            a = L.popu_kernel(inst.pages, inst.n_pages)
        else:
            a = L.pleco_kernel(inst.pages, inst.n_pages, int(params["window"]), int(params["max_terms"]))
        discard, phase = L.online_arrival_bits(inst.pages, inst.n_pages, int(inst.k), a)
        return {"discard": discard, "phase": phase, "arrivals": a}
    make.__name__ = f"{which}_predictions"
    return make


_BUILTIN = (
    BitSource("flip", ("discard", "phase"), "truth", _error_model("flip"), "§2", True, {"rate": 0.0}),
    BitSource("false_keep", ("discard", "phase"), "truth", _error_model("false_keep"), "§2", True, {"rate": 0.0}),
    BitSource("false_discard", ("discard", "phase"), "truth", _error_model("false_discard"), "§2", True,
              {"rate": 0.0}),
    BitSource("soon", ("discard", "phase"), "truth", _soon, "§9", False, {"rate": 1.0}),
    BitSource("lognormal", KINDS, "truth", _lognormal, "§7", True, {"sigma": 0.0}),
    BitSource("lru_miss", ("discard",), "past", _lru_miss, "§10"),
    BitSource("frequency", ("discard",), "past", _frequency, "§10", params={"min_count": 2}),
    BitSource("logistic", ("discard",), "past", _learner("lru", "logistic"), "§10",
              params={"learning_rate": 0.05}),
    BitSource("optgen", ("discard",), "past", _learner("optgen", "counters"), "§10",
              params={"window_per_k": 8, "threshold": 16, "late": True, "history": 2}),
    BitSource("optgen_logistic", ("discard",), "past", _learner("optgen", "logistic"), "§10",
              params={"window_per_k": 8, "learning_rate": 0.05, "late": False}),
    BitSource("popu", KINDS, "past", _arrival_source("popu"), "§10"),
    BitSource("pleco", KINDS, "past", _arrival_source("pleco"), "§10", params={"window": 10_000, "max_terms": 64}),
)

#: Registered bit sources by id.
REGISTRY = {s.id: s for s in _BUILTIN}



def register(source):
    """Add ``source`` (a :class:`BitSource`) to the registry; its id must be
    new. Returns it."""
    if not isinstance(source, BitSource):
        raise ValueError(f"register expects a BitSource, got {source!r}")
    if source.id in REGISTRY:
        raise ValueError(f"bit source {source.id!r} is already registered")
    REGISTRY[source.id] = source
    return source


def unregister(source_id):
    """Remove a registered source (for tests that register a toy one)."""
    del REGISTRY[source_id]


def get(source_id):
    """The entry of ``source_id`` or ValueError naming the allowed ids."""
    plugins.ensure_loaded()
    if source_id not in REGISTRY:
        raise ValueError(f"unknown bit source {source_id!r}; allowed: {', '.join(REGISTRY)}")
    return REGISTRY[source_id]


def learned_ids():
    """Ids of the past-only sources (the learned predictors), in order."""
    plugins.ensure_loaded()
    return tuple(s.id for s in REGISTRY.values() if s.reads == "past")


def predictions(source_id, inst, seed=0, params=None, kinds=KINDS):
    """``{kind: array}`` of ``source_id`` on ``inst`` (no error counts).
    ``kinds``: the kinds wanted (a source may skip the work for the others
    and may return more)."""
    src = get(source_id)
    return src.load()(inst, seed, src.resolve(params), kinds=tuple(kinds))


def draw(source_id, inst, seed=0, params=None, kinds=KINDS):
    """``{kind: (array, η0, η1)}``: the predictions of ``source_id`` on
    ``inst`` (the kinds among ``kinds`` it gives) with, for bit kinds, the
    realised η0, η1 against the true bits ``inst.bits(kind)``; ``arrivals``
    carry ``(None, None)``. O(n) on top of the source."""
    out = {}
    for kind, values in predictions(source_id, inst, seed, params, kinds).items():
        if kind not in kinds:
            continue
        if kind == "arrivals":
            out[kind] = (values, None, None)
        else:
            out[kind] = (values, *count_errors(values, inst.bits(kind)))
    return out


def is_learned(source_id):
    """True iff ``source_id`` is a registered past-only source."""
    return source_id in REGISTRY and REGISTRY[source_id].reads == "past"


def rate_of(source_id):
    """The ``rate`` column of a run on ``source_id``'s bits when it has no
    rate (learned predictors): NaN."""
    return math.nan

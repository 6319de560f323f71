"""succinct-paging: paging with one-bit predictions (Antoniadis et al., ICML 2023).

Public API (all functions take plain numpy arrays; definitions in
``docs/contract.md``):

- :func:`simulate` — faults of one registered algorithm on one trace;
- :func:`setup_instance` — one trace at one k with OPT, its true bits and
  k-phases (what every experiment starts from);
- :func:`discard_bits` — OPT (LFD) and the true discard bits (§1.1–1.2);
- :func:`phase_bits`, :func:`k_phases` — k-phases and true phase bits (§1.3);
- :func:`inject` — predicted bits from true bits under an error model (§2);
  :func:`count_errors` — η0, η1 of predicted bits (§1.4);
- :func:`upper_bound`, :func:`harmonic` — the bounds of §3;
- :func:`next_arrivals`, :func:`noisy_arrivals` — true and predicted next
  arrivals (§7); :func:`arrival_discard_bits`, :func:`arrival_phase_bits` —
  one-bit predictions made from predicted arrivals (§7, last item);
- ``ALGORITHMS``, ``ARRIVAL_ALGORITHMS``, ``ERROR_MODELS`` — the allowed ids;
  :func:`register` — add an algorithm (see :mod:`succinct_paging.algorithms`).

Names are imported on first use, so ``import succinct_paging`` (and the
Snakefile, which reads the registry) does not import numba.
"""

import importlib

__version__ = "0.2.0"

_WHERE = {
    "ALGORITHMS": "algorithms",
    "ARRIVAL_ALGORITHMS": "algorithms",
    "parse_algorithm": "algorithms",
    "register": "algorithms",
    "upper_bound": "algorithms",
    "harmonic": "bounds",
    "ERROR_MODELS": "errors",
    "inject": "errors",
    "count_errors": "errors",
    "simulate": "simulation",
    "setup_instance": "truth",
    "discard_bits": "truth",
    "k_phases": "truth",
    "phase_bits": "truth",
    "arrival_discard_bits": "arrivals",
    "arrival_phase_bits": "arrivals",
    "next_arrivals": "arrivals",
    "noisy_arrivals": "arrivals",
}

#: Names read anew on every access (the registry may grow after import).
_LIVE = {"ALGORITHMS", "ARRIVAL_ALGORITHMS"}

__all__ = sorted(_WHERE) + ["__version__"]


def __getattr__(name):
    if name not in _WHERE:
        raise AttributeError(f"module 'succinct_paging' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"succinct_paging.{_WHERE[name]}"), name)
    if name not in _LIVE:
        globals()[name] = value
    return value


def __dir__():
    return __all__

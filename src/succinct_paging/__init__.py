"""succinct-paging: paging with one-bit predictions (Antoniadis et al., ICML 2023).

Public API (all functions take plain numpy arrays; see SPEC for definitions):

- :func:`simulate` — faults of one algorithm of SPEC §3 or §7 on one trace;
- :func:`discard_bits` — OPT (LFD) and the true discard bits (§1.1–1.2);
- :func:`phase_bits`, :func:`k_phases` — k-phases and true phase bits (§1.3);
- :func:`inject` — predicted bits from true bits under an error model (§2);
- :func:`upper_bound`, :func:`harmonic` — the bounds of §3;
- :func:`next_arrivals`, :func:`noisy_arrivals` — true and predicted next
  arrivals (§7); :func:`arrival_discard_bits`, :func:`arrival_phase_bits` —
  one-bit predictions made from predicted arrivals (§7, last item);
- ``ALGORITHMS``, ``ARRIVAL_ALGORITHMS``, ``ERROR_MODELS`` — the allowed ids.
"""

from .algorithms import ALGORITHMS, ARRIVAL_ALGORITHMS, parse_algorithm
from .arrivals import arrival_discard_bits, arrival_phase_bits, next_arrivals, noisy_arrivals
from .bounds import harmonic, upper_bound
from .errors import ERROR_MODELS, inject
from .simulate import simulate
from .truth import discard_bits, k_phases, phase_bits

__all__ = [
    "ALGORITHMS",
    "ARRIVAL_ALGORITHMS",
    "ERROR_MODELS",
    "arrival_discard_bits",
    "arrival_phase_bits",
    "discard_bits",
    "harmonic",
    "inject",
    "k_phases",
    "next_arrivals",
    "noisy_arrivals",
    "parse_algorithm",
    "phase_bits",
    "simulate",
    "upper_bound",
]

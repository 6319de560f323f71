"""Next-arrival predictions (contract §7) and one-bit predictions made from them.

Protocol of Lykouris & Vassilvitskii (ICML 2018), as in the ICML 2020 code of
Antoniadis et al.: at request ``t`` (0-based) the true next arrival
``next_t`` is the index of the next request of the same page, or ``10^4·n``
if there is none; the prediction is ``a_t = next_t + ε_t`` with ``ε_t``
lognormal(0, σ), independent per request. The noise is *additive*, as contract §7
writes it (some papers multiply instead); ``ε_t > 0`` has median 1, so at
σ = 0 every prediction is exactly ``next_t + 1``: the order of predictions is
the true order and ``blind_oracle`` makes LFD's evictions.

Bits from the same predictions (contract §7, last item), so that one-bit and
full-prediction algorithms share one noise axis:

- discard bits: the contract §1.2 bits of LFD run on the predicted arrivals
  instead of the true ones, i.e. of ``blind_oracle``: ``b_t = 1`` iff
  ``blind_oracle`` evicts ``p_t`` before its next request or ``p_t`` is never
  requested again. At σ = 0 they are exactly the true discard bits.
- phase bits: ``b_t = 1`` iff the predicted next arrival lies beyond the end
  of the k-phase after the one of ``t`` (true k-phases, contract §1.3), i.e.
  ``a_t > E_t`` with ``E_t`` the index where the phase after the next one
  starts (``n`` if none); 1 if there is no next phase. The comparison is
  strict because the noise has median 1: at σ = 0 ``a_t > E_t`` iff
  ``next_t >= E_t``.

  Reading taken: the contract's rule is applied at the *last* request of a page in
  its phase; an earlier request of the page in the same phase gets the bit
  of its next request (whose prediction says more about the next phase than
  "again in this phase"), exactly as the true phase bits are defined. At σ = 0
  this gives the true phase bits (η = 0), like the discard bits. The literal
  rule at every request would differ only at requests that are not a page's
  last in its phase, and those bits are never acted on: ``mark_predict``
  (contract §3.6) reads the latest bits of *unmarked* pages, whose latest request
  was their last one in an earlier phase (so its cost is the same with both
  readings; checked in the tests). The literal rule would count those
  requests as errors: about a quarter of all requests of BrightKite at σ = 0.
"""

import numpy as np

from succinct_paging.kernels.arrivals import blind_oracle_kernel, discard_bits_from_evictions, phase_bits_from_arrivals
from succinct_paging.kernels.structures import new_rng
from succinct_paging.kernels.opt import next_occurrences
from succinct_paging.kernels.phases import k_phases_kernel
from succinct_paging.validate import as_cache_size, as_pages, as_predictions, as_seed, as_sigma

#: A page never requested again has next arrival ``NEVER_FACTOR * n``.
NEVER_FACTOR = 10_000

#: Noise values are capped here: lognormal(0, σ) overflows float64 for large
#: σ (σ = 200 gives +inf with probability ~2e-4 per request), and predictions
#: must be finite. Capped predictions tie, and ties go to the smallest page id.
MAX_NOISE = 1e300


def true_next(pages, n_pages):
    """True next arrivals of validated input (float64; ``10^4·n`` for none)."""
    n = pages.shape[0]
    nxt = next_occurrences(pages, n_pages).astype(np.float64)
    nxt[nxt == n] = float(NEVER_FACTOR * n)
    return nxt


def lognormal_noise(n, sigma, seed):
    """``n`` independent lognormal(0, σ) values from ``default_rng(seed)``,
    capped at :data:`MAX_NOISE`; exactly 1 everywhere when σ = 0."""
    eps = np.random.default_rng(seed).lognormal(0.0, sigma, n)
    return np.minimum(eps, MAX_NOISE)


def next_arrivals(pages):
    """True next arrival of every request (contract §7): the 0-based index of the
    next request of the same page, or ``10^4·n`` if there is none.

    Returns a float64 array of the length of ``pages``. O(n + N).
    """
    pages, n_pages = as_pages(pages)
    return true_next(pages, n_pages)


def noisy_arrivals(pages, sigma, seed=0):
    """Predicted next arrivals ``next_arrivals(pages) + ε`` with ``ε``
    lognormal(0, ``sigma``) drawn with ``numpy.random.default_rng(seed)``
    (contract §7; additive noise; σ = 0 gives ``next + 1``). Same seed, same
    predictions. O(n + N)."""
    pages, n_pages = as_pages(pages)
    sigma = as_sigma(sigma)
    seed = as_seed(seed)
    return true_next(pages, n_pages) + lognormal_noise(pages.shape[0], sigma, seed)


def blind_oracle_record(pages, n_pages, k, predictions):
    """``(faults, flags, evicted)`` of ``blind_oracle`` on validated input."""
    n = pages.shape[0]
    flags = np.zeros(n, dtype=np.uint8)
    evicted = np.full(n, -1, dtype=np.int64)
    faults = blind_oracle_kernel(pages, np.zeros(n, dtype=np.uint8), k, n_pages, new_rng(0),
                                 flags, evicted, predictions)
    return int(faults), flags, evicted


def discard_bits_from_predictions(pages, n_pages, k, predictions):
    """Discard bits of LFD run on ``predictions`` (validated input). O(n log k)."""
    _, _, evicted = blind_oracle_record(pages, n_pages, k, predictions)
    return discard_bits_from_evictions(pages, next_occurrences(pages, n_pages), evicted)


def phase_bits_from_predictions(pages, n_pages, k, predictions):
    """Phase bits from ``predictions`` (validated input; see the module). O(n)."""
    phase = k_phases_kernel(pages, k, n_pages)
    return phase_bits_from_arrivals(phase, next_occurrences(pages, n_pages), predictions)


def arrival_discard_bits(pages, k, predictions):
    """Discard bits (contract §1.2) of LFD run on the predicted next arrivals
    ``predictions`` instead of the true ones (contract §7): ``b_t = 1`` iff
    ``blind_oracle`` evicts ``pages[t]`` before its next request or it has
    none. Equal to :func:`succinct_paging.discard_bits` when the predictions
    are the true next arrivals plus a constant. O(n log k)."""
    pages, n_pages = as_pages(pages)
    k = as_cache_size(k, n_pages)
    predictions = as_predictions(predictions, pages.shape[0])
    return discard_bits_from_predictions(pages, n_pages, k, predictions)


def arrival_phase_bits(pages, k, predictions):
    """Phase bits from predicted next arrivals (contract §7): at the last request
    ``t`` of a page in its k-phase, ``b_t = 1`` iff ``predictions[t]`` lies
    beyond the end of the next k-phase (is larger than the index where the
    phase after it starts, or ``n``) or there is no next phase; an earlier
    request of the page in the same phase takes the bit of its next request
    (see the module for why). Equal to :func:`succinct_paging.phase_bits`
    when the predictions are the true next arrivals plus 1. O(n)."""
    pages, n_pages = as_pages(pages)
    k = as_cache_size(k, n_pages)
    predictions = as_predictions(predictions, pages.shape[0])
    return phase_bits_from_predictions(pages, n_pages, k, predictions)

"""Error injection (contract §2): predicted bits from truth bits, and the
error counts η0, η1 (contract §1.4)."""

import numpy as np

from succinct_paging.validate import as_bits, as_rate, as_seed

ERROR_MODELS = ("flip", "false_keep", "false_discard")


def inject_bits(truth, model, rate, seed):
    """Predicted bits from ``truth`` (uint8 0/1 array) under ``model``.

    Every bit is perturbed independently with probability ``rate`` using
    ``numpy.random.default_rng(seed)``: ``flip`` flips any bit, ``false_keep``
    turns truth-1 bits into 0 (only η0 grows), ``false_discard`` turns truth-0
    bits into 1 (only η1 grows). Returns ``(bits, eta0, eta1)`` with the
    realised errors η0 = #{b=0, τ=1}, η1 = #{b=1, τ=0}. O(n).
    Arguments are assumed valid; see :func:`succinct_paging.inject`.
    """
    hit = np.random.default_rng(seed).random(truth.shape[0]) < rate
    if model == "flip":
        bits = truth ^ hit.astype(np.uint8)
    elif model == "false_keep":
        bits = np.where(hit & (truth == 1), 0, truth).astype(np.uint8)
    else:
        bits = np.where(hit & (truth == 0), 1, truth).astype(np.uint8)
    return (bits, *_etas(bits, truth))


def count_errors(bits, truth):
    """``(η0, η1)`` of predicted ``bits`` against ``truth`` (contract §1.4):
    η0 = #{b = 0, τ = 1} (wrong keep), η1 = #{b = 1, τ = 0} (wrong discard).
    Both are 1-D arrays of 0/1 values (integers or booleans) of the same
    length; anything else raises ValueError naming the argument. O(n)."""
    truth = as_bits(truth, name="truth")
    bits = as_bits(bits, truth.shape[0], name="bits", other="truth")
    return _etas(bits, truth)


def _etas(bits, truth):
    return (int(np.count_nonzero((bits == 0) & (truth == 1))),
            int(np.count_nonzero((bits == 1) & (truth == 0))))


def inject(truth_bits, model, rate, seed):
    """Validated :func:`inject_bits`: ``(bits, eta0, eta1)``.

    ``truth_bits``: 0/1 array; ``model``: one of ``ERROR_MODELS``; ``rate``
    in [0, 1]; ``seed``: integer >= 0. Raises ValueError naming the argument.
    """
    truth = as_bits(truth_bits, name="truth_bits")
    if model not in ERROR_MODELS:
        raise ValueError(f"unknown error model {model!r}; allowed: {', '.join(ERROR_MODELS)}")
    return inject_bits(truth, model, as_rate(rate), as_seed(seed))

"""Seeds: every random choice of the workflow derives from the config's master
seed and names, never from job order or hidden global state."""

import hashlib
import numbers


def _canonical(part):
    """``part`` as the plain Python value it stands for: numpy integers,
    floats, booleans and strings become int, float, bool and str (their repr
    differs: ``np.int64(10)`` vs ``10``), tuples and lists are converted item
    by item. Plain values are returned unchanged, so their seeds never move."""
    if isinstance(part, (bool, int, float, str)) and type(part) in (bool, int, float, str):
        return part
    if isinstance(part, (tuple, list)):
        return type(part)(_canonical(x) for x in part) if type(part) in (tuple, list) else \
            tuple(_canonical(x) for x in part)
    if hasattr(part, "dtype") and getattr(part, "shape", None) == ():  # a numpy scalar or 0-d array
        part = part.item()
    if isinstance(part, bool):
        return bool(part)
    if isinstance(part, numbers.Integral):
        return int(part)
    if isinstance(part, numbers.Real):
        return float(part)
    if isinstance(part, str):
        return str(part)
    return part


def derive_seed(*parts):
    """A 63-bit seed from any printable parts (stable across processes,
    platforms and Python versions: BLAKE2b of the ``repr`` of their canonical
    plain values, so ``np.int64(10)`` and ``10`` give the same seed). O(size
    of the parts)."""
    digest = hashlib.blake2b(repr(_canonical(parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1

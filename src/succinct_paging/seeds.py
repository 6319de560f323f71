"""Seeds: every random choice of the workflow derives from the config's master
seed and names, never from job order or hidden global state."""

import hashlib


def derive_seed(*parts):
    """A 63-bit seed from any printable parts (stable across processes,
    platforms and Python versions: BLAKE2b of their ``repr``)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1

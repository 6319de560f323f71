"""numba kernels, one module per family of algorithms (contract §1, §3, §7).

The kernel contract
-------------------
Every algorithm kernel (the ``kernel`` of a registry entry in
:mod:`succinct_paging.algorithms`) is called as::

    faults = kernel(pages, bits, k, n_pages, rng, flags, evicted, *extra)

- ``pages``: int64 array of dense ids in ``[0, n_pages)``; ``bits``: uint8
  0/1 array of the same length (the predicted bits; ignored by algorithms
  that read none); ``1 <= k <= n_pages``; ``rng``: the one-cell SplitMix64
  state of :func:`.structures.new_rng`, advanced in place (no other randomness).
- ``extra``: the arguments the registry entry lists in ``params``, in order:
  ``budget`` (int >= 1) for ``followbits_robust``, ``predictions`` (float64
  next-arrival times) for the contract §7 algorithms.
- ``flags``, ``evicted``: either both empty (no recording) or both of length
  ``n``; then at every step ``t`` the kernel writes ``flags[t]`` (bit
  :data:`FAULT` on a fault, bit :data:`DROPPED` if the requested page is not
  cached after the step) and ``evicted[t]`` (the page evicted at step ``t``,
  or :data:`NO_PAGE`), so callers need not initialise them. ``combine``
  replays these records (:mod:`.combine`).
- Returns the number of faults, cold faults included; the cache starts empty.
- Per-page state is int32, so ``n`` and ``n_pages`` must be below
  ``2**31 - 64`` (checked: ValueError).

Each kernel writes its records inline (``if record: flags[t] = …``) rather
than through a shared inlined helper: a ``record_step`` helper with
``inline="always"`` made FIFO 2.4–3.0× and LRU 1.3–2.2× slower (measured
old vs new in one process, interleaved, Zipf 10^6 requests, k = 10^2 and
10^4), since the call evaluates its arguments even when recording is off
and breaks FIFO's branch-free loop.

Kernels trust their inputs: :func:`succinct_paging.simulate` and
:mod:`succinct_paging.truth` validate them first (numba checks no bounds).
Kernels that are not algorithms have their own signatures, stated in their
docstrings: OPT's core (:func:`.opt.opt_kernel`, which also writes the true
discard bits; :func:`.opt.opt_contract_kernel` wraps it in the contract),
the k-phase and phase-bit kernels (:mod:`.phases`), the replay of
``combine`` (:mod:`.combine`) and the bits made from predicted arrivals
(:mod:`.arrivals`).

numba's cache
-------------
Kernels are compiled with ``cache=True`` and inline helpers and constants
from :mod:`.structures` (``inline="always"`` avoids a reference-count round
trip per array argument, which made list-based kernels several times
slower). numba keys a cached kernel on its own source file only, so an edit
to ``structures.py`` could leave a stale compiled kernel in use. Importing this
package therefore puts :class:`ContentKeyedLocator` first in numba's list of
cache locators for the files of this package: a cached function is keyed on
the content (SHA-256) of all modules of this folder together and of its own
file (jitted code elsewhere in the package calls these kernels), so any edit
here recompiles every kernel once. Nothing is written at import; the cache files
go where numba puts them (``__pycache__`` here, or ``NUMBA_CACHE_DIR``). When
no cache folder is writable, :class:`NoCacheFallbackLocator` compiles without
a lasting cache and warns once (numba alone would stop with a traceback).

numba has no public hook for cache locators, so this relies on the private
list ``CacheImpl._locator_classes``. pyproject.toml therefore pins numba to
the range this was tested with (``numba>=0.59,<0.69``;
tests/test_kernels.py checks the installed version is in it and that an
edited helper recompiles), and a numba without that list fails at this import
with a message naming the pin, rather than silently serving stale kernels.
"""

import hashlib
import os
from pathlib import Path

from numba.core import caching

_FOLDER = Path(__file__).resolve().parent
_PACKAGE = _FOLDER.parent


def kernel_sources_digest(folder=_FOLDER):
    """SHA-256 of the names and contents of every ``*.py`` in ``folder``
    (sorted): the key of every cached kernel compiled from it. O(size)."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _locator_base():
    return getattr(caching, "InTreeCacheLocator", None) or caching._InTreeCacheLocator


def _user_locator_base():
    return getattr(caching, "UserProvidedCacheLocator", None) or caching._UserProvidedCacheLocator


def _in_package(py_file):
    return _PACKAGE in Path(py_file).resolve().parents


def _stamp(py_file):
    return kernel_sources_digest(), hashlib.sha256(Path(py_file).read_bytes()).hexdigest()


class ContentKeyedLocator(_locator_base()):
    """numba cache locator for the package's jitted functions whose freshness
    stamp is the content of this folder and of the function's own file."""

    def get_source_stamp(self):
        return _stamp(self._py_file)

    @classmethod
    def from_function(cls, py_func, py_file):
        return super().from_function(py_func, py_file) if _in_package(py_file) else None


class ContentKeyedUserLocator(_user_locator_base()):
    """The same under ``NUMBA_CACHE_DIR`` (read-only installs)."""

    get_source_stamp = ContentKeyedLocator.get_source_stamp

    @classmethod
    def from_function(cls, py_func, py_file):
        return super().from_function(py_func, py_file) if _in_package(py_file) else None


class NoCacheFallbackLocator(_user_locator_base()):
    """The last resort when no cache folder is writable (a read-only install
    and an unwritable HOME, ``NUMBA_CACHE_DIR`` unset or unwritable): numba
    would stop with "no locator available". This one compiles into a
    temporary folder of this process, removed at exit, so nothing is cached
    across processes; one :class:`RuntimeWarning` says so and what to set."""

    get_source_stamp = ContentKeyedLocator.get_source_stamp
    _folder = None

    def __init__(self, py_func, py_file):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        self._cache_path = os.path.join(self._temporary(), self.get_suitable_cache_subpath(py_file))

    @classmethod
    def _temporary(cls):
        if cls._folder is None:
            import atexit
            import shutil
            import tempfile
            import warnings

            cls._folder = tempfile.mkdtemp(prefix="succinct-paging-numba-")
            atexit.register(shutil.rmtree, cls._folder, ignore_errors=True)
            warnings.warn(
                f"numba cache: no writable cache folder ({_FOLDER / '__pycache__'}, NUMBA_CACHE_DIR, the user "
                "cache under HOME); kernels are compiled in every process without a cache. Set NUMBA_CACHE_DIR "
                "to a writable folder to keep them", RuntimeWarning, stacklevel=2)
        return cls._folder

    @classmethod
    def from_function(cls, py_func, py_file):
        if not _in_package(py_file):
            return None
        self = cls(py_func, py_file)
        try:
            self.ensure_cache_path()
        except OSError:
            return None
        return self


def _install_locators():
    impl = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)
    if not isinstance(getattr(impl, "_locator_classes", None), list):
        import numba

        raise ImportError(f"succinct_paging.kernels needs numba's CacheImpl._locator_classes (numba>=0.59,<0.69, "
                          f"as pinned in pyproject.toml); numba {numba.__version__} has none")
    ours = [ContentKeyedUserLocator, ContentKeyedLocator] if os.environ.get("NUMBA_CACHE_DIR") else \
        [ContentKeyedLocator]
    others = [c for c in impl._locator_classes
              if c not in (ContentKeyedLocator, ContentKeyedUserLocator, NoCacheFallbackLocator)]
    impl._locator_classes = ours + others + [NoCacheFallbackLocator]


_install_locators()

from .structures import DROPPED, FAULT, NO_PAGE  # noqa: E402  (after the locators: structures is jitted too)

__all__ = ["DROPPED", "FAULT", "NO_PAGE", "ContentKeyedLocator", "kernel_sources_digest"]

"""On-disk formats of the workflow's intermediate files, written atomically.

- traces of one family: ``.npz`` with ``pages`` (all instances concatenated,
  int64), ``offsets`` (n_instances + 1), ``instances`` (names);
- truth of one family and k: ``.npz`` with ``opt``, ``n_phases`` per instance
  and the concatenated ``discard`` and ``phase`` bits;
- large arrays that several jobs read (the k-sweep's shared truth): a folder
  of ``.npy`` files (:func:`save_npy_dir`), which readers map into memory
  instead of copying (:func:`load_npy_dir`).

Every writer goes through :func:`atomic_path`: the data is written to a
temporary file in the same folder and renamed into place, so an interrupted
job never leaves a file that looks complete.
"""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path next to ``path``; rename it to ``path`` on
    success, delete it on error.

    The temporary file is hidden (``.<name>.<random>.tmp<suffix>``), so no
    rule's output pattern matches it. Before the rename its data is flushed
    to disk and it gets the mode a plain ``open`` would give (``mkstemp``
    creates 0600 files, which other users of a shared results folder could
    not read).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp" + path.suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        _finish(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _finish(tmp):
    """fsync ``tmp`` and give it the default file mode (0666 minus umask)."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, _default_mode(0o666))


def _default_mode(full):
    """``full`` (0o666 for a file, 0o777 for a folder) minus the umask: the
    mode a plain ``open`` or ``mkdir`` would give."""
    umask = os.umask(0)
    os.umask(umask)
    return full & ~umask


def save_npz(path, **arrays):
    """Write ``arrays`` to ``path`` (.npz) atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)


def save_npy_dir(path, **arrays):
    """Write each of ``arrays`` to ``path/<name>.npy``, atomically: into a
    hidden temporary folder next to ``path``, renamed into place (an older
    ``path`` is replaced). Read back by :func:`load_npy_dir`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    try:
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", array)
            _finish(tmp / f"{name}.npy")
        os.chmod(tmp, _default_mode(0o777))  # mkdtemp makes it 0700
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_npy_dir(path):
    """The arrays of a :func:`save_npy_dir` folder by name, mapped
    copy-on-write (``mmap_mode="c"``): pages are read from the file as they
    are touched, nothing is copied up front (a 1.6 GB k-sweep truth opens in
    milliseconds where reading it takes seconds), and writes stay private."""
    return {p.stem: np.load(p, mmap_mode="c") for p in sorted(Path(path).glob("*.npy"))}


def save_traces(path, traces):
    """Write ``traces`` (list of ``(instance_name, pages)``) to ``path``."""
    names = np.array([name for name, _ in traces], dtype=str)
    lengths = np.array([len(p) for _, p in traces], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    pages = np.concatenate([np.asarray(p, dtype=np.int64) for _, p in traces]) if traces else np.empty(0, np.int64)
    save_npz(path, pages=pages, offsets=offsets, instances=names)


def load_traces(path):
    """Read a traces file: list of ``(instance_name, pages)``."""
    with np.load(path) as z:
        pages, offsets, names = z["pages"], z["offsets"], z["instances"]
    return [(str(names[i]), pages[offsets[i]:offsets[i + 1]]) for i in range(len(names))]


def load_npz(path):
    """Read an .npz file into a dict of arrays."""
    with np.load(path) as z:
        return {key: z[key] for key in z.files}

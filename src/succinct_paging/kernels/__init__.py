"""numba kernels, one module per family of algorithms (SPEC §1, §3).

Kernels trust their inputs; :mod:`succinct_paging.simulate` and
:mod:`succinct_paging.truth` validate them (:mod:`succinct_paging.validate`).

numba's on-disk cache (``cache=True``) checks only a kernel's own source file
(its modification time and size), but kernels inline helpers and constants
from the other modules here (``_common.py``, ``classic.py``). So that editing
one of those can never leave a stale compiled kernel in use, importing this
package gives every module here the modification time of the newest one
(:func:`align_stamps`): after an edit, every kernel is recompiled once.
"""

import os
from pathlib import Path


def align_stamps(folder):
    """Set the modification time of every ``*.py`` in ``folder`` that is older
    than the newest one to that newest time. Returns the files changed; files
    that cannot be touched (read-only installs) are skipped. O(files)."""
    files = sorted(Path(folder).glob("*.py"))
    if not files:
        return []
    newest = max(f.stat().st_mtime_ns for f in files)
    changed = []
    for f in files:
        st = f.stat()
        if st.st_mtime_ns < newest:
            try:
                os.utime(f, ns=(st.st_atime_ns, newest))
            except OSError:
                continue
            changed.append(f)
    return changed


align_stamps(Path(__file__).parent)

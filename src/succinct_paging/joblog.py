"""Job logs with timestamps: :func:`open_log` gives a text stream that starts
every line with the UTC time (ISO 8601, seconds), for a workflow script's
first line ``sys.stderr = open_log(snakemake.log[0])``; warnings and
tracebacks written to ``sys.stderr`` are stamped too."""

from __future__ import annotations

import atexit
import io
import os
import resource
from datetime import datetime, timezone


class TimestampedLog(io.TextIOBase):
    """A writable text stream over ``raw`` (an open text file) that prefixes
    each line with ``YYYY-MM-DDTHH:MM:SS+00:00 `` at the time its first
    character is written. Line-buffered: every complete line is flushed."""

    def __init__(self, raw):
        super().__init__()
        self._raw = raw
        self._at_line_start = True

    def writable(self):
        return True

    def write(self, text: str) -> int:
        out = []
        for piece in text.splitlines(keepends=True):
            if self._at_line_start:
                out.append(datetime.now(timezone.utc).isoformat(timespec="seconds") + " ")
            out.append(piece)
            self._at_line_start = piece.endswith(("\n", "\r"))
        self._raw.write("".join(out))
        if "\n" in text:
            self._raw.flush()
        return len(text)

    def flush(self):
        self._raw.flush()

    def close(self):
        if not self.closed:
            super().close()  # flushes first
            self._raw.close()

    def fileno(self):
        return self._raw.fileno()


#: Start of the last line of a job log: the job's exact CPU seconds and peak
#: memory (Snakemake's benchmark samples CPU time every 30 s after the first
#: 15 s, and misses what a job spends after its last sample).
RESOURCES = "job resources:"


def resources_line():
    """``job resources: cpu_seconds=… max_rss_mb=…`` of this process (user +
    system CPU since it started, children waited for included)."""
    t = os.times()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return f"{RESOURCES} cpu_seconds={t.user + t.system + t.children_user + t.children_system:.3f} max_rss_mb={rss:.1f}"


def open_log(path, resources=True) -> TimestampedLog:
    """Open ``path`` for writing (truncated, UTF-8) as a :class:`TimestampedLog`;
    with ``resources``, :func:`resources_line` is its last line when the
    process exits normally (read by :mod:`succinct_paging.accounting`)."""
    log = TimestampedLog(open(path, "w", encoding="utf-8"))
    if resources:
        atexit.register(_write_resources, log)
    return log


def _write_resources(log):
    if not log.closed:
        log.write(resources_line() + "\n")
        log.flush()

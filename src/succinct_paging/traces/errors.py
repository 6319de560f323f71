"""Errors about trace files and sources."""

class TraceError(ValueError):
    """A trace, checksum or source file is missing, malformed or corrupt.

    The message always names the file, and the 1-based line where relevant.
    """


class FetchError(RuntimeError):
    """A public source could not be downloaded (e.g. no network)."""


class TraceWarning(UserWarning):
    """A trace that is readable but probably misread (a header read as a page
    id, every request to a distinct page, …). The message names the file and
    the option to set."""

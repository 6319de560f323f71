"""Request traces (contract §5): the user's files and their formats, the
offline mirror of the real families, synthetic generators, and rebuilding the mirror from the public
sources. One module per concern; the names users need are re-exported here."""

from succinct_paging.traces.checksums import (
    CHECKSUM_FILE,
    read_checksums,
    sha256_file,
    verify_mirror_file,
    write_checksums,
)
from succinct_paging.traces.errors import FetchError, TraceError, TraceWarning
from succinct_paging.traces.fetch import SOURCE_URLS, cut_brightkite, cut_citibike, fetch_and_cut, fetch_sources
from succinct_paging.traces.files import load_trace_folder, read_trace, remap, trace_stats
from succinct_paging.traces.formats import FORMATS, ORACLE_GENERAL, read_ids, write_oracle_general
from succinct_paging.cache_traces import CACHE_TRACES, CacheTrace, cache_trace
from succinct_paging.traces.mirror import (
    REAL_FAMILIES,
    RealFamily,
    list_instances,
    load_cache_trace,
    load_real_family,
    real_family,
)
from succinct_paging.traces.synthetic import SYNTHETIC, generate, loop, uniform, working_set, zipf

__all__ = [
    "CACHE_TRACES", "CHECKSUM_FILE", "CacheTrace", "FORMATS", "FetchError", "ORACLE_GENERAL", "REAL_FAMILIES", "RealFamily", "SOURCE_URLS", "SYNTHETIC", "TraceError", "TraceWarning",
    "cache_trace", "cut_brightkite", "cut_citibike", "fetch_and_cut", "fetch_sources", "generate", "list_instances",
    "load_cache_trace", "load_real_family", "load_trace_folder", "loop", "read_checksums", "read_ids", "read_trace", "real_family", "remap",
    "sha256_file", "trace_stats", "uniform", "verify_mirror_file", "working_set", "write_checksums",
    "write_oracle_general", "zipf",
]

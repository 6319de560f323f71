"""The traces of the offline mirror's ``cache/`` folder (contract §10), as
data: file, format, published counts and the cache sizes of the literature.
Reading them is :func:`succinct_paging.traces.mirror.load_cache_trace`; this
table lives in the core so that the config check can name the allowed traces
without importing the readers (pandas)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CacheTrace:
    """One trace of the mirror's ``cache/`` folder (contract §10): its file,
    how it is read (``txt``: one integer id a line, zstd-compressed;
    ``oracleGeneral``; ``csv`` with the id in ``column`` after a header
    line), its published request and distinct-page counts, and the cache
    sizes of the literature (``ks``; a small/large pair where the literature
    fixes none)."""

    file: str
    format: str
    requests: int
    distinct: int
    ks: tuple[int, ...]
    column: int | None = None


#: Sub-folder of the mirror that holds them.
CACHE_FOLDER = "cache"

#: The traces of the mirror's cache/ folder by name (the mirror's README).
CACHE_TRACES: dict[str, CacheTrace] = {
    "arc_OLTP": CacheTrace("arc_OLTP.txt.zst", "txt", 914_145, 186_880, (1000,)),
    "arc_P2": CacheTrace("arc_P2.txt.zst", "txt", 12_729_495, 913_347, (32768,)),
    "arc_P3": CacheTrace("arc_P3.txt.zst", "txt", 3_912_296, 762_543, (32768,)),
    "arc_P6": CacheTrace("arc_P6.txt.zst", "txt", 12_672_123, 773_770, (32768,)),
    "arc_P12": CacheTrace("arc_P12.txt.zst", "txt", 13_208_930, 3_153_310, (32768,)),
    "lirs_cpp": CacheTrace("lirs_cpp.txt.zst", "txt", 9_047, 1_223, (100, 500)),
    "lirs_glimpse": CacheTrace("lirs_glimpse.txt.zst", "txt", 6_015, 2_529, (500, 2000)),
    "lirs_multi2": CacheTrace("lirs_multi2.txt.zst", "txt", 26_311, 5_684, (500, 2000)),
    "lirs_sprite": CacheTrace("lirs_sprite.txt.zst", "txt", 133_996, 7_075, (100, 1000)),
    "cache2k_mt-20121220": CacheTrace("cache2k_mt-20121220.txt.zst", "txt", 95_607, 13_756, (500, 5000)),
    "cache2k_mt-20130703": CacheTrace("cache2k_mt-20130703.txt.zst", "txt", 76_118, 20_484, (500, 5000)),
    "cache2k_mt-db-20160419-busy": CacheTrace("cache2k_mt-db-20160419-busy.txt.zst", "txt", 5_000_000, 76_349,
                                              (1000, 10000)),
    "cache2k_mt-db-20160419-night": CacheTrace("cache2k_mt-db-20160419-night.txt.zst", "txt", 5_000_000,
                                               86_466, (1000, 10000)),
    "cloudphysics": CacheTrace("cloudphysics.oracleGeneral.bin", "oracleGeneral", 113_872, 48_974, (1000, 10000)),
    "twitter_cluster52": CacheTrace("twitter_cluster52.csv.zst", "csv", 1_000_000, 143_542, (1000, 10000),
                                    column=2),
}


def cache_trace(name: str) -> CacheTrace:
    """The :class:`CacheTrace` called ``name``, or ValueError naming the allowed names."""
    try:
        return CACHE_TRACES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown cache trace {name!r}; allowed: {', '.join(CACHE_TRACES)}") from None

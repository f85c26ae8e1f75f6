"""tradestat: customs trade statistics turned into figures people can cite, with the evidence.

    >>> import tradestat
    >>> store = tradestat.Store("/tmp/my-store")                        # doctest: +SKIP
    >>> store.ingest(tradestat.ComtradeReader(), "hs8542.csv").status  # doctest: +SKIP
    'committed'
    >>> tradestat.figure(store, "CHN", "export", "2024", product="8542").yoy_pct  # doctest: +SKIP
"""

__version__ = "0.1.0"

from tradestat.errors import (
    DataError,
    InputError,
    Rejected,
    StoreError,
    TradestatError,
)
from tradestat.sources import ComtradeReader, MappedCsvReader
from tradestat.store import IngestResult, Release, Store

__all__ = ["ComtradeReader", "DataError", "IngestResult", "InputError", "MappedCsvReader",
           "Rejected", "Release", "Store", "StoreError", "TradestatError", "__version__",
           "check", "compare", "figure", "rank", "series", "top"]

_ANALYTICS = ("compare", "figure", "rank", "series", "top")


def __getattr__(name: str) -> object:
    """The analytics, imported on first use (Ibis and its backends are slow to import)."""
    if name in _ANALYTICS:
        from tradestat import analytics

        return getattr(analytics, name)
    if name == "check":  # the claim checker (tradestat.claims), also imported on first use
        from tradestat.claims import check

        return check
    raise AttributeError(f"module 'tradestat' has no attribute {name!r}")

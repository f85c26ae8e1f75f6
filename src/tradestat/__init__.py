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

__all__ = ["ComtradeReader", "DataError", "IngestResult", "InputError", "MappedCsvReader",
           "Question", "Rejected", "Release", "Store", "StoreError", "TradestatError",
           "__version__", "answer", "check", "compare", "figure", "rank", "series", "top"]

_ANALYTICS = ("Question", "answer", "compare", "figure", "rank", "series", "top")


#: the readers and the store, imported on first use too: ``tradestat --help`` and commands
#: that need neither (the reference lookups) then load no Polars, DuckDB or Ibis
_LAZY = {"ComtradeReader": "tradestat.sources", "MappedCsvReader": "tradestat.sources",
         "IngestResult": "tradestat.store", "Release": "tradestat.store",
         "Store": "tradestat.store"}


def __getattr__(name: str) -> object:
    """The analytics, the readers and the store, imported on first use (Polars, DuckDB, Ibis
    and its backends are slow to import)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _ANALYTICS:
        from tradestat import analytics

        return getattr(analytics, name)
    if name == "check":  # the claim checker (tradestat.claims), also imported on first use
        from tradestat.claims import check

        return check
    raise AttributeError(f"module 'tradestat' has no attribute {name!r}")

"""tradestat: customs trade statistics turned into figures people can cite, with the evidence.

    >>> import tradestat
    >>> store = tradestat.Store("/tmp/my-store")                        # doctest: +SKIP
    >>> store.ingest(tradestat.ComtradeReader(), "hs8542.csv").status  # doctest: +SKIP
    'committed'
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
           "Rejected", "Release", "Store", "StoreError", "TradestatError", "__version__"]

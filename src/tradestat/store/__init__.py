"""The trade store: a Parquet dataset of releases (vintages) under one directory."""

from tradestat.store.manifest import Release
from tradestat.store.store import IngestResult, Store

__all__ = ["IngestResult", "Release", "Store"]

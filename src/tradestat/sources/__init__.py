"""Readers that turn source files into canonical records (see :mod:`tradestat.model`)."""

from tradestat.sources.base import Reader, ReadResult
from tradestat.sources.comtrade import ComtradeReader
from tradestat.sources.mapped import MappedCsvReader

READERS: dict[str, type[Reader]] = {"comtrade": ComtradeReader, "csv": MappedCsvReader}

__all__ = ["READERS", "ComtradeReader", "MappedCsvReader", "ReadResult", "Reader"]

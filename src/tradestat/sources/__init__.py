"""Readers that turn source files into canonical records (see :mod:`tradestat.model`)."""

from tradestat.sources.baci import BaciReader
from tradestat.sources.base import Reader, ReadResult
from tradestat.sources.comtrade import ComtradeReader
from tradestat.sources.gacc import GaccReader
from tradestat.sources.mapped import MappedCsvReader
from tradestat.sources.taiwan import TaiwanReader

READERS: dict[str, type[Reader]] = {"baci": BaciReader, "comtrade": ComtradeReader,
                                    "csv": MappedCsvReader, "gacc": GaccReader,
                                    "taiwan": TaiwanReader}

__all__ = ["READERS", "BaciReader", "ComtradeReader", "GaccReader", "MappedCsvReader",
           "ReadResult", "Reader", "TaiwanReader"]

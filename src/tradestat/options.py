"""The options of a question (``--reporter``, ``?period=`` …), declared once: name, type,
default and help. The command line (:mod:`tradestat.cli`) and the HTTP API
(:mod:`tradestat.server.schemas`) build their parameters from these declarations, and a
:class:`tradestat.analytics.question.Question` has a field of each name.

A module of its own, importing nothing, so that ``tradestat --help`` reads the options
without loading the analytics.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Option:
    """One option of a question: its name (the keyword; ``--name`` on the command line with
    ``_`` as ``-``, ``?name=`` in the API), type, default and help."""

    name: str
    type: type
    default: Any = None
    help: str = ""
    #: may be given several times (a list in the API, a repeated option on the CLI)
    many: bool = False
    #: the API's bounds: max_length for text, (ge, le) for numbers
    max_length: int | None = 40
    min_length: int | None = None
    bounds: tuple[int, int] | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def but(self, **changes: Any) -> Option:
        """This option with another default, help or multiplicity (one command's variant)."""
        return replace(self, **changes)


OPTIONS: dict[str, Option] = {o.name: o for o in (
    Option("reporter", str, help="Reporter: ISO3 (CHN), Comtrade numeric (156) or a name "
           "(China).", max_length=200, min_length=1),
    Option("flow", str, help="export, import, re-export or re-import."),
    Option("period", str, help="2024 | 2024-11 | 2024-01..2024-11 (compared with a year "
           "earlier)."),
    Option("product", str, help="HS code at any level (8542, 854231) or TOTAL."),
    Option("basket", str, help="A named basket (see `tradestat baskets list` or /api/baskets).",
           max_length=100),
    Option("partner", str, help="Partner (default: the world), as the reporter.",
           max_length=200, min_length=1),
    Option("currency", str, help="Currency of the result (default: the data's), e.g. CNY.",
           max_length=10),
    Option("as_of", str, help="Only releases published (else ingested) on or before this "
           "date, YYYY-MM-DD."),
    Option("engine", str, "duckdb", help="duckdb (default) or spark."),
    Option("source", str, help="Only this source's data (e.g. comtrade, gacc); default: per "
           "reporter, the source that publishes the asked code, then comtrade, baci, gacc, "
           "taiwan.", max_length=64),
    Option("by", str, "reporter", help="reporter, partner or product.", max_length=20),
    Option("top", int, help="The first N rows.", bounds=(1, 100_000)),
    Option("level", int, help="HS digits: 2, 4 or 6.", bounds=(2, 12)),
    Option("freq", str, "M", help="M (monthly) or A (annual).", max_length=10),
)}

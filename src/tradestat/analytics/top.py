"""top: a reporter's products at HS level 2, 4 or 6, by value, with year-on-year and share.

    >>> top(store, "CHN", "export", "2024", level=4, top=20).to_pandas()  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from tradestat.analytics.question import Question
from tradestat.analytics.rank import Ranking, answer


def top(store: Any, reporter: str | list[str], flow: str, period: str, level: int = 4,
        top: int | None = 20, product: str | None = None, partner: str | None = None,
        currency: str | None = None, engine: str = "duckdb", as_of: str | None = None,
        source: str | None = None) -> Ranking:
    """The ``top`` products of ``reporter`` at ``level`` digits (within ``product`` if given).

    A published heading is never added to its sub-codes; a product published only at a
    coarser level than asked is ranked as published, with a warning.
    """
    return answer(store, Question(
        "top", flow=flow, reporter=reporter, period=period, product=product, partner=partner,
        currency=currency, as_of=as_of, engine=engine, source=source, by="product", top=top,
        level=level))

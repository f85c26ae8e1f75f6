"""A figure in one line of plain text, as the claim checker's answers (``tradestat ask``)
and the command line give it: places by the names a reader knows (Taiwan for Comtrade's
490/S19), products with their HS description, codes in warnings written as names. The
command line's tables of rankings, comparisons and series are in :mod:`tradestat.cli.render`.
(This was ``tradestat.analytics.text``: a presentation of results, not part of the engine.)

    >>> figure_line(f)                                              # doctest: +SKIP
    'China export of HS 8542 (Electronic integrated circuits) in 2024: US$159.7 bn, +17.2 % on
    2023 (US$136.3 bn)'

The wording helpers are the report's (:mod:`tradestat.report.words`, ``notes``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradestat.analytics.common import money, pct

if TYPE_CHECKING:
    from tradestat.analytics.figure import Figure

NAME_WIDTH = 44


def _short(text: str, width: int = NAME_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def place(code: str) -> str:
    """A reporter's or partner's name as a reader knows it ("Taiwan" for S19)."""
    from tradestat.report.words import place as reader_place

    return reader_place(code) if code else code


def span_words(span: object) -> str:
    """"2024", "January–August 2025"."""
    from tradestat.report.words import span_words as in_words

    return in_words(span)


def readable(message: str) -> str:
    """A message with names for country codes ("S19 17.5 %" -> "Taiwan 17.5 %")."""
    from tradestat.report.notes import readable as names_for_codes

    return names_for_codes(message)


def product_words(product: dict) -> str:
    """"HS 8542 (Electronic integrated circuits)", "passenger cars", "all products"."""
    from tradestat.analytics.common import product_name
    from tradestat.report.words import item_name

    if product["kind"] != "code":
        return item_name(product["label"], product["kind"])
    name = _short(product_name(product["label"]), 60)
    return f"HS {product['label']}" + (f" ({name})" if name else "")


def figure_line(f: Figure) -> str:
    q = f.query
    to = f" to {place(q['partner'])}" if q.get("partner") not in (None, "WLD") else ""
    head = (f"{place(q['reporter'])} {q['flow']}{to} of {product_words(q['product'])} in "
            f"{span_words(f.period)}")
    prev = span_words(f.period.previous())
    if f.value is None:
        return f"{head}: no data"
    value = money(f.value, f.currency)
    published = (f", {pct(f.published_yoy_pct)} year on year, as published"
                 if f.published_yoy_pct is not None else "")
    if f.yoy_pct is not None:
        return (f"{head}: {value}, {pct(f.yoy_pct)} on {prev} "
                f"({money(f.previous_value, f.currency)}){published}")
    if f.previous_value is None:
        why = f"no data for {prev} to compute a change"
    else:
        why = (f"{prev}: {money(f.previous_value, f.currency)}, not covered alike: no change "
               "computed")
    return f"{head}: {value}{published} ({why})"

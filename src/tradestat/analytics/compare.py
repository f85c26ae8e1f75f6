"""compare: several products or baskets side by side for one reporter, span and currency.

One engine query fetches every item's rows keyed by full product code; each item's figure is
then made from its own rows (so overlapping items, such as a basket and one of its headings,
each count their heading once), sorted by value, with the ratio to the first item given and a
plain-language relation of the first to each other ("exceeds by 12.4 %").

    >>> c = compare(store, "CHN", "export", "2024-01..2024-11",
    ...             ["integrated_circuits", "passenger_cars", "mobile_phones"])  # doctest: +SKIP
    >>> [r["text"] for r in c.relations]                                       # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from tradestat import model
from tradestat.analytics import products, rules
from tradestat.analytics.common import target_currency
from tradestat.analytics.figure import Figure, basket_warnings, build, partner_warnings
from tradestat.analytics.guards import CoverageWarning
from tradestat.analytics.periods import Span
from tradestat.analytics.question import Question, parse_items, resolve, union  # noqa: F401
from tradestat.analytics.select import GROUP, fetch

LEVEL_WITHIN = 0.01


@dataclass
class Item:
    rank: int
    products: products.Products
    figure: Figure
    ratio: float | None

    @property
    def label(self) -> str:
        return self.products.label

    def to_dict(self) -> dict:
        return {"rank": self.rank, "label": self.label, "kind": self.products.kind,
                "ratio": self.ratio, **self.figure.to_dict()}


@dataclass
class Comparison:
    """Items sorted by value; ``reference`` is the first item given (ratios are to it)."""

    query: dict
    period: Span
    currency: str
    reference: str
    items: list[Item]
    relations: list[dict]
    warnings: list[CoverageWarning] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"query": self.query, "period": self.period.to_dict(),
                "previous_period": self.period.previous().to_dict(),
                "currency": self.currency, "reference": self.reference,
                "items": [i.to_dict() for i in self.items], "relations": self.relations,
                "warnings": [w.to_dict() | {"item": item} for item, w in self._item_warnings()]}

    def _item_warnings(self) -> list[tuple[str | None, CoverageWarning]]:
        return [(None, w) for w in self.warnings] + [
            (i.label, w) for i in self.items for w in i.figure.warnings]

    def to_pandas(self) -> Any:
        import pandas as pd

        return pd.DataFrame([{"rank": i.rank, "label": i.label, "kind": i.products.kind,
                              "value": i.figure.value, "previous": i.figure.previous_value,
                              "yoy_pct": i.figure.yoy_pct, "ratio": i.ratio,
                              "currency": i.figure.currency, "warnings": len(i.figure.warnings)}
                             for i in self.items])


def relation(a: str, va: float | None, b: str, vb: float | None) -> dict:
    """How ``a`` stands to ``b``: "a exceeds b by 12.4 %", "a is level with b (within 1 %)"."""
    if va is None or vb is None or vb <= 0:
        text, diff = f"{a} cannot be compared with {b} (no data for one of them)", None
    else:
        diff = (va / vb - 1.0) * 100.0
        if abs(diff) < LEVEL_WITHIN * 100:
            text = f"{a} is level with {b} (within 1 %)"
        elif diff > 0:
            text = f"{a} exceeds {b} by {diff:.1f} %"
        else:
            text = f"{a} is {-diff:.1f} % below {b}"
    return {"a": a, "b": b, "diff_pct": diff, "ratio": va / vb if diff is not None else None,
            "text": text}


def item_rows(df: pl.DataFrame, prods: products.Products) -> pl.DataFrame:
    """One item's rows from the frame keyed by full product, grouped as fetch groups them."""
    key = pl.col("product_key")
    if prods.codes is None:
        code = pl.when(key == model.TOTAL_PRODUCT).then(pl.lit(model.TOTAL_PRODUCT)) \
            .otherwise(pl.lit("*"))
    else:
        code = pl.lit(None, pl.String)
        branches = sorted(((e, p) for e, ps in prods.codes.items() for p in ps),
                          key=lambda ep: len(ep[1]))
        for edition, prefix in branches:  # longest last: it wins
            cond = key.str.starts_with(prefix)
            if edition != "*":
                cond = cond & (pl.col("classification") == edition)
            code = pl.when(cond).then(pl.lit(prefix)).otherwise(code)
    mine = df.with_columns(code=code).filter(pl.col("code").is_not_null())
    mine = rules.drop_covered(mine, "product_key")
    mine = mine.with_columns(plen=pl.when(key == model.TOTAL_PRODUCT).then(0)
                             .otherwise(key.str.len_chars()).cast(df.schema["plen"]))
    # R12: a one-record value keeps the change published beside it, as in figure
    return mine.group_by(GROUP).agg(pl.col("value").sum(), pl.col("rows").sum(),
                                    pl.col("published_yoy_pct").max())


def compare(store: Any, reporter: str, flow: str, period: str, items: list[str] | None = None,
            *, baskets: list[str] | None = None, codes: list[str] | None = None,
            partner: str | None = None, currency: str | None = None, engine: str = "duckdb",
            as_of: str | None = None, source: str | None = None) -> Comparison:
    """Items (basket names or HS codes) of one reporter side by side, largest first."""
    return answer(store, Question.of(
        "compare", flow=flow, reporter=reporter, period=period, items=items, baskets=baskets,
        codes=codes, partner=partner, currency=currency, as_of=as_of, engine=engine,
        source=source))


def answer(store: Any, q: Question) -> Comparison:
    """The comparison that answers ``q`` (analytic compare: its items, baskets and codes)."""
    r = resolve(store, q)
    sel, wanted, span, partner_code = r.selection, r.items, r.span, r.partner
    df = fetch(r.table, sel, r.spans, by=("product",), dedup=False)
    unit = target_currency(df.filter(pl.col("which").is_not_null()), q.currency)
    figures = []
    for p in wanted:
        rows, warnings = rules.apply(item_rows(df, p), r.spans, parts=p.kind != "basket",
                                     partner=partner_code, source=sel.source)
        query = {"reporter": r.reporter, "flow": sel.flow, "partner": partner_code,
                 "product": p.to_dict(), "engine": q.engine, "as_of": q.as_of,
                 "source": sel.source}
        figures.append(build(rows, [*p.warnings, *basket_warnings(rows, p), *warnings],
                             span, query, unit, basket=p.kind == "basket"))
    return _assemble(wanted, figures, span, unit, {
        "reporter": r.reporter, "flow": sel.flow, "partner": partner_code, "engine": q.engine,
        "as_of": q.as_of, "source": sel.source, "items": [p.to_dict() for p in wanted]},
        partner_warnings(partner_code, r.partner_country))


def _assemble(wanted: list[products.Products], figures: list[Figure], span: Span, unit: str,
              query: dict, warnings: list[CoverageWarning]) -> Comparison:
    ref = figures[0].value
    order = sorted(range(len(wanted)), key=lambda i: (figures[i].value is None,
                                                      -(figures[i].value or 0.0), i))
    items = [Item(n + 1, wanted[i], figures[i],
                  figures[i].value / ref if ref and figures[i].value is not None else None)
             for n, i in enumerate(order)]
    first = wanted[0].label
    relations = [relation(first, ref, wanted[i].label, figures[i].value) for i in order
                 if i != 0]
    return Comparison(query, span, unit, first, items, relations, warnings)

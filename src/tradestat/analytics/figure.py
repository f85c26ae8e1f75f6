"""figure: one value for a reporter, flow, product and span, with the year-earlier value,
the year-on-year change, what the numbers cover and every reason they may not compare."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from tradestat import model
from tradestat.analytics import common, coverage, products, rules
from tradestat.analytics.common import (  # noqa: F401  (flow_name & co. were defined here)
    FLOW_WORDS,
    country_code,
    editions,
    flow_name,
    for_data,
    in_currency,
    open_store,
    spans_for,
)
from tradestat.analytics.engine import records
from tradestat.analytics.guards import CoverageWarning
from tradestat.analytics.periods import Span
from tradestat.analytics.select import Selection, fetch


@dataclass
class Figure:
    """A value people can cite, with its comparison, coverage and warnings."""

    query: dict
    value: float | None
    currency: str
    basis: str | None
    period: Span
    previous_value: float | None
    coverage: dict
    warnings: list[CoverageWarning] = field(default_factory=list)
    conversion: dict | None = None
    #: the year-on-year % change the source printed beside the value (China Customs), when
    #: the value is one published record; shown beside the computed ``yoy_pct``
    published_yoy_pct: float | None = None

    @property
    def yoy_pct(self) -> float | None:
        return common.growth_pct(self.value, self.previous_value)

    def to_dict(self) -> dict:
        return {
            "query": self.query, "value": self.value, "currency": self.currency,
            "basis": self.basis, "period": self.period.to_dict(),
            "previous": {"value": self.previous_value,
                         "period": self.period.previous().to_dict()},
            "yoy_pct": self.yoy_pct, "published_yoy_pct": self.published_yoy_pct,
            "coverage": self.coverage,
            "warnings": [w.to_dict() for w in self.warnings],
            "conversion": self.conversion,
        }

    def to_pandas(self) -> Any:
        import pandas as pd

        return pd.DataFrame([{"period": self.period.label, "value": self.value,
                              "previous_period": self.period.previous().label,
                              "previous_value": self.previous_value, "yoy_pct": self.yoy_pct,
                              "currency": self.currency, "warnings": len(self.warnings)}])


def partner_warnings(partner_code: str, partner_country: Any) -> list[CoverageWarning]:
    if partner_country is None or not partner_country.is_area or partner_code == model.WORLD:
        return []
    note = f": {partner_country.note}" if partner_country.note else ""
    return [CoverageWarning(
        "partner-area", f"partner {partner_code} ({partner_country.name}) is an area, not a "
        f"country{note}", {"partner": partner_code})]


def basket_warnings(df: pl.DataFrame, prods: products.Products) -> list[CoverageWarning]:
    """A basket code with no rows at all: the figure covers the basket's other codes only."""
    if prods.kind != "basket" or prods.codes is None or not df.height:
        return []
    seen = set(df.get_column("code").unique().to_list())
    found = sorted(set(df.get_column("classification").unique().to_list()))
    listed = {c for e, cs in prods.codes.items() if e in found or e == "*" for c in cs}
    gone = sorted(listed - seen)
    if not gone:
        return []
    return [CoverageWarning(
        "code-missing", f"basket {prods.label!r}: no data for {', '.join(gone)} "
        f"({'/'.join(found)}); the figure covers {', '.join(sorted(seen))} only",
        {"basket": prods.label, "missing": gone, "present": sorted(seen)})]


def build(df: pl.DataFrame, warnings: list[CoverageWarning], span: Span, query: dict,
          currency: str | None = None) -> Figure:
    """A :class:`Figure` from the rows :func:`rules.apply` kept (spans current and previous)."""
    cur, prev = (df.filter(pl.col("which") == w) for w in ("current", "previous"))
    cov = {"current": coverage.describe(cur, span),
           "previous": coverage.describe(prev, span.previous())}
    warnings = [*warnings, *coverage.compare(cur, prev, cov["current"], cov["previous"], False)]
    value, unit, basis, conv = in_currency(cur, currency)
    prev_value, _, _, prev_conv = in_currency(prev, unit)
    fig = Figure(query, value if cur.height else None, unit, basis, span,
                 prev_value if prev.height else None, cov, warnings,
                 {"current": conv, "previous": prev_conv} if conv or prev_conv else None,
                 published_yoy(cur))
    fig.warnings.extend(yoy_warnings(fig))
    return fig


def published_yoy(rows: pl.DataFrame) -> float | None:
    """The change published beside the value, when the value is one published record."""
    if rows.height != 1 or "published_yoy_pct" not in rows.columns:
        return None
    row = rows.row(0, named=True)
    if row["rows"] != 1 or row.get("derived"):
        return None
    return row["published_yoy_pct"]


def yoy_warnings(fig: Figure) -> list[CoverageWarning]:
    """The computed change and the published one disagree beyond the published rounding."""
    computed, published = fig.yoy_pct, fig.published_yoy_pct
    if computed is None or published is None or abs(computed - published) <= 0.051:
        return []
    return [CoverageWarning(
        "yoy-published-differs", f"the change computed from the stored values, "
        f"{computed:+.1f} %, differs from the {published:+.1f} % published beside the value: "
        "the year-earlier value has been revised since, or comes from another release",
        {"computed": computed, "published": published})]


def figure(store: Any, reporter: str, flow: str, period: str, product: str | None = None,
           basket: str | None = None, partner: str | None = None, currency: str | None = None,
           engine: str = "duckdb", as_of: str | None = None) -> Figure:
    """China's exports of integrated circuits in Jan–Nov 2024, and so on.

        >>> f = figure(store, "CHN", "export", "2024-01..2024-11", product="8542")  # doctest: +SKIP
        >>> f.value, f.yoy_pct, [w.code for w in f.warnings]                      # doctest: +SKIP
    """
    store = open_store(store)
    code, _ = country_code(reporter, "--reporter")
    partner_code, partner_country = (country_code(partner, "--partner") if partner
                                     else (model.WORLD, None))
    span, spans = spans_for(period)
    prods = products.parse(product, basket, store.root)
    sel = Selection(flow_name(flow), [code], partner_code, prods.codes)
    t = records(store, engine, as_of)
    prods = for_data(prods, t, sel, spans, store)
    sel.codes = prods.codes
    df, warnings = rules.apply(fetch(t, sel, spans), spans, parts=prods.kind != "basket")
    query = {"reporter": code, "flow": sel.flow, "partner": partner_code,
             "product": prods.to_dict(), "engine": engine, "as_of": as_of}
    warnings = [*prods.warnings, *basket_warnings(df, prods), *warnings,
                *partner_warnings(partner_code, partner_country)]
    return build(df, warnings, span, query, currency)

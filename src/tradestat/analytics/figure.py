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
from tradestat.analytics.guards import CoverageWarning, warn
from tradestat.analytics.periods import Span
from tradestat.analytics.question import Question, resolve
from tradestat.analytics.select import fetch


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
    #: False where the previous span is not covered like the current one (docs/figures.md
    #: R11): no change is computed, a ``yoy-withheld`` warning says why
    comparable: bool = True
    #: the value each other source in the store gives for the same question (R4.3)
    other_sources: dict[str, float] = field(default_factory=dict)

    @property
    def yoy_pct(self) -> float | None:
        if not self.comparable:
            return None
        return common.growth_pct(self.value, self.previous_value)

    def to_dict(self) -> dict:
        return {
            "query": self.query, "value": self.value, "currency": self.currency,
            "basis": self.basis, "period": self.period.to_dict(),
            "previous": {"value": self.previous_value,
                         "period": self.period.previous().to_dict()},
            "yoy_pct": self.yoy_pct, "published_yoy_pct": self.published_yoy_pct,
            "other_sources": self.other_sources, "coverage": self.coverage,
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
    return [warn("partner-area", {"partner": partner_code}, partner=partner_code,
                 name=partner_country.name, note=note)]


def basket_warnings(df: pl.DataFrame, prods: products.Products) -> list[CoverageWarning]:
    """A basket code with no rows at all: the figure covers the basket's other codes only."""
    if "which" in df.columns:
        df = df.filter(pl.col("which") == "current")  # R8.4: the current span's rows
    if prods.kind != "basket" or prods.codes is None or not df.height:
        return []
    seen = set(df.get_column("code").unique().to_list())
    found = sorted(set(df.get_column("classification").unique().to_list()))
    listed = {c for e, cs in prods.codes.items() if e in found or e == "*" for c in cs}
    # a row is data of every basket code it falls under (85 and 8542 for 854231), and a
    # code under a published heading of the basket is covered by it, not missing
    headings = {c for c, n in zip(df.get_column("code").to_list(),
                                  df.get_column("plen").to_list(), strict=True)
                if c and n == len(c)}  # basket codes published as a row of their own
    gone = sorted(c for c in listed
                  if not any(s.startswith(c) for s in seen)
                  and not any(c.startswith(h) for h in headings))
    seen = {c for c in listed if c not in gone}
    if not gone:
        return []
    return [warn("code-missing", {"basket": prods.label, "missing": gone,
                                  "present": sorted(seen)},
                 basket=prods.label, missing=", ".join(gone), editions="/".join(found),
                 present=", ".join(sorted(seen)))]


def build(df: pl.DataFrame, warnings: list[CoverageWarning], span: Span, query: dict,
          currency: str | None = None, basket: bool = False) -> Figure:
    """A :class:`Figure` from the rows :func:`rules.apply` kept (spans current and previous)."""
    cur, prev = (df.filter(pl.col("which") == w) for w in ("current", "previous"))
    cov = {"current": coverage.describe(cur, span),
           "previous": coverage.describe(prev, span.previous())}
    warnings = [*warnings, *coverage.compare(cur, prev, cov["current"], cov["previous"], False)]
    value, unit, basis, conv = in_currency(cur, currency)
    prev_value, _, _, prev_conv = in_currency(prev, unit)
    unlike = coverage.unlike(cur, prev, basket)
    fig = Figure(query, value if cur.height else None, unit, basis, span,
                 prev_value if prev.height else None, cov, warnings,
                 {"current": conv, "previous": prev_conv} if conv or prev_conv else None,
                 published_yoy(cur), comparable=not unlike)
    fig.warnings.extend(coverage.withheld(unlike))
    fig.warnings.extend(yoy_warnings(fig))
    return fig


def other_sources(df: pl.DataFrame, spans: dict[str, Span], parts: bool, unit: str,
                  partner: str | None = None) -> tuple[dict[str, float], list[str]]:
    """What each source not chosen (R4) gives for the current span, by the same rules."""
    cur = df.filter(pl.col("which") == "current")
    if cur.get_column("source").n_unique() <= 1:
        return {}, []
    chosen = set(rules.chosen_sources(df.filter(pl.col("which").is_not_null()),
                                      parts, spans).values())
    out, notes = {}, []
    for source in sorted(set(cur.get_column("source").to_list()) - chosen,
                         key=rules.source_rank):
        rows, warnings = rules.apply(df.filter(pl.col("source") == source), spans,
                                     parts=parts, partner=partner)
        rows = rows.filter(pl.col("which") == "current")
        if rows.height:
            out[source] = in_currency(rows, unit)[0]
            if any(w.code == "product-from-parts" for w in warnings):
                notes.append(f"{source}'s is a sum of sub-codes")
    return out, notes


def source_warnings(fig: Figure, notes: list[str]) -> list[CoverageWarning]:
    """Other sources' values beside the figure's (R4.3)."""
    if not fig.other_sources or fig.value is None:
        return []
    used = "/".join(fig.coverage["current"]["sources"])
    parts = [f"{s} gives {common.money(v, fig.currency)}"
             + (f" ({common.pct(common.growth_pct(v, fig.value))} against {used})"
                if fig.value else "") for s, v in fig.other_sources.items()]
    return [warn("other-source", {"used": fig.coverage["current"]["sources"],
                                  "values": fig.other_sources},
                 used=used, values="; ".join(parts), notes="".join(f" ({n})" for n in notes))]


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
    return [warn("yoy-published-differs", {"computed": computed, "published": published},
                 computed=computed, published=published)]


def figure(store: Any, reporter: str, flow: str, period: str, product: str | None = None,
           basket: str | None = None, partner: str | None = None, currency: str | None = None,
           engine: str = "duckdb", as_of: str | None = None, source: str | None = None
           ) -> Figure:
    """China's exports of integrated circuits in Jan–Nov 2024, and so on.

        >>> f = figure(store, "CHN", "export", "2024-01..2024-11", product="8542")  # doctest: +SKIP
        >>> f.value, f.yoy_pct, [w.code for w in f.warnings]                      # doctest: +SKIP
    """
    return answer(store, Question(
        "figure", flow=flow, reporter=reporter, period=period, product=product, basket=basket,
        partner=partner, currency=currency, as_of=as_of, engine=engine, source=source))


def answer(store: Any, q: Question) -> Figure:
    """The figure that answers ``q`` (a :class:`Question` whose analytic is figure)."""
    r = resolve(store, q)
    sel, prods, spans, partner_code = r.selection, r.products, r.spans, r.partner
    parts = prods.kind != "basket"
    found = fetch(r.table, sel, spans)
    df, warnings = rules.apply(found, spans, parts=parts, partner=partner_code,
                               source=sel.source)
    query = {"reporter": r.reporter, "flow": sel.flow, "partner": partner_code,
             "product": prods.to_dict(), "engine": q.engine, "as_of": q.as_of,
             "source": q.source}
    warnings = [*prods.warnings, *basket_warnings(df, prods), *warnings,
                *partner_warnings(partner_code, r.partner_country)]
    fig = build(df, warnings, r.span, query, q.currency, basket=not parts)
    fig.other_sources, notes = other_sources(found, spans, parts, fig.currency,
                                           partner_code)
    fig.warnings.extend(source_warnings(fig, notes))
    return fig

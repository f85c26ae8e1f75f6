"""figure: one value for a reporter, flow, product and span, with the year-earlier value,
the year-on-year change, what the numbers cover and every reason they may not compare."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from tradestat import model
from tradestat.analytics import coverage, products, rules
from tradestat.analytics.engine import records
from tradestat.analytics.guards import CoverageWarning
from tradestat.analytics.periods import Span
from tradestat.analytics.select import Selection, fetch
from tradestat.errors import InputError

FLOW_WORDS = {"export": "export", "exports": "export", "x": "export",
              "import": "import", "imports": "import", "m": "import",
              "re-export": "re-export", "rx": "re-export", "re-import": "re-import",
              "rm": "re-import"}


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

    @property
    def yoy_pct(self) -> float | None:
        if self.value is None or not self.previous_value:
            return None
        return (self.value / self.previous_value - 1.0) * 100.0

    def to_dict(self) -> dict:
        return {
            "query": self.query, "value": self.value, "currency": self.currency,
            "basis": self.basis, "period": self.period.to_dict(),
            "previous": {"value": self.previous_value,
                         "period": self.period.previous().to_dict()},
            "yoy_pct": self.yoy_pct, "coverage": self.coverage,
            "warnings": [w.to_dict() for w in self.warnings],
            "conversion": self.conversion,
        }

    def to_pandas(self) -> Any:
        import pandas as pd

        return pd.DataFrame([{"period": self.period.label, "value": self.value,
                              "previous_period": self.period.previous().label,
                              "previous_value": self.previous_value, "yoy_pct": self.yoy_pct,
                              "currency": self.currency, "warnings": len(self.warnings)}])


def flow_name(flow: str) -> str:
    found = FLOW_WORDS.get(str(flow).strip().lower())
    if found is None:
        raise InputError(f"--flow {flow!r}: use one of {', '.join(model.FLOWS)}", value=flow)
    return found


def country_code(text: str, option: str) -> tuple[str, Any]:
    from tradestat.reference import countries

    try:
        match = countries.find(text)
    except InputError as exc:
        raise InputError(f"{option} {text!r}: {exc}", value=text) from None
    return match.country.code, match.country


def editions(t: Any, sel: Selection, spans: dict[str, Span]) -> list[str]:
    """HS editions present in the rows a selection may touch (for basket translation)."""
    years = sorted({y for s in spans.values() for y in s.years})
    expr = t.filter([t.flow == sel.flow, t.year.isin(years)])
    if sel.reporters is not None:
        expr = expr.filter(expr.reporter.isin(sel.reporters))
    return sorted(expr.classification.distinct().to_pyarrow().column(0).to_pylist())


def in_currency(df: pl.DataFrame, target: str | None) -> tuple[float, str, str | None, dict]:
    """Sum ``df``'s values in ``target`` (default: the data's own currency)."""
    if not df.height:
        return 0.0, target or "USD", None, {}
    currencies = sorted(df.get_column("currency").unique().to_list())
    target = (target or (currencies[0] if len(currencies) == 1 else "USD")).upper()
    same = df.filter(pl.col("currency") == target).get_column("value").sum()
    other = df.filter(pl.col("currency") != target)
    if not other.height:
        return float(same), target, "published", {}
    from tradestat.reference import fx

    total, bases, used = float(same), set(), []
    parts = other.group_by("currency", "freq", "period").agg(pl.col("value").sum())
    for cur, freq, period, value in parts.sort("currency", "period").rows():
        if freq == "M":
            conv = fx.convert({f"{period // 100}-{period % 100:02d}": value}, cur, target)
        else:
            conv = fx.convert(value, cur, target, "annual-average", period=str(period))
        total += conv.value
        bases.add(conv.basis)
        used.extend(r.to_dict() for r in conv.rates)
    basis = "/".join(sorted(bases))
    return total, target, basis, {"from": [c for c in currencies if c != target],
                                  "basis": basis, "rates": used}


def figure(store: Any, reporter: str, flow: str, period: str, product: str | None = None,
           basket: str | None = None, partner: str | None = None, currency: str | None = None,
           engine: str = "duckdb", as_of: str | None = None) -> Figure:
    """China's exports of integrated circuits in Jan–Nov 2024, and so on.

        >>> figure(store, "CHN", "export", "2024-01..2024-11", product="8542")  # doctest: +SKIP
    """
    code, _ = country_code(reporter, "--reporter")
    partner_code, partner_country = (country_code(partner, "--partner") if partner
                                     else (model.WORLD, None))
    span = Span.parse(period)
    spans = {"current": span, "previous": span.previous()}
    prods = products.parse(product, basket, store.root)
    sel = Selection(flow_name(flow), [code], partner_code, prods.codes)
    t = records(store, engine, as_of)
    if prods.kind == "basket":
        prods = products.for_editions(prods, editions(t, sel, spans), store.root)
        sel.codes = prods.codes
    df, warnings = rules.apply(fetch(t, sel, spans), spans)
    cur, prev = (df.filter(pl.col("which") == w) for w in ("current", "previous"))
    cov = {"current": coverage.describe(cur, span),
           "previous": coverage.describe(prev, span.previous())}
    warnings = [*prods.warnings, *warnings,
                *coverage.compare(cur, prev, cov["current"], cov["previous"], False)]
    if partner_country is not None and partner_country.is_area:
        warnings.append(CoverageWarning(
            "partner-area", f"partner {partner_code} ({partner_country.name}) is an area, "
            f"not a country{': ' + partner_country.note if partner_country.note else ''}",
            {"partner": partner_code}))
    value, unit, basis, conv = in_currency(cur, currency)
    prev_value, _, _, prev_conv = in_currency(prev, unit)
    query = {"reporter": code, "flow": sel.flow, "partner": partner_code,
             "product": prods.to_dict(), "engine": engine, "as_of": as_of}
    return Figure(query, value if cur.height else None, unit, basis, span,
                  prev_value if prev.height else None, cov, warnings,
                  {"current": conv, "previous": prev_conv} if conv or prev_conv else None)

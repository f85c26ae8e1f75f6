"""series: monthly or annual values over all available periods (or a span), for charts.

Each point carries its coverage (reporters, releases, months); gaps are points without a
value, never silently joined. Annual points of monthly-only reporters are sums of their months
and say which months are missing.

    >>> s = series(store, "CHN", "export", basket="semiconductors", freq="A")  # doctest: +SKIP
    >>> s.to_pandas()                                                          # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from tradestat.analytics import coverage, rules
from tradestat.analytics.common import in_currency, target_currency
from tradestat.analytics.figure import basket_warnings, partner_warnings
from tradestat.analytics.guards import CoverageWarning, warn
from tradestat.analytics.periods import Span
from tradestat.analytics.question import EVERYTHING, Question, resolve  # noqa: F401
from tradestat.analytics.select import fetch
from tradestat.errors import InputError


@dataclass
class Point:
    period: str
    value: float | None
    coverage: dict

    def to_dict(self) -> dict:
        return {"period": self.period, "value": self.value, "coverage": self.coverage}


@dataclass
class Series:
    query: dict
    freq: str
    currency: str
    basis: str | None
    points: list[Point]
    warnings: list[CoverageWarning] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"query": self.query, "freq": self.freq, "currency": self.currency,
                "basis": self.basis, "points": [p.to_dict() for p in self.points],
                "warnings": [w.to_dict() for w in self.warnings]}

    def to_pandas(self) -> Any:
        import pandas as pd

        return pd.DataFrame([{"period": p.period, "value": p.value,
                              "n_reporters": p.coverage.get("n_reporters", 0),
                              "complete": p.coverage.get("complete", False)}
                             for p in self.points],
                            columns=["period", "value", "n_reporters", "complete"])


def _label(period: int, freq: str) -> str:
    return f"{period // 100}-{period % 100:02d}" if freq == "M" else str(period)


def _span(label: str) -> Span:
    return Span.parse(label)


def relabel(df: pl.DataFrame, freq: str) -> tuple[pl.DataFrame, list[CoverageWarning]]:
    """One span per point: ``which`` becomes the month (freq M) or the year (freq A)."""
    if freq == "M":
        df, warnings = rules.derive_months(df)  # months not published, from cumulative values
        annual_only = sorted(set(df.filter(pl.col("freq") == "A").get_column("reporter"))
                             - set(df.filter(pl.col("freq") != "A").get_column("reporter")))
        # a cumulative value left standing is January's own (R6.1): the month of January
        df = df.filter(pl.col("freq") != "A").with_columns(
            which=pl.format("{}-{}", pl.col("period") // 100,
                            (pl.col("period") % 100).cast(pl.String).str.zfill(2)))
        warnings += [warn("freq-mix", {"annual_reporters": annual_only}, "series",
                          reporters=rules._names(annual_only))] if annual_only else []
        return df, warnings
    # a cumulative value (freq C, January to its month) belongs to its year's point
    year = pl.when(pl.col("freq") != "A").then(pl.col("period") // 100) \
        .otherwise(pl.col("period"))
    return df.with_columns(which=year.cast(pl.String)), []


def _labels(found: list[str], freq: str, span: Span | None) -> list[str]:
    """Every point from the first to the last (or of the asked span), gaps included."""
    if span is None:
        if not found:
            return []
        span = Span.parse(f"{min(found)}..{max(found)}")
    if freq == "A":
        return [str(y) for y in span.years]
    return [_label(m, "M") for m in span.months]


def _point(part: pl.DataFrame, label: str, unit: str) -> tuple[Point, str | None]:
    if not part.height:
        return Point(label, None, {"reporters": [], "n_reporters": 0, "releases": [],
                                   "complete": False}), None
    cov = coverage.describe(part, _span(label))
    value, _, basis, _ = in_currency(part, unit)
    keep = ("reporters", "n_reporters", "releases", "sources", "classifications", "freq",
            "months", "missing_months", "engine")
    doc = {k: cov[k] for k in keep} | {"complete": not cov["missing_months"]}
    return Point(label, value, doc), basis


def _point_warnings(points: list[Point], freq: str, many: bool) -> list[CoverageWarning]:
    out = []
    gaps = [p.period for p in points if p.value is None]
    if gaps:
        out.append(warn("missing-month" if freq == "M" else "no-data", {"periods": gaps},
                        "series-gaps", periods=rules._names(gaps)))
    for p in points:
        if p.coverage.get("missing_months"):
            missing = p.coverage["missing_months"]
            out.append(warn("missing-month", {"period": p.period, "reporters": missing},
                            "partial-year", period=p.period, gaps="; ".join(
                                f"{r} has no data for {rules.months_text(m)}"
                                for r, m in missing.items())))
        if len(p.coverage.get("releases", [])) > 1:
            out.append(warn("release-mix", {"period": p.period,
                                            "releases": p.coverage["releases"]},
                            "series", period=p.period, n=len(p.coverage["releases"]),
                            sources=", ".join(p.coverage["sources"])))
    counts = {p.period: p.coverage["n_reporters"] for p in points if p.value is not None}
    if many and len(set(counts.values())) > 1:
        out.append(warn("reporter-coverage", {"n_reporters": counts}, "series",
                        low=min(counts.values()), high=max(counts.values())))
    return out


def series(store: Any, reporter: str | list[str] | None, flow: str, product: str | None = None,
           basket: str | None = None, freq: str = "M", period: str | None = None,
           partner: str | None = None, currency: str | None = None, engine: str = "duckdb",
           as_of: str | None = None, source: str | None = None) -> Series:
    """Values per month (``freq="M"``) or year (``"A"``); ``reporter=None`` sums all."""
    return answer(store, Question(
        "series", flow=flow, reporter=reporter, period=period, product=product, basket=basket,
        partner=partner, currency=currency, as_of=as_of, engine=engine, source=source,
        freq=freq))


def answer(store: Any, q: Question) -> Series:
    """The series that answers ``q`` (analytic series: ``q.freq`` M or A)."""
    freq = str(q.freq).strip().upper()
    if freq not in ("M", "A"):
        raise InputError(f"--freq {freq!r}: use M (monthly) or A (annual)", value=freq)
    r = resolve(store, q)
    sel, prods = r.selection, r.products
    df, warnings = relabel(fetch(r.table, sel, r.spans), freq)
    found = sorted(df.get_column("which").unique().to_list())
    df, more = rules.apply(df, {w: _span(w) for w in found}, parts=prods.kind != "basket",
                           compared=False, partner=r.partner, source=sel.source)
    unit = target_currency(df, q.currency)
    points, bases = [], set()
    for label in _labels(found, freq, r.span):
        point, basis = _point(df.filter(pl.col("which") == label), label, unit)
        points.append(point)
        bases.add(basis)
    many = sel.reporters is None or len(sel.reporters) > 1
    warnings = [*prods.warnings, *basket_warnings(df, prods), *warnings, *more,
                *_point_warnings(points, freq, many),
                *partner_warnings(r.partner, r.partner_country)]
    query = {"reporters": sel.reporters, "flow": sel.flow, "partner": r.partner,
             "product": prods.to_dict(), "period": r.span.to_dict() if r.span else None,
             "engine": q.engine, "as_of": q.as_of}
    basis = "/".join(sorted(b for b in bases if b)) or None
    return Series(query, freq, unit, basis, points, warnings)

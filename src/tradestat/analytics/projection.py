"""projection: a full-year estimate from a January-M span, by the share of the year those
months held the year before.

    estimate(Y) = value(Jan-M of Y) / (value(Jan-M of Y-1) / value(Y-1))

The assumption is stated with the answer: the months after M keep last year's weight. Where the
store can check the method, the answer gives its errors over the last three years (the same
estimate made for each earlier year, against that year's full value), as the range to read the
estimate with. Every value is a :func:`~tradestat.analytics.figure.figure`, with its coverage;
a share that cannot be computed (last year's months or full year missing) is refused with the
reason, never replaced by another basis.

    >>> p = projection(store, "MYS", "export", "2025-01..2025-07", product="8542")  # doctest: +SKIP
    >>> p.value, p.errors_pct                                                   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tradestat.analytics.figure import Figure, figure
from tradestat.analytics.periods import Span
from tradestat.errors import InputError

CHECK_YEARS = 3
#: Warnings that say a figure lacks part of its span.
INCOMPLETE = {"missing-month", "no-data", "months-combined"}


@dataclass
class Check:
    """The method applied to an earlier year: its estimate against the year's value."""

    year: int
    estimate: float
    actual: float

    @property
    def error_pct(self) -> float:
        return 100.0 * (self.estimate - self.actual) / self.actual

    def to_dict(self) -> dict:
        return {"year": self.year, "estimate": self.estimate, "actual": self.actual,
                "error_pct": self.error_pct}


@dataclass
class Projection:
    months: Figure
    last_months: Figure
    last_year: Figure
    checks: list[Check] = field(default_factory=list)

    @property
    def share(self) -> float:
        """The part of last year's value its first months held."""
        return self.last_months.value / self.last_year.value

    @property
    def value(self) -> float:
        return self.months.value / self.share

    @property
    def year(self) -> int:
        return self.months.period.start_year

    @property
    def errors_pct(self) -> tuple[float, float] | None:
        """The smallest and largest error of the method over the years checked."""
        errors = [c.error_pct for c in self.checks]
        return (min(errors), max(errors)) if errors else None

    @property
    def assumption(self) -> str:
        span = self.months.period
        return (f"the rest of {self.year} keeps the weight it had in {self.year - 1}: "
                f"{span.label} held {100 * self.share:.1f} % of {self.year - 1}'s value")

    def to_dict(self) -> dict:
        return {"query": self.months.query, "year": self.year, "value": self.value,
                "currency": self.months.currency, "assumption": self.assumption,
                "share_of_year": self.share, "errors_pct": self.errors_pct,
                "checks": [c.to_dict() for c in self.checks],
                "from": {"months": self.months.to_dict(),
                         "last_months": self.last_months.to_dict(),
                         "last_year": self.last_year.to_dict()}}


def _span(period: str) -> Span:
    span = Span.parse(str(period))
    if span.start_month != 1 or span.start_year != span.end_year or span.end_month == 12:
        raise InputError(f"--period {period!r}: a projection starts from January to a month "
                         "before December of one year (e.g. 2025-01..2025-07)",
                         value=str(period))
    return span


def _whole(fig: Figure) -> bool:
    """Whether ``fig`` has a value for every month of its span (a partial span would make a
    wrong share, not a rough one)."""
    return bool(fig.value) and not any(
        w.code in INCOMPLETE and (w.detail or {}).get("span", "current") == "current"
        for w in fig.warnings)


def _months(year: int, last: int) -> str:
    return f"{year}-01..{year}-{last:02d}"


def projection(store: Any, reporter: str, flow: str, period: str, **ask: Any) -> Projection:
    """The full-year estimate of ``reporter``'s ``flow`` from the January-M ``period``."""
    span = _span(period)
    year, last = span.start_year, span.end_month

    def value(text: str) -> Figure:
        return figure(store, reporter, flow, text, **ask)

    months, last_months, last_year = (value(period), value(_months(year - 1, last)),
                                      value(str(year - 1)))
    missing = [f.period.label for f in (months, last_months, last_year) if not _whole(f)]
    if missing:
        raise InputError(f"no projection: the store has no complete value for "
                         f"{', '.join(missing)} "
                         f"({months.query['reporter']}); the share of the year the months held "
                         "cannot be computed", value=", ".join(missing))
    checks = []
    for y in range(year - 1, year - 1 - CHECK_YEARS, -1):
        parts = [value(_months(y, last)), value(_months(y - 1, last)), value(str(y - 1)),
                 value(str(y))]
        if all(_whole(p) for p in parts):
            now, before, whole, actual = (p.value for p in parts)
            checks.append(Check(y, now / (before / whole), actual))
    return Projection(months, last_months, last_year, checks)

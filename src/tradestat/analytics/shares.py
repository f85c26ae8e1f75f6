"""Analytics read from one ranking of every key: concentration (how much of a flow rests on a
few partners or products) and contribution to growth (which partners or products made the
change). Both take all the keys :func:`~tradestat.analytics.rank.rank` finds, never only its
top rows, so shares and contributions add up.

    >>> c = concentration(store, "ZAF", "export", "2020", product="7110")   # doctest: +SKIP
    >>> c.hhi, c.top_share(5)                                                # doctest: +SKIP
    >>> g = contribution(store, "DEU", "import", "2022", product="44", level=4)  # doctest: +SKIP
    >>> sum(r.contribution_pp for r in g.rows) + g.gone_pp                   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tradestat.analytics.guards import CoverageWarning, warn
from tradestat.analytics.rank import Ranking, rank
from tradestat.errors import InputError

BY = ("partner", "product")


def _ranking(store: Any, reporter: str, flow: str, period: str, by: str, **ask: Any) -> Ranking:
    if by not in BY:
        raise InputError(f"--by {by!r}: use partner or product", value=str(by))
    return rank(store, flow, period, by=by, reporter=reporter, top=None, **ask)


def hhi(values: list[float]) -> float | None:
    """The Herfindahl-Hirschman index of ``values`` (their shares in %, squared, summed):
    from 10,000 / n (n equal parts) to 10,000 (one part). None when they sum to 0."""
    total = sum(values)
    if not values or total <= 0:
        return None
    return sum((100.0 * v / total) ** 2 for v in values)


@dataclass
class Concentration:
    ranking: Ranking

    @property
    def values(self) -> list[float]:
        return [r.value for r in self.ranking.rows]

    @property
    def previous_values(self) -> list[float]:
        return [r.previous for r in self.ranking.rows if r.previous is not None]

    @property
    def hhi(self) -> float | None:
        return hhi(self.values)

    @property
    def previous_hhi(self) -> float | None:
        """The index of the previous span, over every key then (those gone since included:
        their values are in the previous total but not in the rows)."""
        gone = (self.ranking.previous_total or 0.0) - sum(self.previous_values)
        parts = self.previous_values + ([gone] if gone > 1e-9 * abs(
            self.ranking.previous_total or 0) else [])
        return hhi(parts) if self.ranking.comparable else None

    def top_share(self, n: int) -> float | None:
        total = self.ranking.total
        if not total:
            return None
        return 100.0 * sum(sorted(self.values, reverse=True)[:n]) / total

    def to_dict(self) -> dict:
        r = self.ranking
        return {"query": r.query, "by": r.by, "period": r.period.to_dict(),
                "count": r.n, "hhi": self.hhi, "previous_hhi": self.previous_hhi,
                "top1_share_pct": self.top_share(1), "top5_share_pct": self.top_share(5),
                "total": r.total, "currency": r.currency,
                "largest": [row.to_dict() for row in r.rows[:5]],
                "coverage": r.coverage, "warnings": [w.to_dict() for w in r.warnings]}


def concentration(store: Any, reporter: str, flow: str, period: str, by: str = "partner",
                  **ask: Any) -> Concentration:
    """How concentrated ``reporter``'s ``flow`` is over its partners or products."""
    return Concentration(_ranking(store, reporter, flow, period, by, **ask))


@dataclass
class Part:
    code: str
    name: str
    value: float
    previous: float | None
    change: float
    #: percentage points of the total's growth this key made
    contribution_pp: float

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Contribution:
    ranking: Ranking
    rows: list[Part]
    #: the contribution of keys traded in the previous span and not in this one
    gone_pp: float | None
    warnings: list[CoverageWarning] = field(default_factory=list)

    @property
    def growth_pct(self) -> float | None:
        return self.ranking.total_yoy_pct

    def to_dict(self) -> dict:
        r = self.ranking
        return {"query": r.query, "by": r.by, "period": r.period.to_dict(),
                "previous_period": r.period.previous().to_dict(), "currency": r.currency,
                "total": r.total, "previous_total": r.previous_total,
                "growth_pct": self.growth_pct, "rows": [p.to_dict() for p in self.rows],
                "gone_pp": self.gone_pp, "coverage": r.coverage,
                "warnings": [w.to_dict() for w in self.warnings]}


def contribution(store: Any, reporter: str, flow: str, period: str, by: str = "product",
                 **ask: Any) -> Contribution:
    """Each partner's or product's part, in percentage points, of the change of
    ``reporter``'s ``flow`` since the year-earlier span: (value - previous) / previous total.
    The parts, with those of keys no longer traded, add up to the total's growth."""
    r = _ranking(store, reporter, flow, period, by, **ask)
    warnings = list(r.warnings)
    if not r.comparable or not r.previous_total:
        # a change is withheld (yoy-withheld, in the ranking's warnings) or has no base
        if r.comparable and "no-data" not in {w.code for w in warnings}:
            previous = r.period.previous().label
            warnings.append(warn("no-data", {"span": "previous"}, span="previous",
                                 period=previous))
        return Contribution(r, [], None, warnings)
    base = r.previous_total
    parts = [Part(x.code, x.name, x.value, x.previous, x.value - (x.previous or 0.0),
                  100.0 * (x.value - (x.previous or 0.0)) / base) for x in r.rows]
    parts.sort(key=lambda p: (-abs(p.contribution_pp), p.code))
    gone = base - sum(x.previous or 0.0 for x in r.rows)
    return Contribution(r, parts, -100.0 * gone / base, warnings)

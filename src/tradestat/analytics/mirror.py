"""mirror: one flow as both sides report it — A's exports to B beside B's imports from A (or
A's imports from B beside B's exports to A) — and the gap between them.

Imports are valued CIF (with freight and insurance to the border), exports FOB, so the import
side is put on the export side's basis by dividing it by a CIF/FOB factor: 1.06 by default,
the fixed factor the IMF's Direction of Trade Statistics uses (``cif_fob``; 1 turns it off).
The factor is recorded as the basis of the comparison.

``estimate`` answers for a reporter that does not report (Taiwan to Comtrade): its exports as
the sum of every reporter's imports from it (divided by the factor), or its imports as the sum
of every reporter's exports to it, with the reporters that reported (a
:func:`~tradestat.analytics.rank.rank` by reporter), which is all the coverage there is.

    >>> m = mirror(store, "CHN", "USA", "export", "2021")                 # doctest: +SKIP
    >>> m.reported.value, m.mirror_value, m.gap_pct                       # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradestat.analytics.figure import Figure, figure
from tradestat.analytics.rank import Ranking, rank
from tradestat.errors import InputError

#: The IMF Direction of Trade Statistics' conventional CIF/FOB factor.
CIF_FOB = 1.06
OTHER = {"export": "import", "import": "export"}


def _factor(cif_fob: float) -> float:
    if not (isinstance(cif_fob, int | float) and 1.0 <= cif_fob <= 2.0):
        raise InputError(f"--cif-fob {cif_fob!r}: a factor from 1 (no adjustment) to 2",
                         value=str(cif_fob))
    return float(cif_fob)


@dataclass
class Mirror:
    """The flow as the reporter gives it and as its partner gives it, FOB-based."""

    reported: Figure
    partner_side: Figure
    cif_fob: float

    @property
    def flow(self) -> str:
        return self.reported.query["flow"]

    def _fob(self, fig: Figure, value: float | None) -> float | None:
        if value is None:
            return None
        return value / self.cif_fob if fig.query["flow"] == "import" else value

    @property
    def reported_value(self) -> float | None:
        """The reporter's value, on the FOB basis (imports divided by the factor)."""
        return self._fob(self.reported, self.reported.value)

    @property
    def mirror_value(self) -> float | None:
        """The partner's value, on the FOB basis."""
        return self._fob(self.partner_side, self.partner_side.value)

    @property
    def gap(self) -> float | None:
        """Reported minus mirror (FOB basis)."""
        if self.reported_value is None or self.mirror_value is None:
            return None
        return self.reported_value - self.mirror_value

    @property
    def gap_pct(self) -> float | None:
        if self.gap is None or not self.mirror_value:
            return None
        return 100.0 * self.gap / self.mirror_value

    def to_dict(self) -> dict:
        return {"flow": self.flow, "period": self.reported.period.to_dict(),
                "currency": self.reported.currency,
                "basis": {"cif_fob": self.cif_fob,
                          "note": "imports divided by the factor to compare with exports (FOB)"},
                "reported": {"value": self.reported.value, "value_fob": self.reported_value,
                             "figure": self.reported.to_dict()},
                "mirror": {"value": self.partner_side.value, "value_fob": self.mirror_value,
                           "figure": self.partner_side.to_dict()},
                "gap": self.gap, "gap_pct": self.gap_pct}


def mirror(store: Any, reporter: str, partner: str, flow: str, period: str,
           product: str | None = None, basket: str | None = None, cif_fob: float = CIF_FOB,
           currency: str | None = None, engine: str = "duckdb", as_of: str | None = None
           ) -> Mirror:
    """``reporter``'s ``flow`` with ``partner`` beside the partner's opposite flow with it."""
    factor = _factor(cif_fob)
    ask = dict(period=period, product=product, basket=basket, currency=currency,
               engine=engine, as_of=as_of)
    reported = figure(store, reporter, flow, partner=partner, **ask)
    other = figure(store, partner, OTHER[reported.query["flow"]], partner=reporter, **ask)
    if reported.currency != other.currency and None not in (reported.value, other.value):
        raise InputError(f"no mirror: the two sides are in {reported.currency} and "
                         f"{other.currency}; ask with --currency to put both in one",
                         value=f"{reported.currency}/{other.currency}")
    return Mirror(reported, other, factor)


@dataclass
class Estimate:
    """A flow of ``reporter`` seen from its partners' reports (a non-reporter's trade)."""

    reporter: str
    flow: str
    ranking: Ranking
    cif_fob: float

    @property
    def value(self) -> float | None:
        total = self.ranking.total
        if total is None:
            return None
        return total / self.cif_fob if self.flow == "export" else total

    @property
    def partners(self) -> list[str]:
        """The reporters whose reports make the estimate (all of them, not only the top)."""
        return self.ranking.coverage.get("current", {}).get("reporters", [])

    def to_dict(self) -> dict:
        return {"reporter": self.reporter, "flow": self.flow, "view": "mirror",
                "value": self.value, "currency": self.ranking.currency,
                "period": self.ranking.period.to_dict(),
                "basis": {"cif_fob": self.cif_fob, "from": f"partners' {OTHER[self.flow]}s"},
                "partners_reporting": self.ranking.n, "ranking": self.ranking.to_dict()}


def estimate(store: Any, reporter: str, flow: str, period: str, product: str | None = None,
             basket: str | None = None, cif_fob: float = CIF_FOB, currency: str | None = None,
             engine: str = "duckdb", as_of: str | None = None) -> Estimate:
    """``reporter``'s exports (imports) as every other reporter's imports from (exports to)
    it: how a non-reporter's trade is seen."""
    factor = _factor(cif_fob)
    seen = rank(store, OTHER[_flow(flow)], period, product=product, basket=basket,
                partner=reporter, by="reporter", currency=currency, engine=engine, as_of=as_of)
    return Estimate(seen.query.get("partner", reporter), _flow(flow), seen, factor)


def _flow(flow: str) -> str:
    from tradestat.analytics.common import flow_name

    return flow_name(flow)

"""balance: a reporter's exports minus its imports (with a partner, of a product or basket)
for a span, the same for the year-earlier span, and the change.

Each flow is a :func:`~tradestat.analytics.figure.figure` of its own, so each keeps its
coverage and warnings (they are given per flow). A balance needs both flows: where one has
no data the balance is refused, naming it. The change is computed only where both flows
compare with their previous span (docs/figures.md R11); where one does not, the change is
withheld and the flow's reason is given.

    >>> b = balance(store, "CHN", "2024", partner="USA")                 # doctest: +SKIP
    >>> b.value, b.previous_value, b.change                              # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradestat.analytics.figure import Figure, figure
from tradestat.errors import InputError


@dataclass
class Balance:
    """Exports minus imports, with both figures it is made of."""

    exports: Figure
    imports: Figure

    @property
    def currency(self) -> str:
        return self.exports.currency

    @property
    def value(self) -> float:
        return self.exports.value - self.imports.value

    @property
    def previous_value(self) -> float | None:
        before = (self.exports.previous_value, self.imports.previous_value)
        return None if None in before else before[0] - before[1]

    @property
    def comparable(self) -> bool:
        return self.exports.comparable and self.imports.comparable

    @property
    def change(self) -> float | None:
        """This span's balance minus the previous span's (a surplus that grew is positive;
        a deficit that narrowed is positive too)."""
        if not self.comparable or self.previous_value is None:
            return None
        return self.value - self.previous_value

    @property
    def kind(self) -> str:
        return "surplus" if self.value > 0 else "deficit" if self.value < 0 else "balanced"

    def to_dict(self) -> dict:
        q = self.exports.query
        return {"query": {k: v for k, v in q.items() if k != "flow"},
                "period": self.exports.period.to_dict(), "currency": self.currency,
                "value": self.value, "kind": self.kind,
                "previous": {"value": self.previous_value,
                             "period": self.exports.period.previous().to_dict()},
                "change": self.change, "comparable": self.comparable,
                "exports": self.exports.to_dict(), "imports": self.imports.to_dict()}


def balance(store: Any, reporter: str, period: str, product: str | None = None,
            basket: str | None = None, partner: str | None = None,
            currency: str | None = None, engine: str = "duckdb", as_of: str | None = None,
            source: str | None = None) -> Balance:
    """The trade balance of ``reporter`` (with ``partner``; of ``product``/``basket``; all
    products when neither is given) in ``period``."""
    ask = dict(reporter=reporter, period=period, product=product, basket=basket,
               partner=partner, currency=currency, engine=engine, as_of=as_of, source=source)
    exports = figure(store, flow="export", **ask)
    imports = figure(store, flow="import", **ask)
    missing = [f.query["flow"] + "s" for f in (exports, imports) if f.value is None]
    if missing:
        what = " and ".join(missing)
        raise InputError(f"no balance: the store has no {what} for this question "
                         f"({exports.query['reporter']}, {exports.period.label}); a balance "
                         "from one flow would be that flow, not a balance", value=what)
    if exports.currency != imports.currency:
        raise InputError(f"no balance: exports are in {exports.currency} and imports in "
                         f"{imports.currency}; ask with --currency to put both in one",
                         value=f"{exports.currency}/{imports.currency}")
    return Balance(exports, imports)

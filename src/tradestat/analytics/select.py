"""The one query every analytic runs: filter the records, group them small.

:func:`fetch` is the only place that touches the engine. It returns, for the asked spans, sums
grouped finely enough (period, reporter, HS version, release, partner kind, code level) that
the rules applied afterwards in :mod:`tradestat.analytics.rules` — annual or monthly, world
row or sum of partners, published heading or sum of sub-codes — never add a total to its own
parts, and every coverage fact can be read off the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from tradestat import model
from tradestat.analytics.periods import Span

if TYPE_CHECKING:
    import ibis.expr.types as ir

GROUP = ("which", "period", "freq", "reporter", "classification", "currency", "release_id",
         "source", "is_world", "plen", "code")


@dataclass
class Selection:
    """What to sum: one flow; reporters (None: all); a partner (None: the world); products.

    ``codes`` maps an HS edition to the code prefixes selected in it; the key ``"*"`` applies
    to every edition. ``None`` selects all products (TOTAL).
    """

    flow: str
    reporters: list[str] | None = None
    partner: str | None = None
    codes: dict[str, list[str]] | None = None
    regime: str = model.TOTAL_REGIME
    extra: dict = field(default_factory=dict)


def _code_column(t: ir.Table, codes: dict[str, list[str]] | None) -> ir.Value:
    """The selected prefix each row falls under (NULL: not selected)."""
    import ibis

    if codes is None:
        return ibis.literal(model.TOTAL_PRODUCT)
    branches = []
    for version, prefixes in codes.items():
        for prefix in sorted(prefixes, key=len, reverse=True):
            cond = t.product.startswith(prefix)
            if version != "*":
                cond = cond & (t.classification == version)
            branches.append((cond, ibis.literal(prefix)))
    return ibis.cases(*branches, else_=ibis.null("string"))


def expression(t: ir.Table, sel: Selection, spans: dict[str, Span],
               by: tuple[str, ...] = (), level: int | None = None) -> ir.Table:
    """The Ibis expression of :func:`fetch` (kept separate so its SQL can be inspected)."""
    import ibis

    months = {m: which for which, s in spans.items() for m in s.months}
    years = {y: which for which, s in spans.items() if s.whole_years for y in s.years}
    all_years = sorted({y for s in spans.values() for y in s.years})
    preds = [t.flow == sel.flow, t.regime == sel.regime, t.year.isin(all_years),
             t.period.isin(list(months) + list(years))]
    if sel.reporters is not None:
        preds.append(t.reporter.isin(sel.reporters))
    if sel.partner is not None and sel.partner != model.WORLD:
        preds.append(t.partner == sel.partner)
    if sel.codes is None:
        pass
    else:
        preds.append(ibis.or_(*[t.product.startswith(p) for ps in sel.codes.values()
                                for p in ps]))
    t = t.filter(preds)
    which = ibis.cases(*[((t.freq == "M") & t.period.isin([m for m, w in months.items()
                                                              if w == name]), name)
                         for name in spans],
                       *[((t.freq == "A") & t.period.isin([y for y, w in years.items()
                                                              if w == name]), name)
                         for name in spans if spans[name].whole_years],
                       else_=ibis.null("string"))
    cols = {
        "which": which,
        "is_world": t.partner == model.WORLD,
        "plen": t.product.length(),
        "code": _code_column(t, sel.codes),
    }
    for key in by:
        if key == "product":
            cols["product_key"] = t.product.substr(0, level) if level else t.product
        else:
            cols[f"{key}_key"] = t[key]
    t = t.mutate(**cols)
    if sel.codes is None:
        t = t.mutate(code=ibis.ifelse(t.product == model.TOTAL_PRODUCT, model.TOTAL_PRODUCT, "*"))
    keys = [*GROUP, *cols.keys() - {"which", "is_world", "plen", "code"}]
    return t.group_by(keys).aggregate(value=t.value.sum(), rows=t.count())


def fetch(t: ir.Table, sel: Selection, spans: dict[str, Span], by: tuple[str, ...] = (),
          level: int | None = None) -> pl.DataFrame:
    """Run the selection on the engine; a small Polars frame comes back."""
    expr = expression(t, sel, spans, by, level)
    return pl.from_arrow(expr.to_pyarrow())

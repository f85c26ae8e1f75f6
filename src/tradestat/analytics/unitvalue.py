"""unit-value: value per unit of quantity and per kilogram, for the rows a figure sums.

The figure's rules choose the rows (source, release, annual or monthly, a heading rather than
its lines); their quantities are then read for exactly those rows and checked to add up to the
figure's value. Quantities in different units are never added: each unit gets its own unit
value. Rows with no quantity (or Comtrade's "N/A" unit) or no weight are left out of that
measure and counted, with the share of the value they hold.

    >>> u = unit_value(store, "FRA", "export", "2020", product="0306")     # doctest: +SKIP
    >>> [(x.unit, x.per_unit) for x in u.units], u.per_kg                  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from tradestat import model
from tradestat.analytics import rules
from tradestat.analytics.figure import Figure, figure
from tradestat.analytics.guards import CoverageWarning, warn
from tradestat.analytics.question import Question, resolve
from tradestat.analytics.select import fetch, run
from tradestat.errors import InputError

#: Quantity units that say there is no quantity.
NO_UNIT = {None, "", "N/A", "-1"}


@dataclass
class PerUnit:
    unit: str
    value: float
    quantity: float
    rows: int

    @property
    def per_unit(self) -> float:
        return self.value / self.quantity

    def to_dict(self) -> dict:
        return {**self.__dict__, "per_unit": self.per_unit}


@dataclass
class UnitValue:
    figure: Figure
    units: list[PerUnit]
    #: value over net weight, where rows give a weight
    weighed_value: float
    kilograms: float
    left_out: dict[str, dict] = field(default_factory=dict)
    warnings: list[CoverageWarning] = field(default_factory=list)

    @property
    def per_kg(self) -> float | None:
        return self.weighed_value / self.kilograms if self.kilograms else None

    def to_dict(self) -> dict:
        return {"query": self.figure.query, "period": self.figure.period.to_dict(),
                "currency": self.figure.currency, "value": self.figure.value,
                "units": [u.to_dict() for u in self.units], "per_kg": self.per_kg,
                "kilograms": self.kilograms, "left_out": self.left_out,
                "warnings": [w.to_dict() for w in self.warnings]}


def _chosen(store: Any, q: Question) -> pl.DataFrame:
    """The (release, period, freq, code) of the current span's rows the figure's rules keep."""
    r = resolve(store, q)
    df, _ = rules.apply(fetch(r.table, r.selection, r.spans), r.spans, parts=True,
                        partner=r.partner, source=r.selection.source)
    cur = df.filter(pl.col("which") == "current")
    if cur.height and (cur.get_column("derived").any()
                       or model.CUMULATIVE in set(cur.get_column("freq").to_list())):
        raise InputError("no unit values: the span is answered from cumulative values "
                         "(January-M), whose quantities are not kept month by month; ask for "
                         "single months or a whole year published as such")
    return cur


def _rows(store: Any, q: Question, chosen: pl.DataFrame) -> pl.DataFrame:
    """Every stored row under the chosen codes, releases, periods and frequencies."""
    r = resolve(store, q)
    t = r.table
    prefixes = sorted(set(chosen.get_column("code").to_list()))
    if r.partner == model.WORLD:  # the world row, or the partner rows summed where none
        partner = (t.partner == model.WORLD) | ~t.is_aggregate.fill_null(False)
    else:
        partner = t.partner == r.partner
    preds = [t.reporter == r.reporter, partner, t.flow == r.selection.flow,
             t.regime == model.TOTAL_REGIME,
             t.release_id.isin(sorted(set(chosen.get_column("release_id").to_list()))),
             t.period.isin(sorted(set(chosen.get_column("period").to_list())))]
    if prefixes == [model.TOTAL_PRODUCT]:
        preds.append(t.product == model.TOTAL_PRODUCT)
    else:
        preds.append(functools.reduce(operator.or_, [t.product.startswith(p) for p in prefixes]))
    cols = ["release_id", "period", "freq", "partner", "product", "value", "quantity",
            "quantity_unit", "net_weight_kg"]
    rows = run(t.filter(preds).mutate(is_world=t.partner == model.WORLD)
               .select(*cols, "is_world"))
    keys = ["release_id", "period", "freq", "is_world"]
    return _finest_kept(rows.join(chosen.select(keys).unique(), on=keys))


def _finest_kept(rows: pl.DataFrame) -> pl.DataFrame:
    """Without rows whose heading (a shorter code above them) is in the same period, release
    and partner: a heading is never added to its lines."""
    keys = list(zip(*(rows.get_column(c).to_list()
                      for c in ("release_id", "period", "partner", "product")), strict=True))
    there = set(keys)
    keep = [not any((*key[:3], key[3][:n]) in there for n in range(2, len(key[3])))
            for key in keys]
    return rows.filter(pl.Series(keep, dtype=pl.Boolean))


def unit_value(store: Any, reporter: str, flow: str, period: str, product: str | None = None,
               partner: str | None = None, engine: str = "duckdb", as_of: str | None = None,
               source: str | None = None) -> UnitValue:
    """Value per unit of quantity (per unit named) and per kg of ``reporter``'s ``flow``."""
    fig = figure(store, reporter, flow, period, product=product, partner=partner,
                 engine=engine, as_of=as_of, source=source)
    q = Question("figure", flow=flow, reporter=reporter, period=period, product=product,
                 partner=partner, engine=engine, as_of=as_of, source=source)
    if fig.value is None:
        raise InputError("no unit values: the store has no value for this question")
    rows = _rows(store, q, _chosen(store, q))
    total = rows.get_column("value").sum()
    if abs(total - fig.value) > 1e-6 * abs(fig.value):
        raise InputError(f"no unit values: the quantities' rows add up to {total:,.0f}, not the "
                         f"figure's {fig.value:,.0f}")
    return _measure(fig, rows)


def _measure(fig: Figure, rows: pl.DataFrame) -> UnitValue:
    unit = pl.col("quantity_unit")
    counted = rows.filter(unit.is_not_null() & ~unit.is_in(list(NO_UNIT - {None}))
                          & (pl.col("quantity") > 0))
    units = [PerUnit(u, g.get_column("value").sum(), g.get_column("quantity").sum(), g.height)
             for (u,), g in counted.group_by(["quantity_unit"], maintain_order=True)]
    units.sort(key=lambda x: -x.value)
    weighed = rows.filter(pl.col("net_weight_kg") > 0)
    out = UnitValue(fig, units, weighed.get_column("value").sum(),
                    weighed.get_column("net_weight_kg").sum())
    for name, kept, per in (("quantity", counted, "unit"), ("weight", weighed, "kg")):
        gone = rows.height - kept.height
        if gone:
            share = 100 * (1 - kept.get_column("value").sum() / fig.value)
            out.left_out[name] = {"rows": gone, "value_share_pct": share}
            out.warnings.append(warn("quantity-missing", {"measure": name, "rows": gone,
                                                          "value_share_pct": share},
                                     rows=gone, of=rows.height, share=share, measure=name,
                                     per=per))
    if len(units) > 1:
        names = [u.unit for u in units]
        out.warnings.append(warn("units-mixed", {"units": names}, n=len(units),
                                 units=", ".join(names)))
    return out

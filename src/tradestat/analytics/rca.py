"""rca and complexity over a store: the reporter x product export matrix of one span, read in
one query and through the same rules as every figure (source choice, world rows or partner
sums, headings never added to their sub-codes), then
:mod:`tradestat.analytics.complexity`.

"The world" of RCA is the reporters in the store with data for the span (their number is in
the answer), not a published world total: a store of a few reporters gives RCAs relative to
those few.

    >>> r = rca(store, "2020", level=4, reporter="ZAF", top=10)           # doctest: +SKIP
    >>> c = complexity_of(store, "2020", level=4)                         # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from tradestat import model
from tradestat.analytics import common, rules
from tradestat.analytics.complexity import Complexity, complexity
from tradestat.analytics.engine import records
from tradestat.analytics.guards import CoverageWarning, warn
from tradestat.analytics.periods import Span
from tradestat.analytics.select import Selection, fetch
from tradestat.errors import InputError

LEVELS = (2, 4, 6)


@dataclass
class Matrix:
    """Export values by reporter and product (codes at ``level`` digits) for ``span``."""

    frame: pl.DataFrame
    span: Span
    level: int
    currency: str
    warnings: list[CoverageWarning] = field(default_factory=list)

    @property
    def reporters(self) -> list[str]:
        return sorted(set(self.frame.get_column("reporter").to_list()))


def export_matrix(store: Any, period: str, level: int = 4, flow: str = "export",
                  currency: str | None = None, engine: str = "duckdb",
                  as_of: str | None = None, source: str | None = None) -> Matrix:
    """Every reporter's exports (``flow``) to the world by product at ``level`` digits."""
    if level not in LEVELS:
        raise InputError(f"--level {level}: use one of {', '.join(map(str, LEVELS))}",
                         value=str(level))
    store = common.open_store(store)
    span, _ = common.spans_for(period)
    spans = {"current": span}
    sel = Selection(common.flow_name(flow), None, model.WORLD, None,
                    source=common.source_name(store, source))
    t = records(store, engine, as_of)
    found = fetch(t, sel, spans, by=("product",), level=level)
    df, warnings = rules.apply(found, spans, ("product",), level, parts=True,
                               partner=model.WORLD, source=sel.source)
    coarse = df.filter((pl.col("plen") < level) & (pl.col("plen") > 0))
    if coarse.height:
        codes = sorted(set(coarse.get_column("product_key").to_list()))
        warnings = [w for w in warnings if w.code != "product-level"]  # said below, for here
        warnings.append(warn("product-level", {"codes": codes, "level": level}, "matrix",
                             codes=f"{', '.join(codes[:8])}{' ...' if len(codes) > 8 else ''}",
                             level=level))
    df = df.filter(pl.col("plen") >= level)
    unit = common.target_currency(df, currency)
    frame = _summed(df, unit)
    return Matrix(frame, span, level, unit, warnings)


def _summed(df: pl.DataFrame, unit: str) -> pl.DataFrame:
    """One value per (reporter, product) in ``unit`` (converted where a row is not)."""
    if not df.height:
        return pl.DataFrame(schema={"reporter": pl.String, "product": pl.String,
                                    "value": pl.Float64})
    out = []
    for (reporter,), rows in df.group_by(["reporter"], maintain_order=True):
        values, _ = common.sum_by(rows, "product_key", unit)
        out += [(reporter, p, v) for p, v in values.items()]
    return pl.DataFrame(out, schema={"reporter": pl.String, "product": pl.String,
                                     "value": pl.Float64}, orient="row")


@dataclass
class Advantage:
    """A reporter's products by RCA (>= 1: revealed comparative advantage)."""

    matrix: Matrix
    result: Complexity
    reporter: str | None
    top: int | None

    def rows(self) -> list[dict]:
        reporters = [self.reporter] if self.reporter else self.result.reporters
        out = []
        for r in reporters:
            ranked = sorted(self.result.rca_of(r).items(), key=lambda kv: (-kv[1], kv[0]))
            out += [{"reporter": r, "product": p, "name": common.product_name(p), "rca": v}
                    for p, v in ranked[:self.top] if v > 0]
        return out

    def to_dict(self) -> dict:
        return {"period": self.matrix.span.to_dict(), "level": self.matrix.level,
                "world": {"reporters": len(self.result.reporters),
                          "note": "the reporters in the store with data for the span"},
                "rows": self.rows(),
                "warnings": [w.to_dict() for w in self.matrix.warnings]}


def rca(store: Any, period: str, reporter: str | None = None, level: int = 4,
        top: int | None = None, **ask: Any) -> Advantage:
    """Balassa RCA of every (reporter, product) in ``period``; one reporter's with
    ``reporter``; each reporter's ``top`` products."""
    m = export_matrix(store, period, level, **ask)
    code = common.country_code(reporter, "--reporter")[0] if reporter else None
    if code and code not in m.reporters:
        raise InputError(f"no exports of {code} in {m.span.label} at {level} digits in the "
                         "store", value=code)
    return Advantage(m, complexity(m.frame), code, top)


@dataclass
class Indices:
    """ECI and PCI of a span's export matrix, with the matrix they were computed from."""

    matrix: Matrix
    result: Complexity

    def to_dict(self) -> dict:
        return {"period": self.matrix.span.to_dict(), "level": self.matrix.level,
                **self.result.to_dict(),
                "warnings": [w.to_dict() for w in self.matrix.warnings]}


def complexity_of(store: Any, period: str, level: int = 4, **ask: Any) -> Indices:
    """ECI of every reporter and PCI of every product in ``period`` (see
    :mod:`tradestat.analytics.complexity`)."""
    m = export_matrix(store, period, level, **ask)
    return Indices(m, complexity(m.frame))

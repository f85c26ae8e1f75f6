"""The ranking engine of ``top`` and ``rank --by product``: every product of a selection
summed per span in one pass over the rows, with the narrow frame the rules and the coverage
read (:func:`narrow_and_sums`), and the products ranked (:func:`place`).

Where the store keeps its releases' per-period sums (:mod:`tradestat.store.summary`), the
narrow frame comes from those and only the per-product sums read the rows; otherwise one
query groups the same rows two ways (GROUPING SETS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from tradestat import model
from tradestat.analytics.periods import Span
from tradestat.analytics.select import (
    _BUILT,
    Known,
    Selection,
    _filtered,
    _keyed,
    _remember,
    run_lists,
    span_of,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir


def year_spans(spans: dict[str, Span]) -> dict[int, str] | None:
    """Span name by year, when each span lies in one calendar year of its own (2024 against
    2023; Jan-Nov 2025 against Jan-Nov 2024): then a row's year says which span it is in."""
    years = {s.start_year: name for name, s in spans.items() if s.start_year == s.end_year}
    return years if len(years) == len(spans) else None


@dataclass
class Placed:
    """Products at the answer's grain, ranked: the first ``top`` as (rank, code, value,
    previous value) in rank order, and the totals over every product."""

    rows: list[tuple[int, str, float, float | None]]
    total: float | None
    previous_total: float | None
    n: int


def place(now: dict[str, float], before: dict[str, float], top: int | None) -> Placed:
    """Products by value, largest first, then by code; a value's rank is where it first
    appears (ties share the better rank), as the engine's RANK() gives it."""
    order = sorted(sorted(now), key=now.__getitem__, reverse=True)[:top]
    first: dict[float, int] = {}  # a value's first place: before or at any tie of it
    for i, k in enumerate(order):
        first.setdefault(now[k], i)
    return Placed([(first[now[k]] + 1, k, now[k], before.get(k)) for k in order],
                  sum(now.values()) if now else None,
                  sum(before.values()) if before else None, len(now))


def narrow_and_sums(t: ir.Table, sel: Selection, spans: dict[str, Span], level: int,
                    top: int | None = None) -> tuple[pl.DataFrame, Placed]:
    """In one pass over the rows the selection reads: the narrow frame :func:`fetch` gives for
    ranking products (``by=("product",)``, ``narrow=True``, no dedup) and the products at
    ``level`` digits summed per span (spans as :func:`year_spans` allows), ranked by the
    current span's value: the first ``top`` and the totals.

    The sums are at the answer's grain: right only where the rules keep every row, which the
    caller checks on the narrow frame. Both come from one query. Where the store keeps its
    releases' per-period sums (:mod:`tradestat.store.summary`) and they answer the selection
    (:func:`_summed`), the narrow frame is grouped from those, and only the per-product sums
    read the rows, ranked in the engine (a few rows come back, not one per product).
    Otherwise the query groups the same rows two ways (SQL's GROUPING SETS, which Ibis does
    not model, so it is written as SQL over the Ibis expression of the rows; Ibis translates
    it for each engine), so the engine reads and filters the rows once, and the products
    are ranked here (:func:`place`).
    """
    years = year_spans(spans)
    if years is None or sorted(years.values()) != ["current", "previous"]:
        raise ValueError("narrow_and_sums needs a current and a previous span, each in one "
                         "calendar year")
    key = (id(t), "narrow+sums", repr(sel), tuple(spans.items()), level, top)
    expr, keys, known, types = _remember(
        _BUILT, key, t, lambda: _narrow_and_sums(t, sel, spans, level, top))
    # A few dozen narrow rows and a sum per product: read as Python lists, and the narrow
    # frame built in one go (known keys, span) rather than by a chain of frame operations.
    col = run_lists(expr)
    mine = [i for i, flag in enumerate(col["narrow"]) if flag]
    periods = [col["period"][i] for i in mine]
    data = {}
    for k in (*keys, "value", "rows", "published_yoy_pct"):
        data[k] = known.values(k, periods) or [col[k][i] for i in mine]
    which = span_of(spans)
    data = {"which": [which.get(fp) for fp in zip(data["freq"], periods, strict=True)], **data}
    narrow = pl.DataFrame(data, schema={"which": pl.String, **types, "value": pl.Float64,
                                        "rows": pl.Int64, "published_yoy_pct": pl.Float64})
    if "rank" in col:  # ranked by the engine
        products = [i for i, flag in enumerate(col["narrow"]) if not flag]
        if not products:
            return narrow, Placed([], None, None, 0)
        first = products[0]
        placed = sorted((col["rank"][i], col["product_key"][i], col["current"][i],
                         col["previous"][i]) for i in products if col["current"][i] is not None)
        placed = placed[:top]  # top 0: no row shown, the totals still read (no LIMIT 0)
        return narrow, Placed(placed, col["total"][first], col["previous_total"][first],
                              col["n"][first])
    out: dict[str, dict[str, float]] = {name: {} for name in spans}
    for flag, year, code, value in zip(col["narrow"], col["year"], col["product_key"],
                                       col["value"], strict=True):
        if not flag:
            out[years[year]][code] = value
    return narrow, place(out["current"], out["previous"], top)


def _narrow_and_sums(t: ir.Table, sel: Selection, spans: dict[str, Span], level: int,
                     top: int | None) -> tuple[ir.Table, list[str], Known,
                                               dict[str, pl.DataType]]:
    """The query of :func:`narrow_and_sums`, its narrow frame's columns, the keys it does not
    group by and the types of all keys as :func:`fetch` gives them (the engine types an SQL
    result by its own functions, e.g. a 64-bit length)."""
    from ibis.formats.polars import PolarsType

    rows, keys, known = _keyed(t, sel, spans, ("product",), level, dedup=False, narrow=True)
    grouped = [k for k in keys if k not in known]
    types = {k: PolarsType.from_ibis(v.type()) for k, v in keys.items()}
    if _summed(t, sel, grouped):
        return (_narrow_from_summary(t, rows, keys, grouped, known, sel, spans, level, top),
                list(keys), known, types)
    rows = rows.mutate(**{k: keys[k] for k in grouped},
                       product_key=rows.product.substr(0, level))
    yoy = ([] if known.no_published_yoy else ["published_yoy_pct"])
    rows = rows.select(*grouped, "year", "product_key", "value", *yoy)
    sql = _grouping_sets(grouped, known.no_published_yoy)
    return rows.alias("selected").sql(sql, dialect="duckdb"), list(keys), known, types


def _grouping_sets(grouped: list[str], no_yoy: bool) -> str:
    """SELECT the narrow keys and the per-(year, product) sums of "selected" in one pass:
    GROUP BY GROUPING SETS ((keys), (year, product_key)), built by sqlglot (Ibis does not
    model grouping sets)."""
    from sqlglot import exp

    def col(name: str) -> exp.Column:
        return exp.column(name, quoted=True)

    keys = [col(k) for k in grouped]
    yoy = exp.cast(exp.null(), "DOUBLE") if no_yoy else exp.Max(this=col("published_yoy_pct"))
    query = exp.select(
        *keys, col("year"), col("product_key"),
        exp.alias_(exp.Anonymous(this="GROUPING", expressions=[col("product_key")]), "narrow",
                   quoted=True),
        exp.alias_(exp.Sum(this=col("value")), "value", quoted=True),
        exp.alias_(exp.Count(this=exp.Star()), "rows", quoted=True),
        exp.alias_(yoy, "published_yoy_pct", quoted=True)).from_(exp.to_table('"selected"'))
    query.set("group", exp.Group(grouping_sets=[exp.GroupingSets(expressions=[
        exp.Tuple(expressions=keys), exp.Tuple(expressions=[col("year"), col("product_key")])])]))
    return query.sql(dialect="duckdb")


def _summed(t: ir.Table, sel: Selection, grouped: list[str]) -> bool:
    """Whether the store's per-period sums give the narrow frame of ranking all products:
    the store has them, every product and every partner row is read (no code or partner
    filter) and every key grouped by is one the sums keep."""
    from tradestat.analytics import engine
    from tradestat.store import summary

    return ("summary" in engine.constants(t) and sel.codes is None
            and sel.partner in (None, model.WORLD) and set(grouped) <= set(summary.KEYS))


def _narrow_from_summary(t: ir.Table, rows: ir.Table, keys: dict[str, ir.Value],
                         grouped: list[str], known: Known, sel: Selection,
                         spans: dict[str, Span], level: int, top: int | None) -> ir.Table:
    """The query of :func:`narrow_and_sums` where the narrow frame comes from the summary
    rows (as the records would give it) and only the per-product sums read the records,
    ranked as :func:`place` ranks them: the first ``top`` products by current value (then
    code) with their RANK(), and the totals and count over every product on each row."""
    import ibis

    from tradestat.analytics import engine

    s = _filtered(engine.summary(t), sel, spans, ("product",), level,
                  known=engine.constants(t))
    narrow = s.group_by(**{k: s[k].cast(keys[k].type()) for k in grouped}).aggregate(
        value=s.value.sum(), rows=s.rows.sum().cast("int64"),
        published_yoy_pct=(ibis.null("float64") if known.no_published_yoy
                           else s.published_yoy_pct.max()))
    year = {name: y for y, name in year_spans(spans).items()}
    sums = rows.group_by(product_key=rows.product.substr(0, level)).aggregate(
        current=rows.value.sum(where=rows.year == year["current"]),
        previous=rows.value.sum(where=rows.year == year["previous"]))
    whole = ibis.window()
    sums = sums.mutate(total=sums.current.sum().over(whole),
                       previous_total=sums.previous.sum().over(whole),
                       n=sums.current.count().over(whole),
                       rank=ibis.rank().over(order_by=sums.current.desc(nulls_first=False))
                       + 1)
    sums = sums.order_by([sums.current.desc(nulls_first=False), sums.product_key])
    if top:
        sums = sums.limit(top)
    product = {"product_key": "string", "current": "float64", "previous": "float64",
               "total": "float64", "previous_total": "float64", "n": "int64",
               "rank": "int64"}
    narrow = narrow.mutate(**{c: ibis.null(d) for c, d in product.items()},
                           narrow=ibis.literal(1, "int8"))
    sums = sums.mutate(**{c: sums[c].cast(d) for c, d in product.items()},
                       **{k: ibis.null(keys[k].type()) for k in grouped},
                       narrow=ibis.literal(0, "int8"), value=ibis.null("float64"),
                       rows=ibis.null("int64"), published_yoy_pct=ibis.null("float64"))
    columns = [*grouped, "narrow", "value", "rows", "published_yoy_pct", *product]
    return narrow.select(*columns).union(sums.select(*columns), distinct=False)

"""rank: reporters, partners or products by value for a span, with shares and year-on-year.

The total is the sum of the keys ranked; when it sums over reporters it is not a published
world figure, and the warnings say so, naming the reporters of the previous span that are
missing now and the weight they had.

    >>> r = rank(store, "export", "2023", product="8542", by="reporter", top=10)  # doctest: +SKIP
    >>> [(row.rank, row.code, round(row.share_pct, 1)) for row in r.rows][:3]    # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from tradestat import model
from tradestat.analytics import common, coverage, products, ranking, rules, select
from tradestat.analytics.common import (
    country_name,
    product_name,
    sum_by,
    target_currency,
)
from tradestat.analytics.figure import basket_warnings, partner_warnings
from tradestat.analytics.guards import CoverageWarning, warn
from tradestat.analytics.periods import Span
from tradestat.analytics.question import Question, Resolved, resolve
from tradestat.analytics.select import Selection, fetch
from tradestat.errors import InputError

BY = ("reporter", "partner", "product")
LEVELS = (2, 4, 6)
_KEY = {"reporter": "reporter", "partner": "partner_key", "product": "product_key"}


@dataclass
class Row:
    rank: int
    code: str
    name: str
    value: float
    share_pct: float | None
    yoy_pct: float | None
    previous: float | None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Ranking:
    """Ranked rows (the first ``top``), the total of all keys, coverage and warnings."""

    query: dict
    by: str
    period: Span
    currency: str
    basis: str | None
    rows: list[Row]
    total: float | None
    previous_total: float | None
    n: int
    coverage: dict
    warnings: list[CoverageWarning] = field(default_factory=list)
    conversion: dict | None = None
    #: False where the previous span is not covered like the current one (R11)
    comparable: bool = True

    @property
    def total_yoy_pct(self) -> float | None:
        if not self.comparable:
            return None
        return common.growth_pct(self.total, self.previous_total)

    @property
    def others(self) -> dict | None:
        """What the rows left out (when cut to the top N)."""
        if len(self.rows) == self.n or self.total is None:
            return None
        value = self.total - sum(r.value for r in self.rows)
        return {"count": self.n - len(self.rows), "value": value,
                "share_pct": 100 * value / self.total if self.total else None}

    def to_dict(self) -> dict:
        return {"query": self.query, "by": self.by, "period": self.period.to_dict(),
                "previous_period": self.period.previous().to_dict(),
                "currency": self.currency, "basis": self.basis,
                "rows": [r.to_dict() for r in self.rows], "total": self.total,
                "previous_total": self.previous_total, "total_yoy_pct": self.total_yoy_pct,
                "n": self.n, "others": self.others, "coverage": self.coverage,
                "warnings": [w.to_dict() for w in self.warnings],
                "conversion": self.conversion}

    def to_pandas(self) -> Any:
        import pandas as pd

        cols = ["rank", "code", "name", "value", "share_pct", "yoy_pct", "previous"]
        return pd.DataFrame([r.to_dict() for r in self.rows], columns=cols)


def _rows(placed: ranking.Placed, by: str) -> list[Row]:
    """The placed products (or reporters, partners) as rows: names, shares and changes."""
    name = product_name if by == "product" else country_name
    total = placed.total or 0
    return [Row(rank, k, name(k), value, 100 * value / total if total > 0 else None,
                common.growth_pct(value, prev), prev)
            for rank, k, value, prev in placed.rows]


def _level(by: str, level: int | None, prods: products.Products) -> int | None:
    if by != "product":
        return None
    longest = max((len(p) for ps in (prods.codes or {}).values() for p in ps), default=0)
    level = level or min(max(longest + 2, 2), 6)
    if level not in LEVELS:
        raise InputError(f"--level {level}: use one of {', '.join(map(str, LEVELS))}",
                         value=str(level))
    if level < longest:
        raise InputError(f"--level {level} is coarser than the product asked ({longest} "
                         "digits)", value=str(level))
    return level


def _check(by: str, partner: str | None, product: str | None, basket: str | None) -> str | None:
    if by not in BY:
        raise InputError(f"--by {by!r}: use one of {', '.join(BY)}", value=by)
    if by == "partner" and partner:
        raise InputError("--partner cannot be used with --by partner")
    if by == "product" and product is None and basket is None:
        return model.TOTAL_PRODUCT
    return product


def _summed_warnings(sel: Selection, cur: pl.DataFrame, span: Span) -> list[CoverageWarning]:
    if sel.reporters is not None or not cur.height:
        return []
    n = cur.get_column("reporter").n_unique()
    return [warn("world-from-reporters", {"n_reporters": n}, n=n, period=span.label)]


def _area_warnings(by: str, rows: list[Row]) -> list[CoverageWarning]:
    if by != "partner":
        return []
    from tradestat.reference import countries

    areas = [r.code for r in rows if (c := countries.resolve(r.code)) and c.is_area]
    if not areas:
        return []
    return [warn("partner-area", {"partners": areas}, "ranked", partners=", ".join(areas))]


def rank(store: Any, flow: str, period: str, product: str | None = None,
         basket: str | None = None, by: str = "reporter", reporter: str | list[str] | None = None,
         partner: str | None = None, top: int | None = None, level: int | None = None,
         currency: str | None = None, engine: str = "duckdb", as_of: str | None = None,
         source: str | None = None) -> Ranking:
    """Reporters (or a reporter's partners or products) ranked by value for a span."""
    return answer(store, Question(
        "rank", flow=flow, reporter=reporter, period=period, product=product, basket=basket,
        partner=partner, currency=currency, as_of=as_of, engine=engine, source=source, by=by,
        top=top, level=level))


def answer(store: Any, q: Question) -> Ranking:
    """The ranking that answers ``q`` (analytic rank, or top: products by value)."""
    by = "product" if q.analytic == "top" else q.by
    _check(by, q.partner, q.product, q.basket)
    r = resolve(store, q)
    level = _level(by, q.level, r.asked)
    sel, prods, spans, span = r.selection, r.products, r.spans, r.span
    fast = (_by_product_sums(r.table, sel, spans, level, q.currency, q.top)
            if by == "product" else None)
    if fast is not None:
        cur, prev, warnings, unit, placed = fast
        conv = prev_conv = {}
    else:
        cur, prev, warnings, unit, placed, conv, prev_conv = _grouped(r, by, level)
    rows = _rows(placed, by)
    basket = prods.kind == "basket" and by != "product"
    unlike = coverage.unlike(cur, prev, basket)
    _withhold(rows, by, unlike,
              coverage.unlike_reporters(cur, prev, basket) if unlike else set())
    cov = {"current": coverage.describe(cur, span),
           "previous": coverage.describe(prev, span.previous())}
    many = sel.reporters is None or len(sel.reporters) > 1
    warnings = [*prods.warnings, *warnings, *_summed_warnings(sel, cur, span),
                *coverage.compare(cur, prev, cov["current"], cov["previous"], many),
                *partner_warnings(r.partner, r.partner_country), *_area_warnings(by, rows),
                *coverage.withheld(unlike)]
    query = {"flow": sel.flow, "by": by, "level": level, "reporters": sel.reporters,
             "partner": r.partner, "product": prods.to_dict(), "top": q.top,
             "engine": q.engine, "as_of": q.as_of, "source": sel.source}
    basis = _basis(conv, prev_conv) if cur.height else None
    return Ranking(query, by, span, unit, basis, rows, placed.total, placed.previous_total,
                   placed.n, cov, warnings,
                   {"current": conv, "previous": prev_conv} if conv or prev_conv else None,
                   comparable=not unlike)


def _grouped(r: Resolved, by: str, level: int | None) -> tuple:
    """The ranking from rows grouped by the key ranked (the general path)."""
    sel, prods, spans = r.selection, r.products, r.spans
    keys = () if by == "reporter" else (by,)
    df, warnings = rules.apply(fetch(r.table, sel, spans, by=keys, level=level), spans, keys,
                               level, parts=prods.kind != "basket" and by != "product",
                               partner=r.partner, source=sel.source)
    cur, prev = (df.filter(pl.col("which") == w) for w in ("current", "previous"))
    warnings = [*warnings, *basket_warnings(cur, prods)]
    unit = target_currency(cur if cur.height else prev, r.question.currency)
    now, conv = sum_by(cur, _KEY[by], unit)
    before, prev_conv = sum_by(prev, _KEY[by], unit)
    return cur, prev, warnings, unit, ranking.place(now, before, r.question.top), conv, prev_conv


def _withhold(rows: list[Row], by: str, unlike: list[str], reporters: set[str]) -> None:
    """No change on a row whose spans are not covered alike (docs/figures.md R11): a
    reporter's own row where its months or source differ; every partner's or product's row
    where the one reporter's do (or the basket codes differ)."""
    if not unlike:
        return
    for row in rows:
        if by != "reporter" or row.code in reporters:
            row.yoy_pct = None


def _by_product_sums(t: Any, sel: Selection, spans: dict[str, Span], level: int,
                     currency: str | None, top: int | None) -> tuple | None:
    """Products ranked from sums at the answer's grain (one row per product and span) and
    the coverage read from a narrow query (no product key), when that gives exactly what the
    rules would on the full grouping; None otherwise (the caller then groups finely).

    It does when each span is one calendar year of its own, no value is cumulative (freq C),
    no code is coarser than ``level`` nor covers another in its slice, every value is in the
    answer's currency, and the rules, applied to the narrow frame, keep all of it: their
    choices (annual or monthly per reporter and span, world row or partner rows per period)
    are made on keys the narrow frame has, so nothing finer can be dropped either. The
    products' sums are then the sums of every row read.
    """
    if ranking.year_spans(spans) is None:
        return None
    cov, placed = ranking.narrow_and_sums(t, sel, spans, level, top)
    if (model.CUMULATIVE in set(cov.get_column("freq").to_list())
            or min(cov.get_column("plen").to_list(), default=level) < level
            or select.mixed_depth(cov, level)):
        return None
    kept, warnings = rules.apply(cov, spans, parts=False, partner=sel.partner,
                                 source=sel.source)
    cur, prev = _split(kept)
    unit = target_currency(cur if cur.height else prev, currency)
    if kept.height != cov.height or set(kept.get_column("currency").to_list()) - {unit}:
        return None
    return cur, prev, warnings, unit, placed


def _split(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The current and previous span's rows (one gather each, by row positions)."""
    which = df.get_column("which").to_list()
    return tuple(df[[i for i, w in enumerate(which) if w == name]]
                 for name in ("current", "previous"))


def _basis(*conversions: dict) -> str:
    bases = sorted({c["basis"] for conv in conversions for c in conv.values()})
    return "/".join(bases) if bases else "published"

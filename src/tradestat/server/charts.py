"""Chart endpoints for the dashboard: the report's Vega-Lite specs beside the numbers they show.

    GET /api/chart/monthly?reporter=CHN&flow=export&basket=integrated_circuits
        &period=2024-01..2024-11

answers ``{"kind", "spec", "result"}``: ``spec`` comes from :mod:`tradestat.report.charts`
(the same charts as the HTML report), ``result`` is the library document it was drawn from
(``{"now", "previous"}`` series for monthly/ytd, a comparison, a ranking).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from tradestat import analytics
from tradestat.errors import InputError
from tradestat.server import schemas
from tradestat.server.jsondoc import JSONDoc
from tradestat.server.routes import (
    AsOf,
    Basket,
    Flow,
    Period,
    Product,
    Reporter,
    answer,
    store_of,
)

router = APIRouter(prefix="/api", responses=schemas.ERRORS, default_response_class=JSONDoc)
KINDS = ("monthly", "ytd", "comparison", "ranking")


def _months(store: Any, reporter: str, flow: str, period: str, product: str | None,
            basket: str | None, as_of: str | None, kind: str) -> dict:
    from tradestat.report import charts, words

    span = analytics.Span.parse(period)
    before = span.previous()
    now, prev = (analytics.series(store, reporter, flow, product, basket, "M",
                                  f"{s.start}..{s.end}", as_of=as_of) for s in (span, before))
    draw = charts.monthly if kind == "monthly" else charts.ytd
    found = _events(store, reporter, product, basket, span)
    spec = draw(now, prev, found)
    return _drawn({"kind": kind, "spec": spec, "events": [e.to_dict() for e in found],
                   "result": {"now": now.to_dict(), "previous": prev.to_dict()}},
                  charts.has_marks(spec), f"no monthly values in the store for "
                  f"{words.span_words(span)} or {words.span_words(before)} (annual data "
                  "only, or none); a monthly release would fill this chart")


def _events(store: Any, reporter: str, product: str | None, basket: str | None,
            span: Any) -> list:
    """The policy events of the span that concern the reporter and product (rules)."""
    from tradestat.analytics.common import country_code
    from tradestat.report import events

    code, _ = country_code(reporter, "--reporter")
    months = span.months
    return events.relevant(events.load(store.root), code,
                           events.codes_of(product, basket, store.root), months[0], months[-1])


def _drawn(doc: dict, drawn: bool, why: str) -> dict:
    """The chart's document with ``drawn`` (whether it has marks) and, when not, ``why`` in
    one line: the dashboard shows that line instead of an empty frame."""
    return doc | {"drawn": drawn, "why": None if drawn else why}


def _comparison(store: Any, reporter: str, flow: str, period: str, baskets: list[str],
                codes: list[str], as_of: str | None) -> dict:
    from tradestat.report import charts
    from tradestat.report.words import item_name, join

    comp = analytics.compare(store, reporter, flow, period, baskets=baskets, codes=codes,
                             as_of=as_of)
    shown = charts.with_data(comp)
    empty = [item_name(i.label, i.products.kind) for i in comp.items if i not in shown]
    return _drawn({"kind": "comparison", "spec": charts.comparison(comp),
                   "result": comp.to_dict()}, len(shown) > 1,
                  f"no data in the store for {join(empty) if empty else 'the items'} in this "
                  "span: nothing to set side by side")


def _ranking(store: Any, reporter: str, flow: str, period: str, product: str | None,
             basket: str | None, top: int, as_of: str | None) -> dict:
    from tradestat.analytics.common import country_code
    from tradestat.report import charts

    code, _ = country_code(reporter, "--reporter")
    ranking = analytics.rank(store, flow, period, product, basket, "reporter", top=top,
                             as_of=as_of)
    spec = charts.ranking(ranking, highlight=code)
    return _drawn({"kind": "ranking", "spec": spec, "result": ranking.to_dict()},
                  charts.has_marks(spec), "no reporter has data for this product and span")


@router.get("/chart/{kind}", response_model=None, responses={200: {"model": schemas.Chart}},
            summary="A chart of the report (Vega-Lite spec) with the numbers it shows")
async def chart(request: Request, kind: str, reporter: Reporter, flow: Flow, period: Period,
                product: Product = None, basket: Basket = None,
                compare: Annotated[list[str] | None, Query(
                    description="comparison: the baskets besides `basket` (repeat).")] = None,
                top: Annotated[int, Query(description="ranking: the first N reporters.",
                                          ge=1, le=200)] = 10,
                as_of: AsOf = None) -> JSONDoc:
    store = store_of(request)
    if kind in ("monthly", "ytd"):
        args = (reporter, flow, period, product, basket, as_of, kind)
        return await answer(request, ("chart", *args), lambda: _months(store, *args))
    if kind == "comparison":
        baskets = [b for b in [basket, *(compare or [])] if b]
        codes = [product] if product else []
        if len(baskets) + len(codes) < 2:
            raise InputError("compare: name at least one basket to set beside the product "
                             "or basket asked for", value=None)
        key = ("chart", kind, reporter, flow, period, tuple(baskets), tuple(codes), as_of)
        return await answer(request, key, lambda: _comparison(
            store, reporter, flow, period, baskets, codes, as_of))
    if kind == "ranking":
        args = (reporter, flow, period, product, basket, top, as_of)
        return await answer(request, ("chart", kind, *args), lambda: _ranking(store, *args))
    raise InputError(f"kind {kind!r}: use one of {', '.join(KINDS)}", value=kind)

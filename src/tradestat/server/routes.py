"""The JSON API: one endpoint per library function, answering its ``to_dict()`` document
(the CLI's ``--json``) plus ``truncated``. Every query runs through the app's
:class:`~tradestat.server.queries.Runner` (worker thread, time limit, row cap, cache).

    GET /api/figure?reporter=CHN&flow=export&basket=integrated_circuits&period=2024-01..2024-11
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from tradestat import analytics
from tradestat.errors import InputError
from tradestat.reference import baskets, countries, hs
from tradestat.server import schemas
from tradestat.server.errors import NotFound
from tradestat.server.jsondoc import JSONDoc
from tradestat.server.queries import CachedStore, Runner

router = APIRouter(prefix="/api", responses=schemas.ERRORS, default_response_class=JSONDoc)

_TEXT = {"min_length": 1, "max_length": 200}
Reporter = Annotated[str, Query(
    description="ISO3 (CHN), Comtrade numeric (156) or a name (China).", **_TEXT)]
Flow = Annotated[str, Query(description="export, import, re-export or re-import.",
                            max_length=40)]
Period = Annotated[str, Query(
    description="2024 | 2024-11 | 2024-01..2024-11 (compared with a year earlier).",
    max_length=40)]
Product = Annotated[str | None, Query(
    description="HS code at any level (8542, 854231) or TOTAL.", max_length=40)]
Basket = Annotated[str | None, Query(
    description="A named basket (see /api/baskets).", max_length=100)]
Partner = Annotated[str | None, Query(description="Partner (default: the world).", **_TEXT)]
Currency = Annotated[str | None, Query(
    description="Currency of the result (default: the data's), e.g. CNY.", max_length=10)]
AsOf = Annotated[str | None, Query(
    description="Only releases published (else ingested) on or before this date, YYYY-MM-DD.",
    max_length=40)]
Source = Annotated[str | None, Query(
    description="Only this source's data (e.g. comtrade, gacc); default: per reporter, the "
    "source that publishes the asked code, then comtrade, baci, gacc, taiwan.",
    max_length=64)]
Top = Annotated[int | None, Query(description="The first N rows.", ge=1, le=100_000)]
Level = Annotated[int | None, Query(description="HS digits: 2, 4 or 6.", ge=2, le=12)]


def store_of(request: Request) -> CachedStore:
    """The app's store (one per app: its DuckDB views stay open between requests)."""
    return request.app.state.store


def found(lookup: Callable[[str], Any], value: str, parameter: str) -> Any:
    """``lookup(value)`` for an item named in the path; an unknown one is a 404 naming the
    path parameter (a malformed one, checked before, stays a 400)."""
    try:
        return lookup(value)
    except InputError as exc:
        raise NotFound(exc.message, parameter=parameter, value=value) from None


async def answer(request: Request, key: tuple | None, fn: Callable[[], Any]) -> JSONDoc:
    """``fn()`` run by the app's runner (worker thread, limits, cache under ``key``)."""
    runner: Runner = request.app.state.runner
    return JSONDoc(await runner.run(key, fn))


@router.get("/figure", response_model=None, responses={200: {"model": schemas.Figure}},
            summary="One figure with its year-earlier value, YoY, coverage and warnings")
async def figure(request: Request, reporter: Reporter, flow: Flow, period: Period,
                 product: Product = None, basket: Basket = None, partner: Partner = None,
                 currency: Currency = None, as_of: AsOf = None,
                 source: Source = None) -> JSONDoc:
    args = (reporter, flow, period, product, basket, partner, currency, "duckdb", as_of,
            source)
    store = store_of(request)

    def run() -> dict:
        fig = analytics.figure(store, *args)
        if fig.value is not None:
            return with_display(fig)
        from tradestat.report.nearby import nearby

        near = nearby(store, reporter, flow, period, product, basket, as_of=as_of)
        return with_display(fig) | {"nearby": near.to_dict() | {"lines": near.lines()}}
    return await answer(request, ("figure", *args), run)


def with_display(fig: analytics.Figure) -> dict:
    """The figure's document plus its numbers written for readers (as in the report)."""
    from tradestat.report import fmt, words
    from tradestat.report.notes import readable, sentence

    return fig.to_dict() | {"display": {
        "value": fmt.money(fig.value, fig.currency),
        "previous": fmt.money(fig.previous_value, fig.currency), "yoy": fmt.pct(fig.yoy_pct),
        "sentence": words.headline_sentence(fig), "what": words.what_words(fig),
        "span": words.span_words(fig.period),
        "previous_span": words.span_words(fig.period.previous()),
        "warnings": [sentence(readable(w.message)) for w in fig.warnings]}}


@router.get("/compare", response_model=None, responses={200: {"model": schemas.Comparison}},
            summary="Baskets or products of one reporter side by side")
async def compare(request: Request, reporter: Reporter, flow: Flow, period: Period,
                  basket: Annotated[list[str] | None, Query(
                      description="Baskets (repeat; the first is the reference).")] = None,
                  product: Annotated[list[str] | None, Query(
                      description="HS codes (repeat; after the baskets).")] = None,
                  partner: Partner = None, currency: Currency = None,
                  as_of: AsOf = None, source: Source = None) -> JSONDoc:
    store = store_of(request)
    key = ("compare", reporter, flow, period, tuple(basket or ()), tuple(product or ()),
           partner, currency, as_of, source)
    return await answer(request, key, lambda: analytics.compare(
        store, reporter, flow, period, baskets=basket, codes=product, partner=partner,
        currency=currency, as_of=as_of, source=source))


@router.get("/rank", response_model=None, responses={200: {"model": schemas.Ranking}},
            summary="Reporters, partners or products ranked by value, with shares and YoY")
async def rank(request: Request, flow: Flow, period: Period, product: Product = None,
               basket: Basket = None,
               by: Annotated[str, Query(description="reporter, partner or product.",
                                        max_length=20)] = "reporter",
               top: Top = None,
               reporter: Annotated[list[str] | None, Query(
                   description="Only these reporters (repeat); default: all.")] = None,
               partner: Partner = None, level: Level = None, currency: Currency = None,
               as_of: AsOf = None, source: Source = None) -> JSONDoc:
    store = store_of(request)
    key = ("rank", flow, period, product, basket, by, top, tuple(reporter or ()), partner,
           level, currency, as_of, source)
    return await answer(request, key, lambda: analytics.rank(
        store, flow, period, product, basket, by, reporter, partner, top, level, currency,
        "duckdb", as_of, source))


@router.get("/top", response_model=None, responses={200: {"model": schemas.Ranking}},
            summary="A reporter's top products at HS level 2, 4 or 6")
async def top(request: Request, reporter: Reporter, flow: Flow, period: Period,
              level: Annotated[int, Query(description="HS digits: 2, 4 or 6.", ge=2,
                                          le=12)] = 4,
              top: Annotated[int, Query(description="The first N.", ge=1, le=100_000)] = 20,
              product: Product = None, partner: Partner = None, currency: Currency = None,
              as_of: AsOf = None, source: Source = None) -> JSONDoc:
    args = (reporter, flow, period, level, top, product, partner, currency, "duckdb", as_of,
            source)
    store = store_of(request)
    return await answer(request, ("top", *args), lambda: analytics.top(store, *args))


@router.get("/series", response_model=None, responses={200: {"model": schemas.Series}},
            summary="Monthly or annual values, each point with its coverage")
async def series(request: Request, flow: Flow,
                 reporter: Annotated[str | None, Query(
                     description="Reporter; default: all reporters summed.", **_TEXT)] = None,
                 product: Product = None, basket: Basket = None,
                 freq: Annotated[str, Query(description="M (monthly) or A (annual).",
                                            max_length=10)] = "M",
                 period: Annotated[str | None, Query(
                     description="Limit to a span (default: every period with data).",
                     max_length=40)] = None,
                 partner: Partner = None, currency: Currency = None,
                 as_of: AsOf = None, source: Source = None) -> JSONDoc:
    args = (reporter, flow, product, basket, freq, period, partner, currency, "duckdb", as_of,
            source)
    store = store_of(request)
    return await answer(request, ("series", *args), lambda: analytics.series(store, *args))


@router.get("/event", response_model=None, responses={200: {"model": schemas.Document}},
            summary="The N months before a policy event against the N months after it")
async def event(request: Request, reporter: Reporter, flow: Flow,
                date: Annotated[str, Query(description="The event's date, YYYY-MM-DD.",
                                           max_length=40)],
                product: Product = None, basket: Basket = None,
                window: Annotated[int, Query(description="Months on each side.", ge=1,
                                             le=120)] = 12,
                as_of: AsOf = None) -> JSONDoc:
    from tradestat.report import events

    args = (date, reporter, flow, product, basket, window, as_of)
    store = store_of(request)
    return await answer(request, ("event", *args), lambda: events.around(store, *args))


@router.get("/events", response_model=None, responses={200: {"model": schemas.Document}},
            summary="The policy timeline: shipped events and the store's events.toml")
async def timeline(request: Request) -> JSONDoc:
    from tradestat.report import events

    root = store_of(request).root
    return await answer(request, ("events",), lambda: {
        "events": [e.to_dict() for e in events.load(root)]})


@router.get("/releases", response_model=None, responses={200: {"model": schemas.Releases}},
            summary="The store's releases (vintages), oldest first")
async def releases(request: Request) -> JSONDoc:
    store = store_of(request)
    return await answer(request, ("releases",), lambda: {
        "releases": [r.to_dict() for r in store.releases()]})


@router.get("/countries", response_model=None, responses={200: {"model": schemas.Reporters}},
            summary="The reporters present in the store, with their names")
async def reporters(request: Request) -> JSONDoc:
    store = store_of(request)
    return await answer(request, ("reporters",), lambda: reporters_in(store))


def reporters_in(store: CachedStore) -> dict:
    """The reporter codes of the store's current records, named."""
    rows = store.connect().execute(
        "SELECT DISTINCT reporter FROM records ORDER BY reporter").fetchall()
    return {"reporters": [{"code": code, "name": analytics.common.country_name(code)}
                          for (code,) in rows]}


@router.get("/countries/{query}", response_model=None,
            responses={200: {"model": schemas.Document}},
            summary="Resolve a country or area: code, Comtrade and M49 codes, what matched")
async def country(request: Request, query: Annotated[str, Path(
        description="ISO3, ISO2, Comtrade or M49 code, or a name.", max_length=200)]
                  ) -> JSONDoc:
    return await answer(request, ("country", query),
                         lambda: found(countries.find, query, "query"))


@router.get("/hs", response_model=None, responses={200: {"model": schemas.Document}},
            summary="HS2022 codes whose description holds every word")
async def hs_search(request: Request, q: Annotated[str, Query(
        description="Words that must all appear.", max_length=200)],
                    limit: Annotated[int, Query(ge=1, le=1000)] = 25) -> JSONDoc:
    return await answer(request, ("hs", q, limit), lambda: {
        "query": q, "results": [e.to_dict() for e in hs.search(q, limit=limit)]})


@router.get("/hs/{code}", response_model=None, responses={200: {"model": schemas.Document}},
            summary="Description, level, parent and children of an HS2022 code")
async def hs_show(request: Request, code: Annotated[str, Path(max_length=40)]) -> JSONDoc:
    def show() -> dict:
        hs.normalize(code)  # malformed: 400
        return found(hs.describe, code, "code")
    return await answer(request, ("hs-show", code), show)


@router.get("/baskets", response_model=None, responses={200: {"model": schemas.Document}},
            summary="The baskets available (shipped and the store's baskets.toml)")
async def baskets_list(request: Request) -> JSONDoc:
    root = store_of(request).root
    return await answer(request, ("baskets",), lambda: {
        "baskets": [b.to_dict() for b in baskets.available(root).values()]})


@router.get("/baskets/{name}", response_model=None,
            responses={200: {"model": schemas.Document}},
            summary="A basket's description and codes per HS edition")
async def baskets_show(request: Request, name: Annotated[str, Path(max_length=100)],
                       version: Annotated[str | None, Query(
                           description="Also the codes in this HS edition, e.g. HS2017.",
                           max_length=20)] = None) -> JSONDoc:
    root = store_of(request).root
    def show() -> dict:
        found(lambda n: baskets.get(n, root), name, "name")
        return baskets.describe(name, root, None, version)
    return await answer(request, ("basket", name, version), show)


@router.post("/check", response_model=None, responses={200: {"model": schemas.Checked}},
             summary="Check the figures quoted in a text against the store")
async def check(request: Request, claim: schemas.ClaimRequest) -> JSONDoc:
    from tradestat.claims import check as check_claims

    store = store_of(request)
    return await answer(request, ("check", claim.text, claim.as_of),
                         lambda: check_claims(claim.text, store, as_of=claim.as_of))


@router.get("/ask", response_model=None, responses={200: {"model": schemas.Asked}},
            summary="A question in words answered from the store, with the reading chosen")
async def ask(request: Request, q: Annotated[str, Query(
        description="The question, e.g. 'How much did China export in chips in 2024?'",
        min_length=1, max_length=500)], as_of: AsOf = None) -> JSONDoc:
    """A question the parser cannot read (no period, no country, an unknown product) is a
    400 naming ``q`` whose ``not_understood`` says what was missing; a question understood
    for which the store has no data is a 200 whose answer says so (as /api/figure)."""
    import datetime as dt

    store = store_of(request)
    today = dt.date.today()
    return await answer(request, ("ask", q, as_of, today),
                        lambda: answered(q, store, as_of, today))


def answered(q: str, store: CachedStore, as_of: str | None, today: Any) -> dict:
    """``claims.ask`` as a document; a question not understood raises (400 on ``q``)."""
    from tradestat.claims.ask import ask as ask_question

    res = ask_question(q, store, as_of=as_of, today=today)
    if not res.answered:
        raise InputError("could not understand the question: "
                         + "; ".join(res.not_understood), parameter="q", value=q,
                         reading=res.reading, not_understood=res.not_understood)
    return res.to_dict()

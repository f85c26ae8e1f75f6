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
from tradestat.analytics.question import Question
from tradestat.errors import InputError
from tradestat.reference import baskets, countries, hs
from tradestat.server import schemas
from tradestat.server.errors import NotFound
from tradestat.server.jsondoc import JSONDoc
from tradestat.server.queries import CachedStore, Runner

router = APIRouter(prefix="/api", responses=schemas.ERRORS, default_response_class=JSONDoc)

Reporter = schemas.param("reporter", required=True)
Flow = schemas.param("flow", required=True)
Period = schemas.param("period", required=True)
Product = schemas.param("product")
Basket = schemas.param("basket")
Partner = schemas.param("partner")
Currency = schemas.param("currency")
AsOf = schemas.param("as_of")
Source = schemas.param("source")
Top = schemas.param("top")
Level = schemas.param("level")
By = schemas.param("by")
Freq = schemas.param("freq")
#: one endpoint's variants of an option (repeated, another default or help)
Baskets = schemas.param("basket", many=True,
                        help="Baskets (repeat; the first is the reference).")
Codes = schemas.param("product", many=True, help="HS codes (repeat; after the baskets).")
Reporters = schemas.param("reporter", many=True,
                          help="Only these reporters (repeat); default: all.")
AllReporters = schemas.param("reporter", help="Reporter; default: all reporters summed.")
AnyPeriod = schemas.param("period", help="Limit to a span (default: every period with data).")
TopLevel = schemas.param("level", default=4)
TopN = schemas.param("top", default=20, help="The first N.")
View = Annotated[str, Query(pattern="^(reported|mirror)$", description=(
    "reported: the reporter's own figures; mirror: the sum of its partners' reports of the "
    "opposite flow (imports divided by CIF/FOB 1.06)"))]


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
                 source: Source = None, view: View = "reported") -> JSONDoc:
    if view == "mirror":  # as its partners report it (a reporter that does not report)
        return await answered_question(request, Question(
            "estimate", flow=flow, reporter=reporter, period=period, product=product,
            basket=basket, currency=currency, as_of=as_of))
    q = Question("figure", flow=flow, reporter=reporter, period=period, product=product,
                 basket=basket, partner=partner, currency=currency, as_of=as_of, source=source)
    store = store_of(request)

    def run() -> dict:
        fig = analytics.answer(store, q)
        if fig.value is not None:
            return with_display(fig)
        from tradestat.report.nearby import nearby

        near = nearby(store, reporter, flow, period, product, basket, as_of=as_of)
        return with_display(fig) | {"nearby": near.to_dict() | {"lines": near.lines()}}
    return await answer(request, q, run)


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


async def answered_question(request: Request, q: Question) -> JSONDoc:
    """The answer to ``q``, cached under it (a question is its own cache key)."""
    store = store_of(request)
    return await answer(request, q, lambda: analytics.answer(store, q))


@router.get("/compare", response_model=None, responses={200: {"model": schemas.Comparison}},
            summary="Baskets or products of one reporter side by side")
async def compare(request: Request, reporter: Reporter, flow: Flow, period: Period,
                  basket: Baskets = None,
                  product: Codes = None,
                  partner: Partner = None, currency: Currency = None,
                  as_of: AsOf = None, source: Source = None) -> JSONDoc:
    return await answered_question(request, Question.of(
        "compare", flow=flow, reporter=reporter, period=period, baskets=basket, codes=product,
        partner=partner, currency=currency, as_of=as_of, source=source))


@router.get("/rank", response_model=None, responses={200: {"model": schemas.Ranking}},
            summary="Reporters, partners or products ranked by value, with shares and YoY")
async def rank(request: Request, flow: Flow, period: Period, product: Product = None,
               basket: Basket = None, by: By = "reporter",
               top: Top = None,
               reporter: Reporters = None,
               partner: Partner = None, level: Level = None, currency: Currency = None,
               as_of: AsOf = None, source: Source = None) -> JSONDoc:
    return await answered_question(request, Question(
        "rank", flow=flow, reporter=reporter, period=period, product=product, basket=basket,
        partner=partner, currency=currency, as_of=as_of, source=source, by=by, top=top,
        level=level))


@router.get("/top", response_model=None, responses={200: {"model": schemas.Ranking}},
            summary="A reporter's top products at HS level 2, 4 or 6")
async def top(request: Request, reporter: Reporter, flow: Flow, period: Period,
              level: TopLevel = 4,
              top: TopN = 20,
              product: Product = None, partner: Partner = None, currency: Currency = None,
              as_of: AsOf = None, source: Source = None) -> JSONDoc:
    return await answered_question(request, Question(
        "top", flow=flow, reporter=reporter, period=period, product=product, partner=partner,
        currency=currency, as_of=as_of, source=source, by="product", top=top, level=level))


@router.get("/series", response_model=None, responses={200: {"model": schemas.Series}},
            summary="Monthly or annual values, each point with its coverage")
async def series(request: Request, flow: Flow,
                 reporter: AllReporters = None,
                 product: Product = None, basket: Basket = None,
                 freq: Freq = "M",
                 period: AnyPeriod = None,
                 partner: Partner = None, currency: Currency = None,
                 as_of: AsOf = None, source: Source = None) -> JSONDoc:
    return await answered_question(request, Question(
        "series", flow=flow, reporter=reporter, period=period, product=product, basket=basket,
        partner=partner, currency=currency, as_of=as_of, source=source, freq=freq))


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

"""The analyst's toolkit in the JSON API (issue 15): each endpoint answers its library
function's ``to_dict()`` document (the CLI's ``--json``), through the app's runner (worker
thread, time limit, cache).

    GET /api/balance?reporter=CHN&period=2019&product=TOTAL
    GET /api/groups/EU27?on=2019-06-30
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from tradestat.server import schemas
from tradestat.server.jsondoc import JSONDoc
from tradestat.server.routes import (
    AsOf,
    Basket,
    Currency,
    Flow,
    Partner,
    Period,
    Product,
    Reporter,
    answer,
    found,
    store_of,
)

router = APIRouter(prefix="/api", responses=schemas.ERRORS, default_response_class=JSONDoc,
                   tags=["toolkit"])

CifFob = Annotated[float, Query(ge=1.0, le=2.0, description="CIF/FOB factor dividing the "
                                "import side (1.06, as IMF DOTS; 1 for none).")]
ShareBy = Annotated[str, Query(pattern="^(partner|product)$",
                               description="partner or product.")]
Level = Annotated[int | None, Query(ge=2, le=6, description="HS digits: 2, 4 or 6.")]
MatrixLevel = Annotated[int, Query(ge=2, le=6, description="HS digits: 2, 4 or 6.")]
Top = Annotated[int | None, Query(ge=1, le=10_000, description="The first N.")]
AnyReporter = Annotated[str | None, Query(max_length=80, description="Only this reporter.")]
Role = Annotated[str, Query(alias="as", pattern="^(reporter|partner)$",
                            description="reporter: the group's own trade; partner: the "
                            "reporter's trade with the group.")]


async def _run(request: Request, analytic: str, **given: Any) -> JSONDoc:
    """The answer to the question of ``analytic`` (the question is its cache key)."""
    from tradestat.analytics import answer as answer_of
    from tradestat.analytics.question import Question

    q = Question.of(analytic, **{k: v for k, v in given.items() if v is not None})
    store = store_of(request)
    return await answer(request, q, lambda: answer_of(store, q).to_dict())


@router.get("/groups", response_model=None, summary="Country groups and their members today")
async def groups_list(request: Request) -> JSONDoc:
    import datetime as dt

    from tradestat.reference import groups

    found_ = groups.load(store_of(request).root)
    return JSONDoc([{"code": g.code, "name": g.name, "aliases": list(g.aliases),
                     "members_today": g.on(dt.date.today())} for g in found_.values()])


@router.get("/groups/{code}", response_model=None,
            summary="A group's members with their dates, and the members on a date")
async def groups_show(request: Request, code: str,
                      on: Annotated[str | None, Query(description="YYYY-MM-DD")] = None
                      ) -> JSONDoc:
    from tradestat.reference import groups

    g = found(lambda c: groups.find(c, store_of(request).root), code, "code")
    return JSONDoc(g.to_dict(on))


@router.get("/group/{code}", response_model=None,
            summary="A group's trade as a reporter (its members' sum) or as a partner")
async def group(request: Request, code: str, flow: Flow, period: Period, role: Role = "reporter",
                reporter: AnyReporter = None, product: Product = None, basket: Basket = None,
                currency: Currency = None, as_of: AsOf = None) -> JSONDoc:
    return await _run(request, "group", group=code, flow=flow, period=period, role=role,
                      reporter=reporter, product=product, basket=basket, currency=currency,
                      as_of=as_of)


@router.get("/balance", response_model=None,
            summary="Exports minus imports, the previous span's and the change")
async def balance(request: Request, reporter: Reporter, period: Period, partner: Partner = None,
                  product: Product = None, basket: Basket = None, currency: Currency = None,
                  as_of: AsOf = None) -> JSONDoc:
    return await _run(request, "balance", reporter=reporter, period=period, partner=partner,
                      product=product, basket=basket, currency=currency, as_of=as_of)


@router.get("/mirror", response_model=None,
            summary="One flow as both sides report it, FOB-based, and the gap")
async def mirror(request: Request, reporter: Reporter, partner: Annotated[str, Query(
        max_length=80, description="The partner whose report is the mirror.")], flow: Flow,
                 period: Period, product: Product = None, basket: Basket = None,
                 cif_fob: CifFob = 1.06, currency: Currency = None,
                 as_of: AsOf = None) -> JSONDoc:
    return await _run(request, "mirror", reporter=reporter, partner=partner, flow=flow,
                      period=period, cif_fob=cif_fob, product=product, basket=basket,
                      currency=currency, as_of=as_of)


@router.get("/concentration", response_model=None,
            summary="HHI, top-1 and top-5 shares of a flow over partners or products")
async def concentration(request: Request, reporter: Reporter, flow: Flow, period: Period,
                        by: ShareBy = "partner", product: Product = None,
                        basket: Basket = None, level: Level = None,
                        as_of: AsOf = None) -> JSONDoc:
    return await _run(request, "concentration", reporter=reporter, flow=flow, period=period,
                      by=by, product=product, basket=basket, level=level, as_of=as_of)


@router.get("/contribution", response_model=None,
            summary="Each partner's or product's part of the change, in percentage points")
async def contribution(request: Request, reporter: Reporter, flow: Flow, period: Period,
                       by: ShareBy = "product", product: Product = None,
                       basket: Basket = None, level: Level = None,
                       as_of: AsOf = None) -> JSONDoc:
    return await _run(request, "contribution", reporter=reporter, flow=flow, period=period,
                      by=by, product=product, basket=basket, level=level, as_of=as_of)


@router.get("/projection", response_model=None,
            summary="A full-year estimate from January-M, its assumption and errors")
async def projection(request: Request, reporter: Reporter, flow: Flow, period: Period,
                     product: Product = None, basket: Basket = None, partner: Partner = None,
                     as_of: AsOf = None) -> JSONDoc:
    return await _run(request, "projection", reporter=reporter, flow=flow, period=period,
                      product=product, basket=basket, partner=partner, as_of=as_of)


@router.get("/unit-value", response_model=None,
            summary="Value per unit of quantity (each unit apart) and per kg")
async def unit_value(request: Request, reporter: Reporter, flow: Flow, period: Period,
                     product: Product = None, partner: Partner = None,
                     as_of: AsOf = None) -> JSONDoc:
    return await _run(request, "unit-value", reporter=reporter, flow=flow, period=period,
                      product=product, partner=partner, as_of=as_of)


@router.get("/rca", response_model=None, summary="Balassa RCA of reporters' products")
async def rca(request: Request, period: Period, reporter: AnyReporter = None,
              level: MatrixLevel = 4, top: Top = 10, as_of: AsOf = None) -> JSONDoc:
    return await _run(request, "rca", period=period, level=level, top=top, reporter=reporter,
                      as_of=as_of)


@router.get("/complexity", response_model=None,
            summary="Economic complexity (ECI) of reporters, PCI of products")
async def complexity(request: Request, period: Period, level: MatrixLevel = 4,
                     as_of: AsOf = None) -> JSONDoc:
    return await _run(request, "complexity", period=period, level=level, as_of=as_of)

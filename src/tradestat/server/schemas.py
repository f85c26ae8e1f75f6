"""Shapes of the API's answers, for the OpenAPI description (/docs, /openapi.json).

The answers themselves are the library's ``to_dict()`` documents (the CLI's ``--json``); these
models describe them and allow extra keys, so a field added to the library is not a schema
violation. Every answer of a query also says whether the row cap cut it (``truncated``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from tradestat.options import OPTIONS


def param(name: str, *, required: bool = False, **changes: Any) -> Any:
    """The query parameter of a question's option, from its one declaration
    (:data:`tradestat.options.OPTIONS`); ``changes``: this endpoint's variant
    (another default, help, or ``many=True`` for a repeated parameter)."""
    option = OPTIONS[name].but(**changes) if changes else OPTIONS[name]
    kind: Any = list[option.type] if option.many else option.type
    if not required and (option.default is None or option.many):
        kind = kind | None
    limits: dict[str, Any] = {}
    if option.type is str and not option.many:
        limits = {k: v for k, v in (("max_length", option.max_length),
                                    ("min_length", option.min_length)) if v is not None}
    if option.bounds:
        limits |= {"ge": option.bounds[0], "le": option.bounds[1]}
    return Annotated[kind, Query(description=option.help, **limits)]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Capped(_Open):
    truncated: bool
    row_cap: int | None = None
    rows_total: dict[str, int] | None = None


class ErrorItem(_Open):
    message: str
    parameter: str | None = None


class ErrorBody(_Open):
    """Every failure: 4xx for bad input (the parameter named in ``errors``), 5xx otherwise."""

    ok: bool
    error: str
    errors: list[ErrorItem]
    status: int


class Span(_Open):
    start: str
    end: str
    label: str


class Warning_(_Open):
    code: str
    title: str
    message: str
    detail: dict[str, Any] | None = None


class Previous(_Open):
    value: float | None
    period: Span


class Display(_Open):
    """The figure written for readers ("$142.2 bn", "+20.3 %"), as the report writes it."""

    value: str
    previous: str
    yoy: str
    #: the figure in one sentence, as the report's headline opens
    sentence: str | None = None
    #: what the figure is of: "HS 8542 (Electronic integrated circuits)", "passenger cars"
    what: str | None = None
    #: the span in words: "2024", "January–June 2025"
    span: str | None = None
    #: the span a year earlier, in words
    previous_span: str | None = None
    #: the warnings' messages with names for codes and months in words
    warnings: list[str] | None = None


class Figure(Capped):
    query: dict[str, Any]
    value: float | None
    currency: str
    basis: str | None
    period: Span
    previous: Previous
    yoy_pct: float | None
    published_yoy_pct: float | None = None
    other_sources: dict[str, float] = {}
    coverage: dict[str, Any]
    warnings: list[Warning_]
    conversion: dict[str, Any] | None = None
    display: Display | None = None


class RankRow(_Open):
    rank: int
    code: str
    name: str
    value: float
    share_pct: float | None
    yoy_pct: float | None
    previous: float | None


class Ranking(Capped):
    query: dict[str, Any]
    by: str
    period: Span
    currency: str
    rows: list[RankRow]
    total: float | None
    previous_total: float | None
    total_yoy_pct: float | None
    n: int
    coverage: dict[str, Any]
    warnings: list[Warning_]


class CompareItem(_Open):
    rank: int
    label: str
    kind: str
    ratio: float | None
    value: float | None
    yoy_pct: float | None


class Comparison(Capped):
    query: dict[str, Any]
    period: Span
    currency: str
    reference: str
    items: list[CompareItem]
    relations: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


class Point(_Open):
    period: str
    value: float | None
    coverage: dict[str, Any]


class Series(Capped):
    query: dict[str, Any]
    freq: str
    currency: str
    points: list[Point]
    warnings: list[Warning_]


class Releases(Capped):
    releases: list[dict[str, Any]]


class Reporters(Capped):
    reporters: list[dict[str, Any]]


class Document(_Open):
    """A reference answer (a country, an HS code, a basket, search results)."""


class ClaimRequest(BaseModel):
    """Text whose figures are to be checked (sentences quoting trade figures)."""

    text: str = Field(max_length=100_000)
    as_of: str | None = Field(None, max_length=40)


class Checked(Capped):
    claims: list[dict[str, Any]]
    summary: dict[str, Any]


class Asked(Capped):
    """A question in words answered (``tradestat ask``): the answer in words, the reading
    chosen and the others considered, the query run, coverage and warnings."""

    question: str
    intent: str | None
    reading: dict[str, Any]
    considered: list[str]
    query: dict[str, Any] | None
    answer: str
    value: float | None
    rows: list[dict[str, Any]]
    coverage: dict[str, Any] | None = None
    warnings: list[dict[str, Any]]
    not_understood: list[str]
    result: dict[str, Any] | None = None


class Chart(Capped):
    kind: str
    spec: dict[str, Any]
    result: dict[str, Any]
    #: whether the chart has marks; when not, ``why`` says so in one line (and what would
    #: fill it), and the dashboard shows that line instead of an empty frame
    drawn: bool = True
    why: str | None = None


class Ingested(_Open):
    release: str
    rows: int
    status: str


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in (
        (400, "Bad parameter (named in errors[].parameter)"),
        (404, "Not found"),
        (422, "Invalid request or unusable data"),
        (500, "A bug in tradestat"),
        (503, "The store cannot be read"),
        (504, "The query ran past the time limit and was stopped"),
    )
}

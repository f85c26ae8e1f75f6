"""A question asked of the store, as every analytic, the CLI and the server take it.

A :class:`Question` holds what was asked, as given (codes or names, a span's text), frozen
and hashable: the server caches answers under it. :func:`resolve` reads it once against a
store into a :class:`Resolved`: country codes, spans, products, the :class:`Selection` and
the table the query runs on, which is what figure, rank, top, compare and series each used
to work out for themselves.

    >>> from tradestat.analytics import Question, answer                   # doctest: +SKIP
    >>> q = Question("figure", flow="export", reporter="CHN", period="2024",
    ...              product="8542")                                        # doctest: +SKIP
    >>> answer(store, q).yoy_pct                                            # doctest: +SKIP

The options a question is built from are declared once, in :data:`tradestat.options.OPTIONS`
(name, type, default, help): the command line and the HTTP API both build their parameters
from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from tradestat import model
from tradestat.analytics import products
from tradestat.analytics.periods import Span
from tradestat.errors import InputError
from tradestat.options import OPTIONS, Option  # noqa: F401  (declared there, for the CLI's sake)

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tradestat.analytics.select import Selection
    from tradestat.store import Store

ANALYTICS = ("figure", "compare", "rank", "top", "series")
#: The analyst's toolkit (issue 15), answered by :mod:`tradestat.analytics.toolkit`.
TOOLKIT = ("balance", "mirror", "estimate", "group", "concentration", "contribution",
           "projection", "unit-value", "rca", "complexity")
#: "All available periods": the span a series asks for when no period is given.
EVERYTHING = Span(1900, 1, 2100, 12)


@dataclass(frozen=True)
class Question:
    """What is asked: ``analytic`` (figure, compare, rank, top, series) and its options, as
    given. Lists become tuples, so a question is hashable (the server's cache key)."""

    analytic: str
    flow: str | None = None
    reporter: str | tuple[str, ...] | None = None
    period: str | None = None
    product: str | None = None
    basket: str | None = None
    partner: str | None = None
    currency: str | None = None
    as_of: str | None = None
    engine: str = "duckdb"
    source: str | None = None
    by: str = "reporter"
    top: int | None = None
    level: int | None = None
    freq: str = "M"
    #: compare: items as given (a basket name or an HS code each), then baskets, then codes
    items: tuple[str, ...] = ()
    baskets: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    #: group: the group asked (EU27, ASEAN …) and whether as reporter or partner
    group: str | None = None
    role: str = "reporter"
    #: mirror: the CIF/FOB factor dividing the import side
    cif_fob: float = 1.06

    def __post_init__(self) -> None:
        if self.analytic not in (*ANALYTICS, *TOOLKIT):
            raise InputError(f"{self.analytic!r} is not an analytic: use one of "
                             f"{', '.join((*ANALYTICS, *TOOLKIT))}", value=str(self.analytic))
        for name in ("reporter", "items", "baskets", "codes"):
            value = getattr(self, name)
            if isinstance(value, list | tuple):
                object.__setattr__(self, name, tuple(value))
        if self.period is not None and not isinstance(self.period, str):
            object.__setattr__(self, "period", str(self.period))

    @classmethod
    def of(cls, analytic: str, **given: Any) -> Question:
        """A question from keywords, ignoring those that are not options of a question
        (``None`` for a list becomes empty)."""
        names = {f.name for f in fields(cls)}
        kept = {k: (() if v is None and k in ("items", "baskets", "codes") else v)
                for k, v in given.items() if k in names}
        return cls(analytic, **kept)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Resolved:
    """A question read against a store: codes, spans, products, selection and table."""

    question: Question
    store: Store
    #: reporter codes (None: every reporter)
    reporters: list[str] | None
    partner: str
    partner_country: Any
    span: Span | None
    spans: dict[str, Span]
    #: the products as asked, and as they are for the data's HS editions
    asked: products.Products
    products: products.Products
    selection: Selection
    table: ir.Table
    #: compare: each item's products
    items: list[products.Products] = field(default_factory=list)

    @property
    def reporter(self) -> str:
        return self.reporters[0]


def resolve(store: Store | Any, q: Question) -> Resolved:
    """``q`` read against ``store``: the reporter and partner resolved to codes, the span and
    its year-earlier span, the products (a basket's codes for every HS edition the data
    holds), the selection and the table the query runs on (its engine, as of its date)."""
    from tradestat.analytics import common
    from tradestat.analytics.engine import records
    from tradestat.analytics.select import Selection

    store = common.open_store(store)
    if q.flow is None:
        raise InputError(f"{q.analytic} needs --flow", parameter="flow")
    reporters = _reporters(q)
    partner, country = (common.country_code(q.partner, "--partner") if q.partner
                        else (model.WORLD, None))
    span, spans = _spans(q)
    if q.analytic == "compare":
        items = parse_items(list(q.items), list(q.baskets), list(q.codes), store.root)
        asked = products.Products("items", union(items), "items")
    else:
        items, asked = [], products.parse(q.product, q.basket, store.root)
    sel = Selection(common.flow_name(q.flow), reporters, partner, asked.codes,
                    source=common.source_name(store, q.source))
    table = records(store, q.engine, q.as_of)
    prods = asked
    if items and any(p.kind == "basket" for p in items):
        found = common.editions(table, sel, spans)
        items = [products.for_editions(p, found, store.root) for p in items]
        sel.codes = union(items)
    elif not items:
        prods = common.for_data(asked, table, sel, spans, store)
        sel.codes = prods.codes
    return Resolved(q, store, reporters, partner, country, span, spans, asked, prods, sel,
                    table, items)


def _reporters(q: Question) -> list[str] | None:
    from tradestat.analytics import common

    if q.analytic in ("figure", "compare") and q.reporter is None:
        raise InputError(f"{q.analytic} needs --reporter", parameter="reporter")
    if q.analytic in ("figure", "compare"):
        return [common.country_code(q.reporter, "--reporter")[0]]
    return common.country_codes(q.reporter, "--reporter")


def _spans(q: Question) -> tuple[Span | None, dict[str, Span]]:
    if q.analytic == "series":
        span = Span.parse(q.period) if q.period else None
        return span, {"all": span or EVERYTHING}
    if q.period is None:
        raise InputError(f"{q.analytic} needs --period", parameter="period")
    span = Span.parse(q.period)
    return span, {"current": span, "previous": span.previous()}


def parse_items(items: list[str], baskets: list[str], codes: list[str],
                root: Any) -> list[products.Products]:
    """compare's items as given: a bare string is an HS code (or TOTAL) when it looks like
    one, else a basket name."""
    out = []
    for item in items:
        is_code = re.fullmatch(r"\d+|total", str(item).strip(), re.IGNORECASE)
        out.append(products.parse(product=item, store=root) if is_code
                   else products.parse(basket=item, store=root))
    out += [products.parse(basket=b, store=root) for b in baskets]
    out += [products.parse(product=c, store=root) for c in codes]
    if len(out) < 2:
        raise InputError("compare needs at least two products or baskets")
    labels = [p.label for p in out]
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    if dupes:
        raise InputError(f"{', '.join(dupes)} given twice")
    return out


def union(items: list[products.Products]) -> dict[str, list[str]] | None:
    """Every item's codes in one selection (None when an item is TOTAL)."""
    if any(p.codes is None for p in items):
        return None
    codes: dict[str, set[str]] = {}
    for p in items:
        for edition, prefixes in (p.codes or {}).items():
            codes.setdefault(edition, set()).update(prefixes)
    return {e: sorted(c) for e, c in codes.items()}


def answer(store: Store | Any, q: Question) -> Any:
    """The answer to ``q`` from its analytic (a Figure, Comparison, Ranking, Series, or one
    of the toolkit's results)."""
    import importlib

    module = {"top": "rank", **dict.fromkeys(TOOLKIT, "toolkit")}.get(q.analytic, q.analytic)
    return importlib.import_module(f"tradestat.analytics.{module}").answer(store, q)

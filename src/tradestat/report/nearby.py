"""A "no data" that helps: what the store holds near a question that found nothing, and the
closest question it can answer.

    >>> n = nearby(store, "CHN", "export", "2024-11", product="8542")     # doctest: +SKIP
    >>> n.suggestion["say"]                                               # doctest: +SKIP
    'annual data only: try --period 2024'

It reads the store's records for the reporter and product (every flow, frequency and
source, one grouped Ibis query) and suggests, in this order: another span of the same
frequency, the other frequency, the other flow, or the reporters that do have the product.
The analytics are not involved: this says what exists, not what a figure of it would be.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tradestat import fmt, model

FREQ_WORDS = {"A": "annual", "M": "monthly", "C": "cumulative (January to month)"}


@dataclass(frozen=True)
class Held:
    """The periods the store holds for one flow, frequency and source."""

    flow: str
    freq: str
    source: str
    start: int
    end: int
    periods: int

    def span(self) -> str:
        """'2013–2024', 'January–August 2025', 'December 2024–August 2025'."""
        if self.freq == "A":
            return str(self.start) if self.start == self.end else f"{self.start}–{self.end}"
        y0, m0, y1, m1 = divmod(self.start, 100) + divmod(self.end, 100)
        return fmt.span(y0, m0, y1, m1)

    def words(self) -> str:
        unit = "year" if self.freq == "A" else "month"
        return (f"{self.flow}s, {FREQ_WORDS.get(self.freq, self.freq)} {self.span()} "
                f"({self.periods} {unit}{'s' * (self.periods != 1)}, {self.source})")


@dataclass
class Nearby:
    """What the store holds for ``reporter`` and the product, and the closest question."""

    reporter: str
    product: str
    #: the reporter's name for readers
    name: str = ""
    held: list[Held] = field(default_factory=list)
    #: other reporters with data for the product and flow (when the reporter has none)
    others: int = 0
    #: {"say": words, "options": {"period": "2024"}}, or None
    suggestion: dict | None = None
    #: the day the holdings are read as of (None: now)
    as_of: str | None = None

    def to_dict(self) -> dict:
        return {"reporter": self.reporter, "name": self.name, "product": self.product,
                "held": [asdict(h) for h in self.held], "other_reporters": self.others,
                "suggestion": self.suggestion, "as_of": self.as_of}

    def lines(self) -> list[str]:
        """The holdings and the suggestion in words, one line each."""
        when = f" as of {self.as_of}" if self.as_of else ""
        if not self.held:
            out = [f"The store holds nothing{when} for {self.name} and {self.product}."]
        else:
            out = [f"The store holds{when} for {self.name} and {self.product}: "
                   + "; ".join(h.words() for h in self.held) + "."]
        if self.suggestion:
            out.append(f"Closest question with an answer: {self.suggestion['say']}.")
        return out


def nearby(store: Any, reporter: str, flow: str, period: str, product: str | None = None,
           basket: str | None = None, label: str | None = None,
           as_of: str | None = None) -> Nearby:
    """What the store holds for the reporter and product near ``period`` (see the module),
    as it stood on ``as_of`` (None: now)."""
    from tradestat.analytics import Span, engine
    from tradestat.analytics.common import country_code, open_store

    store = open_store(store)
    reporter, _ = country_code(reporter, "--reporter")
    span = Span.parse(period)
    t = engine.records(store, as_of=as_of)
    match = _product_match(t, store, product, basket)
    held = _held(t, t.reporter == reporter, match)
    from tradestat.report.words import place

    found = Nearby(reporter, label or _what(product, basket), place(reporter), held,
                   as_of=as_of)
    found.suggestion = suggest(held, flow, span)
    now = engine.records(store) if as_of and not held else None
    if now is not None and _held(now, now.reporter == reporter,
                                 _product_match(now, store, product, basket)):
        found.suggestion = {"say": f"every release holding it was published after {as_of}: "
                            "try without --as-of", "options": {"as_of": None}}
        return found
    if found.suggestion is None and not [h for h in held if h.flow == flow]:
        found.others = _reporters(t, flow, match)
        what = f"--basket {basket}" if basket else f"--product {product}"
        if found.others:
            found.suggestion = {"say": f"{found.others} other reporters have {flow}s of it: "
                                f"try `tradestat rank --flow {flow} {what} --period "
                                f"{span.label}`", "options": {"command": "rank"}}
    return found


def _what(product: str | None, basket: str | None) -> str:
    """The product in words: "HS 8542 (Electronic integrated circuits)", "semiconductors",
    "all products"."""
    from tradestat.analytics.common import product_name
    from tradestat.report.words import item_name

    if basket is not None:
        return item_name(basket, "basket")
    code = str(product or model.TOTAL_PRODUCT).strip().upper()
    if code == model.TOTAL_PRODUCT:
        return item_name(code, "total")
    name = product_name(code)
    return f"HS {code}" + (f" ({name[:60].rstrip()})" if name else "")


def _product_match(t: Any, store: Any, product: str | None, basket: str | None) -> Any:
    """An Ibis condition: the record's product is the code or under it (any listed edition
    of a basket's codes)."""
    from functools import reduce

    from tradestat.analytics import products

    chosen = products.parse(product, basket, store.root)
    if chosen.codes is None:  # all products: a TOTAL row or any product's (R8.3)
        return t["product"].notnull()
    codes = sorted({c for cs in chosen.codes.values() for c in cs})
    return reduce(lambda a, b: a | b, (t["product"].startswith(c) for c in codes))


def _held(t: Any, who: Any, match: Any) -> list[Held]:
    rows = (t.filter(who, match).group_by(["flow", "freq", "source"])
            .aggregate(start=t["period"].min(), end=t["period"].max(),
                       periods=t["period"].nunique())
            .order_by(["flow", "freq", "source"]).to_pyarrow().to_pylist())
    return [Held(**{k: (int(v) if k in ("start", "end", "periods") else v)
                    for k, v in r.items()}) for r in rows]


def _reporters(t: Any, flow: str, match: Any) -> int:
    return int(t.filter(t["flow"] == flow, match)["reporter"].nunique().to_pyarrow().as_py())


# ---------------------------------------------------------------- the closest question

def suggest(held: list[Held], flow: str, span: Any) -> dict | None:
    """The closest question the holdings answer, or None.

        >>> from tradestat.analytics import Span
        >>> suggest([Held("export", "A", "comtrade", 2013, 2024, 12)], "export",
        ...         Span.parse("2024-11"))["say"]
        'annual data only: try --period 2024'
    """
    same = [h for h in held if h.flow == flow]
    monthly = _widest([h for h in same if h.freq == "M"])
    annual = _widest([h for h in same if h.freq == "A"])
    if span.whole_years:
        found = _annual(annual, span) or _months_instead(monthly, span)
    elif annual is not None and annual.start <= span.end_year <= annual.end:
        found = _years_instead(annual, span, monthly is None)  # the same year, added up
    else:
        found = _monthly(monthly, span) or _years_instead(annual, span, monthly is None)
    if found is None and not same and held:
        other = max(held, key=lambda h: h.periods)
        found = {"say": f"{other.flow}s only: try --flow {other.flow}",
                 "options": {"flow": other.flow}}
    return found


def _widest(found: list[Held]) -> Held | None:
    """One span over every source of a frequency (sources are chosen per reporter)."""
    if not found:
        return None
    return Held(found[0].flow, found[0].freq, ", ".join(sorted({h.source for h in found})),
                min(h.start for h in found), max(h.end for h in found),
                max(h.periods for h in found))


def _try(words: str, period: str) -> dict:
    return {"say": f"{words}: try --period {period}", "options": {"period": period}}


def _annual(annual: Held | None, span: Any) -> dict | None:
    if annual is None or (annual.start <= span.start_year and span.end_year <= annual.end):
        return None
    year = annual.end if span.end_year > annual.end else annual.start
    return _try(f"annual data run {annual.span()}", str(year))


def _months_instead(monthly: Held | None, span: Any) -> dict | None:
    """Whole years asked of monthly data: the nearest year its months cover whole (a
    figure adds them up), else every month held."""
    if monthly is None:
        return None
    (y0, m0), (y1, m1) = divmod(monthly.start, 100), divmod(monthly.end, 100)
    whole = range(y0 + (m0 > 1), y1 + (m1 == 12))
    if monthly.periods == (y1 - y0) * 12 + m1 - m0 + 1 and len(whole):
        year = min(whole, key=lambda y: (abs(y - span.end_year), -y))
        return _try(f"monthly data, {monthly.span()}", str(year))
    return _try(f"monthly data only, {monthly.span()}", _month_label(monthly.start,
                                                                     monthly.end))


def _monthly(monthly: Held | None, span: Any) -> dict | None:
    """Months asked beyond the held months: as many months, ending at the last one held (or
    starting at the first)."""
    if monthly is None:
        return None
    asked = span.months
    if monthly.start <= asked[0] and asked[-1] <= monthly.end:
        return None
    if asked[-1] > monthly.end:
        end = monthly.end
        start = max(monthly.start, _shift(end, 1 - len(asked)))
    else:
        start = monthly.start
        end = min(monthly.end, _shift(start, len(asked) - 1))
    return _try(f"monthly data run {monthly.span()}", _month_label(start, end))


def _years_instead(annual: Held | None, span: Any, no_months: bool) -> dict | None:
    if annual is None:
        return None
    year = min(max(span.end_year, annual.start), annual.end)
    words = "annual data only" if no_months else f"annual data for {annual.span()}"
    return _try(words, str(year))


def _shift(period: int, months: int) -> int:
    y, m = divmod(period // 100 * 12 + period % 100 - 1 + months, 12)
    return y * 100 + m + 1


def _month_label(start: int, end: int) -> str:
    def one(p: int) -> str:
        return f"{p // 100}-{p % 100:02d}"
    return one(start) if start == end else f"{one(start)}..{one(end)}"

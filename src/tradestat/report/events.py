"""The policy timeline: dated trade-policy events, shipped (``tradestat/data/events.toml``) and
the user's (``<store>/events.toml``), drawn as rules on monthly and year-to-date charts.

    >>> found = load("/path/to/store")                                   # doctest: +SKIP
    >>> [e.date for e in relevant(found, "CHN", ["8542"], 202201, 202212)]  # doctest: +SKIP
    ['2022-10-07']

An event concerns a chart when the chart's reporter is among its ``countries`` (none listed:
any) and one of the chart's codes is under, or over, one of its ``products`` (none: all).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from tradestat.errors import ConfigError, InputError

FILE = "events.toml"


@dataclass(frozen=True)
class Event:
    date: str
    label: str
    source: str
    countries: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    origin: str = "shipped"

    @property
    def month(self) -> int:
        """YYYYMM of the event's date."""
        return int(self.date[:4]) * 100 + int(self.date[5:7])

    def to_dict(self) -> dict:
        return asdict(self) | {"countries": list(self.countries), "products": list(self.products)}


def _parse(doc: dict, origin: str, where: str) -> list[Event]:
    out = []
    for i, raw in enumerate(doc.get("event", []), start=1):
        missing = [k for k in ("date", "label", "source") if not raw.get(k)]
        if missing:
            raise ConfigError(f"{where}: event {i} has no {', '.join(missing)} (each event "
                              "needs date, label and source)", path=where)
        when = raw["date"]
        if isinstance(when, str):
            try:
                when = dt.date.fromisoformat(when)
            except ValueError:
                raise ConfigError(f"{where}: event {i}: date {raw['date']!r} is not "
                                  "YYYY-MM-DD", path=where) from None
        out.append(Event(when.isoformat(), str(raw["label"]), str(raw["source"]),
                         tuple(str(c).upper() for c in raw.get("countries", [])),
                         tuple(str(p) for p in raw.get("products", [])), origin))
    return out


@lru_cache(maxsize=1)
def shipped() -> tuple[Event, ...]:
    text = (resources.files("tradestat") / "data" / FILE).read_text(encoding="utf-8")
    return tuple(_parse(tomllib.loads(text), "shipped", f"tradestat/data/{FILE}"))


def load(store_root: str | Path | None = None) -> list[Event]:
    """The shipped events and the store's own (``<store>/events.toml``), by date."""
    found = list(shipped())
    user = Path(store_root) / FILE if store_root is not None else None
    if user is not None and user.is_file():
        try:
            doc = tomllib.loads(user.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{user}: {exc}", path=str(user)) from None
        found += _parse(doc, "store", str(user))
    return sorted(found, key=lambda e: e.date)


def _concerns(e: Event, reporter: str | None, codes: list[str] | None) -> bool:
    if e.countries and reporter is not None and reporter not in e.countries:
        return False
    if not e.products or codes is None:
        return True
    return any(c.startswith(p) or p.startswith(c) for c in codes for p in e.products)


def relevant(events: list[Event], reporter: str | None, codes: list[str] | None, start: int,
             end: int) -> list[Event]:
    """The events of months ``start``..``end`` (YYYYMM) that concern the reporter and codes
    (``codes`` None: all products)."""
    return [e for e in events if start <= e.month <= end and _concerns(e, reporter, codes)]


def codes_of(product: str | None, basket: str | None, store_root: str | Path | None
             ) -> list[str] | None:
    """The HS prefixes a chart is about (every edition's codes of a basket); None: TOTAL."""
    from tradestat.analytics import products

    chosen = products.parse(product, basket, store_root)
    if chosen.codes is None:
        return None
    return sorted({c for cs in chosen.codes.values() for c in cs})


# ---------------------------------------------------------------- before and after an event

@dataclass
class Around:
    """The ``window`` months before an event against the ``window`` months after it."""

    date: str
    window: int
    events: list[Event]
    figure_before: object
    figure_after: object
    change_pct: float | None
    notes: list[str]

    def to_dict(self) -> dict:
        def side(fig: object) -> dict:
            return {"period": fig.period.to_dict(), "value": fig.value,
                    "warnings": [w.to_dict() for w in _current(fig)]}
        doc = self.figure_after.to_dict()
        return {"date": self.date, "window": self.window, "query": doc["query"],
                "events": [e.to_dict() for e in self.events], "currency": doc["currency"],
                "before": side(self.figure_before), "after": side(self.figure_after),
                "change_pct": self.change_pct, "notes": self.notes}

    def lines(self) -> list[str]:
        from tradestat import fmt
        from tradestat.report import words

        fig_b, fig_a = self.figure_before, self.figure_after
        what = f"{words.possessive(words.named(words.place(fig_a.query['reporter'])))} " \
            f"{words.FLOW_WORDS.get(fig_a.query['flow'], 'trade')} of {words.what_words(fig_a)}"
        named = "; ".join(e.label for e in self.events) or "no event on record that day"
        change = "no change is computed" if self.change_pct is None else \
            words.change_words(self.change_pct)
        return [f"Around {self.date} ({named}):",
                f"{what}: {fmt.money(fig_b.value, fig_b.currency)} in "
                f"{words.span_words(fig_b.period)}, {fmt.money(fig_a.value, fig_a.currency)} "
                f"in {words.span_words(fig_a.period)}; {change}.",
                *(f"note: {n}" for n in self.notes)]


def _current(fig: object) -> list:
    """A side's own warnings (not those of its year-earlier comparison)."""
    return [w for w in fig.warnings
            if w.detail.get("span") != "previous" and not w.code.startswith("yoy")]


def _month_span(first: int, months: int) -> str:
    y, m = divmod(first, 100)
    last = (y * 12 + m - 1) + months - 1
    return f"{y}-{m:02d}..{last // 12}-{last % 12 + 1:02d}"


def _shift(period: int, months: int) -> int:
    y, m = divmod(period // 100 * 12 + period % 100 - 1 + months, 12)
    return y * 100 + m + 1


def around(store: object, date: str, reporter: str, flow: str, product: str | None = None,
           basket: str | None = None, window: int = 12, as_of: str | None = None) -> Around:
    """The ``window`` months before ``date`` against the ``window`` months after it.

    An event on the 1st opens its month (the month counts after it); on any other day its
    month is split and left out of both sides. The change is computed only where both sides
    have every month (the figures' coverage guards), and a window that is not whole years
    is said to compare different months of the year.
    """
    from tradestat import analytics
    from tradestat.analytics.common import country_code, open_store

    try:
        day = dt.date.fromisoformat(str(date).strip())
    except ValueError:
        raise InputError(f"--date {date!r}: use YYYY-MM-DD", value=str(date)) from None
    if not 1 <= window <= 120:
        raise InputError(f"--window {window}: use 1 to 120 months", value=window)
    store = open_store(store)
    code, _ = country_code(reporter, "--reporter")
    month = day.year * 100 + day.month
    first_after = month if day.day == 1 else _shift(month, 1)
    spans = (_month_span(_shift(month, -window), window), _month_span(first_after, window))
    before, after = (analytics.figure(store, code, flow, s, product, basket, as_of=as_of)
                     for s in spans)
    gaps = [name for name, fig in (("before", before), ("after", after))
            if fig.value is None or any(w.code in ("missing-month", "no-data")
                                        for w in _current(fig))]
    change = None if gaps else (after.value / before.value - 1) * 100 if before.value else None
    notes = _around_notes(day, window, gaps)
    found = [e for e in load(store.root) if e.date == day.isoformat()]
    return Around(day.isoformat(), window, found, before, after, change, notes)


def _around_notes(day: dt.date, window: int, gaps: list[str]) -> list[str]:
    from tradestat import fmt

    notes = []
    if day.day != 1:
        notes.append(f"{fmt.month_name(day.year, day.month)} is left out of both sides: the "
                     "event fell within it.")
    if gaps:
        notes.append(f"No change is computed: months are missing {' and '.join(gaps)} the "
                     "event (see the warnings).")
    if window % 12:
        notes.append("The two sides cover different months of the year: part of the change "
                     "may be seasonal (a window of 12 or 24 months compares like months).")
    return notes

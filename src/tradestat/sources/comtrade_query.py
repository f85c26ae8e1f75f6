"""A UN Comtrade API selection, checked and in the API's terms before anything is sent.

Periods are YYYY or YYYYMM (spans such as 2023..2024 or 2025-01..2025-08 are expanded),
reporters and partners go through the reference resolver to Comtrade's own codes (842 for the
USA, 490 for Taiwan), and the breakdowns default to their totals (``partner2Code=0``,
``motCode=0``, ``customsCode=C00``): without them a query gives ~9 rows per partner.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields

from tradestat.errors import InputError
from tradestat.reference import countries
from tradestat.sources.validate import FLOW_WORDS

#: Python names of the selection and the API's names for them.
API_NAMES = {"reporters": "reporterCode", "periods": "period", "partners": "partnerCode",
             "partner2": "partner2Code", "products": "cmdCode", "flows": "flowCode",
             "customs": "customsCode", "transport": "motCode"}
_FLOW_CODES = {"export": "X", "import": "M", "re-export": "RX", "re-import": "RM"}
_PRODUCT = re.compile(r"^(\d{2}|\d{4}|\d{6}|TOTAL)$")
FIRST_YEAR = 1962  # Comtrade's data start in 1962


@dataclass(frozen=True)
class Query:
    """One selection in the API's terms (codes as strings); ``None`` means every value.

    >>> q = Query("A", ("2023",), ("842",), ("X",), ("8542",))
    >>> q.params()["reporterCode"], q.params()["partner2Code"], q.params()["customsCode"]
    ('842', '0', 'C00')
    """

    freq: str
    periods: tuple[str, ...]
    reporters: tuple[str, ...] | None
    flows: tuple[str, ...]
    products: tuple[str, ...]
    partners: tuple[str, ...] | None = ("0",)
    partner2: tuple[str, ...] | None = ("0",)
    customs: tuple[str, ...] | None = ("C00",)
    transport: tuple[str, ...] | None = ("0",)
    classification: str = "HS"
    type_code: str = "C"

    def params(self) -> dict[str, str]:
        """Query-string parameters with the API's names (a ``None`` selection is left out)."""
        out = {API_NAMES[name]: ",".join(getattr(self, name)) for name in API_NAMES
               if getattr(self, name) is not None}
        out["includeDesc"] = "true"
        return dict(sorted(out.items()))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict) -> Query:
        return cls(**{f.name: tuple(doc[f.name]) if isinstance(doc[f.name], list)
                      else doc[f.name] for f in fields(cls)})


def parse_periods(text: str, freq: str | None = None) -> tuple[str, tuple[str, ...]]:
    """Frequency and the API's periods for '2024', '2024-11', '202411', '2023..2024',
    '2025-01..2025-08' or a comma list of those; a year with ``freq='M'`` is its 12 months.

    >>> parse_periods("2023..2024")
    ('A', ('2023', '2024'))
    >>> parse_periods("2025-01..2025-03")
    ('M', ('202501', '202502', '202503'))
    """
    if freq is not None and freq.upper() not in ("A", "M"):
        raise InputError(f"frequency must be A (annual) or M (monthly), not {freq!r}")
    items = [p.strip() for p in str(text).split(",") if p.strip()]
    if not items:
        raise InputError("no period given (e.g. 2024, 2024-11, 2023..2024)")
    spans = [_span(item) for item in items]
    kinds = {kind for kind, _ in spans}
    want = freq.upper() if freq else None
    if want is None and len(kinds) > 1:
        raise InputError(f"{text!r} mixes years and months; give --freq or one kind")
    want = want or kinds.pop()
    if want == "A" and "M" in kinds:
        raise InputError(f"annual data (--freq A) is asked by year (YYYY), not {text!r}")
    periods: set[int] = set()
    for kind, values in spans:
        if want == "M" and kind == "A":
            values = [y * 100 + m for y in values for m in range(1, 13)]
        periods.update(values)
    return want, tuple(str(p) for p in sorted(periods))


def _span(item: str) -> tuple[str, list[int]]:
    if ".." not in item:
        kind, value = _one_period(item)
        return kind, [value]
    start, _, end = item.partition("..")
    (k1, a), (k2, b) = _one_period(start), _one_period(end)
    if k1 != k2:
        raise InputError(f"{item!r}: both ends of a span must be years or both months")
    if a > b:
        raise InputError(f"{item!r}: the span ends before it starts")
    if k1 == "A":
        return "A", list(range(a, b + 1))
    months = range(a // 100 * 12 + a % 100 - 1, b // 100 * 12 + b % 100)
    return "M", [m // 12 * 100 + m % 12 + 1 for m in months]


def _one_period(text: str) -> tuple[str, int]:
    text = text.strip()
    match = re.fullmatch(r"(\d{4})(?:-?(\d{2}))?", text)
    if not match:
        raise InputError(f"bad period {text!r}: use YYYY, YYYY-MM or YYYYMM", value=text)
    year, month = int(match[1]), match[2]
    this_year = dt.date.today().year
    if not FIRST_YEAR <= year <= this_year:
        raise InputError(f"bad period {text!r}: Comtrade has years {FIRST_YEAR}..{this_year}",
                         value=text)
    if month is None:
        return "A", year
    if not 1 <= int(month) <= 12:
        raise InputError(f"bad period {text!r}: month {month} is not 01..12", value=text)
    return "M", year * 100 + int(month)


def _split_args(values: str | Iterable[str] | None) -> list[str]:
    if values is None:
        return []
    values = [values] if isinstance(values, str | int) else values
    return [v.strip() for value in values for v in str(value).split(",") if v.strip()]


def _is_all(items: list[str]) -> bool:
    return len(items) == 1 and items[0].lower() == "all"


def comtrade_codes(areas: str | Iterable[str] | None, what: str) -> tuple[str, ...] | None:
    """Comtrade's numeric codes for countries given as ISO3, Comtrade/M49 code or name;
    ``'all'`` gives ``None`` (every reporter or partner).

    >>> comtrade_codes("USA,Taiwan", "reporter")
    ('842', '490')
    """
    items = _split_args(areas)
    if not items:
        raise InputError(f"no {what} given (ISO3 such as CHN, a Comtrade code, a name, or all)")
    if _is_all(items):
        return None
    codes = []
    for item in items:
        country = countries.find(item).country
        if country.comtrade is None:
            raise InputError(f"{country.name} has no Comtrade {what} code"
                             f"{': ' + country.note if country.note else ''}", value=item)
        codes.append(country.comtrade)
    return tuple(dict.fromkeys(codes))


def _codes(values: str | Iterable[str] | None, pattern: str, what: str
           ) -> tuple[str, ...] | None:
    items = _split_args(values)
    if _is_all(items):
        return None
    bad = [v for v in items if not re.fullmatch(pattern, v.upper())]
    if bad or not items:
        raise InputError(f"bad {what} {', '.join(bad) or '(none)'!s}", value=",".join(bad))
    return tuple(dict.fromkeys(v.upper() for v in items))


def _flows(values: str | Iterable[str]) -> tuple[str, ...]:
    out = []
    for item in _split_args(values):
        canonical = FLOW_WORDS.get(item.lower())
        if canonical is None:
            raise InputError(f"unknown flow {item!r}: export, import, re-export or re-import",
                             value=item)
        out.append(_FLOW_CODES[canonical])
    if not out:
        raise InputError("no flow given: export, import, re-export or re-import")
    return tuple(dict.fromkeys(out))


def _products(values: str | Iterable[str]) -> tuple[str, ...]:
    out = []
    for item in _split_args(values):
        code = item.upper()
        if not _PRODUCT.match(code):
            hint = (" (an odd number of digits: a leading zero may have been lost)"
                    if code.isdigit() and len(code) % 2 else " (2, 4 or 6 HS digits, or TOTAL)")
            raise InputError(f"bad product code {item!r}{hint}", value=item)
        out.append(code)
    if not out:
        raise InputError("no product given (an HS code such as 8542, or TOTAL)")
    return tuple(dict.fromkeys(out))


def build_query(reporter: str | Iterable[str], flow: str | Iterable[str],
                product: str | Iterable[str], period: str, freq: str | None = None, *,
                partner: str | Iterable[str] | None = "0",
                partner2: str | Iterable[str] | None = "0",
                customs: str | Iterable[str] | None = "C00",
                transport: str | Iterable[str] | None = "0",
                classification: str = "HS") -> Query:
    """Check a selection given in tradestat's terms and turn it into the API's codes.

    The breakdowns default to their totals (partner2 0, customs C00, transport 0); ``'all'``
    asks for every value. Nothing is sent before the whole selection is valid.

    >>> build_query("Taiwan", "export", "8542", "2023..2024").params()["reporterCode"]
    '490'
    """
    freq, periods = parse_periods(period, freq)
    return Query(freq=freq, periods=periods, reporters=comtrade_codes(reporter, "reporter"),
                 flows=_flows(flow), products=_products(product),
                 partners=comtrade_codes(partner or "all", "partner"),
                 partner2=comtrade_codes(partner2 or "all", "second partner"),
                 customs=_codes(customs or "all", r"C\d{2}", "customs code (C00..C99)"),
                 transport=_codes(transport or "all", r"\d{1,4}", "mode of transport"),
                 classification=classification.upper())

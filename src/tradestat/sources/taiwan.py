"""Taiwan's customs statistics as the Ministry of Finance portal exports them (CSV).

The portal's export ("貿易統計資料查詢"), Chinese or English headers, UTF-8 (with or without
BOM) or Big5 (detected)::

    進出口別,日期,貨品號列,中文貨名,英文貨名,美元(千元)
    出口總值(含復出口),113年,85423100002,處理器及控制器…, Processors and controllers…,17157502
    出口總值(含復出口),114年1月~114年7月(初步值),85423100002,…,…,11893810

* reporter Taiwan: ``S19``, Comtrade 490 "Other Asia, nes", the code under which Comtrade
  reports Taiwan's trade (so rankings and names treat both sources as one reporter);
* partner: the file's country column where there is one, else the world (``WLD``);
* periods in the Minguo calendar (year + 1911): "113年" is the year 2024 (freq ``A``),
  "113年5月" May 2024 (``M``), a span from January "114年1月~114年7月" the cumulative
  January-July 2025 (``C`` 202507); "(初步值)" marks preliminary figures, which the release
  notes name (a later release of the same slices supersedes them). Western years ("2024",
  "2024/05") are read too;
* products: the 11-digit CCC codes as published (classification ``TW-CCC``); a query for an
  HS heading or subheading (8542, 854231) sums the national lines under it;
* values: "美元(千元)" is thousand US dollars (× 1,000); "新臺幣(千元)" thousand NT dollars.

    >>> Store("/tmp/s").ingest(TaiwanReader(), "taiwan_customs_8542_annual.csv")  # doctest: +SKIP
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from tradestat import model
from tradestat.errors import Rejected
from tradestat.problems import Problem
from tradestat.sources.base import Reader, ReadResult
from tradestat.sources.validate import Spec

#: Comtrade's code for Taiwan's trade (490 "Other Asia, nes", stored as S19).
REPORTER = "490"
CLASSIFICATION = "TW-CCC"
#: The length of Taiwan's national codes (HS 6 + tariff 2 + statistical 2 + check digit).
CODE_DIGITS = 11
#: file column roles and their header spellings (compared folded, see :func:`fold`)
HEADERS = {
    "flow": ("進出口別", "進出口", "Imports/Exports", "Import/Export", "Exports/Imports",
             "Trade Flow", "Flow"),
    "period": ("日期", "年月", "期間", "統計期間", "Date", "Period", "Year/Month", "Time"),
    "product": ("貨品號列", "貨品分類", "稅則號別", "CCC Code", "HS Code", "Commodity Code",
                "Code"),
    "partner": ("國家", "國家別", "國別", "國家/地區", "Country", "Country/Area",
                "Country/Region"),
    "weight": ("重量(公斤)", "Weight(KGM)", "Weight(kg)", "Weight (Kilogram)"),
    "quantity": ("數量", "Quantity"),
    "quantity_unit": ("數量單位", "單位", "Unit", "Quantity Unit"),
}
REQUIRED = ("flow", "period", "product")
#: value column headers: currency words and unit words (folded)
_CURRENCY = {"美元": "USD", "us$": "USD", "usd": "USD", "usdollars": "USD", "usdollar": "USD",
             "新臺幣": "TWD", "新台幣": "TWD", "nt$": "TWD", "twd": "TWD", "ntd": "TWD"}
_MONEY = "|".join(re.escape(c) for c in sorted(_CURRENCY, key=len, reverse=True))
_UNIT = {"千元": 1e3, "thousand": 1e3, "thousands": 1e3, "百萬元": 1e6, "million": 1e6,
         "millions": 1e6, "元": 1.0, "": 1.0}
VALUE = re.compile(rf"^(?:value)?\(?(?P<cur>{_MONEY})\)?"
                   r"\(?(?P<unit>千元|百萬元|元|thousands?|millions?|)\)?$")
#: the flow column's words (folded): total exports include re-exports, as Comtrade's do
FLOWS = {"出口總值(含復出口)": "export", "出口總值": "export", "出口": "export",
         "進口總值(含復進口)": "import", "進口總值": "import", "進口": "import",
         "復出口": "re-export", "復進口": "re-import",
         "exports(incl.re-exports)": "export", "totalexports(incl.re-exports)": "export",
         "totalexports": "export", "exports": "export", "export": "export",
         "imports(incl.re-imports)": "import", "totalimports(incl.re-imports)": "import",
         "totalimports": "import", "imports": "import", "import": "import",
         "re-exports": "re-export", "re-export": "re-export", "re-imports": "re-import",
         "re-import": "re-import"}
VALUATION = {"export": "FOB", "re-export": "FOB", "import": "CIF", "re-import": "CIF"}
_ROC = re.compile(r"^(?:民國)?(\d{2,3})年(?:(\d{1,2})月(?:份)?)?$")
_WESTERN = re.compile(r"^(\d{4})(?:年)?(?:[/\-.]?(\d{1,2})(?:月)?)?$")
_PRELIMINARY = re.compile(r"\s*\(\s*(?:初步值|初步|preliminary|prel\.?|p)\s*\)$", re.IGNORECASE)
_SPAN = re.compile(r"\s*(?:~|至|\bto\b)\s*")
#: Partner names of the Chinese export that the ISO tables (zh_TW) spell otherwise.
_PARTNER_ALIASES = {"中國大陸": "CHN", "大陸地區": "CHN", "大陸": "CHN", "韓國": "KOR",
                    "南韓": "KOR", "澳門": "MAC", "香港": "HKG", "美國": "USA", "越南": "VNM",
                    "全球": model.WORLD, "總計": model.WORLD, "合計": model.WORLD}


def fold(text: str) -> str:
    """A header or word as compared: full-width forms to ASCII, lower case, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def roc_period(text: str) -> tuple[str, str, bool] | None:
    """('202507', 'C', True) for '114年1月~114年7月(初步值)': period, freq, preliminary.

    >>> roc_period("112年"), roc_period("113年5月")
    (('2023', 'A', False), ('202405', 'M', False))
    """
    text = unicodedata.normalize("NFKC", str(text)).strip()
    preliminary = bool(_PRELIMINARY.search(text))
    text = _PRELIMINARY.sub("", text)
    points = [_point(p) for p in _SPAN.split(text)]
    if not points or None in points:
        return None
    if len(points) == 1:
        year, month = points[0]
        return (f"{year}", "A", preliminary) if month is None else (
            f"{year}{month:02d}", "M", preliminary)
    (y1, m1), (y2, m2) = points[0], points[-1]
    if len(points) != 2 or y1 != y2 or m1 != 1 or m2 is None:
        return None  # only January..M of one year is a cumulative value the store keeps
    return f"{y2}{m2:02d}", model.CUMULATIVE, preliminary


def _point(text: str) -> tuple[int, int | None] | None:
    found = _ROC.match(text)
    if found:
        year = int(found.group(1)) + 1911
    else:
        found = _WESTERN.match(text)
        if not found:
            return None
        year = int(found.group(1))
    month = int(found.group(2)) if found.group(2) else None
    if month is not None and not 1 <= month <= 12:
        return None
    return year, month


def value_column(header: str) -> tuple[str, float] | None:
    """('USD', 1000.0) for '美元(千元)' or 'US$ (Thousand)'; None for any other header."""
    found = VALUE.match(fold(header))
    if not found:
        return None
    return _CURRENCY[found.group("cur")], _UNIT[found.group("unit")]


@dataclass
class Layout:
    """Which file column plays each role, and the value column's currency and unit."""

    columns: dict[str, str]
    value: str
    currency: str
    scale: float


def layout(columns: list[str], path: Path) -> Layout:
    """The roles of ``columns``; a missing required column rejects the file, naming it."""
    folded = {fold(c): c for c in columns}
    found = {role: next((folded[fold(h)] for h in names if fold(h) in folded), None)
             for role, names in HEADERS.items()}
    values = [(c, value_column(c)) for c in columns]
    values = sorted(((c, v) for c, v in values if v), key=lambda cv: cv[1][0] != "USD")
    missing = [f"{HEADERS[r][0]} ({r})" for r in REQUIRED if found[r] is None]
    if not values:
        missing.append("美元(千元) (value: US$ thousand)")
    if missing:
        hint = " (is this a Taiwan customs statistics CSV?)" if len(missing) > 1 else ""
        raise Rejected(str(path), [Problem("missing-column", str(path), 1, None,
                                           ", ".join(missing), hint)], 1)
    value, (currency, scale) = values[0]
    return Layout({r: c for r, c in found.items() if c}, value, currency, scale)


class TaiwanReader(Reader):
    """Taiwan's Ministry of Finance customs statistics (CSV export of the portal)."""

    name = "taiwan"
    source = "taiwan"

    def read(self, path: str | Path) -> ReadResult:
        path = Path(path)
        self.encoding = _encoding(path)
        return super().read(path)

    def fields(self, columns: list[str], path: Path) -> dict[str, Spec]:
        lay = layout(columns, path)
        col = lay.columns
        specs = {
            "reporter": Spec(constant=REPORTER),
            "partner": Spec(col["partner"]) if "partner" in col else Spec(constant=model.WORLD),
            "flow": Spec(col["flow"]), "freq": Spec("_freq"), "period": Spec(col["period"]),
            "classification": Spec(constant=CLASSIFICATION),
            "product": Spec(col["product"], fmt=str(CODE_DIGITS)),
            "value": Spec(lay.value, scale=lay.scale), "currency": Spec(constant=lay.currency),
            "valuation": Spec("_valuation"),
        }
        if "weight" in col:
            specs["net_weight_kg"] = Spec(col["weight"])
        if "quantity" in col:
            specs["quantity"] = Spec(col["quantity"])
            if "quantity_unit" in col:
                specs["quantity_unit"] = Spec(col["quantity_unit"])
        return specs

    def prepare(self, raw: pl.DataFrame, specs: dict[str, Spec]):
        """Minguo dates to periods, the flow words and codes to canonical ones (in place, so
        a problem still names the file's column), the partner names to codes."""
        flow, period, product = (specs[k].column for k in ("flow", "period", "product"))
        dates = {v: roc_period(v) for v in raw.get_column(period).drop_nulls().unique()}
        words = {v: FLOWS.get(fold(v), v) for v in raw.get_column(flow).drop_nulls().unique()}
        counts = Counter(raw.get_column(period).to_list())
        code = pl.col(product).str.strip_chars()
        raw = raw.with_columns(
            pl.col(period).replace({k: p[0] for k, p in dates.items() if p}),
            pl.col(period).replace_strict({k: p[1] for k, p in dates.items() if p},
                                          default="A", return_dtype=pl.String).alias("_freq"),
            pl.col(flow).replace(words),
            # '8542.31.00.00-2' as the portal prints codes in some views: the digits only
            pl.when(code.str.contains(r"^\d[\d.\- ]*\d$"))
            .then(code.str.replace_all(r"[.\- ]", "")).otherwise(pl.col(product)),
        ).with_columns(pl.col(flow).replace_strict(VALUATION, default=None,
                                                   return_dtype=pl.String).alias("_valuation"))
        partner = specs["partner"]
        if partner.column is not None:
            partner.values = _partner_codes(raw.get_column(partner.column))
        return raw, _notes(counts, dates, specs), []


def _encoding(path: Path) -> str:
    """'auto' for UTF-8 (with or without BOM, or a UTF-16 mark), else Big5 (cp950) where the
    bytes decode as such: the portal's older exports are Big5."""
    try:
        data = path.read_bytes()
    except OSError:
        return "auto"  # the base reader reports the file as unreadable
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "auto"
    for encoding in ("utf-8", "cp950"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "auto" if encoding == "utf-8" else encoding
    # Neither: a Chinese header is reported at its first bad byte; a file whose header is
    # plain ASCII is read as the base reader reads it, and its layout judged first.
    return "utf-8" if not data.split(b"\n", 1)[0].isascii() else "auto"


def _partner_codes(names: pl.Series) -> dict[str, str]:
    """Chinese country names of the file to codes (English names resolve as they are)."""
    from tradestat.reference import countries

    table = {}
    zh = _zh_names()
    for name in names.drop_nulls().unique().to_list():
        key = unicodedata.normalize("NFKC", name).strip()
        code = _PARTNER_ALIASES.get(key) or zh.get(key)
        if code is None and countries.resolve(key) is None:
            continue  # left as written: validation names it as an unknown country
        if code:
            table[name] = code
    return table


@lru_cache(maxsize=1)
def _zh_names() -> dict[str, str]:
    """Country names in Traditional Chinese (the ISO 3166 translations of pycountry)."""
    import gettext

    import pycountry

    try:
        zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_TW"])
    except OSError:
        return {}
    out = {}
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if name:
                out.setdefault(zh.gettext(name), "S19" if c.alpha_3 == "TWN" else c.alpha_3)
    return out


def _notes(counts: Counter, dates: dict, specs: dict[str, Spec]) -> list[str]:
    value = specs["value"]
    notes = [f"reporter Taiwan stored as S19 (Comtrade 490 'Other Asia, nes', the code under "
             f"which Comtrade reports Taiwan's trade); products are Taiwan's {CODE_DIGITS}-digit "
             f"CCC codes ({CLASSIFICATION}): a query for an HS code sums the national lines "
             "under it"]
    if value.scale != 1:
        notes.append(f"values in {value.column!r} multiplied by {value.scale:,.0f}")
    for text, (stored, freq, _) in sorted((t, p) for t, p in dates.items() if p and p[2]):
        what = {"A": "annual", "M": "monthly", "C": "cumulative January-to-month"}[freq]
        notes.append(f"preliminary: {counts[text]} rows of {text!r} are preliminary figures, "
                     f"stored as the {what} value for period {stored} (freq {freq}); a later "
                     "release of the same slices supersedes them")
    return notes

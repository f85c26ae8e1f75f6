"""China Customs (GACC) release tables: the published numbers, kept as published.

Two inputs, one path: the HTML pages of GACC's monthly English tables
(:mod:`tradestat.sources.gacc_html`) and the tidy CSV with one row per published number
(``table_title, table_no, year, month, row_label, flow, measure, unit, value, source_url,
breakdown, note``; measures ``value_current_month``, ``value_ytd`` ("1 to M"),
``yoy_pct_current_month``, ``yoy_pct_ytd``, ``qty_ytd``, ``yoy_pct_qty_ytd``,
``yoy_pct_value_ytd``; '-' or blank for none).

Each published value becomes one canonical record (see :mod:`tradestat.model`):

* reporter CHN; partner WLD, or the country of a by-country table; the rows there that total
  others (TOTAL as the world, continents, ASEAN, EU …) are marked ``is_aggregate``
  (:mod:`tradestat.sources.gacc_partners`);
* regime: the customs regime of the row, the enterprise type and/or regime group of the
  column ("soe/ordinary_trade"), "total" by default;
* product TOTAL, or the HS code of a commodity item through ``data/gacc_items.toml`` (items
  that are no single HS code are not stored, and the release notes say so);
* freq ``M`` for the current month, ``C`` for the cumulative "1 to M" value (a "1-2" release
  of January and February together is ``C`` YYYY02 only);
* value scaled from the table's unit (US$1,000, US$ million, CNY 100 million) by moving the
  decimal point, never rounded; currency as published; the published YoY % beside it.

A number published in two tables of one file (table 3's January-August total in US$ million,
table 5's in US$1,000) is stored once, from the most precise table, with a note.

    >>> Store("/tmp/s").ingest(GaccReader(), "customs_tables_2019_2024.csv")  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import polars as pl

from tradestat import model
from tradestat.errors import Rejected
from tradestat.problems import Problem
from tradestat.reference import gacc_items
from tradestat.reference.gacc_items import fold
from tradestat.sources import gacc_html, gacc_partners, validate
from tradestat.sources.base import LINE, Reader, ReadResult, read_table
from tradestat.sources.validate import Spec

REQUIRED = ("table_title", "year", "month", "row_label", "flow", "measure", "unit", "value")
OPTIONAL = ("table_no", "breakdown", "note", "source_url")
#: measure -> (freq, field)
MEASURES = {
    "value_current_month": ("M", "value"), "yoy_pct_current_month": ("M", "yoy"),
    "qty_current_month": ("M", "quantity"), "yoy_pct_qty_current_month": ("M", "qty_yoy"),
    "value_ytd": ("C", "value"), "yoy_pct_ytd": ("C", "yoy"), "yoy_pct_value_ytd": ("C", "yoy"),
    "qty_ytd": ("C", "quantity"), "yoy_pct_qty_ytd": ("C", "qty_yoy"),
}
RANGE = re.compile(r"(?:^|[,\s])(\d{1,2})\s*(?:-|to)\s*(\d{1,2})\s*\.\s*\d{4}\s*$")
TOTAL_LABELS = {"total", "total value", "world", "all countries"}
_CURRENCIES = {"usd": "USD", "cny": "CNY", "rmb": "CNY", "yuan": "CNY", "eur": "EUR"}
_WORDS = {"thousand": 3, "million": 6, "billion": 9, "hundred": 2, "ten": 1}
#: canonical output columns of :meth:`GaccReader.records` (all text but the line)
FIELDS = ("_partner", "_flow", "_regime", "_freq", "_period", "_classification", "_product",
          "_value", "_currency", "_quantity", "_quantity_unit", "_yoy", "_qty_yoy",
          "_valuation", "_aggregate", "row_label", "_bad_label", "_bad_unit")


def hs_edition(year: int) -> str:
    """The HS edition China's customs statistics used in ``year``."""
    for start, edition in ((2022, "HS2022"), (2017, "HS2017"), (2012, "HS2012"),
                           (2007, "HS2007"), (2002, "HS2002"), (1996, "HS1996")):
        if year >= start:
            return edition
    return "HS1992"


def value_unit(text: str) -> tuple[str, int] | None:
    """('USD', 3) for 'US$1,000' or 'USD thousand'; ('CNY', 8) for 'CNY 100 million'."""
    low = str(text).lower().replace("us$", "usd ").replace(",", "")
    tokens = re.findall(r"[a-z]+|\d+", low)
    currency = next((_CURRENCIES[t] for t in tokens if t in _CURRENCIES), None)
    if currency is None:
        return None
    exp = 0
    for tok in tokens:
        if tok.isdigit():
            digits = tok.rstrip("0")
            if digits not in ("1", ""):
                return None
            exp += len(tok) - len(digits)
        elif tok in _WORDS:
            exp += _WORDS[tok]
        elif tok not in _CURRENCIES and tok not in ("unit", "in"):
            return None
    return currency, exp


def scaled(text: str, exp: int) -> str:
    """'27175.3' moved ``exp`` places: '2717530000000' (decimal, so nothing is rounded)."""
    try:
        number = Decimal(text).scaleb(exp)
    except InvalidOperation:
        return text  # left for validation to report as non-numeric
    return format(number.normalize(), "f")


class GaccReader(Reader):
    """China Customs release tables: HTML pages or the tidy one-row-per-number CSV."""

    name = "gacc"
    source = "gacc"

    def __init__(self, items: str | Path | None = None) -> None:
        self.items_path = str(items) if items else None
        self.labels = gacc_items.labels(self.items_path)

    def options(self) -> dict:
        return {"items_sha256": self.labels.sha256}

    def read(self, path: str | Path) -> ReadResult:
        path = Path(path)
        raw, published, page_notes = self._raw(path)
        frame, notes = self.records(raw)
        notes += [n for n in page_notes if n not in notes]
        extra = [("row_label", ("unknown-label", pl.col("_bad_label") == "1",
                                " (add it to the items map)")),
                 ("unit", ("unknown-unit", pl.col("_bad_unit") == "1", "value"))]
        good, problems, bad = validate.run(frame, self.specs(), str(path), extra)
        return ReadResult(path, self.source, self.name, good, problems, bad, published, notes,
                          self.options())

    @staticmethod
    def specs() -> dict[str, Spec]:
        specs = {name: Spec(f"_{name}") for name in (
            "partner", "flow", "regime", "freq", "classification", "product", "value",
            "currency", "quantity", "quantity_unit", "valuation")}
        specs["is_aggregate"] = Spec("_aggregate")
        specs |= {"reporter": Spec(constant="CHN"), "period": Spec("_period", fmt="YYYYMM"),
                  "published_yoy_pct": Spec("_yoy"),
                  "published_quantity_yoy_pct": Spec("_qty_yoy"),
                  "row_label": Spec("row_label"), "unit": Spec("_unit_text")}
        return specs

    def _raw(self, path: Path) -> tuple[pl.DataFrame, str | None, list[str]]:
        try:
            head = path.open("rb").read(2048).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        except OSError as exc:
            raise _reject(path, f"cannot read the file: {exc.strerror}") from exc
        if path.suffix.lower() in (".html", ".htm") or head.startswith((b"<!doctype", b"<html",
                                                                         b"<table", b"<")):
            page = gacc_html.parse(path, path.read_bytes(), self.labels.cumulative_tables)
            frame = pl.DataFrame(page.rows, schema={**{c: pl.String for c in (
                *REQUIRED, *OPTIONAL)}, LINE: pl.Int64})
            return frame, page.published, page.notes
        raw = read_table(path, "auto", ",")
        missing = [c for c in REQUIRED if c not in raw.columns]
        if missing:
            hint = " (is this a China Customs table CSV?)" if len(missing) > 2 else ""
            raise Rejected(str(path), [Problem("missing-column", str(path), 1, None,
                                               ", ".join(missing), hint)], 1)
        return raw.with_columns(pl.lit("").alias(c) for c in OPTIONAL
                                if c not in raw.columns), None, []

    # -- published numbers -> canonical records -------------------------------------------

    def records(self, raw: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
        """One text row per record (the fields of :meth:`specs`) and the notes on the way."""
        found: dict[tuple, dict] = {}
        counts: Counter = Counter()
        notes: dict[str, set[str]] = {}
        for row in raw.iter_rows(named=True):
            self._add(found, row, counts, notes)
        kept, dropped = self._one_per_key([r for r in found.values() if self._keep(r, counts)])
        frame = pl.DataFrame([{k: r.get(k) for k in (*FIELDS, LINE, "_unit_text")}
                              for r in kept],
                             schema={**dict.fromkeys(FIELDS, pl.String), LINE: pl.Int64,
                                     "_unit_text": pl.String})
        return frame.sort(LINE), _notes(counts, dropped, notes)

    def _add(self, found: dict, row: dict, counts: Counter, notes: dict) -> None:
        text = {k: (v or "").strip() for k, v in row.items() if k != LINE}
        if text["note"]:
            notes.setdefault(text["note"], set()).add(text["table_title"])
        measure = text["measure"].lower()
        if measure not in MEASURES:
            raise _reject(Path(""), f"measure {text['measure']!r} is not one of "
                          f"{', '.join(MEASURES)}", row[LINE])
        freq, what = MEASURES[measure]
        combined = RANGE.search(text["table_title"])
        if freq == "M" and combined and int(combined.group(2)) > 1:
            freq = "C"  # a "1-2" release: the table's only column is January-February
            counts["combined"] += 1
        flow = text["flow"].lower()
        if flow in ("total", "exports and imports", "imports and exports"):
            counts["total-flow"] += 1
            return
        key = (text["table_title"], text["year"], text["month"], fold(text["row_label"]),
               flow, fold(text["breakdown"]), freq)
        rec = found.get(key)
        if rec is None:
            rec = found[key] = self._record(text, flow, freq, row[LINE])
        value = "" if text["value"] in ("-", "—") else text["value"].replace(",", "")
        if value:
            self._field(rec, what, value, text["unit"], row[LINE])

    def _record(self, text: dict, flow: str, freq: str, line: int) -> dict:
        year, month = int(text["year"]), int(text["month"])
        rec = {"_flow": flow, "_freq": freq, "_period": f"{year}{month:02d}",
               "_classification": hs_edition(year), "row_label": text["row_label"],
               "_valuation": {"export": "FOB", "import": "CIF"}.get(flow),
               "_table": text["table_title"], "_bad_label": "0", "_bad_unit": "0",
               LINE: line}
        rec.update(self._what(text))
        return rec

    def _what(self, text: dict) -> dict:
        """Partner, regime and product of a row label under a column breakdown."""
        label, by_country = text["row_label"], bool(re.search(
            r"countr|region", text["table_title"], re.IGNORECASE))
        regime = self.labels.regime(label)
        item = self.labels.item(label)
        partner, product, status = model.WORLD, model.TOTAL_PRODUCT, "ok"
        aggregate = False
        if by_country and fold(label) in TOTAL_LABELS:
            aggregate, regime = True, regime or model.TOTAL_REGIME
        elif by_country and regime is None and item is None:
            partner, aggregate = gacc_partners.partner(label)
            regime = model.TOTAL_REGIME
        elif regime is None and item is not None:
            product, status = (item.product, "ok") if item.product else ("", "unstored")
        elif regime is None:
            status, regime = "unknown", model.TOTAL_REGIME
        return {"_partner": partner, "_aggregate": "true" if aggregate else "false",
                "_product": product, "_status": status,
                "_item": item.name if item else None, "_bad_label": "1" if status == "unknown"
                else "0", "_regime": self._regime(regime, text["breakdown"])}

    def _regime(self, regime: str | None, breakdown: str) -> str:
        """The row's regime combined with the column's enterprise type or regime group."""
        regime = regime or model.TOTAL_REGIME
        parts = [p.strip() for p in breakdown.split(" / ") if p.strip()]
        for part in reversed(parts):
            group = self.labels.regime_group(part) if regime == model.TOTAL_REGIME else None
            enterprise = self.labels.enterprise(part)
            if group and not enterprise:
                return group
            if enterprise:
                if enterprise == model.TOTAL_REGIME:
                    return regime
                return enterprise if regime == model.TOTAL_REGIME else f"{enterprise}/{regime}"
            if group:
                return group
        return regime if not parts else f"{fold(breakdown).replace(' ', '_')}/{regime}"

    def _field(self, rec: dict, what: str, value: str, unit: str, line: int) -> None:
        if what == "value":
            found = value_unit(unit)
            rec[LINE] = line
            rec["_unit_text"] = unit
            if found is None:
                rec["_bad_unit"], rec["_value"], rec["_currency"] = "1", value, "USD"
                return
            rec["_currency"], rec["_exp"] = found
            rec["_value"] = scaled(value, found[1])
        elif what == "quantity":
            name, factor = self.labels.quantity_unit(unit) or (unit or None, 1.0)
            exp = len(str(int(factor))) - 1
            if factor != 10 ** exp:  # a factor that is no power of ten: multiplied
                rec["_quantity"] = str(float(value) * factor) if _is_float(value) else value
            else:
                rec["_quantity"] = scaled(value, exp)
            rec["_quantity_unit"] = name
        elif what == "yoy":
            rec["_yoy"] = value
        else:
            rec["_qty_yoy"] = value

    @staticmethod
    def _keep(rec: dict, counts: Counter) -> bool:
        if rec.get("_value") is None:
            counts["no-value" if rec.get("_yoy") or rec.get("_qty_yoy") else "blank"] += 1
            return False
        if rec["_status"] == "unstored":
            counts["unstored"] += 1
            counts[f"item:{rec['_item']}"] += 1
            return False
        if rec.get("_aggregate") == "true" and rec["_partner"] != model.WORLD:
            counts["aggregate"] += 1
            counts[f"group:{rec['_partner']}"] += 1
        return True

    @staticmethod
    def _one_per_key(records: list[dict]) -> tuple[list[dict], list[tuple[dict, dict]]]:
        """One record per canonical key: USD before other currencies, then the finest unit."""
        best: dict[tuple, dict] = {}
        dropped: list[tuple[dict, dict]] = []
        for rec in records:
            key = (rec["_partner"], rec["_flow"], rec["_regime"], rec["_freq"], rec["_period"],
                   rec["_classification"], rec["_product"],
                   rec["row_label"] if rec["_status"] == "unknown" else None)
            rank = (rec.get("_currency") != "USD", rec.get("_exp", 99), rec[LINE])
            old = best.get(key)
            if old is None:
                best[key] = rec | {"_rank": rank}
            elif rank < old["_rank"]:
                best[key] = rec | {"_rank": rank}
                dropped.append((old, rec))
            else:
                dropped.append((rec, old))
        return list(best.values()), dropped


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _reject(path: Path, hint: str, line: int | None = None) -> Rejected:
    return Rejected(str(path), [Problem("malformed-csv", str(path), line, None, None, hint)], 1)


def _notes(counts: Counter, dropped: list[tuple[dict, dict]], source_notes: dict) -> list[str]:
    out = []
    if counts["combined"]:
        out.append("January and February were published together (a '1-2' table): kept as "
                   "the cumulative January-February value, with no single-month values")
    if counts["total-flow"]:
        out.append(f"{counts['total-flow']} figures of total trade (exports plus imports) "
                   "were not stored: they are the sum of the export and import records")
    if counts["unstored"]:
        items = sorted(k[5:] for k in counts if k.startswith("item:"))
        out.append(f"{counts['unstored']} figures of commodity items that are no single HS "
                   f"code were not stored ({', '.join(items)}; see gacc_items.toml)")
    if counts["aggregate"]:
        groups = sorted(k[6:] for k in counts if k.startswith("group:"))
        out.append(f"{counts['aggregate']} figures are totals of other partner rows "
                   f"({', '.join(groups)}): stored as partners marked is_aggregate, never to "
                   "be added to the country rows; the world is the TOTAL row (WLD)")
    if counts["no-value"]:
        out.append(f"{counts['no-value']} published % changes stand beside no value ('-', "
                   "blank or cut from the source) and were not stored")
    if dropped:
        out.append(_duplicates_note(dropped))
    for text, tables in sorted(source_notes.items()):
        out.append(f"source note ({len(tables)} table{'s' if len(tables) > 1 else ''}): "
                   f"{gacc_html.clip(text)}")
    return out


def _duplicates_note(dropped: list[tuple[dict, dict]]) -> str:
    differ = []
    for lost, kept in dropped:
        a, b = float(lost["_value"]), float(kept["_value"])
        tolerance = 0.5 * 10 ** lost.get("_exp", 0)  # half a unit of the coarser table
        if lost.get("_currency") == kept.get("_currency") and abs(a - b) > tolerance:
            differ.append(f"{_short(lost['_table'])} gives {a:,.0f} {lost['_currency']} for "
                          f"{lost['_flow']} {lost['_regime']} {lost['_freq']} "
                          f"{lost['_period']} where {_short(kept['_table'])} gives {b:,.0f}")
    text = (f"{len(dropped)} figures published in more than one table were stored once, "
            "from the table in USD at the finest unit")
    if differ:
        text += f"; {len(differ)} differ beyond rounding: " + "; ".join(differ[:5])
    return text


def _short(title: str) -> str:
    """'table 3' for "(3) China's Total Export & Import Values by Trade Mode, ..."."""
    found = re.match(r"\s*\((\d+)\)", title)
    return f"table {found.group(1)}" if found else repr(title[:40])

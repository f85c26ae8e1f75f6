"""China Customs release tables as published on the web: one HTML page, one table.

The layout of GACC's English tables (e.g. "(5) Imports and Exports by Customs Regime,
10.2019")::

    (5) Imports and Exports by Customs Regime, 10.2019
    Unit: US$1,000
    Customs Regime | Exports            | Imports
                   | 10    | 1 to 10    | 10    | 1 to 10
    TOTAL          | 212,916,095 | 2,037,923,161 | 169,898,075 | 1,697,419,226
                   | -0.9  | -0.2       | -6.5  | -5.1          <- % change, year on year
    ...

One row per item (TOTAL, a customs regime, a commodity with its quantity unit), the values of
the current month and cumulative "1 to M" (with quantities for commodities, or a breakdown
by enterprise type or regime group in the column headers); under each item a line of
year-on-year % changes; '-' for none. The page is turned into the same tidy rows as the
one-row-per-number CSV (:mod:`tradestat.sources.gacc`), so both go through one path.

The current layout (e.g. "（2）Imports and Exports by Country （Region） of
Origin/Destination,1.2026", dated 2026/04/08 on the page)::

    Country （Region） | Total | Exports | Imports | Percentage Change
                       | 1     | 1       | 1       | Total | Exports | Imports
    TOTAL              | 590,758,685 | 356,699,626 | 234,059,059 | 15.7 | 10.0 | 25.6
    Asia:              | ...

Full-width punctuation (read in its NFKC form); columns headed by the month number alone and,
after January, "1toM" cumulative columns beside them; the % changes in the same row, under a
shared "Percentage Change" header that names only the flow: each belongs to the value column
of that flow, the cumulative one where the page has one (China Customs publishes the change
of the year to date in this table). A cell too narrow for its number is printed
"############": stored as missing, with a note naming the cell. Rows that total other rows
(TOTAL, continents, ASEAN, EU …) are marked by :mod:`tradestat.sources.gacc_partners`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tradestat.errors import Rejected
from tradestat.problems import Problem

TITLE = re.compile(r"\(\s*(\d{1,3})\s*\)\s*([A-Za-z][^\n]*?)\s*,?\s*"
                   r"(\d{1,2}(?:\s*(?:-|to)\s*\d{1,2})?)\s*\.\s*(\d{4})")
UNIT = re.compile(r"Unit\s*[:：]\s*([^\n|]+?)\s*(?:\n|\||$)", re.IGNORECASE)
#: the page's date: 12/08/2019 (month first) in the older pages, 2026/04/08 in the current ones
PUBLISHED = re.compile(r"\b(?:(\d{2})/(\d{2})/(\d{4})|(\d{4})/(\d{2})/(\d{2}))\b")
NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$")
#: a number too wide for its cell, as the source prints it
OVERFLOW = re.compile(r"^#{3,}$")
CHANGE = re.compile(r"\b(?:percentage change|% change|change|growth|yoy)\b")
CUMULATIVE = re.compile(r"^(?:1|jan(?:uary)?)\s*(?:-|to|–)\s*(\d{1,2})$")
FLOWS = {"exports": "export", "export": "export", "imports": "import", "import": "import",
         "exports and imports": "total", "imports and exports": "total", "total trade": "total"}


#: A source note kept in the release notes up to this many characters (a page's footnotes
#: run to a few hundred; a longer text is cut at a word and marked).
NOTE_CHARS = 600


def clip(text: str, limit: int = NOTE_CHARS) -> str:
    """``text`` whole when it fits, else cut at the last word boundary with " …"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 2].rsplit(" ", 1)[0]
    return f"{cut} …"

@dataclass
class Column:
    """What a numeric column holds, read off its header cells."""

    flow: str | None = None
    kind: str | None = None  # "M" current month, "C" cumulative 1 to M
    measure: str = "value"  # value, quantity, yoy
    breakdown: list[str] = field(default_factory=list)


@dataclass
class Page:
    title: str
    table_no: str
    months: str  # "10" or "1-5"
    year: str
    unit: str
    published: str | None
    rows: list[dict]
    #: the figures are cumulative though no column says so (from the items map)
    cumulative: bool = False
    #: flow of columns that do not name one (from the title: "Import of ...")
    flow: str = ""
    #: what the release notes should say: cells printed as overflow, the page's own notes
    notes: list[str] = field(default_factory=list)


def _reject(path: Path, hint: str, line: int | None = None) -> Rejected:
    return Rejected(str(path), [Problem("malformed-html", str(path), line, None, None, hint)],
                    1)


def _text(cell) -> str:
    """The cell's text, full-width forms ('（2）', 'Taiwan，China') as their ASCII ones."""
    return " ".join(unicodedata.normalize("NFKC", cell.text_content()).split())


def grid(table) -> list[list[tuple[str, bool]]]:
    """The table's cells as a grid (colspan and rowspan expanded): (text, spanned from above)."""
    out: list[list[tuple[str, bool]]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still covered)
    for tr in table.iter("tr"):
        row: list[tuple[str, bool]] = []
        cells = [c for c in tr if c.tag in ("td", "th")]
        col = 0
        for cell in cells:
            while col in pending:
                row.append(_take(pending, col))
                col += 1
            text = _text(cell)
            span = max(1, int(cell.get("colspan", "1") or 1))
            down = max(1, int(cell.get("rowspan", "1") or 1))
            for _ in range(span):
                row.append((text, False))
                if down > 1:
                    pending[col] = (text, down - 1)
                col += 1
        while col in pending:
            row.append(_take(pending, col))
            col += 1
        out.append(row)
    return out


def _take(pending: dict[int, tuple[str, int]], col: int) -> tuple[str, bool]:
    text, left = pending[col]
    if left <= 1:
        del pending[col]
    else:
        pending[col] = (text, left - 1)
    return text, True


def _is_number(text: str) -> bool:
    return text == "-" or bool(NUMBER.match(text)) or bool(OVERFLOW.match(text))


def _classify(texts: list[str], month: str, has_flow_level: bool) -> Column:
    col = Column()
    for text in texts:
        key = " ".join(re.sub(r"[^a-z0-9\-]+", " ", text.lower()).split())
        compact = key.replace(" ", "")
        if key in FLOWS:
            col.flow = FLOWS[key]
        elif has_flow_level and key in ("total", "total value"):
            col.flow = "total"
        elif CUMULATIVE.match(key) or re.fullmatch(r"1to\d{1,2}", compact):
            col.kind = "C"  # before the month: "1-2" is January and February together
        elif key == month or compact == month:
            col.kind = "M"
        elif key in ("quantity", "qty"):
            col.measure = "quantity"
        elif key in ("value", "values"):
            col.measure = "value"
        elif "%" in text or CHANGE.search(key):
            col.measure = "yoy"
        elif text:
            col.breakdown.append(text)
    return col


def _header_row(cells: list[list[tuple[str, bool]]], skip: set[int]) -> int:
    """The index of the first data row: a label followed by numbers."""
    for i, row in enumerate(cells):
        if i in skip or len(row) < 2:
            continue
        label, spanned = row[0]
        if spanned or not label or _is_number(label):
            continue
        if any(_is_number(t) for t, _ in row[1:]):
            return i
    raise ValueError("no data row (a label followed by numbers)")


def parse(path: Path, data: bytes, cumulative_tables: set[int] = frozenset()) -> Page:
    """Read one published page into tidy rows (one per published number)."""
    import lxml.html

    try:
        data.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False  # the page's own charset, else libxml2's guess
    try:
        # UTF-8 whether or not the page declares it (libxml2 would take it for Latin-1)
        parser = lxml.html.HTMLParser(encoding="utf-8" if utf8 else None)
        doc = lxml.html.fromstring(data, parser=parser)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise _reject(path, f"not an HTML page ({exc})") from None
    text = "\n".join(" ".join(line.split()) for line in
                     unicodedata.normalize("NFKC", doc.text_content()).splitlines())
    title = TITLE.search(text)
    if not title:
        raise _reject(path, "no table title such as '(5) Imports and Exports by Customs "
                      "Regime, 10.2019' on the page")
    tables = doc.xpath("//table")
    if not tables:
        raise _reject(path, "the page has no table")
    table = max(tables, key=lambda t: len(t.xpath(".//tr")))
    unit = UNIT.search(text)
    published = _published(text)
    months = re.sub(r"\s*(?:-|to)\s*", "-", title.group(3))
    page = Page(" ".join(title.group(0).split()), title.group(1), months, title.group(4),
                unit.group(1).strip() if unit else "", published, [],
                int(title.group(1)) in cumulative_tables, _title_flow(title.group(2)))
    try:
        page.rows = _rows(path, grid(table), page)
    except ValueError as exc:
        raise _reject(path, str(exc)) from None
    return page


def _published(text: str) -> str | None:
    """The page's date as YYYY-MM-DD (12/08/2019 is month first; 2026/04/08 year first)."""
    date = PUBLISHED.search(text)
    if date is None:
        return None
    if date.group(3):
        return f"{date.group(3)}-{date.group(1)}-{date.group(2)}"
    return f"{date.group(4)}-{date.group(5)}-{date.group(6)}"


def _title_flow(title: str) -> str:
    words = set(re.findall(r"[a-z]+", title.lower()))
    exports, imports = words & {"export", "exports"}, words & {"import", "imports"}
    return "export" if exports and not imports else "import" if imports and not exports else ""


def _skip_rows(cells: list[list[tuple[str, bool]]], page: Page) -> set[int]:
    """Rows of one text across the table: the title, the unit line, the page's notes (kept
    for the release notes)."""
    out = set()
    for i, row in enumerate(cells):
        texts = {t for t, _ in row if t}
        if len(texts) != 1:
            continue
        text = next(iter(texts))
        out.add(i)
        across = len(row) > 1 and all(t == text for t, _ in row)  # one cell, the full width
        if across and not (TITLE.search(text) or UNIT.search(text + "\n")):
            page.notes.append(f"source note: {clip(text)}")
    return out


def _rows(path: Path, cells: list[list[tuple[str, bool]]], page: Page) -> list[dict]:
    skip = _skip_rows(cells, page)
    first = _header_row(cells, skip)
    width = max(len(r) for r in cells)
    headers = [r + [("", False)] * (width - len(r)) for i, r in enumerate(cells[:first])
               if i not in skip]
    unit_col = next((j for j in range(1, width) if any(
        "unit" in h[j][0].lower() for h in headers)), None)
    numeric = [j for j in range(1, width) if j != unit_col]
    month = page.months.split("-")[-1] if "-" not in page.months else page.months
    has_flow = any(h[j][0].lower() in ("exports", "imports") for h in headers for j in numeric)
    columns = {j: _classify(_dedup([h[j][0] for h in headers]), month, has_flow)
               for j in numeric}
    _pair_changes(columns)
    names = {j: " ".join(_dedup([h[j][0] for h in headers])) for j in numeric}
    out: list[dict] = []
    i = first
    while i < len(cells):
        row = cells[i] + [("", False)] * (width - len(cells[i]))
        label, spanned = row[0]
        if i in skip or not label or spanned or _is_number(label):
            i += 1
            continue
        change = cells[i + 1] if i + 1 < len(cells) else []
        yoy = _change_cells(change, len(numeric), label)
        if yoy is None:
            raise _reject(path, f"the line under {label!r} is not a line of % changes "
                          f"({len(numeric)} cells)", i + 2)
        for n, j in enumerate(numeric):
            value = _overflow(page, row[j][0], label, names[j], i + 1)
            change = _overflow(page, yoy[n], label, names[j] + " (% change)", i + 2) if yoy \
                else ""
            out.extend(_cell_rows(page, columns[j], label.lstrip("'’ ").strip(),
                                  row[unit_col][0] if unit_col else "", value, change,
                                  i + 1, i + 2))
        i += 2 if yoy else 1
    if not out:
        raise _reject(path, "the table has no figures")
    return out


def _pair_changes(columns: dict[int, Column]) -> None:
    """A % change column under a shared header names only its flow: it belongs to the value
    column of that flow (and breakdown), the cumulative one where there is one."""
    for col in columns.values():
        if col.measure != "yoy" or col.kind is not None:
            continue
        kinds = {c.kind for c in columns.values() if c.measure == "value"
                 and c.flow == col.flow and c.breakdown == col.breakdown}
        col.kind = "C" if "C" in kinds else "M" if "M" in kinds else None


def _overflow(page: Page, text: str, label: str, column: str, line: int) -> str:
    """``text``, or '' for a number the source printed as '####' (with a note naming it)."""
    if not OVERFLOW.match(text):
        return text
    page.notes.append(f"overflow: row {label!r}, column {column!r} (table row {line}) is "
                      f"printed as {text!r} in the source (too wide for its cell): stored as "
                      "missing")
    return ""


def _dedup(texts: list[str]) -> list[str]:
    out: list[str] = []
    for t in texts:
        if t and (not out or out[-1] != t):
            out.append(t)
    return out


def _change_cells(row: list[tuple[str, bool]], n: int, label: str) -> list[str] | None:
    """The % changes under an item, one per numeric column ([] when there is no such line)."""
    own = [t for t, spanned in row if not spanned]
    while own and own[-1] == "":
        own.pop()
    if not own or not all(_is_number(t) or t == "" for t in own):
        return []
    if len(own) > n:  # an empty label cell before the changes
        own = own[len(own) - n:]
    if len(own) != n:
        return None
    return own


MEASURES = {("M", "value"): "value_current_month", ("C", "value"): "value_ytd",
            ("M", "qty"): "qty_current_month", ("C", "qty"): "qty_ytd",
            ("M", "yoy"): "yoy_pct_current_month", ("C", "yoy"): "yoy_pct_ytd",
            ("M", "yoy_qty"): "yoy_pct_qty_current_month", ("C", "yoy_qty"): "yoy_pct_qty_ytd"}


def _cell_rows(page: Page, col: Column, label: str, qty_unit: str, value: str,
               change: str, line: int, change_line: int) -> list[dict]:
    kind = col.kind or ("C" if "-" in page.months or page.cumulative else None)
    if kind is None:
        raise ValueError("the columns say neither the month nor '1 to M' (declare the table "
                         "under [tables] cumulative in the items map if its figures are "
                         "cumulative)")
    base = {"table_title": page.title, "table_no": page.table_no, "year": page.year,
            "month": page.months.split("-")[-1], "row_label": label,
            "flow": col.flow or page.flow, "breakdown": " / ".join(col.breakdown),
            "source_url": "", "note": ""}
    value = "" if value == "-" else value.replace(",", "")
    change = "" if change == "-" else change.replace(",", "")
    what = {"value": "value", "quantity": "qty", "yoy": "yoy"}[col.measure]
    unit = {"value": page.unit, "qty": qty_unit, "yoy": "%"}[what]
    rows = [{**base, "measure": MEASURES[kind, what], "unit": unit, "value": value,
             "_line": line}]
    if change and what != "yoy":
        yoy = "yoy" if what == "value" else "yoy_qty"
        rows.append({**base, "measure": MEASURES[kind, yoy], "unit": "%", "value": change,
                     "_line": change_line})
    return rows

"""A plain reference implementation of docs/figures.md (R1-R12), written from that page alone.

It shares nothing with ``tradestat.analytics``: it reads a pandas frame of every record of every
release and answers the same questions the engine answers, rule by rule, in the most direct way
(pandas for R3, then loops over a few hundred rows; rows are grouped once per ``as_of``).
``tests/test_differential.py`` compares the two.

The records frame has one row per stored record, with the columns of :data:`COLUMNS`:
``release`` is the release id, ``seq`` its ingest order, ``published`` its effective date
(ISO text, compared as text as ``--as-of`` is). Values are taken in their own currency (the
generated stores are all in USD: R10's conversions are not implemented).

Readings of the page where it leaves a choice (marked READING in the code):

- R4.2 "sources that have rows for the reporter and the question in the current span", and
  R4.2a "publishes the asked code itself in that span": month and cumulative rows of the span's
  months and annual rows of the whole years it covers, whether or not R5-R8 can make a value
  of them (a cumulative value whose month before is missing has rows in the span and answers
  nothing). R4.3 "another source also answers": R5-R8 make a value of its rows for the span.
  For a ranking by partner the question is the partner rows (a source with world rows only has
  no rows for it); a ranking by product, like a basket, prefers no source for its own code.
- R6 works on the reporter's values for the question (after R7 and R8 in each (freq, period)),
  not product by product. The generated stores publish the same codes, and the world row or
  not, in every month of a year's table, where the two readings agree.
- R7 then R8: R7 picks, per (freq, period, product), the world row or the partner rows; R8
  drops a row whose ancestor is among the picked rows of its own slice (same partner).
- R8.3 `product-from-parts`: a slice answering a span has no row of the asked code (or TOTAL)
  itself. R8.4 `code-missing` as the page says (rows before R8.2). R11.4 ("the same basket
  codes have data in both spans"): each row that counts is data of the longest basket code it
  falls under (a span of 8542 rows has no data of basket code 85's own; R8.4's "a row is data
  of every basket code it falls under" is read as R8.4's alone).
- A figure's warnings are those of both spans (R2: the comparison span is computed as if it
  had been asked; R9.1 "for each span"), except `code-missing` and `other-source` (the current
  span, as written; `other-source` in `figure` only, not in compare's items). `other-source`
  is not given with ``source=`` (then only that source's rows are read), nor where the chosen
  source has no value (the warning "gives both values and their difference").
- `published_yoy_pct`: the current value is exactly one record, not derived (whatever the
  span's other, missing, months).
- Rankings: rows are the codes with data in the current span; the total is their sum, the
  previous total the sum over every code with data in the previous span; the total's change
  follows R11 over all codes (the same codes in both spans, each covered alike). A ranking's
  warnings are its rows' figure warnings but for those said of the ranking as a whole (no-data:
  a span without any data; yoy-withheld: the total's change; code-missing: a basket code
  without rows for any reporter; hs-version-mix: the editions of all rows of the two spans;
  freq-mix also where annual and month rows answer different reporters in one span) and those
  a ranking does not show (other-source, yoy-published-differs). Over reporters,
  `reporter-coverage` where both spans have data but not from the same reporters, and
  `world-from-reporters` where a ranking over all reporters (none named) has a total. A
  ranking of products gives no `product-from-parts`: a
  code cut to the level is a sum of parts by definition, as a basket is.
- Series: the source is chosen once by R4 over the whole series span (for a monthly series
  among month and cumulative rows: an annual row answers no point of it); a point is a span of
  its own (a January point is answered by the cumulative value to January where there is one,
  R6.1, like ``figure`` for that month).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

WORLD = "WLD"
TOTAL = "TOTAL"
#: R4.2b: the default order of sources; any other source comes after them, by name.
SOURCE_ORDER = ("comtrade", "baci", "gacc", "taiwan")
#: R11: the published change's rounding.
PUBLISHED_ROUNDING = 0.05
#: R3.2: what a record describes.
SLICE = ["source", "reporter", "partner", "flow", "regime", "freq", "period", "product"]
COLUMNS = ["reporter", "partner", "flow", "regime", "freq", "period", "classification",
           "product", "value", "currency", "source", "release", "seq", "published",
           "published_yoy_pct"]
#: A partner argument meaning "every partner row, never the world row" (R12 rank by partner).
ANY_PARTNER = "*"


# ----------------------------------------------------------------------------- R1, R2 periods


def _side(text: str, end: bool) -> int:
    """One side of a period as a month number (year * 12 + month - 1)."""
    if "-" in text:
        year, month = text.split("-")
        return int(year) * 12 + int(month) - 1
    return int(text) * 12 + (11 if end else 0)


def months_of(period: str) -> list[int]:
    """R1: the months a written period means, as month numbers."""
    first, _, last = period.partition("..")
    last = last or first
    return list(range(_side(first, False), _side(last, True) + 1))


def previous_of(months: list[int]) -> list[int]:
    """R2: the same months one year earlier."""
    return [m - 12 for m in months]


def ym(month: int) -> int:
    """A month number as the period YYYYMM."""
    return (month // 12) * 100 + month % 12 + 1


def month_label(month: int) -> str:
    return f"{month // 12}-{month % 12 + 1:02d}"


# ----------------------------------------------------------------------------- R3 releases


@dataclass(frozen=True)
class Row:
    id: int
    source: str
    reporter: str
    partner: str
    flow: str
    freq: str
    period: int
    classification: str
    product: str
    value: float
    release: str
    published_yoy_pct: float | None


def rows_in_force(records: pd.DataFrame, as_of: str | None) -> pd.DataFrame:
    """R3: the releases in view, the newest ingested release per slice, regime total."""
    view = records if as_of is None else records[records["published"] <= as_of]
    newest = view.groupby(SLICE, sort=False)["seq"].transform("max")
    view = view[view["seq"] == newest]
    return view[view["regime"] == "total"]


class View:
    """The rows in force at one ``as_of``, grouped by (source, reporter, flow), then by
    (freq, period)."""

    def __init__(self, records: pd.DataFrame, as_of: str | None) -> None:
        frame = rows_in_force(records, as_of)
        self.groups: dict[tuple, dict[tuple, list[Row]]] = defaultdict(lambda: defaultdict(list))
        self.sources: dict[tuple, set[str]] = defaultdict(set)
        self.reporters: dict[str, set[str]] = defaultdict(set)
        for rec in frame.itertuples():
            yoy = rec.published_yoy_pct
            row = Row(rec.Index, rec.source, rec.reporter, rec.partner, rec.flow, rec.freq,
                      int(rec.period), rec.classification, rec.product, float(rec.value),
                      rec.release, None if pd.isna(yoy) else float(yoy))
            self.groups[(row.source, row.reporter, row.flow)][(row.freq, row.period)].append(row)
            self.sources[(row.reporter, row.flow)].add(row.source)
            self.reporters[row.flow].add(row.reporter)


class Oracle:
    """Questions over one store's records; ``baskets`` maps a basket name to its codes."""

    def __init__(self, records: pd.DataFrame, baskets: dict[str, list[str]] | None = None
                 ) -> None:
        self.records = records
        self.baskets = baskets or {}
        self._views: dict[str | None, View] = {}

    def view(self, as_of: str | None) -> View:
        if as_of not in self._views:
            self._views[as_of] = View(self.records, as_of)
        return self._views[as_of]

    def selection(self, product: str | None, basket: str | None) -> Selection:
        if basket is not None:
            return Selection(tuple(self.baskets[basket]), None)
        if product is None or product == TOTAL:
            return Selection(None, TOTAL)
        return Selection((product,), product)


# ----------------------------------------------------------------------------- R7, R8 one slice


@dataclass(frozen=True)
class Selection:
    """R8.1: ``codes`` None means all products; ``asked`` the code (or TOTAL) whose own row
    R4.2a and R8.3 look for (None for a basket)."""

    codes: tuple[str, ...] | None
    asked: str | None

    def selects(self, product: str) -> bool:
        if self.codes is None:
            return True
        return product != TOTAL and any(product.startswith(c) for c in self.codes)


def is_ancestor(a: str, b: str) -> bool:
    """R8.2: ``a`` is a shorter code ``b`` starts with, or TOTAL."""
    if a == b or b == TOTAL:
        return False
    return a == TOTAL or b.startswith(a)


@dataclass
class Unit:
    """What one (freq, period) of one source gives for the question (R7, R8)."""

    value: float
    kept: list[Row]
    picked: list[Row]
    from_partners: bool
    from_parts: bool


def _pick_partners(rows: list[Row], partner: str | None) -> tuple[list[Row], bool]:
    """R7: the world row per product where there is one, else the partner rows."""
    if partner == ANY_PARTNER:
        return [r for r in rows if r.partner != WORLD], False
    if partner is not None:
        return [r for r in rows if r.partner == partner], False
    world = {r.product for r in rows if r.partner == WORLD}
    picked = [r for r in rows if (r.partner == WORLD) == (r.product in world)]
    return picked, any(r.partner != WORLD for r in picked)


def unit(rows: list[Row], sel: Selection, partner: str | None) -> Unit | None:
    picked, from_partners = _pick_partners([r for r in rows if sel.selects(r.product)], partner)
    if not picked:
        return None
    by_slice: dict[str, list[Row]] = defaultdict(list)
    for r in picked:
        by_slice[r.partner].append(r)
    kept, from_parts = [], False
    for slice_rows in by_slice.values():
        products = {r.product for r in slice_rows}
        kept += [r for r in slice_rows if not any(is_ancestor(p, r.product) for p in products)]
        from_parts |= sel.asked is not None and sel.asked not in products
    return Unit(sum(r.value for r in kept), kept, picked, from_partners, from_parts)


# ----------------------------------------------------------------------------- R5, R6 one span


@dataclass
class SpanAnswer:
    """One source's answer for one reporter and one span."""

    value: float = 0.0
    covered: set[int] = field(default_factory=set)
    kept: list[Row] = field(default_factory=list)
    picked: list[Row] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # 'A' annual, 'M' months (monthly, cumulative)
    flags: set[str] = field(default_factory=set)
    n_values: int = 0  # published values added (a derived month counts two)

    @property
    def has_data(self) -> bool:
        return bool(self.covered)

    def add(self, u: Unit, months: range, kind: str, sign: float = 1.0) -> None:
        self.value += sign * u.value
        self.covered.update(months)
        self.kept += u.kept
        self.picked += u.picked
        self.kinds.add(kind)
        self.n_values += 1
        if u.from_partners:
            self.flags.add("world-from-partners")
        if u.from_parts:
            self.flags.add("product-from-parts")


class Units:
    """Units of one (source, reporter, flow) for one question, computed when first asked."""

    def __init__(self, groups: dict[tuple, list[Row]], sel: Selection, partner: str | None
                 ) -> None:
        self.groups, self.sel, self.partner = groups, sel, partner
        self.cache: dict[tuple, Unit | None] = {}

    def get(self, freq: str, period: int) -> Unit | None:
        key = (freq, period)
        if key not in self.cache:
            self.cache[key] = unit(self.groups.get(key, []), self.sel, self.partner)
        return self.cache[key]


def answer(units: Units, months: list[int]) -> SpanAnswer:
    """R5, R6: the span's months, year by year."""
    out = SpanAnswer()
    by_year: dict[int, list[int]] = defaultdict(list)
    for m in months:
        by_year[m // 12].append(m % 12 + 1)
    for year, ms in by_year.items():
        a, b = min(ms), max(ms)
        annual = units.get("A", year) if (a, b) == (1, 12) else None
        if annual is not None:  # R5.1
            out.add(annual, range(year * 12, year * 12 + 12), "A")
        else:
            _months(units, out, year, a, b)  # R5.2
    return out


def _months(units: Units, out: SpanAnswer, year: int, a: int, b: int) -> None:
    """R6: months a..b of one year from monthly and cumulative values."""
    base = year * 12 - 1  # base + m is month m's number
    first = a
    if a == 1:  # R6.1: the latest cumulative value "January to M", M <= b
        for m in range(b, 0, -1):
            cumulative = units.get("C", year * 100 + m)
            if cumulative is not None:
                out.add(cumulative, range(base + 1, base + m + 1), "M")
                first = m + 1
                break
    for m in range(first, b + 1):
        month = units.get("M", year * 100 + m)
        if month is not None:  # R6.2: the published month value
            out.add(month, range(base + m, base + m + 1), "M")
            continue
        to_m = units.get("C", year * 100 + m)
        before = units.get("C", year * 100 + m - 1) if m > 1 else None
        if to_m is not None and (m == 1 or before is not None):  # R6.2: derived
            out.add(to_m, range(base + m, base + m + 1), "M")
            if before is not None:
                out.add(before, range(0), "M", -1.0)
            out.flags.add("month-derived")
        elif m <= 2 and _combined(units, year):  # R6.3
            out.flags.add("months-combined")


def _combined(units: Units, year: int) -> bool:
    """January and February published only together: a "1-2" value, no January value."""
    return (units.get("C", year * 100 + 2) is not None and units.get("M", year * 100 + 1) is None
            and units.get("C", year * 100 + 1) is None)


# ----------------------------------------------------------------------------- R4 the source


def source_rank(source: str) -> tuple[int, str]:
    """R4.2b: comtrade, baci, gacc, taiwan, then any other source by name."""
    if source in SOURCE_ORDER:
        return SOURCE_ORDER.index(source), ""
    return len(SOURCE_ORDER), source


def rows_in_span(view: View, source: str, reporter: str, flow: str, sel: Selection,
                 partner: str | None, months: list[int], freqs: str = "AMC") -> list[Row]:
    """R4.2: the source's rows for the reporter and the question in a span: month and
    cumulative values of the span's months, annual values of the whole years it covers
    (any partner row where no partner is asked; READING: as the page says, rows, whether or
    not R5-R8 can make a value of them)."""
    span = set(months)
    whole = {m // 12 for m in months if m % 12 == 0 and m + 11 in span}
    out = []
    for (freq, period), rows in view.groups.get((source, reporter, flow), {}).items():
        if freq not in freqs:
            continue
        inside = period in whole if freq == "A" else (
            (period // 100) * 12 + period % 100 - 1) in span
        if inside:
            out += [r for r in rows if sel.selects(r.product) and _partner_ok(r, partner)]
    return out


def _partner_ok(row: Row, partner: str | None) -> bool:
    if partner is None:
        return True
    if partner == ANY_PARTNER:
        return row.partner != WORLD
    return row.partner == partner


@dataclass
class Choice:
    """R4: the source that answers a reporter, and the others that answer the current span."""

    source: str | None
    others: list[str]


def choose(view: View, reporter: str, flow: str, spans: tuple[list[int], list[int]],
           sel: Selection, partner: str | None, source: str | None, prefer_own: bool,
           freqs: str = "AMC") -> Choice:
    if source is not None:  # R4.1
        return Choice(source, [])
    candidates = sorted(view.sources.get((reporter, flow), ()))
    found: dict[str, list[Row]] = {}
    for span in spans:  # R4.2: the current span, or where no source has rows, the comparison
        found = {s: rows for s in candidates
                 if (rows := rows_in_span(view, s, reporter, flow, sel, partner, span, freqs))}
        if found:
            break
    if not found:
        return Choice(None, [])
    # R4.2a: a source that publishes the asked code itself (TOTAL for all products) first
    best = min(found, key=lambda s: (prefer_own and sel.asked not in {r.product
                                                                      for r in found[s]},
                                     source_rank(s)))
    # R4.3: other sources that answer the current span
    others = [s for s in candidates if s != best and answer(
        units_for(view, s, reporter, flow, sel, partner), spans[0]).has_data]
    return Choice(best, others)


def units_for(view: View, source: str, reporter: str, flow: str, sel: Selection,
              partner: str | None) -> Units:
    return Units(view.groups.get((source, reporter, flow), {}), sel, partner)


# ----------------------------------------------------------------------------- R9–R11 a figure


@dataclass
class Figure:
    value: float | None
    previous_value: float | None
    yoy_pct: float | None
    published_yoy_pct: float | None
    warnings: set[str]
    source: str | None
    current: SpanAnswer
    previous: SpanAnswer
    months: list[int]
    basket_codes: tuple[set[str], set[str]] = (set(), set())
    current_codes: tuple[str, ...] = ()
    present_codes: set[str] = field(default_factory=set)

    def to_dict(self) -> dict:
        return {"value": self.value, "previous_value": self.previous_value,
                "yoy_pct": self.yoy_pct, "published_yoy_pct": self.published_yoy_pct,
                "warnings": sorted(self.warnings), "source": self.source}


def codes_with_data(rows: list[Row], codes: tuple[str, ...]) -> set[str]:
    """R8.4 (`code-missing`): the basket codes with a row answering the span (before R8.2):
    a row is data of every basket code it falls under, and a basket code under a published
    row of another basket code is covered by it."""
    published = {r.product for r in rows}
    return {c for c in codes if any(p.startswith(c) for p in published)
            or any(c.startswith(p) for p in published if p in codes)}


def codes_counted(rows: list[Row], codes: tuple[str, ...]) -> set[str]:
    """R11.4 ("the same basket codes have data in both spans"): each row that counts (after
    R8.2) is data of the longest basket code it falls under. READING: with nested codes
    (85 and 8542) a span of 8542 rows only has no data of 85's own, and one with chapter 85
    rows has more products than one without."""
    out = set()
    for r in rows:
        under = [c for c in codes if r.product.startswith(c)]
        if under:
            out.add(max(under, key=len))
    return out


def comparable(cur: SpanAnswer, prev: SpanAnswer, codes: tuple[set[str], set[str]] | None
               ) -> bool:
    """R11.1–R11.4 for one reporter (the value test aside)."""
    if not (cur.has_data and prev.has_data):
        return False
    if cur.covered != {m + 12 for m in prev.covered}:
        return False
    return codes is None or codes[0] == codes[1]


def growth(value: float | None, previous: float | None, ok: bool) -> float | None:
    if not ok or value is None or previous is None or previous == 0:
        return None
    return (value / previous - 1) * 100


def figure(oracle: Oracle, reporter: str, flow: str, period: str, product: str | None = None,
           basket: str | None = None, partner: str | None = None, as_of: str | None = None,
           source: str | None = None, prefer_own: bool | None = None) -> Figure:
    view = oracle.view(as_of)
    sel = oracle.selection(product, basket)
    months = months_of(period)
    spans = (months, previous_of(months))
    if prefer_own is None:
        prefer_own = basket is None
    choice = choose(view, reporter, flow, spans, sel, partner, source, prefer_own)
    if choice.source is None:
        cur, prev = SpanAnswer(), SpanAnswer()
    else:
        cur, prev = (answer(units_for(view, choice.source, reporter, flow, sel, partner), span)
                     for span in spans)
    codes, present = None, set()
    if basket is not None:
        codes = (codes_counted(cur.kept, sel.codes), codes_counted(prev.kept, sel.codes))
        present = codes_with_data(cur.picked, sel.codes)
    value = cur.value if cur.has_data else None
    previous = prev.value if prev.has_data else None
    yoy = growth(value, previous, comparable(cur, prev, codes))
    published = _published(cur)
    warnings = _warnings(cur, prev, months, value, yoy, published)
    if present and set(sel.codes) - present:
        warnings.add("code-missing")
    if choice.others and cur.has_data:  # R4.3: "gives both values and their difference"
        warnings.add("other-source")
    return Figure(value, previous, yoy, published, warnings, choice.source, cur, prev, months,
                  codes or (set(), set()), sel.codes if basket is not None else (), present)


def _published(cur: SpanAnswer) -> float | None:
    """R11: the change printed beside the value, where the value is one published record."""
    if cur.n_values == 1 and len(cur.kept) == 1:
        return cur.kept[0].published_yoy_pct
    return None


def _warnings(cur: SpanAnswer, prev: SpanAnswer, months: list[int], value: float | None,
              yoy: float | None, published: float | None) -> set[str]:
    out = cur.flags | prev.flags
    out |= freq_mix([(cur, prev)])
    for ans, span in ((cur, months), (prev, previous_of(months))):
        if not ans.has_data:
            out.add("no-data")
        elif set(span) - ans.covered:
            out.add("missing-month")
    if cur.has_data and prev.has_data and _editions(cur) != _editions(prev):
        out.add("hs-version-mix")
    if len({r.release for r in cur.kept + prev.kept}) > 1:
        out.add("release-mix")
    if yoy is None and cur.has_data and prev.has_data:  # R11: not where a span has no data
        out.add("yoy-withheld")
    if yoy is not None and published is not None and abs(yoy - published) > PUBLISHED_ROUNDING:
        out.add("yoy-published-differs")
    return out


def freq_mix(pairs: list[tuple[SpanAnswer, SpanAnswer]]) -> set[str]:
    """R5.3: per reporter, annual and month rows in one span, or annual in one span and
    months in the other."""
    for cur, prev in pairs:
        if len(cur.kinds) > 1 or len(prev.kinds) > 1 or (
                cur.kinds and prev.kinds and cur.kinds != prev.kinds):
            return {"freq-mix"}
    return set()


def _editions(ans: SpanAnswer) -> set[str]:
    return {r.classification for r in ans.kept}


# ----------------------------------------------------------------------------- R12 the others


def compare(oracle: Oracle, reporter: str, flow: str, period: str, items: list[str],
            partner: str | None = None, as_of: str | None = None, source: str | None = None
            ) -> dict[str, Figure]:
    """R12 compare: each item (a code, TOTAL or a basket) a figure of the same reporter, flow
    and span; R4.3: other sources' values are given by `figure` only, not by compare's
    items."""
    out = {}
    for item in items:
        basket = item if item in oracle.baskets else None
        fig = figure(oracle, reporter, flow, period, None if basket else item, basket, partner,
                     as_of, source)
        fig.warnings.discard("other-source")
        out[item] = fig
    return out


@dataclass
class RankRow:
    code: str
    value: float
    previous: float | None
    yoy_pct: float | None


@dataclass
class Ranking:
    rows: list[RankRow]
    total: float | None
    previous_total: float | None
    total_yoy_pct: float | None
    warnings: set[str]
    figures: dict[str, Figure]

    def to_dict(self) -> dict:
        return {"rows": [(r.code, r.value, r.previous, r.yoy_pct) for r in self.rows],
                "total": self.total, "previous_total": self.previous_total,
                "total_yoy_pct": self.total_yoy_pct, "warnings": sorted(self.warnings)}


#: Figure warnings a ranking does not take from its rows: said of the ranking as a whole
#: (no-data, yoy-withheld, code-missing), or not shown in a ranking (other sources'
#: values, published changes).
ROW_ONLY = {"other-source", "yoy-withheld", "no-data", "yoy-published-differs", "code-missing"}


def rank_reporters(oracle: Oracle, flow: str, period: str, product: str | None = None,
                   basket: str | None = None, partner: str | None = None,
                   reporters: list[str] | None = None, as_of: str | None = None,
                   source: str | None = None) -> Ranking:
    """R12 rank --by reporter: each reporter as ``figure`` answers it; the total over
    reporters follows R11 over all of them (R9.3: reporter-coverage, world-from-reporters)."""
    view = oracle.view(as_of)
    names = sorted(reporters if reporters is not None else view.reporters.get(flow, ()))
    figs = {r: figure(oracle, r, flow, period, product, basket, partner, as_of, source)
            for r in names}
    ranking = _ranking(figs, basket is not None)
    now = {r for r, f in figs.items() if f.value is not None}
    before = {r for r, f in figs.items() if f.previous_value is not None}
    # R5.3: a span answered partly by annual and partly by monthly rows, across reporters too
    for span in ("current", "previous"):
        if len(set().union(*(getattr(f, span).kinds for f in figs.values()))) > 1:
            ranking.warnings.add("freq-mix")
    if now and before and now != before:
        ranking.warnings.add("reporter-coverage")
    if now and reporters is None:  # R9.3: a ranking over all reporters (READING: its total)
        ranking.warnings.add("world-from-reporters")
    return ranking


def _rows(figs: dict[str, Figure]) -> list[RankRow]:
    rows = [RankRow(code, f.value, f.previous_value, f.yoy_pct) for code, f in figs.items()
            if f.value is not None]
    return sorted(rows, key=lambda r: (-r.value, r.code))


def _ranking(figs: dict[str, Figure], basket: bool = False) -> Ranking:
    """Rows with data in the current span; the totals are sums over the rows (the previous
    one over every row with data in the previous span) and their change follows R11 over all
    rows: the same rows in both spans, each covered alike."""
    rows = _rows(figs)
    now = {c for c, f in figs.items() if f.value is not None}
    before = {c for c, f in figs.items() if f.previous_value is not None}
    total = sum(r.value for r in rows) if rows else None
    previous_total = (sum(f.previous_value for f in figs.values()
                          if f.previous_value is not None) if before else None)
    ok = now == before and all(comparable(figs[c].current, figs[c].previous,
                                          figs[c].basket_codes if basket else None)
                               for c in now)
    total_yoy = growth(total, previous_total, ok)
    warnings = set().union(*(f.warnings - ROW_ONLY for f in figs.values()))
    if total is None or previous_total is None:
        warnings.add("no-data")
    elif total_yoy is None:
        warnings.add("yoy-withheld")
    releases = {r.release for f in figs.values() for r in f.current.kept + f.previous.kept}
    if len(releases) > 1:
        warnings.add("release-mix")
    if basket and now:
        with_data = set().union(*(figs[c].present_codes for c in now))
        asked = set().union(*(set(f.current_codes) for f in figs.values()))
        if asked - with_data:
            warnings.add("code-missing")
    # R9.4 over the ranking's two spans (every row's rows together)
    warnings.discard("hs-version-mix")
    editions = [{r.classification for f in figs.values() for r in getattr(f, span).kept}
                for span in ("current", "previous")]
    if all(editions) and editions[0] != editions[1]:
        warnings.add("hs-version-mix")
    return Ranking(rows, total, previous_total, total_yoy, warnings, figs)


def rank_partners(oracle: Oracle, reporter: str, flow: str, period: str,
                  product: str | None = None, basket: str | None = None,
                  as_of: str | None = None, source: str | None = None) -> Ranking:
    """R12 rank --by partner: the reporter's partner rows (never the world row), each
    partner its own line, all from the one source R4 picks for the reporter."""
    view = oracle.view(as_of)
    sel = oracle.selection(product, basket)
    months = months_of(period)
    choice = choose(view, reporter, flow, (months, previous_of(months)), sel, ANY_PARTNER,
                    source, basket is None)
    if choice.source is None:
        return _ranking({})
    groups = view.groups.get((choice.source, reporter, flow), {})
    partners = sorted({r.partner for rows in groups.values() for r in rows
                       if r.partner != WORLD})
    return _ranking({p: figure(oracle, reporter, flow, period, product, basket, p, as_of,
                               choice.source) for p in partners}, basket is not None)


def rank_products(oracle: Oracle, reporter: str, flow: str, period: str, level: int,
                  product: str | None = None, partner: str | None = None,
                  as_of: str | None = None, source: str | None = None) -> Ranking:
    """R12 rank --by product / top: the reporter's products cut to ``level`` digits, each
    a figure of its own code, all from the one source R4 picks (no own-code preference)."""
    view = oracle.view(as_of)
    sel = oracle.selection(product, None)
    months = months_of(period)
    choice = choose(view, reporter, flow, (months, previous_of(months)), sel, partner,
                    source, False)
    if choice.source is None:
        return _ranking({})
    groups = view.groups.get((choice.source, reporter, flow), {})
    codes = sorted({r.product[:level] for rows in groups.values() for r in rows
                    if r.product != TOTAL and len(r.product) >= level and sel.selects(r.product)})
    ranking = _ranking({c: figure(oracle, reporter, flow, period, c, None, partner, as_of,
                                  choice.source) for c in codes})
    # READING: a code cut to the level is a sum of its parts by definition, as a basket is
    # (R8.3 gives product-from-parts for the asked code, and no code is asked here)
    ranking.warnings.discard("product-from-parts")
    return ranking


@dataclass
class Point:
    period: str
    value: float | None
    covered: set[int]
    months: list[int]


def series(oracle: Oracle, reporter: str, flow: str, period: str, freq: str,
           product: str | None = None, basket: str | None = None, partner: str | None = None,
           as_of: str | None = None, source: str | None = None) -> tuple[str | None, list[Point]]:
    """R12 series: a point per month or calendar year of ``period``, each answered on its
    own by the one source chosen (R4) for the whole series span."""
    view = oracle.view(as_of)
    sel = oracle.selection(product, basket)
    months = months_of(period)
    # READING: a monthly series chooses among month and cumulative rows (an annual row
    # answers no point of it)
    choice = choose(view, reporter, flow, (months, previous_of(months)), sel, partner, source,
                    basket is None, "MC" if freq == "M" else "AMC")
    if freq == "M":
        spans = [(month_label(m), [m]) for m in months]
    else:
        years = sorted({m // 12 for m in months})
        spans = [(str(y), list(range(y * 12, y * 12 + 12))) for y in years]
    points = []
    for label, span in spans:
        if choice.source is None:
            points.append(Point(label, None, set(), span))
            continue
        ans = answer(units_for(view, choice.source, reporter, flow, sel, partner), span)
        points.append(Point(label, ans.value if ans.has_data else None, ans.covered, span))
    return choice.source, points

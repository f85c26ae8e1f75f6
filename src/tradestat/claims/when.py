"""Periods as a reader takes them, for :class:`~tradestat.claims.context.Context`.

"over 2017", "compared with September 2018", "from November last year" are the comparison
base, not the claim's period (a base one year back dates the claim one year later where
nothing else does); "set in 2022", "since November 2023" date something else; "last month",
"last year", "year to date" resolve against the text's date; "the previous month" against the
sentence's own period; months said without a year wait for a year said later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tradestat.analytics.periods import Span
from tradestat.claims import lexicon as lx
from tradestat.claims.extract import Mention

_CHANGE_RE = re.compile(rf"\b(?:{lx.UP}|{lx.DOWN}|widening|narrowing)\b|%|percent|per cent",
                        re.IGNORECASE)
#: "higher than smartphone exports in the first 11 months of …" (not "more than $5 bn in")
_THAN_WORDS = re.compile(r"\bthan\s+(?!U\.?S\.?\$|USD|RMB|EUR|CNY|about|around)(?:the\s+)?"
                         r"[A-Za-z]", re.IGNORECASE)
#: "compared with +89.0 bn in 2005": the period of the number compared with is a base
_COMPARED_NUMBER = re.compile(r"\s*compared (?:with|to)\s+[+\-−]?\S*\d\S*\s+(?:bn|billion|"
                              r"million|trillion)?\s*(?:euros?\s+)?$", re.IGNORECASE)
_OPENING_SINCE = re.compile(r"(?:^|[.!?]\s+|\n)\s*since\s*(?:the\s+)?$", re.IGNORECASE)
#: a number stated for the base: "up from 58 per cent in the year-ago quarter", "compared
#: with +€12.6 bn in September 2018", "from US$31.1 billion in October"
_BASE_NUMBER = re.compile(r"(?:\bfrom|\bcompared (?:with|to)|\bvs\.?|\bagainst)\s+[+\-−]?$",
                          re.IGNORECASE)

#: "in 38 months" right before "since March 2022"
_MONTHS_SINCE = re.compile(rf"\bin\s+(\d{{1,3}}|{'|'.join(lx.NUMBERS)})\s+months\s+since\s+$",
                           re.IGNORECASE)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else lx.NUMBERS[word.lower()]


#: what lies between a "from" part's period and a number of the "to" part after it
_TO_NEXT = re.compile(r"\s+to\b[^.;,]*$")


def _span(label: str | None) -> Span | None:
    """The span of a period label; None for none or a span of days ("2024-03-01..")."""
    try:
        return Span.parse(label) if label else None
    except ValueError:
        return None


@dataclass
class When:
    """A period mention resolved: its label, and whether it is a comparison base or dates
    something else (an aside)."""

    mention: Mention
    label: str | None
    base: bool
    aside: bool
    explicit_year: int | None


class Periods:
    """The period part of the context: each period mention resolved (:class:`When`) and the
    period a number is stated for. It reads and sets the context's ``dated``, ``year``,
    ``period``, ``pending``, ``undated`` and ``_text`` (:class:`~tradestat.claims.context.
    Context` holds them)."""

    dated: tuple[int, int] | None
    year: int | None
    period: tuple[str, str] | None
    pending: tuple[int, int] | None
    undated: list
    _text: str

    def _year_of(self, d: dict, m1: int) -> int | None:
        if d.get("year"):
            return d["year"]
        if d.get("yr") and self.dated:
            return self.dated[0] - (d["yr"] == "last")
        if self.year:
            return self.year
        if self.dated:  # "in November", written in March: last November
            return self.dated[0] - (m1 > self.dated[1])
        return None

    def _relative(self, rel: str, ref: str | None) -> str | None:
        if rel in ("last-month", "past-month", "this-month", "ytd") and self.dated:
            y, m = self.dated
            back = 0 if rel == "this-month" else 1
            y, m = (y, m - back) if m > back else (y - 1, 12)
            return Span(y, 1, y, m).label if rel == "ytd" else Span(y, m, y, m).label
        span = _span(ref)
        if rel in ("previous-month", "preceding-month") and span:
            y, m = span.end_year, span.end_month
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
            return Span(y, m, y, m).label
        # "the year-ago quarter", "A year earlier, …": the same months a year back
        if rel in ("year-ago", "year-earlier") and span:
            return Span(span.start_year - 1, span.start_month, span.end_year - 1,
                        span.end_month).label
        return None

    def _label(self, d: dict, ref: str | None) -> str | None:
        if d.get("fiscal"):
            y, a, b = d["fiscal"]
            return Span(y + (a - 1) // 12, (a - 1) % 12 + 1, y + (b - 1) // 12,
                        (b - 1) % 12 + 1).label
        rel = d.get("rel")
        if rel and rel != "rel-year":
            return self._relative(rel, ref)
        m0, m1 = d["months"]
        year = self._year_of(d, m1)
        if year is None:
            return None
        if d.get("days"):
            d0, d1 = d["days"]
            return f"{year}-{m0:02d}-{d0:02d}..{year}-{m1:02d}-{d1:02d}"
        return Span(year, m0, year, m1).label

    def _when(self, m: Mention, text: str, clause_start: int, ref: str | None) -> When:
        d = m.data
        before = d["before"]
        lead = d.get("lead", "")
        base = bool(lx.BASE_BEFORE_RE.search(before) or lead == "over"
                    or _COMPARED_NUMBER.match(text[clause_start:m.start])
                    or _THAN_WORDS.search(text[clause_start:m.start])
                    or d.get("rel") == "year-ago"
                    or ((lx.FROM_BEFORE_RE.search(before) or lead == "from")
                        and d.get("yr") == "last"
                        and _CHANGE_RE.search(text[clause_start:m.start])))
        aside = bool(lx.ASIDE_BEFORE_RE.search(before) or lead == "since")
        label = self._label(d, ref)
        explicit = None
        if label and (d.get("year") or d.get("yr")) and not base and not aside:
            explicit = int(label[:4])
        return When(m, label, base, aside, explicit)

    def _periods(self, found: list[Mention], text: str, spans: list[tuple[int, int]]
                 ) -> list[When]:
        out: list[When] = []
        ref = self.period[0] if self.period else None
        for m in found:
            if m.kind != "period":
                continue
            cs = next((s for s, e in spans if s <= m.start < e), m.start)
            w = self._when(m, text, cs, ref)
            if w.explicit_year:
                self.year = w.explicit_year
            if w.label is None and m.data.get("months") and not m.data.get("rel"):
                self.pending = m.data["months"]
            if w.aside and self.pending:
                self._count_since(w, text)
            if w.label and not w.base and not w.aside and not m.data.get("rel", "").startswith(
                    ("previous", "preceding")):
                ref = ref if out and any(x.label and not x.base for x in out) else w.label
            out.append(w)
        return out

    def _period_for(self, whens: list[When], at: int, clause: tuple[int, int],
                    found: list[Mention]) -> tuple[str, str] | None:
        ok = [w for w in whens if w.label and not w.base and not w.aside]
        in_clause = [w for w in whens if w.label and clause[0] <= w.mention.start < clause[1]]
        own = self._own_part([w for w in in_clause if w in ok], at)
        pick = (self._stated_for(whens, at, in_clause) or _nearest_when(own, at)
                or _near_when(ok, at))
        if pick:
            return pick.label, pick.mention.data["said"]
        since = [w for w in whens if w.label and _OPENING_SINCE.search(
            w.mention.data["before"] + w.mention.data["lead"])]
        if since and self.period:
            return self._since(since[0]), since[0].mention.data["said"]
        if self.period:
            return self.period
        shifted = _shifted([w for w in whens if w.base and w.label], self.pending)
        if shifted:
            self.year = int(shifted[0][:4])
            self._date_undated(shifted)
        return shifted

    def _count_since(self, w: When, text: str) -> None:
        """"(in May …) the highest in 38 months since March 2022": March 2022 + 38 months is
        May 2025, which dates the months said before without a year."""
        count = _MONTHS_SINCE.search(text[max(0, w.mention.start - 30):w.mention.start])
        since = _span(w.label)
        if not count or since is None or since.start_month != since.end_month:
            return
        months = since.start_year * 12 + since.start_month - 1 + _count(count.group(1))
        year, month = divmod(months, 12)
        m0, m1 = self.pending
        if m0 <= month + 1 <= m1:
            self.year = year
            said = f"{count.group(0).strip()} {w.mention.data['said']}"  # in 38 months since …
            self.period = (Span(year, m0, year, m1).label, said)
            self._date_undated(self.period)

    def _date_undated(self, shifted: tuple[str, str]) -> None:
        """"Mexico was the largest partner … in January. Compared with the same period in
        2022, …": the year found later dates the months said before without one."""
        for c, (m0, m1) in self.undated:
            c.period = Span(self.year, m0, self.year, m1).label
            c.period_said = shifted[1]
        self.undated = []

    def _own_part(self, own: list[When], at: int) -> list[When]:
        """"from 167th in FY15 to the top export in FY25": a period closed by "to" dates the
        "from" part, not a number after the "to" where that part has its own period."""
        after = [w for w in own if w.mention.start >= at]
        if not after:
            return own
        return [w for w in own if w in after or not _TO_NEXT.match(
            self._text[w.mention.end:at])]

    def _stated_for(self, whens: list[When], at: int, in_clause: list[When]) -> When | None:
        """The period a number is stated for even where it is a base or an aside: "(€186.5
        bn)" right after "September 2018"; "from 58 per cent in the year-ago quarter"; "since
        September 2021 when the country achieved a surplus of USD4.28 billion"."""
        paren = [w for w in whens if w.label and 0 <= at - w.mention.end <= 3]
        if paren:
            return paren[0]
        if _BASE_NUMBER.search(self._text[max(0, at - 20):at]):
            after = [w for w in in_clause if w.mention.start >= at]
            bases = [w for w in whens if w.base and w.label and w.mention.end <= at]
            if after or bases:
                return (after or bases)[-1 if not after else 0]
        when = [w for w in whens if w.aside and w.label and w.mention.end < at
                and re.match(r"^\s*when\b", self._text[w.mention.end:w.mention.end + 8])]
        if when:
            return when[-1]
        # "the previous record of $129.2 billion set in 2022": dates its own clause
        dated = [w for w in in_clause if w.aside and w.label and 0 <= w.mention.start - at
                 <= 40 and re.search(r"\bset\b", w.mention.data["before"][-12:])]
        return dated[0] if dated else None

    def _since(self, w: When) -> str:
        """"Since the third quarter of 2023, it has accounted for …": from then to the end
        of the period the text is about."""
        a, b = _span(w.label), _span(self.period[0])
        if a is None or b is None:
            return self.period[0]
        return Span(a.start_year, a.start_month, b.end_year, b.end_month).label


def _nearest_when(items: list[When], at: int) -> When | None:
    """The item nearest to ``at`` on either side (before on a tie)."""
    def dist(w: When) -> int:
        return at - w.mention.end if w.mention.end <= at else w.mention.start - at + 1
    return min(items, key=dist) if items else None


def _shifted(bases: list[When], pending: tuple[int, int] | None
             ) -> tuple[str, str] | None:
    """A base one year back dates the claim a year later where nothing else dates it:
    "rose 12.7 percent from November last year", "grew 90% over 2020"; a base year with the
    months said before without a year ("in January … compared with the same period in
    2022") gives those months of the next year."""
    for w in bases:
        if re.fullmatch(r"\d{4}", w.label) and pending:
            year = int(w.label) + 1
            return Span(year, pending[0], year, pending[1]).label, w.mention.data["said"]
        if re.fullmatch(r"\d{4}(?:-\d{2})?", w.label):
            return f"{int(w.label[:4]) + 1}{w.label[4:]}", w.mention.data["said"]
    return None


def _near_when(items: list[When], at: int) -> When | None:
    before = [w for w in items if w.mention.end <= at]
    if before:
        return before[-1]
    return next((w for w in items if w.mention.start >= at), None)

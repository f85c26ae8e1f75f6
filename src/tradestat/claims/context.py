"""Context as a reader takes it: each claim's reporter, partner, flow, product and period come
from its own clause first, then its sentence, then what the passage said before (and, for
the reporter, the article's subject country: ``about``).

* Countries carry their role in the words (:func:`tradestat.claims.extract.countries`):
  "China's exports" (reporter), "exports to the US" (partner), "imports of American goods"
  (the origin: a partner of an import), "the U.S.-Chinese trade war" (a party to something
  else: never the reporter).
* Periods: "over 2017", "compared with September 2018", "from November last year" are the
  comparison base, not the claim's period (a base one year back dates the claim one year
  later where nothing else does); "set in 2022", "since November 2023" date something else;
  "last month", "last year", "year to date" resolve against the text's date; "the previous
  month" against the sentence's own period.
* A partner named in the sentence before carries ("trade surplus with the United States …
  Exports rose 11.3 percent"); a "respectively" list gives its items to the numbers in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tradestat.analytics.periods import Span
from tradestat.claims import lexicon as lx
from tradestat.claims.extract import Claim, Mention, topic

_ANAPHORA = re.compile(r"\s*(?:(?:the|this|that|those) (?:figures?|value|amount|number|total)|"
                       r"it|this|that)\b", re.IGNORECASE)
TOTAL = Mention("product", -1, -1, {"readings": ("TOTAL",), "said": "all products"})
_CLAUSE_RE = re.compile(r"[,;:()—]|\s-\s|\b(?:while|whereas|but|after|following|compared "
                        r"(?:with|to)|vs\.)\s", re.IGNORECASE)
_CHANGE_RE = re.compile(rf"\b(?:{lx.UP}|{lx.DOWN}|widening|narrowing)\b|%|percent|per cent",
                        re.IGNORECASE)
#: sentences that list reporters ("the fourth spot in exports, following Germany ($28.8 bn)")
#: or partners ("followed by the EU, with US$28.1 billion")
_LIST_REPORTERS = re.compile(r"\bexporters?\b|\btraders\b|\bspot\b", re.IGNORECASE)
_LIST_PARTNERS = re.compile(r"\b(?:destination|market|partner|importers? of|suppliers?)\b",
                            re.IGNORECASE)
#: product words that do not name the goods traded ("despite semiconductor shortages")
_NOT_GOODS_AFTER = re.compile(
    r"^\s*(?:shortages?|industry|industries|sector|makers?|manufacturers?|companies|firms|"
    r"giants?|prices|demand|supply|boom|cycle|manufacturing|production|output|sales|"
    r"tariffs?|stocks?)\b", re.IGNORECASE)
_NOT_GOODS_BEFORE = re.compile(r"\b(?:despite|amid|due to)\s+(?:the\s+|a\s+)?(?:\w+\s+)?$",
                               re.IGNORECASE)
#: what lies between a value and its conversion: "1.03 trillion yuan ($142 billion)",
#: "31.044 billion US dollars, or 1.025 trillion baht"
_CONVERTED = re.compile(r"^\s*(?:\(\s*(?:about|around|roughly|approximately)?|,?\s*or)\s*$",
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


#: between a name and the amount in parentheses after it
_PAREN_AFTER = re.compile(r"\s*\(\s*[-–−]?\s*")
_WITH_BEFORE = re.compile(r"\b(?:with|to|from)\s+(?:the\s+)?$", re.IGNORECASE)
#: the reporter and the partner said before, as a pair
_BOTH_SIDES = re.compile(r"\bbetween the two (?:countries|economies|nations|sides)\b|"
                         r"\bbilateral trade\b", re.IGNORECASE)
#: "in 38 months" right before "since March 2022"
_MONTHS_SINCE = re.compile(rf"\bin\s+(\d{{1,3}}|{'|'.join(lx.NUMBERS)})\s+months\s+since\s+$",
                           re.IGNORECASE)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else lx.NUMBERS[word.lower()]


#: what lies between a "from" part's period and a number of the "to" part after it
_TO_NEXT = re.compile(r"\s+to\b[^.;,]*$")


def _first(found: list[Mention], kind: str) -> Mention | None:
    return next((m for m in found if m.kind == kind), None)


def _near(items: list[Mention], at: int) -> Mention | None:
    """The item nearest before ``at``, else the first after it."""
    before = [m for m in items if m.end <= at]
    if before:
        return before[-1]
    return next((m for m in items if m.start >= at), None)


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of a sentence: cut at punctuation and at "while", "but", "after" …; a
    parenthesis without a number ("(by HS code)", "(EA19)") does not cut."""
    out, pos = [], start
    for m in _CLAUSE_RE.finditer(text, start, end):
        if m.group(0) in "()" and _wordy_parenthesis(text, m.start()):
            continue
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.start() if m.group(0)[0].isalpha() else m.end()
    out.append((pos, end))
    return out


def _span(label: str | None) -> Span | None:
    """The span of a period label; None for none or a span of days ("2024-03-01..")."""
    try:
        return Span.parse(label) if label else None
    except ValueError:
        return None


def _wordy_parenthesis(text: str, at: int) -> bool:
    """The parenthesis at ``at`` encloses words only."""
    if text[at] == "(":
        close = text.find(")", at)
        inside = text[at:close] if 0 < close - at < 40 else "0"
    else:
        open_ = text.rfind("(", max(0, at - 40), at)
        inside = text[open_:at] if open_ >= 0 else "0"
    return not re.search(r"\d", inside)


@dataclass
class When:
    """A period mention resolved: its label, and whether it is a comparison base or dates
    something else (an aside)."""

    mention: Mention
    label: str | None
    base: bool
    aside: bool
    explicit_year: int | None


class Context:
    """What the text has said so far."""

    def __init__(self, dated: str | None = None, about: str | None = None) -> None:
        """``dated``: when the text was written (YYYY-MM-DD); ``about``: the country the
        text is about (ISO3), the reporter where no sentence names one."""
        self.about = about
        self.reporter: tuple[str, str] | None = None  # (code, how it was said)
        self.partner: str | None = None
        self.flow: str | None = None
        self.subject: Mention | None = None
        self.period: tuple[str, str] | None = None  # (label, as said)
        self.year: int | None = None
        self.dated = (int(dated[:4]), int(dated[5:7])) if dated and len(dated) >= 7 else None
        self.currency: str | None = None
        self.fresh = False
        self.list_role: str | None = None
        self.total = TOTAL
        self._text = ""
        self._sentence = (0, 0)
        #: the months of a period said without a year the text could not resolve
        self.pending: tuple[int, int] | None = None
        #: claims made while ``pending`` could not be resolved, dated once a year is found
        self.undated: list[tuple[Claim, tuple[int, int]]] = []

    # -- periods ---------------------------------------------------------------------------

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

    # -- who -------------------------------------------------------------------------------

    def _roles(self, places: list[Mention], flow: str | None, reporter: str | None,
               gap: str = "reporter") -> tuple[list[Mention], list[Mention]]:
        """Countries as reporters and as partners, given the flow and the reporter so far;
        a gapped country ("…, and Hong Kong $219.8 billion") takes the role ``gap``."""
        reps, parts = [], []
        for p in places:
            role = p.data["role"]
            if role == "gapped":
                role = gap
            if role == "reporter" or (role == "from" and flow != "import") or (
                    role == "origin" and flow == "export") or (
                    role == "subject" and self.list_role != "partner") or (
                    role in ("bare", "parallel") and self.list_role == "reporter"):
                reps.append(p)
            elif role in ("partner",) or (role in ("from", "origin") and flow == "import") or (
                    role in ("bare", "parallel", "subject") and self.list_role == "partner"
            ) or (
                    role == "parallel" and reporter and p.data["code"] != reporter):
                parts.append(p)
        return reps, parts

    def _who(self, found: list[Mention], at: int, clause: tuple[int, int], flow: str | None
             ) -> tuple[tuple[str, str] | None, str | None, list[str]]:
        """(reporter, partner, fields taken from beyond the sentence) for a number at ``at``."""
        places = [m for m in found if m.kind == "country"]
        own = [m for m in places if clause[0] <= m.start < clause[1]]
        gap = "partner" if any(m.data["role"] == "partner" for m in places) else "reporter"
        reps, parts = self._roles(own, flow, None, gap)
        s_reps, s_parts = self._roles(places, flow, None, gap)
        rep = self._paren_owner(places, at) or _near(reps, at) or _near(s_reps, at)
        carried = []
        reporter = (rep.data["code"], rep.data["said"]) if rep else None
        if reporter is None:
            reporter = self.reporter or ((self.about, "") if self.about else None)
            carried.append("reporter")
        if not parts and reporter:  # "The United States now accounts for 10% of German exports"
            parts = [p for p in own if p.data["role"] in ("bare", "parallel", "subject")
                     and p.data["code"] != reporter[0] and self.list_role != "reporter"]
        part = (self._named_before(places, at, reporter) or _near(parts, at)
                or _near([p for p in s_parts if p is not rep], at))
        # the partner of the sentence before carries, unless this one names its reporter
        partner = part.data["code"] if part else (None if s_reps else self.partner)
        if part is None and self.partner and _BOTH_SIDES.search(self._text, *self._sentence):
            partner = self.partner  # "trade between the two countries": the pair said before
        if part is None and partner:
            carried.append("partner")
        if partner == "WLD" or (reporter and partner == reporter[0]):
            partner = None
        return reporter, partner, carried

    def _paren_owner(self, places: list[Mention], at: int) -> Mention | None:
        """"… ahead of Japan ($32.5 billion)": an amount in parentheses right after a country
        that is not a partner (no "with/to/from" before it) is that country's own figure."""
        for p in places:
            if (p.end <= at and _PAREN_AFTER.fullmatch(self._text[p.end:at])
                    and p.data["role"] not in ("partner", "party")
                    and not _WITH_BEFORE.search(self._text[max(0, p.start - 12):p.start])):
                return p
        return None

    def _named_before(self, places: list[Mention], at: int,
                      reporter: tuple[str, str] | None) -> Mention | None:
        """"… than that with China (-US$1.3 billion)": an amount in parentheses right after a
        partner (or a partner compared with) is that partner's figure; after "ahead of Japan"
        it would be Japan's own, not a partner's."""
        for p in places:
            as_partner = p.data["role"] == "partner" or _WITH_BEFORE.search(
                self._text[max(0, p.start - 12):p.start])
            if (as_partner and p.end <= at and _PAREN_AFTER.fullmatch(self._text[p.end:at])
                    and (reporter is None or p.data["code"] != reporter[0])):
                return p
        return None

    # -- one claim -------------------------------------------------------------------------

    def _flow(self, found: list[Mention], at: int, clause: tuple[int, int]) -> str | None:
        flows = [m for m in found if m.kind == "flow"]
        own = [m for m in flows if clause[0] <= m.start < clause[1]]
        m = _near(own, at) or _near(flows, at)
        return m.data["flow"] if m else self.flow

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

    def _product_for(self, found: list[Mention], at: int, clause: tuple[int, int],
                     objects: set[int]) -> Mention | None:
        goods = [m for m in found if m.kind == "product"]
        own = [m for m in goods if clause[0] <= m.start < clause[1]]
        before = [m for m in goods if m.end <= at]
        pick = _near(own, at) or (before[-1] if before else None) or next(
            (m for m in goods if m.start >= at and id(m) not in objects), None)
        if pick:
            return _joined(pick, goods, self._text)
        # a text that names no product speaks of all products
        return self.total if self.fresh else (self.subject or self.total)

    def _claim(self, kind: str, m: Mention, text: str, sentence: tuple[int, int],
               parts: dict) -> Claim:
        s, e = sentence
        clause = parts["clause"]
        c = Claim(kind, text[m.start:m.end], (m.start, m.end), text[s:e].strip(),
                  topic=_topic(text, clause, (s, e)))
        reporter, c.partner, carried = self._who(parts["found"], m.start, clause,
                                                 parts["flow"])
        c.reporter = reporter[0] if reporter else None
        c.flow = parts["flow"]
        c.period, c.period_said = parts["period"] or (None, None)
        if c.period is None and self.pending:
            self.undated.append((c, self.pending))
        subject = parts["subject"]
        if subject is not None:
            c.products, c.product_said = subject.data["readings"], subject.data["said"]
        c.carried = carried + [f for f in ("flow", "period") if f not in parts["own"]
                               and getattr(c, f) is not None]
        if subject is not None and subject is not TOTAL and not (s <= subject.start < e):
            c.carried.append("product")
        if reporter and not reporter[1] and "reporter" in c.carried:
            c.notes.append(f"no reporter named: {reporter[0]} "
                           + ("taken from the text's subject (--about)"
                              if reporter[0] == self.about
                              else f"inferred from the {self.currency} figure"))
        return c

    # -- one sentence ----------------------------------------------------------------------

    def read_sentence(self, text: str, start: int, end: int, found: list[Mention],
                      claims: list[Claim]) -> None:
        """Add the sentence's claims to ``claims`` and carry its context forward."""
        self._text, self._sentence = text, (start, end)
        found = [m for m in found if m.kind != "product" or _names_goods(text, m)]
        spans = clauses(text, start, end)
        sentence = text[start:end]
        self.list_role = ("reporter" if _LIST_REPORTERS.search(sentence) else "partner"
                          if _LIST_PARTNERS.search(sentence) else self.list_role)
        whens = self._periods(found, text, spans)
        own = {k for k, kind in (("flow", "flow"), ("period", "period")) if _first(found, kind)}
        self._currency(found)
        # a period relative to the text's ("A year earlier, they were …") keeps its subject
        dated = any(m.kind == "period" and m.data.get("rel") != "year-earlier" for m in found)
        self.fresh = bool(any(m.kind == "country" and m.data["role"] == "reporter"
                              for m in found) or dated) and not _ANAPHORA.match(
            sentence) and _first(found, "product") is None
        objects, comparisons = self._comparisons(found, text, start, end)
        new = self._numbers(found, text, (start, end), spans, whens, objects, own)
        new += self._compared(comparisons, found, text, (start, end), spans, whens, objects,
                              own)
        self._respectively(new, found, sentence, start)
        self._finish(new, claims, found, whens, objects)

    def _parts(self, m: Mention, found: list[Mention], spans: list[tuple[int, int]],
               whens: list[When], objects: set[int], own: set[str]) -> dict:
        clause = next(((s, e) for s, e in spans if s <= m.start < e), spans[-1])
        flow = self._flow(found, m.start, clause)
        if m.kind == "rank" and m.data.get("flow") and not _first(found, "flow"):
            flow = m.data["flow"]
        return {"clause": clause, "found": found, "flow": flow, "own": own,
                "period": self._period_for(whens, m.start, clause, found),
                "subject": self._product_for(found, m.start, clause, objects)}

    def _numbers(self, found, text, sentence, spans, whens, objects, own) -> list[Claim]:
        new: list[Claim] = []
        for m in found:
            if m.kind not in ("money", "growth", "share", "rank", "quantity", "record"):
                continue
            parts = self._parts(m, found, spans, whens, objects, own)
            kind = {"money": "value", "record": "comparison"}.get(m.kind, m.kind)
            c = self._claim(kind, m, text, sentence, parts)
            if kind == "value" and c.flow == "balance":
                kind = c.kind = "balance"
            self._fill(c, m, new)
            new.append(c)
        return new

    def _compared(self, comparisons, found, text, sentence, spans, whens, objects, own
                  ) -> list[Claim]:
        new: list[Claim] = []
        for verb, objs in comparisons:
            for n, obj in enumerate(objs):
                m = Mention("compare", obj.start if n else verb.start, obj.end, verb.data)
                parts = self._parts(verb, [x for x in found if id(x) not in objects], spans,
                                    whens, objects, own)
                c = self._claim("comparison", m, text, sentence, parts)
                c.comparison = {"relation": verb.data["relation"], "said": obj.data["said"],
                                "currency": self.currency}
                if obj.kind == "country" and text[verb.start:verb.end].lower().startswith(
                        "second only"):  # a rank: second, behind the one named
                    c.kind, c.rank, c.comparison = "rank", 2, None
                    c.ranked = {"by": "reporter", "behind": obj.data["code"]}
                    new.append(c)
                    continue
                if obj.kind == "country":  # "more than South Korea"; "overtook China as
                    # Taiwan's largest export destination": partners where the claim has one
                    who = "partners" if c.partner else "reporters"
                    c.comparison[who] = [obj.data["code"]]
                    c.comparison["products"] = list(c.products)
                else:
                    c.comparison["products"] = list(obj.data["readings"])
                new.append(c)
        return new

    def _respectively(self, new: list[Claim], found: list[Mention], sentence: str,
                      start: int) -> None:
        """"Exports and imports were X and Y, respectively": the k-th number, the k-th item."""
        at = sentence.lower().find("respectively")
        if at < 0:
            return
        nums = [c for c in new if c.span[0] < start + at and c.converts is None
                and c.kind in ("value", "growth")]
        first = nums[0].span[0] if nums else 0
        for kind, field in (("flow", "flow"), ("country", "partner")):
            items = [m for m in found if m.kind == kind and m.end <= first
                     and (kind == "flow" or m.data["role"] in ("partner", "bare"))]
            if len(items) >= 2 and len(nums) >= 2:
                for c, m in zip(nums, items, strict=False):
                    setattr(c, field, m.data["flow" if kind == "flow" else "code"])
        for c in new:
            if c.converts is not None and c.converts < len(new):
                src = new[c.converts]
                c.flow, c.partner = src.flow, src.partner

    def _finish(self, new: list[Claim], claims: list[Claim], found: list[Mention],
                whens: list[When], objects: set[int]) -> None:
        converted = {id(c): new[c.converts] for c in new if c.converts is not None}
        new.sort(key=lambda c: c.span)
        claims.extend(new)
        for c in new:
            if id(c) in converted:
                c.converts = next(i for i, x in enumerate(claims) if x is converted[id(c)])
        self._carry(new, found, whens, objects)

    def _carry(self, new: list[Claim], found: list[Mention], whens: list[When],
               objects: set[int]) -> None:
        first = new[0] if new else None
        named = [c for c in new if "reporter" not in c.carried and c.reporter]
        reps = [m for m in found if m.kind == "country" and m.data["role"] == "reporter"]
        if named:
            self.reporter = (named[0].reporter, named[0].reporter)
        elif reps:
            self.reporter = (reps[0].data["code"], reps[0].data["said"])
        if first is not None:
            self.partner = first.partner
            self.flow = first.flow or self.flow
            if first.period:
                self.period = (first.period, first.period_said)
        else:
            ok = [w for w in whens if w.label and not w.base and not w.aside]
            if ok:
                self.period = (ok[0].label, ok[0].mention.data["said"])
            flow = _first(found, "flow")
            self.flow = flow.data["flow"] if flow else self.flow
            partner = next((m for m in found if m.kind == "country"
                            and m.data["role"] == "partner"), None)
            self.partner = partner.data["code"] if partner else None
        subject = next((m for m in found if m.kind == "product" and id(m) not in objects),
                       None)
        if subject is not None:
            self.subject = subject

    def _currency(self, found: list[Mention]) -> None:
        money = next((m for m in found if m.kind == "money"
                      and m.data["currency"] != "context"), None)
        if money:
            self.currency = money.data["currency"]
        implied = lx.CURRENCY_REPORTER.get(self.currency or "")
        if self.reporter is None and self.about is None and implied:
            self.reporter = (implied, "")

    def _fill(self, c: Claim, m: Mention, claims: list[Claim]) -> None:
        if m.kind == "record":
            c.comparison = {"relation": "record", "said": m.data["said"], "products": []}
            return
        if m.kind == "quantity":
            c.value = dict(m.data)
            return
        if m.kind == "money":
            c.value = dict(m.data)
            if c.value["currency"] == "context":
                c.value["currency"] = self.currency
                c.notes.append(f"no currency stated: {self.currency}, as in the text before")
            prev = claims[-1] if claims else None
            between = self._text[prev.span[1]:m.start] if prev is not None else ""
            if (prev is not None and prev.kind in ("value", "balance") and prev.value
                    and prev.value["currency"] != m.data["currency"]
                    and c.sentence == prev.sentence and _CONVERTED.match(between)):
                c.converts = len(claims) - 1  # within the sentence; made global after
        elif m.kind == "growth":
            c.growth = dict(m.data) | {"currency": self.currency}
        elif m.kind == "share":
            c.share = dict(m.data)
        else:
            c.rank = m.data["rank"]
            c.flow = m.data["flow"] or c.flow
            by = m.data.get("by", "reporter")
            if by == "reporter" and c.partner and self.list_role == "partner":
                by = "partner"  # "Among importers of Chinese vehicles, Russia ranked first"
            c.ranked = {"by": by, "top": m.data.get("top")}

    @staticmethod
    def _comparisons(found: list[Mention], text: str, start: int, end: int
                     ) -> tuple[set[int], list[tuple[Mention, list[Mention]]]]:
        """Each comparison verb with what it compares to (up to the clause end): products,
        else a country ("more than South Korea": another reporter)."""
        from tradestat.claims.extract import _CLAUSE_END

        verbs = [m for m in found if m.kind == "compare"]
        out, objects = [], set()
        for i, verb in enumerate(verbs):
            stop = _CLAUSE_END.search(text, verb.end, end)
            limit = min(stop.start() if stop else end,
                        verbs[i + 1].start if i + 1 < len(verbs) else end)
            objs = [m for m in found if m.kind == "product" and verb.end <= m.start < limit]
            if not objs:
                objs = [m for m in found if m.kind == "country" and verb.end <= m.start < limit
                        and m.data["role"] != "party"][:1]
            if objs:
                out.append((verb, objs))
                objects.update(id(o) for o in objs)
        return objects, out


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


def _joined(pick: Mention, goods: list[Mention], text: str) -> Mention:
    """"semiconductors and ICs": the wider of two products joined by "and" where it holds
    the other, read in its wide sense only."""
    for other in goods:
        a, b = sorted((pick, other), key=lambda m: m.start)
        if other is pick or not re.fullmatch(r"\s+and\s+", text[a.end:b.start]):
            continue
        wide, narrow = (a, b) if len(a.data["readings"]) > 1 else (b, a)
        if narrow.data["readings"][0] in wide.data["readings"][1:]:
            return Mention("product", a.start, b.end, {
                "readings": wide.data["readings"][:1], "said": text[a.start:b.end]})
    return pick


def _near_when(items: list[When], at: int) -> When | None:
    before = [w for w in items if w.mention.end <= at]
    if before:
        return before[-1]
    return next((w for w in items if w.mention.start >= at), None)


def _names_goods(text: str, m: Mention) -> bool:
    """A product word names the goods traded, not "semiconductor shortages" or "chipmakers"."""
    return not (_NOT_GOODS_AFTER.match(text[m.end:m.end + 30])
                or _NOT_GOODS_BEFORE.search(text[max(0, m.start - 30):m.start]))


def _topic(text: str, clause: tuple[int, int], sentence: tuple[int, int]) -> str:
    """The clause's own topic where its words say one, else the sentence's."""
    words = text[clause[0]:clause[1]]
    if lx.NOT_TRADE_RE["forecast"].search(words):
        return "forecast"
    for name in ("production", "sales"):
        if lx.NOT_TRADE_RE[name].search(words) and not lx.FLOW_RE.search(words):
            return name
    if lx.FLOW_RE.search(words) or lx.TRADE_RE.search(words):
        return "trade"
    return topic(text[sentence[0]:sentence[1]])

"""Context across sentences: who, what, which flow and when, so that "The figure surpasses
car exports" in one sentence is read against the figure stated in the sentence before.

A sentence's own mentions win; what it leaves out is carried from earlier sentences (and
listed in the claim's ``carried``); a reporter no sentence names may be implied by the
currency ("yuan": China), and the claim's notes say so.
"""

from __future__ import annotations

import re

from tradestat.analytics.periods import Span
from tradestat.claims import lexicon as lx
from tradestat.claims.extract import Claim, Mention, topic

_ANAPHORA = re.compile(r"\s*(?:(?:the|this|that) (?:figure|value|amount|number|total)|it|this|"
                       r"that)\b", re.IGNORECASE)
TOTAL = Mention("product", -1, -1, {"readings": ("TOTAL",), "said": "all products"})


def _first(found: list[Mention], kind: str) -> Mention | None:
    return next((m for m in found if m.kind == kind), None)


class Context:
    """What the text has said so far."""

    def __init__(self, dated: str | None = None) -> None:
        """``dated``: when the text was written (YYYY-MM-DD); its year is the default year
        of periods given without one ("in November")."""
        self.reporter: tuple[str, str] | None = None  # (code, how it was said)
        self.flow: str | None = None
        self.subject: Mention | None = None
        self.period: tuple[str, str] | None = None  # (span label, as said)
        self.year: int | None = int(dated[:4]) if dated else None
        self.dated = (int(dated[:4]), int(dated[5:7])) if dated else None
        self.currency: str | None = None
        self.fresh = False
        self.partner: str | None = None
        self.total = TOTAL

    # -- the parts of one sentence ---------------------------------------------------------

    def _period(self, m: Mention | None) -> tuple[str, str] | None:
        if m is None:
            return None
        m0, m1 = m.data["months"]
        year = m.data["year"] or self.year
        if year is None:
            return None
        if not m.data["year"] and self.dated and year == self.dated[0] and m1 >= self.dated[1]:
            year -= 1  # "in November", written in March: last November
        if m.data["year"]:
            self.year = year  # a stated year carries on; one inferred from the date does not
        return Span(year, m0, year, m1).label, m.data["said"]

    def _update(self, found: list[Mention], text: str) -> None:
        flow = _first(found, "flow") or next((m for m in found if m.kind == "rank"
                                              and m.data["flow"]), None)
        if flow:
            self.flow = flow.data["flow"]
        # "exports to the US", "imports from Japan", "trade with Korea": partners;
        # "exports from Korea": the reporter
        partner_preps = ("to", "with", "from") if self.flow == "import" else ("to", "with")
        places = [m for m in found if m.kind == "country"]
        country = next((m for m in places if m.data["prep"] not in partner_preps), None)
        if country:
            self.reporter = (country.data["code"], country.data["said"])
        partner = next((m for m in places if m.data["prep"] in partner_preps), None)
        self.partner = partner.data["code"] if partner else None  # never carried
        period = self._period(_first(found, "period"))
        if period:
            self.period = period
        money = _first(found, "money")
        if money:
            self.currency = money.data["currency"]
        if self.reporter is None and self.currency in lx.CURRENCY_REPORTER:
            self.reporter = (lx.CURRENCY_REPORTER[self.currency], "")

    def _subject_for(self, found: list[Mention], at: int, objects: set[int]) -> Mention | None:
        """The product a number at ``at`` is about: the nearest before it in the sentence,
        else the first after it that is no comparison's object, else the context's."""
        before = [m for m in found if m.kind == "product" and m.end <= at]
        if before:
            return before[-1]
        after = [m for m in found if m.kind == "product" and m.start >= at
                 and id(m) not in objects]
        if after:
            return after[0]
        return self.total if self.fresh else self.subject

    def _claim(self, kind: str, m: Mention, text: str, sentence: tuple[int, int],
               subject: Mention | None, own: set[str]) -> Claim:
        s, e = sentence
        c = Claim(kind, text[m.start:m.end], (m.start, m.end), text[s:e].strip(),
                  topic=topic(text[s:e]))
        c.reporter = self.reporter[0] if self.reporter else None
        c.partner = self.partner
        c.flow = self.flow
        c.period, c.period_said = self.period or (None, None)
        if subject is not None:
            c.products, c.product_said = subject.data["readings"], subject.data["said"]
        c.carried = [f for f in ("reporter", "flow", "period") if f not in own
                     and getattr(c, f) is not None]
        if subject is not None and subject is not TOTAL and not (s <= subject.start < e):
            c.carried.append("product")
        if self.reporter and not self.reporter[1]:
            c.notes.append(f"no reporter named: {self.reporter[0]} inferred from the "
                           f"{self.currency} figure")
        return c

    # -- one sentence ----------------------------------------------------------------------

    def read_sentence(self, text: str, start: int, end: int, found: list[Mention],
                      claims: list[Claim]) -> None:
        """Add the sentence's claims to ``claims`` and carry its context forward."""
        self._update(found, text)
        own = {k for k, kind in (("reporter", "country"), ("flow", "flow"),
                                 ("period", "period")) if _first(found, kind)}
        # a sentence that names its own reporter or period but no product, and does not
        # point back ("The figure", "It"), is about all products
        self.fresh = bool(own & {"reporter", "period"}) and not _ANAPHORA.match(
            text[start:end]) and _first(found, "product") is None
        objects, comparisons = self._comparisons(found, text, start, end)
        new: list[Claim] = []
        first_subject = None
        for m in found:
            if m.kind not in ("money", "growth", "share", "rank"):
                continue
            subject = self._subject_for(found, m.start, objects)
            first_subject = first_subject or subject
            kind = "value" if m.kind == "money" else m.kind
            c = self._claim(kind, m, text, (start, end), subject, own)
            self._fill(c, m, new)
            new.append(c)
        for verb, objs in comparisons:
            subject = self._subject_for([x for x in found if id(x) not in objects],
                                        verb.start, objects)
            for n, obj in enumerate(objs):
                m = Mention("compare", obj.start if n else verb.start, obj.end, verb.data)
                c = self._claim("comparison", m, text, (start, end), subject, own)
                c.comparison = {"relation": verb.data["relation"],
                                "products": list(obj.data["readings"]),
                                "said": obj.data["said"],
                                "currency": self.currency}
                new.append(c)
        converted = {id(c): new[c.converts] for c in new if c.converts is not None}
        new.sort(key=lambda c: c.span)
        claims.extend(new)
        for c in new:
            if id(c) in converted:
                c.converts = next(i for i, x in enumerate(claims) if x is converted[id(c)])
        subject = first_subject or next((m for m in found if m.kind == "product"
                                         and id(m) not in objects), None)
        if subject is not None and subject is not TOTAL:
            self.subject = subject

    def _fill(self, c: Claim, m: Mention, claims: list[Claim]) -> None:
        if m.kind == "money":
            c.value = dict(m.data)
            prev = claims[-1] if claims else None
            if (prev is not None and prev.kind == "value" and prev.value
                    and prev.value["currency"] != m.data["currency"]
                    and c.sentence == prev.sentence
                    and 0 <= m.start - prev.span[1] <= 6):
                c.converts = len(claims) - 1  # within the sentence; made global after
        elif m.kind == "growth":
            c.growth = dict(m.data) | {"currency": self.currency}
        elif m.kind == "share":
            c.share = dict(m.data)
        else:
            c.rank = m.data["rank"]
            c.flow = m.data["flow"] or c.flow

    @staticmethod
    def _comparisons(found: list[Mention], text: str, start: int, end: int
                     ) -> tuple[set[int], list[tuple[Mention, list[Mention]]]]:
        """Each comparison verb with the products it compares to (up to the clause end)."""
        from tradestat.claims.extract import _CLAUSE_END

        verbs = [m for m in found if m.kind == "compare"]
        out, objects = [], set()
        for i, verb in enumerate(verbs):
            stop = _CLAUSE_END.search(text, verb.end, end)
            limit = min(stop.start() if stop else end,
                        verbs[i + 1].start if i + 1 < len(verbs) else end)
            objs = [m for m in found if m.kind == "product" and verb.end <= m.start < limit]
            if objs:
                out.append((verb, objs))
                objects.update(id(o) for o in objs)
        return objects, out

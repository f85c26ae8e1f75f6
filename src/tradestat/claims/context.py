"""Context as a reader takes it: each claim's reporter, partner, flow, product and period come
from its own clause first, then its sentence, then what the passage said before (and, for
the reporter, the article's subject country: ``about``).

:class:`Context` reads one sentence at a time (:meth:`Context.read_sentence`): its clauses,
the numbers and comparisons in them, and what carries to the next sentence. Who a number is
about is :mod:`tradestat.claims.who`, its period :mod:`tradestat.claims.when`; here are the
product, the flow, the currency and the claims themselves. A "respectively" list gives its
items to the numbers in order.
"""

from __future__ import annotations

import re

from tradestat.claims import lexicon as lx
from tradestat.claims.extract import Claim, Mention, topic
from tradestat.claims.when import Periods, When
from tradestat.claims.who import Roles, near

_ANAPHORA = re.compile(r"\s*(?:(?:the|this|that|those) (?:figures?|value|amount|number|total)|"
                       r"it|this|that)\b", re.IGNORECASE)
TOTAL = Mention("product", -1, -1, {"readings": ("TOTAL",), "said": "all products"})
_CLAUSE_RE = re.compile(r"[,;:()—]|\s-\s|\b(?:while|whereas|but|after|following|compared "
                        r"(?:with|to)|vs\.)\s", re.IGNORECASE)
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


def _first(found: list[Mention], kind: str) -> Mention | None:
    return next((m for m in found if m.kind == kind), None)


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


def _wordy_parenthesis(text: str, at: int) -> bool:
    """The parenthesis at ``at`` encloses words only."""
    if text[at] == "(":
        close = text.find(")", at)
        inside = text[at:close] if 0 < close - at < 40 else "0"
    else:
        open_ = text.rfind("(", max(0, at - 40), at)
        inside = text[open_:at] if open_ >= 0 else "0"
    return not re.search(r"\d", inside)


class Context(Periods, Roles):
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

    # -- one claim -------------------------------------------------------------------------

    def _flow(self, found: list[Mention], at: int, clause: tuple[int, int]) -> str | None:
        flows = [m for m in found if m.kind == "flow"]
        own = [m for m in flows if clause[0] <= m.start < clause[1]]
        m = near(own, at) or near(flows, at)
        return m.data["flow"] if m else self.flow

    def _product_for(self, found: list[Mention], at: int, clause: tuple[int, int],
                     objects: set[int]) -> Mention | None:
        goods = [m for m in found if m.kind == "product"]
        own = [m for m in goods if clause[0] <= m.start < clause[1]]
        before = [m for m in goods if m.end <= at]
        pick = near(own, at) or (before[-1] if before else None) or next(
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

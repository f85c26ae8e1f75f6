"""Who a number is about, for :class:`~tradestat.claims.context.Context`.

Countries carry their role in the words (:func:`tradestat.claims.extract.countries`):
"China's exports" (reporter), "exports to the US" (partner), "imports of American goods" (the
origin: a partner of an import), "the U.S.-Chinese trade war" (a party to something else:
never the reporter). A partner named in the sentence before carries ("trade surplus with the
United States … Exports rose 11.3 percent"); an amount in parentheses right after a country
is that country's own figure, or the partner's after "with".
"""

from __future__ import annotations

import re

from tradestat.claims.extract import Mention

#: between a name and the amount in parentheses after it
_PAREN_AFTER = re.compile(r"\s*\(\s*[-–−]?\s*")
_WITH_BEFORE = re.compile(r"\b(?:with|to|from)\s+(?:the\s+)?$", re.IGNORECASE)
#: the reporter and the partner said before, as a pair
_BOTH_SIDES = re.compile(r"\bbetween the two (?:countries|economies|nations|sides)\b|"
                         r"\bbilateral trade\b", re.IGNORECASE)


def near(items: list[Mention], at: int) -> Mention | None:
    """The item nearest before ``at``, else the first after it."""
    before = [m for m in items if m.end <= at]
    if before:
        return before[-1]
    return next((m for m in items if m.start >= at), None)


class Roles:
    """The reporter and partner part of the context. It reads the context's ``reporter``,
    ``partner``, ``about``, ``list_role``, ``_text`` and ``_sentence``
    (:class:`~tradestat.claims.context.Context` holds them)."""

    reporter: tuple[str, str] | None
    partner: str | None
    about: str | None
    list_role: str | None
    _text: str
    _sentence: tuple[int, int]

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
        rep = self._paren_owner(places, at) or near(reps, at) or near(s_reps, at)
        carried = []
        reporter = (rep.data["code"], rep.data["said"]) if rep else None
        if reporter is None:
            reporter = self.reporter or ((self.about, "") if self.about else None)
            carried.append("reporter")
        if not parts and reporter:  # "The United States now accounts for 10% of German exports"
            parts = [p for p in own if p.data["role"] in ("bare", "parallel", "subject")
                     and p.data["code"] != reporter[0] and self.list_role != "reporter"]
        part = (self._named_before(places, at, reporter) or near(parts, at)
                or near([p for p in s_parts if p is not rep], at))
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

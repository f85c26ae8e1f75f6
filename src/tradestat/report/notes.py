"""The caveats under a report's headline: numbered notes, each kind of warning said once per
subject (the figure, the comparison, the ranking), with country names where the analytics
give codes, and the long lists (months missing for 72 reporters) grouped.

    >>> book = Notes()
    >>> book.about("Ranking", ranking.warnings)                          # doctest: +SKIP
    [1, 2]
    >>> [n.text for n in book.items]                                     # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tradestat import fmt

if TYPE_CHECKING:
    from tradestat.analytics.guards import CoverageWarning

#: Names shown before "and N more".
NAMES = 3
#: Distinct gaps (sets of missing months) described before "and N more reporters".
GAPS = 3
#: Messages of one kind quoted in a note before "and N more (see Warnings)".
MESSAGES = 2
_CODE = re.compile(r"\b(?:[A-Z]{3}|S19)\b")
_SPAN = re.compile(r"\b(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})\b")
_MONTH = re.compile(r"\b(\d{4})-(\d{2})\b")


@dataclass
class Note:
    number: int
    subject: str
    text: str
    codes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"number": self.number, "subject": self.subject, "text": self.text,
                "codes": list(self.codes)}

    def __str__(self) -> str:
        return f"{self.number}. {self.subject}: {self.text}"


class Notes:
    """The numbered notes of one report; a text already given is given its number again."""

    def __init__(self) -> None:
        self.items: list[Note] = []
        self._said: dict[str, int] = {}

    def add(self, subject: str, text: str, codes: Iterable[str] = ()) -> int:
        key = text  # said once, under the first subject it concerns
        if key not in self._said:
            self.items.append(Note(len(self.items) + 1, subject, text, list(codes)))
            self._said[key] = len(self.items)
        return self._said[key]

    def about(self, subject: str, warnings: Iterable[CoverageWarning],
              skip: Iterable[str] = ()) -> list[int]:
        """One note per kind of warning (codes in ``skip`` left out); their numbers."""
        by_code: dict[str, list[CoverageWarning]] = {}
        for w in warnings:
            if w.code not in skip:
                by_code.setdefault(w.code, []).append(w)
        return [self.add(subject, describe(code, items), [code])
                for code, items in by_code.items()]


def describe(code: str, items: list[CoverageWarning], full: bool = False) -> str:
    """Warnings of one kind as one sentence a reader can act on (``full``: every name and
    gap, for the Warnings section; otherwise the first few and a count)."""
    if code == "missing-month" and all("reporter" in w.detail for w in items):
        return gaps(items, full)
    if code == "basket-translated":
        return concordance(items)
    messages = list(dict.fromkeys(readable(w.message) for w in items))
    more = len(messages) - MESSAGES
    text = "; ".join(messages[:MESSAGES])
    return sentence(text + (f"; and {more} more of this kind (see Warnings)" if more > 0
                            else ""))


def gaps(items: list[CoverageWarning], full: bool = False) -> str:
    """Reporters grouped by the months they miss: "United States, Japan and 4 more: no data
    for June–August 2025; …"."""
    by_months: dict[tuple, list[str]] = {}
    for w in items:
        by_months.setdefault(tuple(w.detail.get("months", ())), []).append(
            str(w.detail["reporter"]))
    groups = sorted(by_months.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    shown = groups if full else groups[:GAPS]
    parts = [f"{names(codes, full)}: no data for {months_words(list(months))}"
             for months, codes in shown]
    rest = sum(len(codes) for _, codes in groups[len(shown):])
    if rest:
        parts.append(f"{rest} more reporter{'s' * (rest != 1)} with other months missing "
                     "(see Warnings)")
    total = len(items)
    lead = (f"{total} reporters have months without data, so their totals cover fewer "
            "months. " if total > 1 else "")
    return sentence(lead + "; ".join(parts))


def concordance(items: list[CoverageWarning]) -> str:
    """Basket codes carried across HS editions, in words (the code lists stay in Warnings)."""
    used: dict[tuple[str, str], int] = {}
    for w in items:
        key = (str(w.detail.get("edition", "?")), str(w.detail.get("used")
                                                     or w.detail.get("from") or "?"))
        used[key] = used.get(key, 0) + 1
    parts = []
    for (edition, source), n in used.items():
        # the catalogue's "nearest" wording: no concordance, the nearest edition's codes used
        how = ("used as they are (no concordance is loaded)" if any(
            "used" in w.detail for w in items) else "carried through the HS concordance")
        changes = f", {n} code changes listed under Warnings" if n > 1 else ""
        parts.append(f"data reported in {edition} were matched with the basket's {source} "
                     f"codes, {how}{changes}")
    return sentence("; ".join(parts))


def months_words(months: list[str]) -> str:
    """'2025-06', '2025-07', '2025-08' -> 'June–August 2025'; gaps listed one by one."""
    if not months:
        return "some months"
    nums = [int(m[:4]) * 12 + int(m[5:7]) - 1 for m in months]
    runs: list[list[int]] = []
    for n in sorted(nums):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(fmt.span(r[0] // 12, r[0] % 12 + 1, r[-1] // 12, r[-1] % 12 + 1)
                     for r in runs)


def names(codes: list[str], full: bool = False) -> str:
    """'United States, Japan and 4 more' (``full``: every name)."""
    from tradestat.report.words import place

    shown = [place(c) for c in sorted(set(codes), key=codes.index)]
    if full or len(shown) <= NAMES + 1:
        return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return f"{', '.join(shown[:NAMES])} and {len(shown) - NAMES} more"


def readable(text: str) -> str:
    """Country codes in a message written as names ("S19 17.5 %" -> "Taiwan 17.5 %"), month
    codes as words."""
    from tradestat.reference import countries
    from tradestat.report.words import place

    def name(m: re.Match) -> str:
        found = countries.resolve(m.group(0))
        return place(found.code) if found is not None and found.code == m.group(0) else \
            m.group(0)

    text = _SPAN.sub(lambda m: fmt.span(*map(int, m.groups())), text.replace("_", " "))
    text = _MONTH.sub(lambda m: fmt.month_name(int(m.group(1)), int(m.group(2))), text)
    return _CODE.sub(name, text)


def sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."

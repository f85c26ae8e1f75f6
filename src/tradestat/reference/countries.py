"""Countries and areas: one identity from ISO3, ISO2, Comtrade/M49 numeric code or a name.

Built on ``pycountry`` (ISO 3166) plus a small table of the places where UN Comtrade's codes
differ from ISO/M49 (source: UN Comtrade reference tables "Reporters" and "Partners", and the
CEPII BACI country table V202501 that reuses them).

    >>> resolve("842").iso3, resolve("840").iso3
    ('USA', 'USA')
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry


@dataclass(frozen=True)
class Country:
    #: Code stored in the canonical record: ISO3 where one exists, else Comtrade's own code.
    code: str
    name: str
    #: UN Comtrade's numeric code (what its API and files use).
    comtrade: str | None = None
    #: UN M49 / ISO 3166-1 numeric code.
    m49: str | None = None
    iso2: str | None = None
    is_area: bool = False
    note: str = ""


# Comtrade codes that are not the ISO numeric code of the same country, and Comtrade's areas.
_COMTRADE_SPECIAL = (
    Country("WLD", "World", "0", None, None, True, "All partners (Comtrade partner 0)"),
    Country("S19", "Other Asia, nes", "490", None, None, True,
            "Comtrade reports Taiwan's trade as 'Other Asia, nes' (code 490)"),
    Country("USA", "United States", "842", "840", "US", note="Comtrade code 842; M49 code 840"),
    Country("FRA", "France", "251", "250", "FR", note="Comtrade code 251 includes Monaco"),
    Country("ITA", "Italy", "381", "380", "IT", note="Comtrade code 381 includes San Marino"),
    Country("IND", "India", "699", "356", "IN", note="Comtrade code 699; M49 code 356"),
    Country("CHE", "Switzerland", "757", "756", "CH",
            note="Comtrade code 757 includes Liechtenstein"),
    Country("NOR", "Norway", "579", "578", "NO",
            note="Comtrade code 579 includes Svalbard and Jan Mayen"),
    Country("_X", "Areas, nes", "899", None, None, True, "Areas not elsewhere specified"),
    Country("R20", "Europe EFTA, nes", "697", None, None, True),
    Country("ZA1", "Southern African Customs Union (...1999)", "711", None, None, True),
    Country("BLX", "Belgium-Luxembourg (...1998)", "58", None, None, True),
    Country("ANT", "Netherlands Antilles (...2010)", "530", "530", "AN", True),
    Country("SUN", "USSR (...1990)", "810", "810", "SU", True),
    Country("CSK", "Czechoslovakia (...1992)", "200", "200", "CS", True),
    Country("SCG", "Serbia and Montenegro (...2005)", "891", "891", "CS", True),
    Country("DDR", "Dem. Rep. of Germany (...1990)", "278", "278", "DD", True),
    Country("PUS", "US Misc. Pacific Isds", "849", None, "PU", True),
    Country("SDN", "Sudan", "729", "729", "SD"),
    Country("SDN", "Sudan (...2011)", "736", None, "SD",
            note="Sudan before South Sudan's secession"),
    Country("DEU", "Germany", "276", "276", "DE"),
    Country("DEU", "Fed. Rep. of Germany (...1990)", "280", None, "DE"),
    Country("EUR", "European Union", "97", None, None, True),
    Country("BES", "Bonaire, Sint Eustatius and Saba", "535", "535", "BQ"),
)


def _fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name or code."""
    text = "".join(c if c.isalnum() else " " for c in text.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.split())


def _iso_countries() -> dict[str, Country]:
    """ISO 3166 countries, with Comtrade's own numeric code where it differs."""
    differs = {s.code: s for s in _COMTRADE_SPECIAL if not s.is_area and s.m49}
    return {
        c.alpha_3: differs.get(c.alpha_3) or Country(
            c.alpha_3, getattr(c, "common_name", c.name), c.numeric.lstrip("0"),
            c.numeric.lstrip("0"), c.alpha_2)
        for c in pycountry.countries
    }


@lru_cache(maxsize=1)
def _index() -> dict[str, Country]:
    iso = _iso_countries()
    index: dict[str, Country] = {}
    # Weakest keys first: names, then ISO codes, then numeric codes (Comtrade's win).
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if name:
                index[_fold(name)] = iso[c.alpha_3]
    for special in _COMTRADE_SPECIAL:
        index.setdefault(_fold(special.name), special)
    for country in [*iso.values(), *_COMTRADE_SPECIAL]:
        index[_fold(country.code)] = iso.get(country.code, country)
        if country.iso2:
            index.setdefault(_fold(country.iso2), iso.get(country.code, country))
        if country.m49:
            index[country.m49] = iso.get(country.code, country)
    for special in _COMTRADE_SPECIAL:
        index[special.comtrade] = special
    index["taiwan"] = index["twn"] = index["490"]
    return index


def resolve(text: str | int) -> Country | None:
    """The country or area named by ``text`` (ISO3/ISO2, Comtrade or M49 code, or name)."""
    key = str(text).strip()
    if key.isdigit():
        key = key.lstrip("0") or "0"
    return _index().get(_fold(key) if not key.isdigit() else key)


def known_codes() -> frozenset[str]:
    """Every canonical country/area code a record may carry."""
    return frozenset(c.code for c in _index().values())

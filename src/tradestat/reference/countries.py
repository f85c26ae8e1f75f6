"""Countries and areas: one identity from ISO3, ISO2, Comtrade/M49 numeric code or a name.

Built on ``pycountry`` (ISO 3166) plus a small table of the places where UN Comtrade's codes
differ from ISO/M49, and of Comtrade's own areas. Sources of those facts: UN Comtrade's
reference lists of reporters and partners (the code, name and ISO columns its API and files
carry, e.g. partner 0 "World" with ISO "W00", 490 "Other Asia, nes" with "S19", 899 "Areas,
nes" with "_X"), and the CEPII BACI country table V202501, which reuses Comtrade's codes.

The canonical code stored in a record is the ISO 3166 alpha-3 code where one exists, else
Comtrade's own alpha code (S19, R20, ZA1 ...) or, for areas where Comtrade publishes none,
``_`` followed by the Comtrade numeric code (``_568`` "Other Europe, nes").

    >>> resolve("842").code, resolve("840").code, resolve("Türkiye").code
    ('USA', 'USA', 'TUR')
    >>> lookup("840").matched_by
    'm49'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache

import pycountry

from tradestat.errors import InputError

TAIWAN_NOTE = ("Comtrade code 490 'Other Asia, nes' is Taiwan's trade as Comtrade reports it "
               "(Comtrade lists no 'Taiwan'); as a partner it may also hold small amounts of "
               "other unspecified Asian areas")


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

    @property
    def iso3(self) -> str | None:
        """The ISO 3166 alpha-3 code, or None for Comtrade's areas."""
        return None if self.is_area else self.code

    def to_dict(self) -> dict:
        return {**asdict(self), "iso3": self.iso3}


@dataclass(frozen=True)
class Match:
    """A resolved country and how the query matched: which code system, or a name."""

    country: Country
    query: str
    #: iso3, iso2, comtrade, m49, "comtrade and m49", name or alias.
    matched_by: str
    note: str = ""

    def to_dict(self) -> dict:
        return {"query": self.query, "matched_by": self.matched_by, "note": self.note,
                **self.country.to_dict()}


def _area(code: str, name: str, comtrade: str, note: str = "") -> Country:
    return Country(code, name, comtrade, None, None, True, note)


# Comtrade codes that are not the ISO numeric code of the same country, and Comtrade's areas.
_COMTRADE_SPECIAL = (
    _area("WLD", "World", "0", "All partners (Comtrade partner 0, ISO column 'W00')"),
    _area("S19", "Other Asia, nes", "490", TAIWAN_NOTE),
    Country("USA", "United States", "842", "840", "US",
            note=""),
    Country("FRA", "France", "251", "250", "FR",
            note="Comtrade's France includes Monaco"),
    # Comtrade's files and BACI now use 380 for Italy; 381 is in older Comtrade data.
    Country("ITA", "Italy (including San Marino, older Comtrade code)", "381", None, "IT",
            note="381 is an older Comtrade code for Italy; current files use 380"),
    Country("IND", "India", "699", "356", "IN"),
    Country("CHE", "Switzerland", "757", "756", "CH",
            note="Comtrade's Switzerland includes Liechtenstein"),
    Country("NOR", "Norway", "579", "578", "NO",
            note="Comtrade's Norway includes Svalbard and Jan Mayen"),
    _area("_X", "Areas, nes", "899", "Areas not elsewhere specified"),
    _area("R20", "Europe EFTA, nes", "697"),
    _area("ZA1", "Southern African Customs Union (...1999)", "711",
          "SACU members reported jointly until 1999"),
    _area("BLX", "Belgium-Luxembourg (...1998)", "58",
          "Belgium and Luxembourg reported jointly until 1998 (BACI labels it BEL)"),
    _area("EUR", "European Union", "97"),
    _area("_80", "Br. Antarctic Terr.", "80"),
    _area("_129", "Caribbean, nes", "129"),
    _area("_221", "Eastern Europe, nes", "221"),
    _area("_290", "Northern Africa, nes", "290"),
    _area("_471", "CACM, nes", "471", "Central American Common Market, not elsewhere specified"),
    _area("_472", "Africa CAMEU region, nes", "472"),
    _area("_473", "LAIA, nes", "473", "Latin American Integration Association, nes"),
    _area("_492", "Europe EU, nes", "492"),
    _area("_527", "Oceania, nes", "527"),
    _area("_536", "Neutral Zone", "536"),
    _area("_568", "Other Europe, nes", "568"),
    _area("_577", "Other Africa, nes", "577"),
    _area("_636", "Rest of America, nes", "636"),
    _area("_637", "North America and Central America, nes", "637"),
    _area("_837", "Bunkers", "837", "Ship and aircraft supplies (bunkers)"),
    _area("_838", "Free Zones", "838"),
    _area("_839", "Special Categories", "839", "Partner withheld by the reporter"),
    _area("_879", "Western Asia, nes", "879"),
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
    Country("BES", "Bonaire, Sint Eustatius and Saba", "535", "535", "BQ"),
)

# Partners China Customs publishes in its by-country table that have no ISO or Comtrade code:
# continents and groups (totals of other rows, stored with is_aggregate), residual areas and
# territories. Known by their code only, so no name in text is taken for one of them.
_PUBLISHED_AREAS = (
    _area("_ASIA", "Asia (China Customs' continent total)", None),
    _area("_AFRICA", "Africa (China Customs' continent total)", None),
    _area("_EUROPE", "Europe (China Customs' continent total)", None),
    _area("_LATAM", "Latin America (China Customs' continent total)", None),
    _area("_NAMERICA", "North America (China Customs' continent total)", None),
    _area("_OCEANIA", "Oceania (China Customs' continent total)", None),
    _area("_ASEAN", "ASEAN (as China Customs totals it)", None,
          "Association of Southeast Asian Nations: China Customs' total of its members"),
    _area("_APEC", "APEC (as China Customs totals it)", None,
          "Asia-Pacific Economic Cooperation: China Customs' total of its members"),
    _area("_RCEP", "RCEP (as China Customs totals it)", None,
          "Regional Comprehensive Economic Partnership: China Customs' total of its members"),
    _area("_BRI", "Belt and Road countries (as China Customs totals them)", None),
    _area("_ASIA_OTH", "Other Asian territories (China Customs)", None),
    _area("_AFRICA_OTH", "Other African territories (China Customs)", None),
    _area("_EUROPE_OTH", "Other European territories (China Customs)", None),
    _area("_LATAM_OTH", "Other Latin American territories (China Customs)", None),
    _area("_NAMERICA_OTH", "Other North American territories (China Customs)", None),
    _area("_OCEANIA_OTH", "Other Oceanian territories (China Customs)", None),
    _area("_IC", "Canary Islands", None, "Part of Spain; ISO 3166 reserves IC for it"),
    _area("_XC", "Ceuta", None, "Part of Spain; ISO 3166 reserves EA for Ceuta and Melilla"),
    _area("_XL", "Melilla", None, "Part of Spain; ISO 3166 reserves EA for Ceuta and Melilla"),
)

#: Partners that are totals of other partner rows (continents, economic groups): never added
#: to the countries they total (docs/figures.md R7.3).
GROUP_PARTNERS = ("EUR", "_ASIA", "_AFRICA", "_EUROPE", "_LATAM", "_NAMERICA", "_OCEANIA",
                  "_ASEAN", "_APEC", "_RCEP", "_BRI")

#: Alpha codes other systems use for the same identity: code -> (canonical, code system).
_CODE_ALIASES = {"W00": ("WLD", "comtrade code"), "TWN": ("S19", "iso3"), "TW": ("S19", "iso2"),
                 "UK": ("GBR", "alias"), "EU": ("EUR", "alias")}

#: Common names and the short forms in Comtrade's and BACI's tables (folded on use).
_NAME_ALIASES = {
    "USA": ("United States of America", "America", "U.S.", "U.S.A."),
    "GBR": ("UK", "Britain", "Great Britain"),
    "KOR": ("South Korea", "Korea, South", "Rep. of Korea"),
    "PRK": ("North Korea", "Korea, North", "DPRK", "Dem. People's Rep. of Korea"),
    "RUS": ("Russia",),
    "TUR": ("Turkey", "Türkiye"),
    "HKG": ("Hong Kong", "China, Hong Kong SAR", "Hong Kong SAR", "Hong Kong, China"),
    "MAC": ("Macau", "Macao", "China, Macao SAR", "Macao SAR", "Macao, China"),
    "VNM": ("Viet Nam", "Vietnam"),
    "CHN": ("PRC", "Mainland China", "People's Republic of China"),
    "S19": ("Taiwan", "Chinese Taipei", "Taipei",
            "Separate Customs Territory of Taiwan, Penghu, Kinmen and Matsu"),
    "ARE": ("UAE", "Emirates"),
    "CIV": ("Ivory Coast",),
    "CPV": ("Cape Verde",),
    "SWZ": ("Swaziland",),
    "MMR": ("Burma",),
    "TLS": ("East Timor",),
    "COD": ("DRC", "DR Congo", "Congo-Kinshasa", "Dem. Rep. of the Congo"),
    "COG": ("Congo-Brazzaville", "Rep. of the Congo"),
    "BRN": ("Brunei",),
    "PSE": ("Palestine", "State of Palestine"),
    "FSM": ("Micronesia", "FS Micronesia"),
    "MKD": ("Macedonia", "TFYR of Macedonia"),
    "NLD": ("Holland",),
    "CZE": ("Czech Republic",),
    "MDA": ("Rep. of Moldova",),
    "TZA": ("United Rep. of Tanzania",),
    "LAO": ("Lao People's Dem. Rep.",),
    "MYT": ("Mayotte (Overseas France)",),
    "SXM": ("Saint Maarten",),
    "SHN": ("Saint Helena",),
    "ATF": ("Fr. South Antarctic Terr.", "French Southern and Antarctic Lands"),
    "IOT": ("Br. Indian Ocean Terr.",),
    "WLF": ("Wallis and Futuna Isds",),
    "CCK": ("Cocos Isds", "Cocos Islands"),
    "BES": ("Bonaire", "Caribbean Netherlands"),
    "BIH": ("Bosnia",),
    "VAT": ("Vatican", "Vatican City", "Holy See"),
    "HMD": ("Heard & McDonald Islands",),
    "UMI": ("United States Minor Outlying Islands", "U.S. Outlying Islands"),
    "VIR": ("United States Virgin Islands", "US Virgin Isds"),
    "SJM": ("Svalbard and Jan Mayen Islands",),
    "EUR": ("EU", "EU-27", "EU-28"),
}

#: Abbreviations in Comtrade's names, expanded word by word before matching.
_WORDS = {"isds": "island", "isd": "island", "islands": "island", "rep": "republic",
          "dem": "democratic", "br": "british", "fr": "french", "terr": "territory",
          "territories": "territory", "n": "northern", "st": "saint", "fed": "federal", "&": "and"}
_STOP = frozenset({"the", "and", "of"})


def _demojibake(text: str) -> str:
    """Undo UTF-8 read as Latin-1 ('CÃ´te' -> 'Côte'), as in some published tables."""
    if "Ã" not in text and "Â" not in text:
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def _fold(text: str) -> str:
    """Case-, accent-, punctuation- and abbreviation-insensitive form of a name."""
    text = unicodedata.normalize("NFKD", _demojibake(text)).encode("ascii", "ignore").decode()
    text = text.lower().replace("'", "").replace("&", " and ")
    words = "".join(c if c.isalnum() else " " for c in text).split()
    return " ".join(w for w in (_WORDS.get(w, w) for w in words) if w not in _STOP)


def _bare(name: str) -> str | None:
    """'Falkland Islands (Malvinas)' -> 'Falkland Islands'."""
    bare = re.sub(r"\s*\([^)]*\)", "", name)
    return bare if bare != name else None


def _inverted(name: str) -> str | None:
    """'Korea, Republic of' -> 'Republic of Korea' (ISO's comma form, turned around)."""
    head, sep, tail = name.partition(", ")
    return f"{tail} {head}" if sep and "," not in tail else None


@dataclass
class _Index:
    by_code: dict[str, Country]
    by_iso2: dict[str, Country]
    by_comtrade: dict[str, Country]
    by_m49: dict[str, Country]
    by_name: dict[str, Country]
    aliases: frozenset[str]


#: Territories Comtrade reports inside another country's code (so they have no code there).
_INCLUDED_IN = {"MCO": "France (251)", "LIE": "Switzerland (757)", "SJM": "Norway (579)"}


def _iso_country(c: object) -> Country:
    numeric = c.numeric.lstrip("0")
    name = getattr(c, "common_name", c.name)
    if c.alpha_3 in _INCLUDED_IN:
        return Country(c.alpha_3, name, None, numeric, c.alpha_2,
                       note=f"Comtrade reports {name}'s trade within {_INCLUDED_IN[c.alpha_3]}")
    return Country(c.alpha_3, name, numeric, numeric, c.alpha_2)


def _iso_countries() -> dict[str, Country]:
    """ISO 3166 countries, with Comtrade's own numeric code where it differs."""
    differs = {s.code: s for s in _COMTRADE_SPECIAL if not s.is_area and s.m49}
    return {c.alpha_3: differs.get(c.alpha_3) or _iso_country(c)
            for c in pycountry.countries if c.alpha_3 != "TWN"}


def _names(index: _Index, iso: dict[str, Country]) -> None:
    for c in pycountry.countries:
        target = iso.get(c.alpha_3) or index.by_code["S19"]
        for name in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            for form in (name, _inverted(name or ""), _bare(name or "")):
                if form:
                    index.by_name.setdefault(_fold(form), target)
    for special in _COMTRADE_SPECIAL:
        index.by_name.setdefault(_fold(special.name), special)
    for code, names in _NAME_ALIASES.items():
        for name in names:
            index.by_name[_fold(name)] = index.by_code[code]


@lru_cache(maxsize=1)
def _index() -> _Index:
    iso = _iso_countries()
    index = _Index({}, {}, {}, {}, {}, frozenset(_fold(n) for v in _NAME_ALIASES.values()
                                                  for n in v))
    for country in iso.values():
        index.by_code[country.code] = country
        index.by_iso2[country.iso2 or ""] = country
        index.by_m49[country.m49 or ""] = country
        index.by_comtrade[country.comtrade or ""] = country
    for special in _COMTRADE_SPECIAL:
        canonical = iso.get(special.code, special)
        index.by_code.setdefault(special.code, canonical)
        index.by_comtrade[special.comtrade or ""] = special
        if special.m49:
            index.by_m49.setdefault(special.m49, canonical)
        if special.iso2:
            index.by_iso2.setdefault(special.iso2, canonical)
    for area in _PUBLISHED_AREAS:
        index.by_code.setdefault(area.code, area)
    taiwan = index.by_code["S19"]
    index.by_m49["158"] = taiwan  # ISO 3166 numeric of Taiwan; trade data has it as 490
    for table in (index.by_iso2, index.by_m49, index.by_comtrade):
        table.pop("", None)
    _names(index, iso)
    return index


def _notes(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _codes_note(country: Country) -> str:
    """Where Comtrade's numeric code differs from M49, say both."""
    if country.comtrade and country.m49 and country.comtrade != country.m49:
        return f"Comtrade code {country.comtrade}, M49 code {country.m49}"
    return ""


def _numeric_note(country: Country, key: str, system: str, other: Country | None = None) -> str:
    if other is not None and other.code != country.code:
        said = (f"{key} is Comtrade's code for {country.name!r}; as an M49 code it would be "
                f"{other.name} ({other.code})")
    elif not _codes_note(country):
        said = ""
    elif system == "comtrade":
        said = f"{key} is Comtrade's code for {country.name}; its M49 code is {country.m49}"
    else:
        said = f"{key} is the M49 code of {country.name}; Comtrade uses {country.comtrade}"
    return _notes(said, country.note)


def _match(country: Country, query: str, how: str) -> Match:
    return Match(country, query, how, _notes(_codes_note(country), country.note))


def _by_number(key: str) -> Match | None:
    index = _index()
    key = key.lstrip("0") or "0"
    comtrade, m49 = index.by_comtrade.get(key), index.by_m49.get(key)
    if comtrade and m49 and comtrade.code == m49.code:
        system = "comtrade and m49" if comtrade.comtrade == comtrade.m49 == key else "comtrade"
        return Match(comtrade, key, system, _numeric_note(comtrade, key, "comtrade"))
    if comtrade:
        return Match(comtrade, key, "comtrade", _numeric_note(comtrade, key, "comtrade", m49))
    if m49:
        return Match(m49, key, "m49", _numeric_note(m49, key, "m49"))
    return None


def _by_code(key: str) -> Match | None:
    index = _index()
    upper = key.upper()
    if upper in _CODE_ALIASES:
        code, system = _CODE_ALIASES[upper]
        return _match(index.by_code[code], key, system)
    if len(upper) == 2 and upper in index.by_iso2:
        return _match(index.by_iso2[upper], key, "iso2")
    if upper in index.by_code:
        country = index.by_code[upper]
        return _match(country, key, "iso3" if country.iso3 else "comtrade code")
    return None


def _by_name(text: str) -> Match | None:
    index = _index()
    for form in (text, _inverted(text)):
        if not form:
            continue
        folded = _fold(form)
        if folded in index.by_name:
            how = "alias" if folded in index.aliases else "name"
            return _match(index.by_name[folded], text, how)
    return None


def lookup(text: str | int) -> Match | None:
    """How ``text`` resolves: the country, the code system or name that matched, a note.

    >>> m = lookup("842"); (m.country.code, m.matched_by)
    ('USA', 'comtrade')
    """
    key = str(text).strip()
    if not key:
        return None
    if key.isdigit():
        return _by_number(key)
    return _by_code(key) or _by_name(key)


def resolve(text: str | int) -> Country | None:
    """The country or area named by ``text`` (ISO3/ISO2, Comtrade or M49 code, or name)."""
    found = lookup(text)
    return found.country if found else None


def suggest(text: str, limit: int = 3) -> list[Country]:
    """The countries whose names are nearest to ``text`` (for 'did you mean')."""
    from rapidfuzz import fuzz, process

    names = _index().by_name
    out: list[Country] = []
    for key, _score, _ in process.extract(_fold(text), list(names), scorer=fuzz.WRatio,
                                          limit=limit * 4):
        if names[key] not in out:
            out.append(names[key])
    return out[:limit]


def find(text: str | int) -> Match:
    """Like :func:`lookup`, but an unknown name raises :class:`InputError` with suggestions.

    >>> find("Germny")
    Traceback (most recent call last):
    tradestat.errors.InputError: unknown country or area 'Germny'; did you mean ...
    """
    found = lookup(text)
    if found:
        return found
    key = str(text).strip()
    if not key:
        raise InputError("no country given (a code such as CHN, 156, or a name)")
    if key.isdigit():
        raise InputError(f"{key!r} is not a Comtrade, M49 or ISO numeric country code",
                         value=key)
    near = ", ".join(f"{c.name} ({c.code})" for c in suggest(key))
    raise InputError(f"unknown country or area {key!r}; did you mean {near}?", value=key)


def known_codes() -> frozenset[str]:
    """Every canonical country/area code a record may carry."""
    index = _index()
    return frozenset(c.code for c in [*index.by_code.values(), *index.by_comtrade.values()])

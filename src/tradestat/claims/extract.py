"""Extraction: quantitative trade claims in English text, each with its parts parsed.

Rule-based: the text is cut into sentences; in each, the mentions (money, percentages,
quantities, products, countries with their role, flows, periods, comparisons, ranks,
records) are found with the patterns of :mod:`tradestat.claims.lexicon`; each number or
comparison becomes one :class:`Claim` whose reporter, partner, flow, product and period
:mod:`tradestat.claims.context` takes from its own clause, then its sentence, then the
passage (and ``about``, the country the text is about).

    >>> [c.kind for c in extract("China's chip exports rose 20.3 percent to $15 billion "
    ...                          "in 2024.")]
    ['growth', 'value']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tradestat.claims import lexicon as lx

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-Z\"“(])")
_CLAUSE_END = re.compile(r"[,;(]|\.(?!\d)|\b(?:which|while|whereas|but)\b")
_YOY_RE = re.compile(r"year[- ]on[- ]year|\byoy\b|y/y|annual(?:ly)?|"
                     r"(?:from|than|over) a year (?:earlier|ago|before)",
                     re.IGNORECASE)
_COUNTRY_RE = re.compile(r"\b(?:the\s+)?((?:U\.S\.(?!\$)|USA\b|US\b(?!\$)|UK\b|"
                         r"[A-Z][a-z]+)"
                         r"(?:\s+[A-Z][a-z]+){0,2})(?:'s|’s)?")
DEMONYMS = {"chinese": "CHN", "american": "USA", "japanese": "JPN", "korean": "KOR",
            "south korean": "KOR", "german": "DEU", "taiwanese": "S19", "indian": "IND",
            "vietnamese": "VNM", "malaysian": "MYS", "singaporean": "SGP", "us": "USA",
            "u.s.": "USA", "usa": "USA", "uk": "GBR", "british": "GBR", "korea": "KOR",
            "thai": "THA",
            "european": "EUR", "mexican": "MEX", "russian": "RUS", "french": "FRA",
            "italian": "ITA", "dutch": "NLD", "swiss": "CHE", "indonesian": "IDN",
            "filipino": "PHL", "australian": "AUS", "canadian": "CAN", "brazilian": "BRA"}


@dataclass
class Mention:
    kind: str
    start: int
    end: int
    data: dict = field(default_factory=dict)


@dataclass
class Claim:
    """One checkable statement: its words, where they are, and what they say."""

    kind: str  # value, growth, comparison, share, rank, balance, quantity
    text: str
    span: tuple[int, int]
    sentence: str
    reporter: str | None = None
    #: the partner country ("exports to the US"); None: the world
    partner: str | None = None
    flow: str | None = None
    products: tuple[str, ...] = ()
    product_said: str | None = None
    period: str | None = None
    period_said: str | None = None
    topic: str = "trade"
    value: dict | None = None
    growth: dict | None = None
    comparison: dict | None = None
    share: dict | None = None
    rank: int | None = None
    #: for a rank: who is ranked (reporter, partner, product) and "top N" where unnumbered
    ranked: dict | None = None
    #: index of the claim this value is a currency conversion of ("1.03 tn yuan ($142 bn)")
    converts: int | None = None
    #: fields taken from earlier sentences, or inferred
    carried: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def parsed(self) -> dict:
        keys = ("kind", "reporter", "partner", "flow", "products", "product_said", "period",
                "period_said", "topic", "value", "growth", "comparison", "share", "rank",
                "ranked", "converts", "carried", "notes")
        out = {k: getattr(self, k) for k in keys}
        out["products"] = list(self.products)
        out["sentence"] = self.sentence
        return out


# ---------------------------------------------------------------- mentions

def _precision(num: str) -> float:
    """Half a unit of the last digit shown: '1.03' -> 0.005."""
    decimals = len(num.split(".")[1]) if "." in num else 0
    return 0.5 * 10 ** -decimals


def _qualifier(text: str, start: int) -> tuple[str | None, int]:
    m = lx.QUALIFIER_RE.search(text[max(0, start - 20):start])
    if not m:
        return None, start
    return lx.QUALIFIERS[m.group("q").lower()], start - (len(text[max(0, start - 20):start])
                                                        - m.start())


def _currency(pre: str | None, post: str | None) -> str | None:
    for word in (pre, post):
        if word:
            key = re.sub(r"\s+", " ", word.lower())
            return lx.CURRENCY_WORDS.get(key.replace("u.s. ", "us ").replace("u.s.", "us"),
                                         lx.CURRENCY_WORDS.get(key))
    return None


def money(text: str, offset: int) -> list[Mention]:
    out = []
    for m in lx.MONEY_RE.finditer(text):
        cur = _currency(m.group("pre"), m.group("post"))
        if cur is None and m.group("scale") and text[max(0, m.start() - 1):m.start() + 1] \
                .strip()[:1] in ("+", "-", "−"):
            cur = "context"  # "+89.0 bn in 2005": the currency the text uses
        if cur is None or not m.group("num").strip():
            continue
        num = m.group("num").replace(",", "")
        scale = lx.SCALES.get((m.group("scale") or "").lower(), 1.0)
        qual, start = _qualifier(text, m.start() + len(m.group(0)) - len(m.group(0).lstrip()))
        half = _precision(num) * scale
        amount = float(num) * scale
        out.append(Mention("money", offset + start, offset + m.end(), {
            "amount": amount, "currency": cur, "low": amount - half, "high": amount + half,
            "qualifier": qual, "said": text[start:m.end()].strip()}))
    return out


def _direction(text: str, start: int, end: int) -> int | None:
    """+1 or -1 from the direction word nearest the percentage (within its clause)."""
    best: tuple[int, int] | None = None
    for m in lx.DIRECTION_RE.finditer(text, max(0, start - 60), min(len(text), end + 45)):
        dist = start - m.end() if m.end() <= start else m.start() - end
        if dist < 0 or _CLAUSE_END.search(text[min(m.end(), end):max(m.start(), start)]):
            continue
        sign = 1 if m.group("up") else -1
        if best is None or dist < best[0]:
            best = (dist, sign)
    return best[1] if best else None


def _share_of(share: re.Match | None) -> str:
    if share is None:
        return "other"
    what = share.group("what").lower()
    return "total" if what in ("total", "overall", "all") else "world"


def percents(text: str, offset: int) -> list[Mention]:
    out = []
    for m in lx.PERCENT_RE.finditer(text):
        num = m.group("num")
        pct, half = float(num), _precision(num)
        qual, start = _qualifier(text, m.start())
        share = lx.SHARE_RE.match(text[m.end():])
        before = text[max(0, m.start() - 40):m.start()]
        if share or lx.SHARE_VERB_RE.search(before) or (_LISTED_SHARE.search(
                text[max(0, m.start() - 40):m.start()]) and "share" in text):
            end = m.end() + (share.end() if share else 0)
            out.append(Mention("share", offset + start, offset + end, {
                "pct": pct, "low": pct - half, "high": pct + half, "qualifier": qual,
                "of": _share_of(share)}))
            continue
        said_sign = text[max(0, m.start() - 1):m.start()]
        sign = -1 if said_sign in ("-", "−") else _direction(text, m.start(), m.end())
        if sign is None and not _YOY_RE.search(text[m.end():m.end() + 30]):
            continue
        value = pct * (sign or 1)
        out.append(Mention("growth", offset + start, offset + m.end(), {
            "pct": value, "low": value - half, "high": value + half, "qualifier": qual,
            "sign_said": sign is not None}))
    return out


#: "accounted for half of Japan's exports of …": a share in words
_SHARE_WORDS = re.compile(r"\b(?:account(?:s|ed|ing)? for|made up|makes? up|represent(?:s|ed|"
                          r"ing)?)\s+(?P<w>half|a third|a quarter|two-thirds|three-quarters)"
                          r"\s+of\b", re.IGNORECASE)
_FRACTIONS = {"half": 50.0, "a third": 100 / 3, "a quarter": 25.0, "two-thirds": 200 / 3,
              "three-quarters": 75.0}


def shares_in_words(text: str, offset: int) -> list[Mention]:
    """"half of", "a third of" after a share verb: a share stated loosely (±5 points)."""
    out = []
    for m in _SHARE_WORDS.finditer(text):
        pct = _FRACTIONS[m.group("w").lower()]
        share = lx.SHARE_RE.match(text[m.end() - 2:])
        out.append(Mention("share", offset + m.start("w"), offset + m.end(), {
            "pct": pct, "low": pct - 5, "high": pct + 5, "qualifier": "~",
            "of": _share_of(share)}))
    return out


#: "(US$ 1.50 trillion, 9 per cent)" in a text about shares: the percentage is a share
_LISTED_SHARE = re.compile(r"\(\s*[^()]{0,30}(?:trillion|billion|million)\s*,\s*$")
_QTY_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|one|two|three|four|five)"
QUANTITY_RE = re.compile(
    _QTY_NUM + r"\s?(?P<scale>trillion|billion|million|thousand)?\s+"
    r"(?:[A-Za-z-]+\s+){0,2}?(?P<unit>units|tons|tonnes|vehicles|cars|laptops|"
    r"(?:mobile |cell ?)?phones|smartphones|integrated circuits|chips|ICs)\b", re.IGNORECASE)
_WORD_NUMBERS = {"one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0}


def quantities(text: str, offset: int) -> list[Mention]:
    """"33.28 million laptops", "4.91 million units", "13,747 tons"."""
    out = []
    for m in QUANTITY_RE.finditer(text):
        if text[max(0, m.start() - 1):m.start()] in ("-", ".", ",") or (
                not m.group("scale") and re.fullmatch(r"(?:19|20)\d\d", m.group("num"))):
            continue  # "one-million-172-thousand-612" (not read), "2023 integrated circuits"
        word = m.group("num").lower()
        num = _WORD_NUMBERS.get(word) or float(word.replace(",", ""))
        scale = lx.SCALES.get((m.group("scale") or "").lower(), 1.0)
        unit = m.group("unit").lower()
        qual, start = _qualifier(text, m.start())
        half = (_precision(word) if word[0].isdigit() else 0.5) * scale
        out.append(Mention("quantity", offset + start, offset + m.end(), {
            "amount": num * scale, "unit": "t" if unit in ("tons", "tonnes") else "units",
            "low": num * scale - half, "high": num * scale + half, "qualifier": qual,
            "said": text[start:m.end()].strip()}))
    return out


def products(text: str, offset: int) -> list[Mention]:
    taken: list[tuple[int, int]] = []
    out = []
    for pattern, readings in lx.PRODUCT_RE:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append(Mention("product", offset + m.start(), offset + m.end(),
                               {"readings": readings, "said": m.group(0)}))
    return out


#: areas that are partners, never reporters of ours (the names the corpus uses)
AREAS = {"asean": "ASEAN", "africa": "Africa", "latin america": "Latin America",
         "north america": "North America", "middle east": "Middle East", "eu27": "EU27",
         "euro area": "EA19", "the rest of the world": "WLD", "eu": "EUR"}
_AREA_RE = re.compile(r"\b(ASEAN|Africa|Latin America|North America|Middle East|EU27|EU|"
                      r"euro area|the rest of the world)\b", re.IGNORECASE)
#: words after a country that make it a party to something other than the trade flow
_PARTY_RE = re.compile(
    r"^(?:[-–]\s?[A-Z][\w.]*)*(?:'s|’s)?\s+(?:[\w-]+\s+)?(?:trade war|trade tensions?|"
    r"tariffs?|tensions|relations|talks|deal|administration|government|president|economy|"
    r"predecessor|officials?|companies|firms|makers?|brands?|consumers|market\b(?! for))"
    r"|^[-–]made\b", re.IGNORECASE)
#: words after a country that make it the reporter: "China's exports", "Korea shipped",
#: "Viet Nam gained a trade surplus", "China was the leading exporter"
_REPORTER_AFTER_RE = re.compile(
    r"^(?:'s|’s)?\s+(?:[^\s,;.()]+\s+){0,4}?(?:exports?|imports?|exported|imported|"
    r"exporters?|shipments|shipped|(?:foreign |total |overall )?trade(?! partner)|"
    r"surplus|deficit|NODX|traders)\b|^(?:'s|’s)\s+(?:[\w-]+\s+){0,2}(?:trading partner|"
    r"export (?:market|destination)|market|destination|supplier|partner)", re.IGNORECASE)
#: words after a country that make it the partner of the article's reporter: "the U.S. was
#: the largest importer of", "mainland China received products", "X is Japan's largest
#: trading partner"
_PARTNER_AFTER_RE = re.compile(
    r"^\s+(?:(?:was|is|were|became|remained|ranked)\b.{0,40}?\b(?:importer|buyer|"
    r"destination|market|partner)|received(?! export orders))", re.IGNORECASE)
#: "more than that with China": China is what the claim is compared with, not its partner
_THAN_THAT_RE = re.compile(r"\bthan\s+(?:that|those)\s+(?:with|to|from|of)\s+(?:the\s+)?$",
                           re.IGNORECASE)
#: a country right before an amount: the verb of the clause before is left out ("gapping")
_GAPPED_RE = re.compile(r"^\s*(?:US\s?\$|\$|USD\s?|€|EUR\s?|RMB\s?|CNY\s?|¥)\s?\d")
_POSSESSIVE_RE = re.compile(r"^(?:'s|’s)")
_PREP_RE = re.compile(r"\b(to|from|with|into|than|ahead of|of|after|behind|by|and)\s+(?:the\s+)?$",
                      re.IGNORECASE)


_SUBJECT_RE = re.compile(r"^\s+(?:now\s+)?(?:ranked|ranks|was|is|were|remained|became|took|"
                         r"takes)\b", re.IGNORECASE)


def _role(text: str, start: int, end: int, demonym: bool) -> str:
    """How a country is named: reporter, partner, party (to a war, a tariff), origin ("of
    Chinese goods"), parallel ("China's figure"), subject ("China ranked third"), gapped
    ("…, and Hong Kong $219.8 billion": the role of the clause before) or bare (in a list)."""
    after = text[end:end + 60]
    prep = _PREP_RE.search(text[max(0, start - 14):start])
    prep = prep.group(1).lower() if prep else None
    if _PARTY_RE.match(after) or (re.match(r"^[-–]\s?[A-Z]", after)
                                  and not re.match(r"^[-–]\s?\w+\s+trade\b", after)):
        return "party"  # "U.S.-Chinese trade war", "Chinese-made", "Biden administration"
    if prep in ("than", "after", "behind", "ahead of") or _THAN_THAT_RE.search(
            text[max(0, start - 24):start]):
        return "object"  # of a comparison: "ahead of Japan", "after China"
    if prep in ("to", "with", "into") or (
            text[max(0, start - 1):start] in ("-", "–") and re.match(r"^\s+trade\b", after)):
        return "partner"  # "exports to the US", the EU in "China-EU trade"
    if prep == "from":  # "imports from Japan": partner; "exports from Korea": reporter
        flows = list(lx.FLOW_RE.finditer(text[max(0, start - 40):start]))
        word = flows[-1].group(1).lower() if flows else ""
        return "partner" if word.startswith("import") else (
            "reporter" if word.startswith(("export", "ship")) else "from")
    return _role_after(after, prep, demonym)


def _role_after(after: str, prep: str | None, demonym: bool) -> str:
    if _PARTNER_AFTER_RE.match(after):
        return "partner"
    flow_after = _REPORTER_AFTER_RE.match(after)
    if flow_after and (not demonym or len(flow_after.group(0).split()) <= 2):
        return "reporter"
    if demonym and prep == "of":
        return "origin"
    if re.match(r"^[-–]\s?\w+\s+trade\b", after):
        return "reporter"
    if _SUBJECT_RE.match(after):
        return "subject"
    if _GAPPED_RE.match(after):
        return "gapped"  # "Korea exported $120.2 billion, and Hong Kong $219.8 billion"
    return "parallel" if _POSSESSIVE_RE.match(after) else "bare"


def _named(text: str, m: re.Match) -> tuple[str, str, bool] | None:
    """(code, the words, whether a demonym) for the longest known name at ``m``."""
    from tradestat.reference import countries as ref

    words = m.group(1).split()
    for n in range(len(words), 0, -1):
        name = " ".join(words[:n])
        code = DEMONYMS.get(name.lower())
        if code:
            return code, name, name.lower() not in ("us", "u.s.", "usa", "uk", "korea")
        found = None if len(name) < 4 else ref.lookup(name)
        if found and found.matched_by in ("name", "alias"):
            return found.country.code, name, False
    return None


def _country_at(text: str, m: re.Match) -> tuple[str, str, bool, int] | None:
    """The known name in the capitalised words at ``m`` ("Did China": China), with where it
    starts."""
    start = m.start(1)
    while start < m.end(1):
        sub = _COUNTRY_RE.match(text, start)
        named = _named(text, sub) if sub else None
        if named:
            return (*named, start)
        nxt = text.find(" ", start, m.end(1))
        if nxt < 0:
            return None
        start = nxt + 1
    return None


def countries(text: str, offset: int) -> list[Mention]:
    out = []
    for m in _COUNTRY_RE.finditer(text):
        found = _country_at(text, m)
        if found is None:
            continue
        code, name, demonym, start = found
        end = start + len(name)
        out.append(Mention("country", offset + start, offset + end, {
            "code": code, "said": name, "role": _role(text, start, end, demonym)}))
    for m in _AREA_RE.finditer(text):
        if any(x.start <= offset + m.start() < x.end for x in out):
            continue
        code = AREAS[m.group(1).lower()]
        role = _role(text, m.start(), m.end(), False)
        if code in ("EA19", "EU27") and role == "bare":
            role = "reporter"
        out.append(Mention("country", offset + m.start(), offset + m.end(), {
            "code": code, "said": m.group(1), "role": role}))
    return sorted(out, key=lambda x: x.start)


_BUYER_OF_RE = re.compile(r"^\s+of\s+(?:the\s+)?[A-Z]", re.IGNORECASE)


def flows(text: str, offset: int) -> list[Mention]:
    """Flow words: export, import; a balance ("trade surplus"); both flows ("trade with",
    "total import and export value"). "importers of Vietnamese products" buy the reporter's
    exports."""
    out: list[Mention] = []
    for flow, pattern in (("balance", lx.BALANCE_RE), ("total_trade", lx.TOTAL_TRADE_RE)):
        for m in pattern.finditer(text):
            out.append(Mention("flow", offset + m.start(), offset + m.end(), {"flow": flow}))
    for m in lx.FLOW_RE.finditer(text):
        if any(x.start <= offset + m.start() < x.end for x in out):
            continue
        word = m.group(1).lower()
        flow = "import" if word.startswith(("import", "purchases")) else "export"
        if word.startswith("importer") and _BUYER_OF_RE.match(text[m.end():]):
            flow = "export"
        out.append(Mention("flow", offset + m.start(), offset + m.end(), {"flow": flow}))
    return sorted(out, key=lambda x: x.start)


def _month(word: str) -> int:
    return lx.MONTHS[word.lower().rstrip(".")]


def _number(word: str) -> int:
    return int(word) if word.isdigit() else lx.NUMBERS[word.lower()]


_LEAD = re.compile(r"(?:in|for|during|of|throughout|over|since|from|into|by)\s+", re.IGNORECASE)


def _fiscal(fy: int, first: int = 1, last: int = 12) -> dict:
    """Months ``first``..``last`` of the fiscal year ending in March of 20``fy`` (India,
    Japan: April to March)."""
    start = 2000 + fy - 1
    return {"fiscal": (start, 3 + first, 3 + last)}


def _quarter(g: dict) -> tuple[int, int]:
    q = int(g["qn"]) if g.get("qn") else lx.QUARTERS[g["q"].lower()]
    return 3 * q - 2, 3 * q


#: the months (first, last) each period pattern names
_MONTHS_OF = {
    "first-n": lambda g: (1, _number(g["n"])),
    "quarter": _quarter,
    "half": lambda g: (1, 6) if g["h"].lower() == "first" else (7, 12),
    "three-quarters": lambda g: (1, 9),
    "until": lambda g: (1, _month(g["m1"])),
    "range": lambda g: (_month(g["m0"]), _month(g["m1"])),
    "month": lambda g: (_month(g["m0"]),) * 2,
    "days": lambda g: (_month(g["m0"]),) * 2,
    "first-days": lambda g: (_month(g["m0"]),) * 2,
    "upto-day": lambda g: (1, _month(g["m0"])),
}
_FISCAL = {
    "fy-months": lambda g: _fiscal(int(g["y1"]), 1, _number(g["n"])),
    "fy-quarter": lambda g: _fiscal(int(g["fy"]), 3 * int(g["q"]) - 2, 3 * int(g["q"])),
    "fy": lambda g: _fiscal(int(g["fy"])),
}


def _period_data(kind: str, g: dict) -> dict:
    """What one period pattern's groups say: months (first, last), a year or a year relative
    to the text's date, days, a fiscal span or a month relative to the date."""
    out: dict = {"year": int(g["y"]) if g.get("y") else None,
                 "yr": (g.get("yr") or "").lower() or None, "months": (1, 12)}
    if kind in _FISCAL:
        return out | _FISCAL[kind](g)
    if kind in _MONTHS_OF:
        out["months"] = _MONTHS_OF[kind](g)
    if kind in ("days", "first-days", "upto-day"):
        out["days"] = (int(g.get("d0") or 1), int(g["d1"]))
    if kind == "rel-month":
        out["rel"] = f"{(g.get('w') or 'previous').lower()}-month"
    elif kind in ("ytd", "rel-year", "year-ago", "year-earlier"):
        out["rel"] = kind
    if kind == "rel-year":
        out["yr"] = g["w"].lower()
    return out


def periods(text: str, offset: int) -> list[Mention]:
    out: list[Mention] = []
    for kind, pattern in lx.PERIOD_RES:
        for m in pattern.finditer(text):
            if any(offset + m.start() < x.end and x.start < offset + m.end() for x in out):
                continue
            data = _period_data(kind, m.groupdict())
            months = data["months"]
            if not 1 <= months[0] <= months[1] <= 12:
                continue
            lead = _LEAD.match(m.group(0))
            core = m.start() + (len(lead.group(0)) if lead else 0)
            data |= {"said": m.group(0).strip(), "lead": (lead.group(0).strip().lower()
                                                          if lead else ""),
                     "before": text[max(0, core - 50):core]}
            out.append(Mention("period", offset + m.start(), offset + m.end(), data))
    return out


def comparisons(text: str, offset: int) -> list[Mention]:
    out = []
    for m in lx.COMPARE_RE.finditer(text):
        rel = ">" if m.group("gt") else ("=" if m.group("eq") else "<")
        out.append(Mention("compare", offset + m.start(), offset + m.end(), {"relation": rel}))
    return out


def _rank_number(m: re.Match) -> int | None:
    if m.group("no") or m.group("nth"):
        return int(m.group("no") or m.group("nth"))
    word = m.group("ord") or m.group("ord2") or m.group("ord3")
    if word:
        return lx.ORDINALS[word.lower()]
    if m.group("topn"):
        return None  # "the top four": among the first four
    return 1


def ranks(text: str, offset: int) -> list[Mention]:
    out = []
    for m in lx.RANK_RE.finditer(text):
        n = _rank_number(m)
        who = (m.group("who") or "").lower()
        by = next((k for k, words in lx.RANKED.items() if who in words), "reporter")
        flow = "import" if who in ("importer", "buyer") else ("export" if who else None)
        if flow == "import" and _BUYER_OF_RE.match(text[m.end():]):
            flow = "export"  # "the largest importer of Vietnamese products"
        if who in ("trading partner", "partner", "trader", "traders"):
            flow = "total_trade"
        elif by != "reporter" or who in ("exporter", "exporters", "supplier", "spot"):
            flow = flow if who not in ("spot",) else None
        out.append(Mention("rank", offset + m.start(), offset + m.end(), {
            "rank": n, "flow": flow, "by": by, "top": _number_word(m.group("topn"))}))
    return out


def _number_word(word: str | None) -> int | None:
    if not word:
        return None
    return int(word) if word.isdigit() else lx.NUMBERS.get(word.lower())


def records(text: str, offset: int) -> list[Mention]:
    """"the largest surplus since September 2021", "the highest monthly export value in
    recent history": a comparison with the past, not checked yet."""
    return [Mention("record", offset + m.start(), offset + m.end(), {"said": m.group(0)})
            for m in lx.RECORD_RE.finditer(text)]


def mentions(text: str, offset: int) -> list[Mention]:
    found = [*money(text, offset), *percents(text, offset), *shares_in_words(text, offset)]
    found += [q for q in quantities(text, offset)
              if not any(x.start <= q.start < x.end or q.start <= x.start < q.end
                         for x in found)]
    numbers = [(x.start, x.end) for x in found]
    found += [c for c in comparisons(text, offset)  # "more than $5 bn" is a qualifier
              if not any(0 <= s - c.end <= 2 or s <= c.start < e for s, e in numbers)]
    found += [*products(text, offset), *countries(text, offset), *flows(text, offset),
              *periods(text, offset), *ranks(text, offset), *records(text, offset)]
    return sorted(found, key=lambda x: (x.start, x.end))


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text.rstrip())))
    return out


def topic(sentence: str) -> str:
    if lx.NOT_TRADE_RE["forecast"].search(sentence):
        return "forecast"
    if lx.FLOW_RE.search(sentence) or lx.TRADE_RE.search(sentence):
        return "trade"
    for name in ("production", "sales"):
        if lx.NOT_TRADE_RE[name].search(sentence):
            return name
    return "trade"


def extract(text: str, dated: str | None = None, about: str | None = None) -> list[Claim]:
    """Every claim in ``text``, in order; context runs from sentence to sentence. ``dated``
    (YYYY-MM-DD): when the text was written, for periods given without a year and relative
    ones ("last month"); ``about`` (ISO3): the country the text is about, the reporter where
    no sentence names one."""
    from tradestat.claims.context import Context

    ctx = Context(dated, about)
    claims: list[Claim] = []
    for start, end in sentences(text):
        found = mentions(text[start:end], start)
        ctx.read_sentence(text, start, end, found, claims)
    return claims

"""Extraction: quantitative trade claims in English text, each with its parts parsed.

Rule-based: the text is cut into sentences; in each, the mentions (money, percentages,
products, countries, flows, periods, comparisons, ranks) are found with the patterns of
:mod:`tradestat.claims.lexicon`; each number or comparison becomes one :class:`Claim`, its
subject taken from the nearest product before it in the sentence, else from the sentences
before (a figure stated in one sentence and compared in the next).

    >>> [c.kind for c in extract("China's chip exports rose 20.3 percent to $15 billion "
    ...                          "in 2024.")]
    ['growth', 'value']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tradestat.claims import lexicon as lx

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-Z\"“(])")
_CLAUSE_END = re.compile(r"[,;.(]|\b(?:which|while|whereas|but)\b")
_YOY_RE = re.compile(r"year[- ]on[- ]year|\byoy\b|y/y|annual(?:ly)?|"
                     r"(?:from|than|over) a year (?:earlier|ago|before)",
                     re.IGNORECASE)
_COUNTRY_RE = re.compile(r"\b(?:the\s+)?((?:U\.S\.(?!\$)|US\b(?!\$)|UK\b|[A-Z][a-z]+)"
                         r"(?:\s+[A-Z][a-z]+){0,2})(?:'s|’s)?")
_PARTNER_RE = re.compile(r"\b(to|from|with)\s+(?:the\s+)?$", re.IGNORECASE)
DEMONYMS = {"chinese": "CHN", "american": "USA", "japanese": "JPN", "korean": "KOR",
            "south korean": "KOR", "german": "DEU", "taiwanese": "S19", "indian": "IND",
            "vietnamese": "VNM", "malaysian": "MYS", "singaporean": "SGP", "us": "USA",
            "u.s.": "USA", "uk": "GBR", "british": "GBR", "korea": "KOR"}


@dataclass
class Mention:
    kind: str
    start: int
    end: int
    data: dict = field(default_factory=dict)


@dataclass
class Claim:
    """One checkable statement: its words, where they are, and what they say."""

    kind: str  # value, growth, comparison, share, rank
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
    #: index of the claim this value is a currency conversion of ("1.03 tn yuan ($142 bn)")
    converts: int | None = None
    #: fields taken from earlier sentences, or inferred
    carried: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def parsed(self) -> dict:
        keys = ("kind", "reporter", "partner", "flow", "products", "product_said", "period",
                "period_said", "topic", "value", "growth", "comparison", "share", "rank",
                "converts", "carried", "notes")
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


def percents(text: str, offset: int) -> list[Mention]:
    out = []
    for m in lx.PERCENT_RE.finditer(text):
        num = m.group("num")
        pct, half = float(num), _precision(num)
        qual, start = _qualifier(text, m.start())
        share = lx.SHARE_RE.match(text[m.end():])
        before = text[max(0, m.start() - 40):m.start()]
        if share or lx.SHARE_VERB_RE.search(before):
            of = share.group("what").lower() if share else "world"
            end = m.end() + (share.end() if share else 0)
            out.append(Mention("share", offset + start, offset + end, {
                "pct": pct, "low": pct - half, "high": pct + half, "qualifier": qual,
                "of": "total" if of in ("total", "overall", "all") else "world"}))
            continue
        sign = _direction(text, m.start(), m.end())
        if sign is None and not _YOY_RE.search(text[m.end():m.end() + 30]):
            continue
        value = pct * (sign or 1)
        out.append(Mention("growth", offset + start, offset + m.end(), {
            "pct": value, "low": value - half, "high": value + half, "qualifier": qual,
            "sign_said": sign is not None}))
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


def countries(text: str, offset: int) -> list[Mention]:
    from tradestat.reference import countries as ref

    out = []
    for m in _COUNTRY_RE.finditer(text):
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            code = DEMONYMS.get(name.lower()) or DEMONYMS.get(words[0].lower() if n == 1 else "")
            found = None if code or len(name) < 4 else ref.lookup(name)
            if found and found.matched_by in ("name", "alias"):
                code = found.country.code
            if code:
                prep = _PARTNER_RE.search(text[max(0, m.start() - 12):m.start(1)])
                out.append(Mention("country", offset + m.start(1),
                                   offset + m.start(1) + len(name), {
                                       "code": code, "said": name,
                                       "prep": prep.group(1).lower() if prep else None}))
                break
    return out


def flows(text: str, offset: int) -> list[Mention]:
    out = []
    for m in lx.FLOW_RE.finditer(text):
        word = m.group(1).lower()
        flow = "import" if word.startswith(("import", "purchases")) else "export"
        out.append(Mention("flow", offset + m.start(), offset + m.end(), {"flow": flow}))
    return out


def _month(word: str) -> int:
    return lx.MONTHS[word.lower().rstrip(".")]


def _number(word: str) -> int:
    return int(word) if word.isdigit() else lx.NUMBERS[word.lower()]


def periods(text: str, offset: int) -> list[Mention]:
    out: list[Mention] = []
    for kind, pattern in lx.PERIOD_RES:
        for m in pattern.finditer(text):
            if any(offset + m.start() < x.end and x.start < offset + m.end() for x in out):
                continue
            g = m.groupdict()
            if kind == "first-n":
                months = (1, _number(g["n"]))
            elif kind == "first-part":
                months = (1, lx.PARTS[g["part"].lower().replace("-", " ")])
            elif kind == "range":
                months = (_month(g["m0"]), _month(g["m1"]))
            elif kind == "month":
                months = (_month(g["m0"]),) * 2
            else:
                months = (1, 12)
            if not 1 <= months[0] <= months[1] <= 12:
                continue
            out.append(Mention("period", offset + m.start(), offset + m.end(), {
                "months": months, "year": int(g["y"]) if g.get("y") else None,
                "said": m.group(0).strip()}))
    return out


def comparisons(text: str, offset: int) -> list[Mention]:
    out = []
    for m in lx.COMPARE_RE.finditer(text):
        rel = ">" if m.group("gt") else ("=" if m.group("eq") else "<")
        out.append(Mention("compare", offset + m.start(), offset + m.end(), {"relation": rel}))
    return out


def ranks(text: str, offset: int) -> list[Mention]:
    out = []
    for m in lx.RANK_RE.finditer(text):
        if m.group("no"):
            n = int(m.group("no"))
        elif m.group("ord") or m.group("ord2"):
            n = lx.ORDINALS[(m.group("ord") or m.group("ord2")).lower()]
        else:
            n = 1
        who = (m.group("who") or "").lower()
        flow = "import" if who in ("importer", "buyer") else ("export" if who else None)
        out.append(Mention("rank", offset + m.start(), offset + m.end(), {"rank": n,
                                                                         "flow": flow}))
    return out


def mentions(text: str, offset: int) -> list[Mention]:
    found = [*money(text, offset), *percents(text, offset)]
    numbers = [(x.start, x.end) for x in found]
    found += [c for c in comparisons(text, offset)  # "more than $5 bn" is a qualifier
              if not any(0 <= s - c.end <= 2 or s <= c.start < e for s, e in numbers)]
    found += [*products(text, offset), *countries(text, offset), *flows(text, offset),
              *periods(text, offset), *ranks(text, offset)]
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
    (YYYY-MM-DD): when the text was written, for periods given without a year."""
    from tradestat.claims.context import Context

    ctx = Context(dated)
    claims: list[Claim] = []
    for start, end in sentences(text):
        found = mentions(text[start:end], start)
        ctx.read_sentence(text, start, end, found, claims)
    return claims

"""ask: a question in words, read by the claim parser, answered by the analytics.

    >>> a = ask("How much did China export in chips in January-November 2024?", store)
    ...                                                                    # doctest: +SKIP
    >>> a.reading["product"], a.reading["period"], a.value                 # doctest: +SKIP
    ('integrated_circuits', '2024-01..2024-11', 142170000000.0)

The question is cut into the same mentions as a claim (:mod:`tradestat.claims.extract`):
countries with their roles, flows, products, periods (relative ones against ``today``).
What is asked (a value, a growth rate, a ranking, a share, a comparison, a balance) comes
from its words. The answer names the reading chosen and the others considered (another
product reading, the other flow where none was said), the query it ran, the coverage and
warnings, and what it could not understand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from tradestat import fmt
from tradestat.claims.extract import Mention, mentions
from tradestat.claims.readings import item_args
from tradestat.errors import InputError, TradestatError

#: what is asked, from the question's words; the first that matches wins
INTENTS = (
    ("balance", r"\b(?:surplus|deficit|trade balance|balance of trade)\b"),
    ("rank", r"\b(?:which|what)\s+(?:countries|economies|reporters|exporters|importers)\b|"
             r"\btop\s+(?:\w+\s+)?(?:exporters|importers|countries|economies)\b|"
             r"\b(?:largest|biggest|leading)\s+(?:\w+\s+)?(?:exporters|importers)\b|"
             r"\b(?:exported|imported)\s+the\s+most\b|\brank(?:ing|ed)?\b"),
    ("share", r"\bshare\b|\bwhat (?:percentage|percent|proportion)\b"),
    ("comparison", r"\b(?:more|less|fewer|larger|bigger|smaller|higher|lower)\b.*\bthan\b|"
                   r"\bcompare[sd]?\b|\bversus\b|\bvs\.?\s"),
    ("growth", r"\bgr[eo]wn?\b|\bgrowth\b|\bchanged?\b|\b(?:rise|rose|risen|increased?|fall|"
               r"fell|fallen|declined?|drop(?:ped)?)\b|year[- ]on[- ]year|\byoy\b"),
)
_INTENT_RES = [(k, re.compile(p, re.IGNORECASE)) for k, p in INTENTS]
_TOP_RE = re.compile(r"\btop\s+(\d+|three|five|ten)\b", re.IGNORECASE)
_HS_RE = re.compile(r"\bHS\s?(?:code\s+)?(\d{2}(?:\d{2}){0,2})\b", re.IGNORECASE)
#: a word in the place of a product that tradestat does not know ("exports of widgets")
_GOODS_SLOT = re.compile(r"\b(?:export(?:s|ed)?|import(?:s|ed)?|sell|sold|ship(?:ped)?)\s+"
                         r"(?:of\s+|in\s+)?(?:the\s+|any\s+)?(?P<w>[a-z][a-z-]{2,})\b",
                         re.IGNORECASE)
_NOT_GOODS = {"in", "from", "to", "by", "during", "between", "more", "less", "the", "most",
              "total", "all", "goods", "products", "overall", "than", "over", "last", "this",
              "year", "month", "and", "worth", "with", "much", "many", "compared", "each"}
_TOP_WORDS = {"three": 3, "five": 5, "ten": 10}


@dataclass
class Answer:
    """The answer to one question, with how it was read and what it rests on."""

    question: str
    intent: str | None = None
    reading: dict = field(default_factory=dict)
    considered: list[str] = field(default_factory=list)
    query: dict | None = None
    text: str = ""
    value: float | None = None
    result: Any = None
    rows: list[dict] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return self.result is not None and not self.not_understood

    @property
    def empty(self) -> bool:
        """Understood and asked, but the store has no data for it (the CLI exits 2)."""
        return self.answered and self.value is None and not self.rows

    def to_dict(self) -> dict:
        doc = self.result.to_dict() if hasattr(self.result, "to_dict") else self.result
        return {"question": self.question, "intent": self.intent, "reading": self.reading,
                "considered": self.considered, "query": self.query, "answer": self.text,
                "value": self.value, "rows": self.rows,
                "coverage": (doc or {}).get("coverage"),
                "warnings": (doc or {}).get("warnings", []),
                "not_understood": self.not_understood, "result": doc}

    def lines(self) -> list[str]:
        out = [self.text or "no answer"]
        if self.reading:
            out.append("read as: " + ", ".join(f"{k} {v}" for k, v in self.reading.items()
                                               if v is not None))
        out += [f"also considered: {c}" for c in self.considered]
        if self.query:
            opts = " ".join(f"--{k} {v}" for k, v in self.query.items()
                            if v is not None and k != "function")
            out.append(f"query: {self.query.get('function', '')} {opts}")
        doc = self.to_dict()
        out += [f"warning [{w['code']}]: {w['message']}" for w in doc["warnings"]]
        out += [f"could not understand: {n}" for n in self.not_understood]
        return out


# ---------------------------------------------------------------- reading the question

def _intent(question: str) -> str:
    return next((k for k, rx in _INTENT_RES if rx.search(question)), "value")


def _period(question: str, found: list[Mention], today: dt.date) -> tuple[str, str] | None:
    from tradestat.claims.context import Context

    ctx = Context(today.isoformat())
    ctx._text = question
    whens = ctx._periods(found, question, [(0, len(question))])
    # a question has no comparison base: "more … than South Korea in 2023" asks about 2023
    ok = [w for w in whens if w.label and not w.aside] or [w for w in whens if w.label]
    return (ok[0].label, ok[0].mention.data["said"]) if ok else None


def _who(found: list[Mention]) -> tuple[list[str], str | None]:
    """The reporters asked about (in order) and the partner."""
    places = [m for m in found if m.kind == "country"]
    partner = next((m.data["code"] for m in places if m.data["role"] == "partner"), None)
    reporters = [m.data["code"] for m in places
                 if m.data["role"] not in ("partner", "party") and m.data["code"] != partner]
    return list(dict.fromkeys(reporters)), partner


def _products(question: str, found: list[Mention], a: Answer) -> tuple[str, ...]:
    hs = _HS_RE.search(question)
    if hs:
        return (hs.group(1),)
    named = [m for m in found if m.kind == "product"]
    if named:
        a.reading["product_said"] = named[0].data["said"]
        return tuple(named[0].data["readings"])
    slot = next((m.group("w") for m in _GOODS_SLOT.finditer(question)
                 if m.group("w").lower() not in _NOT_GOODS
                 and not re.match(r"\d", m.group("w"))), None)
    taken = {question[m.start:m.end].lower() for m in found}
    if slot and not any(slot.lower() in t for t in taken):
        a.not_understood.append(f"'{slot}' is not a product tradestat knows (see `tradestat "
                                "baskets list` and `tradestat hs search WORDS`)")
        return ()
    return ("TOTAL",)


def read(question: str, today: dt.date | None = None) -> Answer:
    """How ``question`` is read: what is asked, of whom, for which flow, goods and period."""
    if not isinstance(question, str) or not question.strip():
        raise InputError("ask: give a question in words")
    today = today or dt.date.today()
    a = Answer(question, _intent(question))
    found = mentions(question, 0)
    reporters, partner = _who(found)
    flows = [m.data["flow"] for m in found if m.kind == "flow"
             and m.data["flow"] in ("export", "import")]
    flow = flows[0] if flows else "export"
    if not flows and a.intent != "balance":
        a.considered.append("imports (the question says neither exports nor imports: read "
                            "as exports)")
    products = _products(question, found, a)
    period = _period(question, found, today)
    a.reading |= {"reporter": reporters[0] if reporters else None,
                  "others": reporters[1:] or None, "partner": partner, "flow": flow,
                  "product": products[0] if products else None,
                  "period": period[0] if period else None}
    a.considered += [f"{p} for the product words" for p in products[1:]]
    if period is None:
        a.not_understood.append("which period (a year, a month, or a span such as "
                                "'January-November 2024')")
    if not reporters and a.intent not in ("rank",):
        a.not_understood.append("which country's trade (no reporter named)")
    top = _TOP_RE.search(question)
    if top:
        word = top.group(1).lower()
        a.reading["top"] = int(word) if word.isdigit() else _TOP_WORDS[word]
    return a


# ---------------------------------------------------------------- answering

def ask(question: str, store: Any, *, as_of: str | None = None,
        today: dt.date | None = None) -> Answer:
    """Read ``question`` and answer it from ``store`` (see the module text)."""
    from tradestat.analytics.common import open_store

    a = read(question, today)
    if a.not_understood:
        a.text = "cannot answer: " + "; ".join(a.not_understood)
        return a
    store = open_store(store)
    try:
        ANSWERS[a.intent](a, store, as_of)
    except TradestatError as exc:
        a.not_understood.append(str(exc))
        a.text = f"cannot answer: {exc}"
    return a


def _args(a: Answer) -> dict:
    return item_args(a.reading["product"])


def _value(a: Answer, store: Any, as_of: str | None) -> None:
    from tradestat import analytics
    from tradestat.report import oneline as text

    r = a.reading
    a.query = {"function": "figure", "reporter": r["reporter"], "flow": r["flow"],
               "period": r["period"], "partner": r["partner"], **_args(a), "as-of": as_of}
    fig = analytics.figure(store, r["reporter"], r["flow"], r["period"], partner=r["partner"],
                           as_of=as_of, **_args(a))
    a.result, a.value = fig, fig.value
    a.text = text.figure_line(fig) if fig.value is not None else (
        f"no data in the store for {r['reporter']} {r['flow']}s of {r['product']} in "
        f"{r['period']}")


def _growth(a: Answer, store: Any, as_of: str | None) -> None:
    _value(a, store, as_of)
    fig = a.result
    if fig.value is None:
        return
    a.value = fig.yoy_pct
    if fig.yoy_pct is None:
        why = next((w.message for w in fig.warnings if w.code == "yoy-withheld"),
                   "no value a year earlier")
        a.text = f"no growth rate: {why} ({a.text})"
    else:
        a.text = f"{fmt.pct(fig.yoy_pct)} year on year: {a.text}"


def _ranking(a: Answer, store: Any, as_of: str | None, top: int | None) -> Any:
    from tradestat import analytics

    r = a.reading
    a.query = {"function": "rank", "by": "reporter", "flow": r["flow"], "period": r["period"],
               "partner": r["partner"], **_args(a), "top": top, "as-of": as_of}
    return analytics.rank(store, r["flow"], r["period"], by="reporter", partner=r["partner"],
                          top=top, as_of=as_of, **_args(a))


def _rank(a: Answer, store: Any, as_of: str | None) -> None:
    """The first N reporters; "What was Korea's rank …": that reporter's place."""
    who = a.reading["reporter"]
    ranking = _ranking(a, store, as_of, None if who else a.reading.get("top") or 5)
    a.result = ranking
    what = f"{a.reading['flow']}s of {_product(a)} in {a.reading['period']}"
    rows = [x for x in ranking.rows if x.code == who] if who else ranking.rows
    a.rows = [x.to_dict() for x in rows]
    if not rows:
        a.text = f"no data in the store for {_place(who) if who else 'any reporter'}'s {what}"
        return
    if who:
        a.value = float(rows[0].rank)
    a.text = f"{what}: " + "; ".join(
        f"{x.rank}. {_place(x.code)} {fmt.money(x.value, ranking.currency)} "
        f"({fmt.pct(x.share_pct, signed=False)})"
        for x in rows) + (f" (of {ranking.n} reporters)" if who else "")


def _share(a: Answer, store: Any, as_of: str | None) -> None:
    ranking = _ranking(a, store, as_of, None)
    a.result = ranking
    row = next((x for x in ranking.rows if x.code == a.reading["reporter"]), None)
    if row is None:
        a.text = f"{_place(a.reading['reporter'])} is not among the reporters with data"
        return
    a.value, a.rows = row.share_pct, [row.to_dict()]
    a.text = (f"{_place(row.code)}: {fmt.pct(row.share_pct, signed=False)} of the "
              f"{ranking.n} reporters' "
              f"{a.reading['flow']}s of {_product(a)} in {a.reading['period']} "
              f"(rank {row.rank})")


def _comparison(a: Answer, store: Any, as_of: str | None) -> None:
    from tradestat import analytics

    r = a.reading
    who = [r["reporter"], *(r["others"] or [])]
    if len(who) < 2:
        raise InputError("a comparison needs two countries (e.g. 'Did China export more "
                         "chips than South Korea in 2023?')")
    figs = [analytics.figure(store, x, r["flow"], r["period"], partner=r["partner"],
                             as_of=as_of, **_args(a)) for x in who[:2]]
    a.query = {"function": "figure", "reporter": " and ".join(who[:2]), "flow": r["flow"],
               "period": r["period"], "partner": r["partner"], **_args(a), "as-of": as_of}
    a.result = {"items": [f.to_dict() for f in figs],
                "warnings": [w.to_dict() for f in figs for w in f.warnings]}
    if any(f.value is None for f in figs):
        a.text = (f"no data in the store for {r['flow']}s of {_product(a)} in {r['period']} "
                  "by " + " and ".join(_place(x) for x, f in zip(who, figs, strict=False)
                                       if f.value is None))
        return
    a.value = (figs[0].value / figs[1].value - 1) * 100
    a.rows = [{"code": x, "value": f.value} for x, f in zip(who, figs, strict=False)]
    rel = "more than" if a.value > 0 else "less than"
    a.text = (f"{_place(who[0])} {fmt.money(figs[0].value, figs[0].currency)} — "
              f"{abs(a.value):.1f} % {rel} {_place(who[1])} "
              f"{fmt.money(figs[1].value, figs[1].currency)}")


def _place(code: str) -> str:
    """A reporter as a reader names it (Taiwan for S19)."""
    from tradestat.report.words import place

    return place(code)


def _product(a: Answer) -> str:
    return str(a.reading["product"]).replace("_", " ")


def _balance(a: Answer, store: Any, as_of: str | None) -> None:
    """A trade balance: exports minus imports (both must be in the store)."""
    from tradestat.analytics.balance import balance

    r = a.reading
    partner = r["partner"] if r["partner"] not in (None, "WLD") else None
    a.query = {"function": "balance", "reporter": r["reporter"], "period": r["period"],
               "partner": partner, **_args(a), "as-of": as_of}
    b = balance(store, r["reporter"], r["period"], partner=partner, as_of=as_of, **_args(a))
    a.result, a.value = b, b.value
    with_ = f" with {_place(partner)}" if partner else ""
    a.text = (f"{_place(r['reporter'])}'s trade {b.kind}{with_} in {b.exports.period.label}: "
              f"{fmt.money(abs(b.value), b.currency)} (exports "
              f"{fmt.money(b.exports.value, b.currency)}, imports "
              f"{fmt.money(b.imports.value, b.currency)})")


ANSWERS = {"value": _value, "growth": _growth, "rank": _rank, "share": _share,
           "comparison": _comparison, "balance": _balance}

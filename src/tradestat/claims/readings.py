"""Readings: the ways a claim can be understood, each computed against the store.

A product word may name several baskets ("semiconductors": HS 8541+8542, or integrated
circuits only); a value in another currency than the data's may be a conversion at the
period-average rate or at a spot rate (the period's last fixing, or the publication date
given as ``published``); a growth rate may be the published one or one computed from the stored
values, in the data's currency or the sentence's. Each reading carries its value and the
evidence behind it: the query, the releases, the coverage warnings, the currency basis.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tradestat import fmt
from tradestat.analytics.periods import Span
from tradestat.claims.extract import Claim
from tradestat.errors import TradestatError

#: warnings that leave a figure short of what the claim is about
INCOMPLETE = ("missing-month", "no-data", "code-missing")
#: warnings that make a figure the sum of part of what the claim covers (the sub-codes
#: present, a world from a few partners): a lower bound of the claimed total, never its value
PARTIAL = ("product-from-parts", "world-from-partners", "code-missing")
#: ``partner=WORLD`` asks an Engine figure for the world, whatever the claim's partner
WORLD = "world"
#: reporters missing from a ranking: at or above this weight (% of the previous total) they
#: could change ranks and shares
MISSING_WEIGHT_PCT = 1.0


@dataclass
class Reading:
    """One way to read a claim, computed: its value in the claim's unit and the evidence."""

    label: str
    product: str
    basis: str
    value: float | None
    unit: str
    evidence: dict
    #: warnings that make the data incomplete for this claim (empty: complete)
    gaps: list[dict] = field(default_factory=list)
    #: "lower" where the value sums only part of what the claim covers (see PARTIAL)
    bound: str | None = None
    #: set by the verdict: match, approximate, mismatch, no-data, incomplete, lower-bound
    status: str = ""
    note: str = ""

    def to_dict(self) -> dict:
        return {"label": self.label, "product": self.product, "basis": self.basis,
                "value": self.value, "unit": self.unit, "status": self.status,
                "bound": self.bound, "note": self.note, "gaps": self.gaps}


def partial(fig: Any) -> list[dict]:
    """The figure's warnings that make it a sum of part of what was asked."""
    return [w.to_dict() for w in getattr(fig, "warnings", []) if w.code in PARTIAL
            and w.detail.get("span", "current") == "current"]


def bounded(r: Reading, fig: Any) -> Reading:
    """``r`` marked as a lower bound where ``fig`` sums only part of what was asked; its
    partial-data warnings leave the gaps (they are the bound, not a hole in the months)."""
    parts = partial(fig)
    if parts:
        r.bound = "lower"
        codes = {p["code"] for p in parts}
        r.gaps = [g for g in r.gaps if g["code"] not in codes]
        r.note = "; ".join(p["message"] for p in parts)
    return r


def item_args(item: str) -> dict:
    """``product=`` for an HS code or TOTAL, ``basket=`` for a basket name."""
    return {"product": item} if item.isdigit() or item == "TOTAL" else {"basket": item}


def period_end(label: str) -> dt.date:
    span = Span.parse(label)
    return dt.date(span.end_year, span.end_month,
                   calendar.monthrange(span.end_year, span.end_month)[1])


class Engine:
    """The analytics for one check, with each figure computed once."""

    def __init__(self, store: Any, as_of: str | None, published: str | None = None) -> None:
        from tradestat.analytics.common import open_store

        self.store = open_store(store)
        self.as_of = as_of
        self.published = published
        self._cache: dict[tuple, Any] = {}

    def _memo(self, key: tuple, fn: Any) -> Any:
        if key not in self._cache:
            try:
                self._cache[key] = fn()
            except TradestatError as exc:
                self._cache[key] = exc
        return self._cache[key]

    def figure(self, c: Claim, item: str, currency: str | None = None,
               reporter: str | None = None, as_of: str | None = None,
               partner: str | None = None) -> Any:
        from tradestat import analytics

        who, when = reporter or c.reporter, as_of or self.as_of
        to = None if partner == WORLD else (partner or c.partner)
        key = ("figure", who, to, c.flow, c.period, item, currency, when)
        return self._memo(key, lambda: analytics.figure(
            self.store, who, c.flow, c.period, partner=to, currency=currency,
            as_of=when, **item_args(item)))

    def balance(self, c: Claim, item: str, currency: str | None = None) -> Any:
        from tradestat.analytics.balance import balance

        to = None if c.partner in (None, WORLD) else c.partner
        key = ("balance", c.reporter, to, c.period, item, currency, self.as_of)
        return self._memo(key, lambda: balance(
            self.store, c.reporter, c.period, partner=to, currency=currency,
            as_of=self.as_of, **item_args(item)))

    def partners(self, c: Claim, item: str) -> Any:
        from tradestat import analytics

        key = ("rank-partners", c.reporter, c.flow, c.period, item)
        return self._memo(key, lambda: analytics.rank(
            self.store, c.flow, c.period, by="partner", reporter=c.reporter,
            as_of=self.as_of, **item_args(item)))

    def ranking(self, c: Claim, item: str) -> Any:
        from tradestat import analytics

        key = ("rank", c.partner, c.flow, c.period, item)
        return self._memo(key, lambda: analytics.rank(
            self.store, c.flow, c.period, by="reporter", partner=c.partner, as_of=self.as_of,
            **item_args(item)))

    def compare(self, c: Claim, a: str, b: str, currency: str | None) -> Any:
        from tradestat import analytics

        key = ("compare", c.reporter, c.partner, c.flow, c.period, a, b, currency)
        return self._memo(key, lambda: analytics.compare(
            self.store, c.reporter, c.flow, c.period, [a, b], partner=c.partner,
            currency=currency, as_of=self.as_of))

    def spot(self, base: str, quote: str, day: dt.date) -> Any:
        from tradestat.reference import fx

        return self._memo(("spot", base, quote, day), lambda: fx.FxRates().spot(base, quote,
                                                                                 day))

    def spot_days(self, c: Claim) -> list[tuple[str, dt.date]]:
        days = [("the period's last fixing", period_end(c.period))]
        if self.published:
            days.append(("publication", dt.date.fromisoformat(self.published[:10])))
        return days


# ---------------------------------------------------------------- evidence

def evidence(result: Any, function: str, **query: Any) -> dict:
    """What a reading rests on: the query, the value, the releases, warnings, basis (read
    from the figure's, ranking's or comparison's own attributes)."""
    q = {"function": function, **query}
    if isinstance(result, TradestatError):
        return {"query": q, "error": str(result)}
    cov = (getattr(result, "coverage", None) or {}).get("current")
    doc = {"query": q, "value": getattr(result, "value", getattr(result, "total", None)),
           "currency": result.currency, "basis": getattr(result, "basis", None),
           "period": result.period.to_dict(), "releases": cov.releases if cov else [],
           "sources": cov.sources if cov else [], "warnings": _warnings(result),
           "conversion": getattr(result, "conversion", None)}
    if hasattr(result, "previous_value"):  # a figure: its comparison with a year earlier
        doc |= {"previous": {"value": result.previous_value,
                             "period": result.period.previous().to_dict()},
                "yoy_pct": result.yoy_pct, "published_yoy_pct": result.published_yoy_pct}
    return doc


def _warnings(result: Any) -> list[dict]:
    if hasattr(result, "items"):  # a comparison: its items' warnings carry their item
        return result.to_dict()["warnings"]
    return [w.to_dict() for w in result.warnings]


def figure_gaps(fig: Any, spans: tuple[str, ...] = ("current",)) -> list[dict]:
    """The figure's warnings that leave it short for the spans a claim rests on."""
    return [w.to_dict() for w in fig.warnings if w.code in INCOMPLETE
            and w.detail.get("span", "current") in spans]


def ranking_gaps(r: Any) -> list[dict]:
    out = [w.to_dict() for w in r.warnings if w.code in INCOMPLETE
           and w.detail.get("span", "current") == "current"]
    out += [w.to_dict() for w in r.warnings if w.code == "reporter-coverage"
            and w.detail.get("previous_weight_pct", 0.0) >= MISSING_WEIGHT_PCT]
    return out


def _query(c: Claim, item: str, **extra: Any) -> dict:
    return {"reporter": c.reporter, "partner": c.partner, "flow": c.flow, "period": c.period,
            **item_args(item)} | extra


# ---------------------------------------------------------------- per kind

def value_readings(c: Claim, eng: Engine) -> list[Reading]:
    """Each product reading; in another currency, each conversion basis too."""
    want = c.value["currency"]
    out = []
    for item in c.products:
        fig = eng.figure(c, item)
        ev = evidence(fig, "figure", **_query(c, item))
        if isinstance(fig, TradestatError) or fig.value is None:
            out.append(Reading(f"{item}", item, "none", None, want, ev))
            continue
        gaps = figure_gaps(fig)
        if fig.currency == want:
            out.append(bounded(Reading(f"{item} ({want} as stored)", item,
                                       fig.basis or "published", fig.value, want, ev, gaps),
                               fig))
            continue
        out += [bounded(r, fig) for r in _converted(c, eng, item, fig, want, gaps)]
    return out


def deficit(c: Claim) -> bool:
    """Whether the claim's words make it a deficit ("a deficit of $X", "a $X deficit"): the
    balance word nearest before its number, else the first after it. Its value is then the
    size of the deficit (imports above exports)."""
    sentence = c.sentence.lower()
    at = max(sentence.find(c.text.lower()), 0)
    before = re.findall(r"surplus|deficit", sentence[:at])
    after = re.findall(r"surplus|deficit", sentence[at:])
    word = before[-1] if before else (after[0] if after else "surplus")
    return word == "deficit"


def balance_readings(c: Claim, eng: Engine) -> list[Reading]:
    """Exports minus imports for each product reading (a deficit's size for a deficit), in
    the claim's currency (as stored, else at the period-average rate)."""
    want, sign = c.value["currency"], -1.0 if deficit(c) else 1.0
    out = []
    for item in c.products:
        b = eng.balance(c, item)
        if not isinstance(b, TradestatError) and b.currency != want:
            b = eng.balance(c, item, want)
        query = _query(c, item) | {"flow": "export - import"}
        if isinstance(b, TradestatError):
            out.append(Reading(item, item, "none", None, want, evidence(b, "balance", **query)))
            continue
        ev = evidence(b.exports, "balance", **query) | {
            "value": b.value, "exports": b.exports.value, "imports": b.imports.value,
            "kind": b.kind}
        gaps = figure_gaps(b.exports) + figure_gaps(b.imports)
        what = "deficit (imports minus exports)" if sign < 0 else "exports minus imports"
        out.append(Reading(f"{item}: {what}", item, b.exports.basis or "published",
                           sign * b.value, want, ev, gaps))
    return out


def _converted(c: Claim, eng: Engine, item: str, fig: Any, want: str,
               gaps: list[dict]) -> list[Reading]:
    avg = eng.figure(c, item, want)
    out = []
    if not isinstance(avg, TradestatError) and avg.value is not None:
        out.append(Reading(f"{item} in {want} at the period-average rate", item,
                           avg.basis or "period-average", avg.value, want,
                           evidence(avg, "figure", **_query(c, item, currency=want)), gaps))
    for what, day in eng.spot_days(c):
        rate = eng.spot(fig.currency, want, day)
        if isinstance(rate, TradestatError):
            continue
        ev = evidence(fig, "figure", **_query(c, item)) | {
            "currency": want, "basis": rate.basis, "value": fig.value * rate.value,
            "conversion": {"from": fig.currency, "value": fig.value, "rate": rate.to_dict()}}
        out.append(Reading(f"{item} in {want} at the spot rate of {rate.basis[5:]} ({what})",
                           item, rate.basis, fig.value * rate.value, want, ev, gaps))
    return out


def conversion_readings(c: Claim, source: Claim, eng: Engine) -> list[Reading]:
    """The stated value as a conversion of the figure stated beside it in another currency:
    the source's interval times each rate (no trade data needed)."""
    from tradestat.reference import fx

    src, want = source.value, c.value["currency"]
    out = []
    try:
        rates = fx.FxRates().rates(src["currency"], want, c.period)
        avg = sum(r.value for r in rates) / len(rates)
        bases = [("period-average", avg, [r.to_dict() for r in rates])]
    except TradestatError:
        bases = []
    for _what, day in eng.spot_days(c):
        rate = eng.spot(src["currency"], want, day)
        if not isinstance(rate, TradestatError):
            bases.append((rate.basis, rate.value, [rate.to_dict()]))
    for basis, rate, used in bases:
        ev = {"query": {"function": "fx", "from": src["currency"], "to": want,
                        "period": c.period, "basis": basis},
              "value": src["amount"] * rate, "currency": want, "basis": basis,
              "conversion": {"from": src["currency"], "value": src["amount"], "rate": rate,
                             "rates": used, "interval": [src["low"] * rate, src["high"] * rate]}}
        out.append(Reading(f"{src['said']} converted at the {basis} rate", "conversion",
                           basis, src["amount"] * rate, want, ev))
    return out


def growth_readings(c: Claim, eng: Engine) -> list[Reading]:
    """Published and computed year-on-year changes, in the data's and the text's currency."""
    out = []
    want = c.growth.get("currency")
    for item in c.products:
        fig = eng.figure(c, item)
        ev = evidence(fig, "figure", **_query(c, item))
        if isinstance(fig, TradestatError) or fig.value is None:
            out.append(Reading(item, item, "none", None, "%", ev))
            continue
        if fig.published_yoy_pct is not None:
            out.append(bounded(Reading(
                f"{item}: change published beside the {fig.currency} value", item,
                "published", fig.published_yoy_pct, "%", ev, figure_gaps(fig)), fig))
        gaps = figure_gaps(fig, ("current", "previous"))
        out.append(bounded(Reading(f"{item}: change computed in {fig.currency}", item,
                                   f"computed:{fig.currency}", fig.yoy_pct, "%", ev, gaps),
                           fig))
        if want and want != fig.currency:
            conv = eng.figure(c, item, want)
            if not isinstance(conv, TradestatError):
                out.append(bounded(Reading(
                    f"{item}: change computed in {want} (period-average rates)", item,
                    f"computed:{want}", conv.yoy_pct, "%",
                    evidence(conv, "figure", **_query(c, item, currency=want)), gaps), conv))
    return out


def reporter_comparison_readings(c: Claim, eng: Engine) -> list[Reading]:
    """"China exported more integrated circuits than South Korea": the same figure for each
    reporter (or, "exports to the US exceeded exports to China", each partner), side by side;
    a partial figure on either side decides nothing."""
    out = []
    by = "partner" if c.comparison.get("partners") else "reporter"
    other = c.comparison[f"{by}s"][0]
    me = c.partner if by == "partner" else c.reporter
    for item in c.products:
        mine, theirs = eng.figure(c, item), eng.figure(c, item, **{by: other})
        ev = {"query": {"function": "figure", f"{by}s": [me, other], "flow": c.flow,
                        "period": c.period, **item_args(item)},
              "values": {}}
        bad = [x for x in (mine, theirs) if isinstance(x, TradestatError) or x.value is None]
        if bad or not theirs.value:
            out.append(Reading(f"{item}: {me} vs {other}", item, "none", None, "%", ev))
            continue
        diff = (mine.value / theirs.value - 1) * 100
        ev |= {"value": diff, "unit": "% difference",
               "values": {me: mine.value, other: theirs.value},
               "relation": f"{me} {fmt.money(mine.value, mine.currency)} against "
                           f"{other} {fmt.money(theirs.value, theirs.currency)} "
                           f"({fmt.pct(diff)})",
               "mine": evidence(mine, "figure", **_query(c, item)),
               "theirs": evidence(theirs, "figure", **_query(c, item, **{by: other}))}
        r = Reading(f"{item}: {me} vs {other}", item, mine.currency, diff, "%", ev,
                    figure_gaps(mine) + figure_gaps(theirs))
        if partial(mine) or partial(theirs):
            r.bound = "lower"
            r.note = "; ".join(p["message"] for p in partial(mine) + partial(theirs))
        out.append(r)
    return out


def comparison_readings(c: Claim, eng: Engine) -> list[Reading]:
    """Each pairing of the subject's and the object's product readings, side by side."""
    if c.comparison.get("reporters") or c.comparison.get("partners"):
        return reporter_comparison_readings(c, eng)
    out = []
    want = c.comparison.get("currency")
    for a in c.products:
        for b in c.comparison["products"]:
            if a == b:
                continue
            cmp = eng.compare(c, a, b, want)
            ev = evidence(cmp, "compare", **_query(c, a, items=[a, b], currency=want))
            if isinstance(cmp, TradestatError):
                out.append(Reading(f"{a} vs {b}", a, "none", None, "%", ev))
                continue
            rel = cmp.relations[0]
            gaps = [w for i in cmp.items for w in figure_gaps(i.figure)]
            parts = [p for i in cmp.items for p in partial(i.figure)]
            covs = [i.figure.coverage["current"] for i in cmp.items]
            ev |= {"value": rel["diff_pct"], "unit": "% difference",
                   "values": {i.label: i.figure.value for i in cmp.items},
                   "relation": rel["text"], "basis": cmp.items[0].figure.basis,
                   "releases": sorted({x for c in covs for x in c.releases}),
                   "sources": sorted({x for c in covs for x in c.sources})}
            r = Reading(f"{a} vs {b}", a, cmp.currency, rel["diff_pct"], "%", ev, gaps)
            if parts:  # a side summed from part of what it names decides nothing
                r.bound, r.note = "lower", "; ".join(p["message"] for p in parts)
            out.append(r)
    return out


def _ranked(r: Any, item: str, code: str | None, ev: dict, label: Callable[[Any], str],
            basis: str, share: bool = False, extra: Callable[[Any], dict] | None = None
            ) -> Reading:
    """``code``'s place (or share) in the ranking ``r``, with the codes ranked ahead of it;
    ``label`` and ``extra`` (more evidence) are read from the ranking once it has a row."""
    row = None if isinstance(r, TradestatError) else next(
        (x for x in r.rows if x.code == code), None)
    if row is None:
        return Reading(item, item, "none", None, "rank", ev)
    value, unit = (row.share_pct, "%") if share else (float(row.rank), "rank")
    ev |= {"value": value, "unit": unit, **(extra(r) if extra else {}), "row": row.to_dict(),
           "ahead": [x.code for x in r.rows if x.rank < row.rank]}
    return bounded(Reading(label(r), item, basis, value, unit, ev, ranking_gaps(r)), r)


def partner_rank_readings(c: Claim, eng: Engine) -> list[Reading]:
    """"The US was Vietnam's biggest export market": the partner's place among the
    reporter's partners."""
    out = []
    for item in c.products:
        r = eng.partners(c, item)
        ev = evidence(r, "rank", flow=c.flow, period=c.period, by="partner",
                      reporter=c.reporter, **item_args(item))
        out.append(_ranked(r, item, c.partner, ev,
                           lambda r, item=item: f"{item}: among {c.reporter}'s {r.n} partners",
                           "partners"))
    return out


def ranking_readings(c: Claim, eng: Engine) -> list[Reading]:
    """The reporter's rank, or share of the reporters' total, for each product reading."""
    if c.kind == "rank" and (c.ranked or {}).get("by") == "partner":
        return partner_rank_readings(c, eng)
    out = []
    for item in c.products:
        if c.share and (c.share["of"] == "total" or c.partner):
            out.append(_share_of_total(c, eng, item))
            continue
        r = eng.ranking(c, item)
        ev = evidence(r, "rank", flow=c.flow, period=c.period, by="reporter",
                      partner=c.partner, **item_args(item))
        out.append(_ranked(r, item, c.reporter, ev,
                           lambda r, item=item: f"{item}: among {r.n} reporters", "reporters",
                           share=bool(c.share),
                           extra=lambda r: {"total": r.total, "reporters": r.n}))
    return out


def _share_of_total(c: Claim, eng: Engine, item: str) -> Reading:
    """A product's share of all products, or (a claim with a partner: "exports to China
    accounted for half of Japan's exports of …") a partner's share of the world."""
    if c.partner:
        whole_item, label = item, f"{item} to {c.partner} in {item} to the world"
        whole = eng.figure(c, item, partner=WORLD)
        whole_q = _query(c, item, partner=None)
    else:
        whole_item, label = "TOTAL", f"{item} in all products"
        whole, whole_q = eng.figure(c, "TOTAL"), _query(c, "TOTAL")
    part = eng.figure(c, item)
    ev = {"part": evidence(part, "figure", **_query(c, item)),
          "whole": evidence(whole, "figure", **whole_q)}
    bad = [x for x in (part, whole) if isinstance(x, TradestatError) or x.value is None]
    if bad or not whole.value:
        return Reading(label, whole_item, "none", None, "%", ev)
    gaps = figure_gaps(part) + figure_gaps(whole)
    r = Reading(label, item, "share-of-total", 100 * part.value / whole.value, "%", ev, gaps)
    parts = partial(part) + partial(whole)
    if parts:  # a total summed from the codes present makes any share of it meaningless
        r.bound, r.note = "lower", "; ".join(p["message"] for p in parts)
    return r


def revision(c: Claim, eng: Engine, r: Reading) -> dict | None:
    """The same reading as the store stood on the text's publication date (``--as-of``
    it): its value and releases, where they differ from today's."""
    if not eng.published or eng.as_of or c.kind != "value" or r.product == "conversion":
        return None
    then = eng.figure(c, r.product, as_of=eng.published[:10])
    if isinstance(then, TradestatError) or then.value is None:
        return {"as_of": eng.published[:10], "value": None}
    now_rel = r.evidence.get("releases", [])
    then_rel = then.coverage["current"].releases
    return {"as_of": eng.published[:10], "value": then.value, "currency": then.currency,
            "releases": then_rel, "changed": then_rel != now_rel}


def readings(c: Claim, claims: list[Claim], eng: Engine) -> list[Reading]:
    """Every reading of ``c`` (none for a claim that is not about trade or lacks a part)."""
    if c.kind == "balance" and c.flow != "total_trade":
        return balance_readings(c, eng)
    if c.kind == "quantity" or (c.kind == "comparison"
                                             and c.comparison["relation"] == "record") or (
            (c.ranked or {}).get("by") == "product"):
        return []  # not checked yet: the verdict says why
    if c.kind == "value":
        out = value_readings(c, eng)
        if c.converts is not None:
            out += conversion_readings(c, claims[c.converts], eng)
        return out
    if c.kind == "growth":
        return growth_readings(c, eng)
    if c.kind == "comparison":
        return comparison_readings(c, eng)
    return ranking_readings(c, eng)

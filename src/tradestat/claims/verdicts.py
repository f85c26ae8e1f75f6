"""Verdicts: supported, contradicted or unverifiable, with the reason and the evidence.

* A number is read within its stated precision: "1.03 trillion" is 1.025–1.035 trillion,
  "20.3 %" is 20.25–20.35 %; "about" allows ``APPROX_PCT``; "more than" is a bound.
* A value computed from part of what the claim covers (the sub-codes present for a total,
  a world summed from a few partners, a basket with codes missing) is a lower bound: it
  supports "more than" claims it already passes and contradicts a claim it already exceeds,
  but never a larger figure, and never judges a growth rate or a comparison.
* ``approximate``: a value outside its stated precision but within ``APPROXIMATE_PCT`` of
  the data, with how far; where ``--published`` is given, the data as they stood then
  (``--as-of``) are read too, to say whether a later revision explains the gap.
* A claim is ``supported`` when a reading computed from complete data reproduces it (the
  reading is named when it is not the first one), ``contradicted`` when the data are complete
  and no reading does (with the computed value and by how much), and ``unverifiable`` when it
  is not about trade (production, sales, a forecast), lacks a reporter, flow or period, the
  store has no data for it, or the data are too incomplete to judge. Data with gaps never
  support a claim silently: the one exception is a bound the partial data already pass
  ("more than $5 bn" when the months present already exceed it), and the reason says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tradestat import fmt as numbers
from tradestat.claims import lexicon as lx
from tradestat.claims.extract import Claim
from tradestat.claims.readings import Reading

SUPPORTED, CONTRADICTED, UNVERIFIABLE = "supported", "contradicted", "unverifiable"
APPROXIMATE = "approximate"
#: two values "match" (a comparison's "matches", "on par with") within this many percent
LEVEL_PCT = 1.0
#: a value outside its stated precision but this close (percent) is "approximate", not wrong
APPROXIMATE_PCT = 1.0
#: decimals of a verdict's values: finer than any claim's stated precision ("$159.747 bn"
#: beside a claimed "$159.8 billion", "+17.17 %" beside "17.2 %")
MONEY_DIGITS, PCT_DIGITS = 3, 2
#: claims the checker reads but cannot check yet, and why
NOT_YET = {
    "quantity": "a quantity (units, tonnes): the checker compares values, not quantities, "
                "so it is not checked",
    "record": "a comparison with earlier records ('the largest since …') is not checked yet",
    "product-rank": "a ranking of products is not checked yet",
    "total_trade": "exports and imports together (total trade): not checked yet",
    "share-of-other": "a share of a total the text names but the checker does not compute "
                      "(only shares of the world's reporters, of all products, or of a "
                      "partner in the reporter's trade are checked)",
    "days": "a period of days within a month (10- or 20-day data): the store holds whole "
            "months",
}


@dataclass
class Verdict:
    verdict: str
    reason: str
    evidence: dict = field(default_factory=dict)
    chosen: int | None = None


# ---------------------------------------------------------------- numbers and words

def stated(c: Claim) -> dict | None:
    """The claimed number with its interval and qualifier (None for a comparison)."""
    if c.kind in ("value", "balance"):
        return c.value
    if c.kind == "growth":
        return c.growth
    if c.kind == "share":
        return c.share
    if c.kind == "rank":
        return {"amount": c.rank, "low": c.rank, "high": c.rank, "qualifier": None}
    return None


def within(value: float, claim: dict) -> bool:
    """``value`` reproduces the claimed number at its stated precision and qualifier."""
    amount = claim.get("amount", claim.get("pct"))
    low, high, q = claim["low"], claim["high"], claim.get("qualifier")
    tol = abs(amount) * lx.APPROX_PCT / 100
    if q == ">":
        return value > amount
    if q == "<":
        return value < amount
    if q == "~":
        return amount - tol <= value <= amount + tol
    if q == "~<":
        return amount - tol <= value <= high
    return low <= value <= high


def relation_holds(diff_pct: float, relation: str) -> bool:
    if relation == "=":
        return abs(diff_pct) < LEVEL_PCT
    return diff_pct > 0 if relation == ">" else diff_pct < 0


def fmt(value: float | None, unit: str, signed: bool = False) -> str:
    """A reading's value as the reader sees every number (:mod:`tradestat.fmt`), with the
    digits a verdict needs to tell a value from a claim's rounding ("$159.747 bn")."""
    if value is None:
        return "no value"
    if unit == "%":
        return numbers.pct(value, signed, digits=PCT_DIGITS)
    if unit == "rank":
        return f"rank {value:.0f}"
    return _money(value, unit)


def _val(c: Claim, r: Reading) -> str:
    return fmt(r.value, r.unit, c.kind == "growth")


def _money(value: float, currency: str) -> str:
    return numbers.money(value, currency, digits=MONEY_DIGITS)


def said(c: Claim) -> str:
    if c.kind == "comparison" and c.comparison["relation"] != "record":
        rel = {">": "more than", "<": "less than", "=": "level with"}[c.comparison["relation"]]
        who = f"{c.reporter} " if c.comparison.get("reporters") else (
            f"{c.reporter} to {c.partner}: " if c.comparison.get("partners") else "")
        return f"{who}{c.product_said} {rel} {c.comparison['said']}"
    return c.text.strip()


# ---------------------------------------------------------------- one reading

def judge(c: Claim, r: Reading) -> None:
    """Set the reading's status: no-data, incomplete, match or mismatch."""
    if r.value is None:
        r.status = "no-data"
        r.note = r.evidence.get("error", "") or _no_value(r)
        return
    if c.kind == "comparison":
        ok = relation_holds(r.value, c.comparison["relation"])
        r.note = r.evidence.get("relation", "")
    elif r.product == "conversion":
        lo, hi = r.evidence["conversion"]["interval"]
        ok = lo <= c.value["high"] and c.value["low"] <= hi
    else:
        ok = within(r.value, stated(c))
    if r.bound == "lower":
        _judge_bound(c, r, ok)
        return
    if r.gaps:
        r.status = "incomplete"
        r.note = "; ".join(g["message"] for g in r.gaps)
        if ok and _bound_passed(c, r):
            r.status = "match"
        elif _rank_already_lower(c, r):
            r.status = "mismatch"
            r.note += "; reporters missing from the data can only push it further down"
    else:
        r.status = "match" if ok else ("approximate" if _close(c, r) else "mismatch")


def _close(c: Claim, r: Reading) -> bool:
    """A value or a change off its stated precision, but within APPROXIMATE_PCT of it."""
    claim = (stated(c) if c.kind in ("value", "growth", "balance") and r.product != "conversion"
             else None)
    if not claim or claim.get("qualifier") or not r.value:
        return False
    amount = claim.get("amount", claim.get("pct"))
    return abs(r.value - amount) <= abs(amount) * APPROXIMATE_PCT / 100


def _judge_bound(c: Claim, r: Reading, ok: bool) -> None:
    """A value summed from part of what the claim covers can only grow as the rest is
    added: it decides "more than X" it already passes, and a claim it already exceeds."""
    claim = stated(c) if c.kind == "value" else None
    r.status = "lower-bound"
    if claim is None or r.product == "conversion":
        return
    if ok and claim.get("qualifier") == ">":
        r.status = "match"
    elif r.value > claim["high"] * (1 + APPROXIMATE_PCT / 100) and claim.get("qualifier") \
            not in (">",):
        r.status = "mismatch"
        r.note += "; the part present already exceeds the claimed total"


def _rank_already_lower(c: Claim, r: Reading) -> bool:
    """Among the reporters present the claimed place is already lost: the missing ones can
    only add competitors, never remove them."""
    return c.kind == "rank" and c.rank is not None and r.unit == "rank" and r.value > c.rank \
        and all(g["code"] in ("reporter-coverage", "missing-month") for g in r.gaps)


def _no_value(r: Reading) -> str:
    warnings = r.evidence.get("warnings") or []
    return "; ".join(w["message"] for w in warnings if w["code"] == "no-data") or "no data"


def _bound_passed(c: Claim, r: Reading) -> bool:
    """Partial sums only grow as missing months arrive: "more than X" already passed by the
    months present holds whatever the gaps hold."""
    q = (stated(c) or {}).get("qualifier")
    return c.kind == "value" and q == ">" and all(g["code"] == "missing-month"
                                                  for g in r.gaps)


# ---------------------------------------------------------------- the verdict

def decide(c: Claim, readings: list[Reading], store_note: Any = None) -> Verdict:
    """The verdict on ``c`` from its judged readings (see the module text for the rules)."""
    early = _not_checkable(c)
    if early:
        return early
    for r in readings:
        judge(c, r)
    conv = [r for r in readings if r.product == "conversion"]

    def where(status: str) -> list[int]:  # trade-data readings (not conversions) by status
        return [i for i, r in enumerate(readings)
                if r.status == status and r.product != "conversion"]

    if where("match"):
        return _supported(c, readings, where("match")[0])
    if where("approximate"):
        return _approximate(c, readings, where("approximate")[0])
    gaps = where("incomplete")
    if where("lower-bound") and not gaps:  # a reading the data hold only part of may be
        return _lower_bound(c, readings, where("lower-bound")[0])  # the one meant
    if gaps:
        r = readings[gaps[0]]
        misses = [f"{readings[i].label}: {_val(c, readings[i])}" for i in where("mismatch")]
        tail = f"; not reproduced under {'; '.join(misses)}" if misses else ""
        return Verdict(UNVERIFIABLE, f"coverage too incomplete to judge: {r.note} (the data "
                       f"present give {_val(c, r)} under {r.label}){tail}",
                       r.evidence, gaps[0])
    if where("mismatch"):
        return _contradicted(c, readings, where("mismatch"))
    return _no_data(c, readings, conv, store_note)


def _lower_bound(c: Claim, readings: list[Reading], i: int) -> Verdict:
    r = readings[i]
    what = {"growth": "a growth rate", "comparison": "a comparison", "share": "a share"}.get(
        c.kind, "the claimed figure")
    is_ = "is a lower bound" if c.kind == "value" else "rests on it"
    misses = [f"{x.label}: {_val(c, x)}" for x in readings if x.status == "mismatch"]
    tail = f"; not reproduced under {'; '.join(misses)}" if misses else ""
    return Verdict(UNVERIFIABLE, f"{said(c)}: the data hold only part of what the claim "
                   f"covers ({r.note}), a lower bound: {_val(c, r)} under {r.label} {is_}, "
                   f"which cannot confirm or contradict {what}{tail}", r.evidence, i)


def _approximate(c: Claim, readings: list[Reading], i: int) -> Verdict:
    r = readings[i]
    amount = stated(c).get("amount", stated(c).get("pct"))
    off = (amount / r.value - 1) * 100
    reason = (f"{said(c)}: outside its stated precision, but within {abs(off):.2f} % of the "
              f"current data ({_val(c, r)} under {r.label})")
    if c.kind == "growth":
        return Verdict(APPROXIMATE, reason + "; consistent with rounding, or with a revision "
                       "of either year's value since the text was written", r.evidence, i)
    then = r.evidence.get("as_published")
    if then and then.get("value") is not None and then.get("changed"):
        t_off = (stated(c)["amount"] / then["value"] - 1) * 100
        reason += (f"; the data as of {then['as_of']} (releases "
                   f"{', '.join(then['releases']) or '-'}) gave {_money(then['value'], r.unit)} "
                   f"({t_off:+.2f} %): consistent with a revision since")
    elif then:
        reason += (f"; the store holds no earlier release for it as of {then['as_of']}: "
                   "consistent with a later revision, or with rounding in the text")
    else:
        reason += "; consistent with a later revision of the data (give --published to "
        reason += "compare with the data as they stood then), or with rounding in the text"
    return Verdict(APPROXIMATE, reason, r.evidence, i)


def _not_checkable(c: Claim) -> Verdict | None:
    kind = ("record" if c.kind == "comparison" and c.comparison["relation"] == "record"
            else "product-rank" if (c.ranked or {}).get("by") == "product"
            else "total_trade" if c.flow == "total_trade"
            else "days" if c.period and c.period.count("-") > 2 else c.kind)
    if c.kind == "share" and c.share["of"] == "other" and not c.partner:
        kind = "share-of-other"
    if kind in NOT_YET and c.topic == "trade":
        return Verdict(UNVERIFIABLE, f"{said(c)}: {NOT_YET[kind]}", {"kind": kind})
    if c.topic != "trade":
        what = {"forecast": "a forecast", "production": "production or investment",
                "sales": "sales or market size"}[c.topic]
        return Verdict(UNVERIFIABLE, f"the claim is about {what}, not customs trade: trade "
                       "statistics cannot confirm or refute it", {"topic": c.topic})
    missing = [name for name, v in (("reporter", c.reporter), ("flow (export or import)",
                                                                c.flow),
                                    ("period", c.period), ("product", c.products)) if not v]
    if missing:
        return Verdict(UNVERIFIABLE, f"the text does not say which {' or '.join(missing)} "
                       "the figure is for")
    return None


def _supported(c: Claim, readings: list[Reading], i: int) -> Verdict:
    r = readings[i]
    others = [x for x in readings if x is not r and x.status in ("mismatch", "incomplete")]
    tail = ""
    if i > 0 or others:
        alt = "; ".join(f"{x.label}: {_val(c, x)} ({x.status})" for x in others)
        tail = " — only under this reading" + (f"; not under {alt}" if alt else "")
    warn = r.evidence.get("warnings") or []
    note = f" (with {len(warn)} coverage warning{'s' if len(warn) > 1 else ''} in the " \
           "evidence)" if warn else ""
    bound = " — the months present already pass the bound; the gaps can only add" \
        if r.gaps else ""
    return Verdict(SUPPORTED, f"{said(c)}: the data give {_val(c, r)} under "
                   f"{r.label}{tail}{bound}{note}", r.evidence, i)


def _contradicted(c: Claim, readings: list[Reading], misses: list[int]) -> Verdict:
    i = misses[0]
    r = readings[i]
    what = stated(c)
    if c.kind == "comparison":
        how = r.note
    elif c.kind == "rank" or r.unit == "%":
        how = f"{_val(c, r)}, not {what.get('amount', what.get('pct'))}" + \
            (" %" if r.unit == "%" else "")
    else:
        off = (what["amount"] / r.value - 1) * 100 if r.value else None
        how = f"{_val(c, r)}; the claim is {abs(off):.1f} % " \
              f"{'above' if off > 0 else 'below'} it" if off is not None else _val(c, r)
    others = [f"{x.label}: {_val(c, x)}" for j, x in enumerate(readings)
              if j != i and x.status == "mismatch"]
    tail = f" (other readings: {'; '.join(others)})" if others else ""
    if r.bound == "lower" or r.gaps:
        tail += f" — {r.note}"
    return Verdict(CONTRADICTED, f"{said(c)}: the data give {how} under {r.label}{tail}",
                   r.evidence, i)


def _compared_without_data(c: Claim, readings: list[Reading]) -> str:
    """The side of a comparison the store has no data for, naming the other: "motor_vehicles
    / passenger_cars (compared with semiconductors / integrated_circuits)"."""
    values: dict[str, float | None] = {}
    for r in readings:
        for name, v in (r.evidence.get("values") or {}).items():
            values[name] = values.get(name) if v is None else v
    sides = [list(c.products), list(c.comparison["products"])]
    empty = [s for s in sides if s and all(values.get(x, 0) is None for x in s)]
    if len(empty) != 1:
        return f"{' / '.join(sides[0])} or {' / '.join(sides[1])}"
    other = sides[1] if empty[0] is sides[0] else sides[0]
    return f"{' / '.join(empty[0])} (compared with {' / '.join(other)})"


def _no_data(c: Claim, readings: list[Reading], conv: list[Reading],
             store_note: Any) -> Verdict:
    items = " / ".join(c.products)
    if c.kind == "balance":  # the balance says which flow is missing
        errors = sorted({r.evidence["error"] for r in readings if r.evidence.get("error")})
        return Verdict(UNVERIFIABLE, f"{said(c)}: " + ("; ".join(errors) or "no data"),
                       readings[0].evidence if readings else {})
    if c.kind == "comparison":
        items = _compared_without_data(c, readings)
    held = f"; the store holds {store_note}" if store_note else "; the store holds nothing " \
        f"for {c.reporter} {c.flow}s"
    to = f" {'to' if c.flow == 'export' else 'from'} {c.partner}" if c.partner else ""
    reason = f"no data for {c.reporter} {c.flow}s{to} of {items} in {c.period}{held}"
    ev = readings[0].evidence if readings else {}
    good = [r for r in conv if r.status == "match"]
    if conv:
        bad = [r for r in conv if r.status == "mismatch"]
        reason += "; as a conversion of the figure beside it: " + (
            f"consistent at the {', '.join(r.basis for r in good)} rate" if good else
            "consistent at none of the rates tried") + (
            f", not at the {', '.join(f'{r.basis} rate ({_val(c, r)})' for r in bad)}"
            if bad else "")
        ev = (good or conv)[0].evidence | {"trade_data": ev}
    return Verdict(UNVERIFIABLE, reason, ev,
                   readings.index(good[0]) if good else None)

"""check: text in, each quantitative trade claim with its readings, verdict and evidence out.

    >>> report = check("China's exports of integrated circuits reached $159.7 billion in "
    ...                "2024.", store)                                       # doctest: +SKIP
    >>> [(c.claim.text, c.verdict) for c in report.claims]                   # doctest: +SKIP
    [('$159.7 billion', 'supported')]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tradestat.claims import readings as rd
from tradestat.claims.extract import Claim, extract
from tradestat.claims.verdicts import Verdict, decide
from tradestat.errors import InputError, TradestatError

VERDICTS = ("supported", "approximate", "contradicted", "unverifiable")


@dataclass
class Checked:
    """One claim, its readings (each computed) and the verdict."""

    claim: Claim
    readings: list[rd.Reading]
    result: Verdict

    @property
    def verdict(self) -> str:
        return self.result.verdict

    @property
    def reason(self) -> str:
        return self.result.reason

    def to_dict(self) -> dict:
        return {"text": self.claim.text, "span": list(self.claim.span),
                "parsed": self.claim.parsed(),
                "readings": [r.to_dict() for r in self.readings],
                "chosen_reading": self.result.chosen, "verdict": self.verdict,
                "reason": self.reason, "evidence": _json_safe(self.result.evidence)}


@dataclass
class CheckReport:
    """The claims of one text, in order, and how many got each verdict."""

    text: str
    claims: list[Checked] = field(default_factory=list)
    as_of: str | None = None
    published: str | None = None

    @property
    def summary(self) -> dict[str, int]:
        """Claims per verdict: supported, contradicted and unverifiable always; approximate
        (new in issue #19) only where a claim got it, so that readers of the first three
        keys see the same document."""
        counts = Counter(c.verdict for c in self.claims)
        return {v: counts.get(v, 0) for v in VERDICTS
                if v != "approximate" or counts.get(v)}

    def to_dict(self) -> dict:
        return {"claims": [c.to_dict() for c in self.claims], "summary": self.summary,
                "as_of": self.as_of, "published": self.published}


def _json_safe(doc: Any) -> Any:
    """Tuples to lists, non-finite floats to None (JSON has neither)."""
    if isinstance(doc, dict):
        return {str(k): _json_safe(v) for k, v in doc.items()}
    if isinstance(doc, list | tuple):
        return [_json_safe(v) for v in doc]
    if (isinstance(doc, float) and doc != doc) or doc in (float("inf"), float("-inf")):
        return None
    return doc


def holdings(eng: rd.Engine, reporter: str | None, flow: str | None) -> str | None:
    """What the store holds for a reporter and flow (for "no data" reasons), in one line."""
    if not reporter or not flow:
        return None
    import duckdb

    try:
        con = eng.store.connect(eng.as_of)
        rows = con.execute(
            "SELECT source, freq, min(period), max(period), count(DISTINCT product) "
            "FROM records WHERE reporter = ? AND flow = ? GROUP BY source, freq "
            "ORDER BY source, freq", [reporter, flow]).fetchall()
    except (duckdb.Error, TradestatError):  # an empty store has no records view
        return None
    if not rows:
        return None
    freq = {"A": "annual", "M": "monthly", "C": "cumulative Jan-M"}
    return "; ".join(
        f"{src} {freq.get(f, f)} {_p(lo)}..{_p(hi)} ({n} product{'s' if n > 1 else ''})"
        for src, f, lo, hi, n in rows)


def _p(period: int) -> str:
    return str(period) if period < 10000 else f"{period // 100}-{period % 100:02d}"


def check(text: str, store: Any, *, as_of: str | None = None,
          published: str | None = None, about: str | None = None) -> CheckReport:
    """Find the quantitative trade claims in ``text`` and check each against ``store``.

    ``as_of`` (YYYY-MM-DD): use the data as they stood on that date, as the analytics do.
    ``published`` (YYYY-MM-DD): when the text was published — a spot rate on that day is one
    more reading of a converted value, periods given without a year take its year, relative
    ones ("last month") resolve against it, and an approximate value is compared with the
    data as they stood that day. ``about`` (ISO3 or a name): the country the text is about,
    the reporter of claims that name none ("Exports rose 5 %").
    """
    if not isinstance(text, str):
        raise InputError("check: text must be a string")
    for name, day in (("as_of", as_of), ("published", published)):
        if day is not None:
            _check_date(name, day)
    eng = rd.Engine(store, as_of, published)
    claims = extract(text, published or as_of, about=_about(about))
    report = CheckReport(text, as_of=as_of, published=published)
    notes: dict[tuple, str | None] = {}
    for c in claims:
        found = rd.readings(c, claims, eng) if _checkable(c) else []
        key = (c.reporter, c.flow)
        if key not in notes:
            notes[key] = holdings(eng, *key)
        result = decide(c, found, notes[key])
        if result.verdict == "approximate" and result.chosen is not None:
            chosen = found[result.chosen]
            chosen.evidence["as_published"] = rd.revision(c, eng, chosen)
            result = decide(c, found, notes[key])
        report.claims.append(Checked(c, found, result))
    return report


def _about(about: str | None) -> str | None:
    """``--about``: ISO3, a Comtrade code or a name, as ``--reporter`` takes it."""
    if not about:
        return None
    from tradestat.reference import countries as ref

    found = ref.resolve(about)
    if found is None:
        raise InputError(f"--about {about!r}: not a country or area tradestat knows",
                         value=about)
    return found.code


def _checkable(c: Claim) -> bool:
    return c.topic == "trade" and all((c.reporter, c.flow, c.period, c.products))


def _check_date(name: str, text: str) -> None:
    import datetime as dt

    try:
        dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        raise InputError(f"{name} {text!r}: use a date, YYYY-MM-DD", value=str(text)) from None

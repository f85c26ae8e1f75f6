"""Human output: each sentence with its claims marked [n ...], then each claim's verdict, the
reason and the readings tried.

    Semiconductors export reached [1 1.03 trillion yuan] ([2 $142.17 billion]) during ...
      [1] UNVERIFIABLE  no data for CHN exports of semiconductors / integrated_circuits ...
          readings: semiconductors (no-data); integrated_circuits (no-data)
"""

from __future__ import annotations

from tradestat.claims.checker import Checked, CheckReport

MARKS = {"supported": "SUPPORTED", "approximate": "APPROXIMATE",
         "contradicted": "CONTRADICTED", "unverifiable": "UNVERIFIABLE"}


def marked(text: str, items: list[tuple[int, Checked]]) -> str:
    """``text`` with each claim's words wrapped as [n words] (overlaps: the first wins)."""
    out, pos = [], 0
    for n, c in sorted(items, key=lambda x: x[1].claim.span):
        start, end = c.claim.span
        if start < pos:
            continue
        out += [text[pos:start], f"[{n} ", text[start:end], "]"]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _reading_line(c: Checked) -> str:
    parts = []
    for i, r in enumerate(c.readings):
        star = "*" if i == c.result.chosen else ""
        parts.append(f"{star}{r.label} ({r.status})")
    return "; ".join(parts)


def lines(report: CheckReport) -> list[str]:
    """The report as text lines, sentence by sentence."""
    if not report.claims:
        return ["no quantitative trade claims found"]
    out: list[str] = []
    by_sentence: dict[str, list[tuple[int, Checked]]] = {}
    for n, c in enumerate(report.claims, 1):
        by_sentence.setdefault(c.claim.sentence, []).append((n, c))
    for items in by_sentence.values():
        first = items[0][1].claim
        start = report.text.find(first.sentence)
        local = [(n, _shifted(c, start)) for n, c in items] if start >= 0 else []
        out.append(marked(first.sentence, local) if local else first.sentence)
        for n, c in items:
            out.append(f"  [{n}] {MARKS[c.verdict]}  {c.reason}")
            for note in c.claim.notes:
                out.append(f"      note: {note}")
            if c.readings:
                out.append(f"      readings: {_reading_line(c)}")
        out.append("")
    s = report.summary
    out.append(", ".join(f"{v} {k}" for k, v in s.items()))
    return out


def _shifted(c: Checked, start: int) -> Checked:
    """A view of the claim with its span relative to its sentence."""
    from dataclasses import replace

    s, e = c.claim.span
    return Checked(replace(c.claim, span=(s - start, e - start)), c.readings, c.result)

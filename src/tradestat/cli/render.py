"""The command line's renderings of analytic results for readers: a figure with its
warnings, tables of rankings, comparisons and series, each with the note that goes with a
place's reader's name (Taiwan for Comtrade's 490/S19) once.

    >>> figure_lines(f)                                             # doctest: +SKIP
    ['China export of HS 8542 (Electronic integrated circuits) in 2024: US$159.7 bn, …']
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tradestat.analytics.common import money, pct
from tradestat.report.oneline import (
    _short,
    figure_line,
    place,
    product_words,
    readable,
    span_words,
)

if TYPE_CHECKING:
    from tradestat.analytics.compare import Comparison
    from tradestat.analytics.figure import Figure
    from tradestat.analytics.rank import Ranking
    from tradestat.analytics.series import Series


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> list[str]:
    """Columns padded to their widest cell; ``right`` holds the numeric columns' indexes."""
    right = right or set()
    cells = [headers, *rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
    return [line(headers), "  ".join("-" * w for w in widths), *map(line, rows)]


def place_notes(codes: list[str], warnings: list = ()) -> list[str]:
    """The note that goes with a reader's name (Taiwan for S19), once, when any code or
    warning names such a place."""
    from tradestat.report.words import READER_NAMES, place_note

    said = " ".join([*codes, *(w.message for w in warnings)])
    return [f"note: {place_note(code)}" for code in READER_NAMES
            if re.search(rf"\b{code}\b", said)]


def warning_lines(warnings: list, prefix: str = "") -> list[str]:
    return [f"warning: {prefix}{readable(w.message)}" for w in warnings]


def figure_lines(f: Figure) -> list[str]:
    lines = [figure_line(f)]
    if f.basis not in (None, "published"):
        lines.append(f"  converted to {f.currency} at {f.basis} rates")
    q = f.query
    return (lines + warning_lines(f.warnings)
            + place_notes([q["reporter"], q.get("partner") or ""], f.warnings))


def ranking_lines(r: Ranking) -> list[str]:
    from tradestat.report.words import reader_name

    rows = [[str(x.rank), x.code, _short(reader_name(x.code, x.name)),
             money(x.value, r.currency),
             pct(x.share_pct, signed=False), pct(x.yoy_pct)] for x in r.rows]
    what = {"reporter": "reporters", "partner": "partners", "product": "products"}[r.by]
    reporters = r.query.get("reporters") or []
    who = f"{', '.join(map(place, reporters))} " if reporters else ""
    of = "" if r.query["product"]["kind"] == "total" else \
        f" of {product_words(r.query['product'])}"
    lines = [f"{who}{r.query['flow']}{of} by {r.by}"
             + (f" (HS level {r.query['level']})" if r.query.get("level") else "")
             + f", {span_words(r.period)}, in {r.currency}", ""]
    lines += table(["rank", "code", "name", "value", "share", "yoy"], rows, {0, 3, 4, 5})
    if r.others:
        lines.append(f"... {r.others['count']} more {what}: {money(r.others['value'], r.currency)}"
                     f" ({pct(r.others['share_pct'], signed=False)})")
    change = (f"{pct(r.total_yoy_pct)} on {span_words(r.period.previous())}"
              if r.total_yoy_pct is not None else
              f"no change computed on {span_words(r.period.previous())} ("
              + ("not covered alike, see the warnings)" if r.previous_total else "no data)"))
    lines.append(f"total ({r.n} {what}): {money(r.total, r.currency)}, {change}")
    codes = [*reporters, *(x.code for x in r.rows)]
    return lines + warning_lines(r.warnings) + place_notes(codes, r.warnings)


def comparison_lines(c: Comparison) -> list[str]:
    rows = [[str(i.rank), _short(readable(i.label)), money(i.figure.value, c.currency),
             pct(i.figure.yoy_pct), f"{i.ratio:.2f}" if i.ratio is not None else "n/a"]
            for i in c.items]
    lines = [f"{place(c.query['reporter'])} {c.query['flow']}, {span_words(c.period)}, in "
             f"{c.currency} (ratios to {readable(c.reference)})", ""]
    lines += table(["rank", "item", "value", "yoy", "ratio"], rows, {0, 2, 3, 4})
    lines += ["", *(readable(r["text"]) for r in c.relations)]
    shared: dict[str, list[str]] = {}  # the same warning for several items is printed once
    for i in c.items:
        for w in i.figure.warnings:
            shared.setdefault(readable(w.message), []).append(readable(i.label))
    lines += [f"warning: [{', '.join(labels)}] {message}" for message, labels in shared.items()]
    every = [w for i in c.items for w in i.figure.warnings] + list(c.warnings)
    return lines + warning_lines(c.warnings) + place_notes([c.query["reporter"]], every)


def series_lines(s: Series) -> list[str]:
    q = s.query
    who = ", ".join(map(place, q["reporters"])) if q["reporters"] else "all reporters"
    rows = [[p.period, money(p.value, s.currency), str(p.coverage.get("n_reporters", 0)),
             "yes" if p.coverage.get("complete") else "no"] for p in s.points]
    lines = [f"{who} {q['flow']} of {product_words(q['product'])}, "
             f"{'monthly' if s.freq == 'M' else 'annual'}, in {s.currency}", ""]
    lines += table(["period", "value", "reporters", "complete"], rows, {1, 2})
    return lines + warning_lines(s.warnings) + place_notes(q["reporters"] or [], s.warnings)

"""Plain-text renderings of analytic results, for the command line and reports.

    >>> figure_line(f)                                              # doctest: +SKIP
    'CHN export of 8542 in 2024: US$159.7 bn, +17.2 % on 2023 (US$136.3 bn)'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradestat.analytics.common import money, pct

if TYPE_CHECKING:
    from tradestat.analytics.compare import Comparison
    from tradestat.analytics.figure import Figure
    from tradestat.analytics.rank import Ranking
    from tradestat.analytics.series import Series

NAME_WIDTH = 44


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> list[str]:
    """Columns padded to their widest cell; ``right`` holds the numeric columns' indexes."""
    right = right or set()
    cells = [headers, *rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
    return [line(headers), "  ".join("-" * w for w in widths), *map(line, rows)]


def _short(text: str, width: int = NAME_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def warning_lines(warnings: list, prefix: str = "") -> list[str]:
    return [f"warning: {prefix}{w.message}" for w in warnings]


def figure_line(f: Figure) -> str:
    q = f.query
    to = f" to {q['partner']}" if q.get("partner") not in (None, "WLD") else ""
    head = f"{q['reporter']} {q['flow']}{to} of {q['product']['label']} in {f.period.label}"
    prev = f.period.previous().label
    if f.value is None:
        return f"{head}: no data"
    value = money(f.value, f.currency)
    published = (f", {pct(f.published_yoy_pct)} year on year, as published"
                 if f.published_yoy_pct is not None else "")
    if f.yoy_pct is not None:
        return (f"{head}: {value}, {pct(f.yoy_pct)} on {prev} "
                f"({money(f.previous_value, f.currency)}){published}")
    if f.previous_value is None:
        why = f"no data for {prev} to compute a change"
    else:
        why = (f"{prev}: {money(f.previous_value, f.currency)}, not covered alike: no change "
               "computed")
    return f"{head}: {value}{published} ({why})"


def figure_lines(f: Figure) -> list[str]:
    lines = [figure_line(f)]
    if f.basis not in (None, "published"):
        lines.append(f"  converted to {f.currency} at {f.basis} rates")
    return lines + warning_lines(f.warnings)


def ranking_lines(r: Ranking) -> list[str]:
    rows = [[str(x.rank), x.code, _short(x.name), money(x.value, r.currency),
             pct(x.share_pct, signed=False), pct(x.yoy_pct)] for x in r.rows]
    what = {"reporter": "reporters", "partner": "partners", "product": "products"}[r.by]
    who = f"{', '.join(r.query['reporters'])} " if r.query.get("reporters") else ""
    label = r.query["product"]["label"]
    of = "" if label == "TOTAL" else f" of {label}"
    lines = [f"{who}{r.query['flow']}{of} by {r.by}"
             + (f" (HS level {r.query['level']})" if r.query.get("level") else "")
             + f", {r.period.label}, in {r.currency}", ""]
    lines += table(["rank", "code", "name", "value", "share", "yoy"], rows, {0, 3, 4, 5})
    if r.others:
        lines.append(f"... {r.others['count']} more {what}: {money(r.others['value'], r.currency)}"
                     f" ({pct(r.others['share_pct'], signed=False)})")
    change = (f"{pct(r.total_yoy_pct)} on {r.period.previous().label}"
              if r.total_yoy_pct is not None else
              f"no change computed on {r.period.previous().label} ("
              + ("not covered alike, see the warnings)" if r.previous_total else "no data)"))
    lines.append(f"total ({r.n} {what}): {money(r.total, r.currency)}, {change}")
    return lines + warning_lines(r.warnings)


def comparison_lines(c: Comparison) -> list[str]:
    rows = [[str(i.rank), _short(i.label), money(i.figure.value, c.currency),
             pct(i.figure.yoy_pct), f"{i.ratio:.2f}" if i.ratio is not None else "n/a"]
            for i in c.items]
    lines = [f"{c.query['reporter']} {c.query['flow']}, {c.period.label}, in {c.currency} "
             f"(ratios to {c.reference})", ""]
    lines += table(["rank", "item", "value", "yoy", "ratio"], rows, {0, 2, 3, 4})
    lines += ["", *(r["text"] for r in c.relations)]
    shared: dict[str, list[str]] = {}  # the same warning for several items is printed once
    for i in c.items:
        for w in i.figure.warnings:
            shared.setdefault(w.message, []).append(i.label)
    lines += [f"warning: [{', '.join(labels)}] {message}" for message, labels in shared.items()]
    return lines + warning_lines(c.warnings)


def series_lines(s: Series) -> list[str]:
    q = s.query
    who = ", ".join(q["reporters"]) if q["reporters"] else "all reporters"
    rows = [[p.period, money(p.value, s.currency), str(p.coverage.get("n_reporters", 0)),
             "yes" if p.coverage.get("complete") else "no"] for p in s.points]
    lines = [f"{who} {q['flow']} of {q['product']['label']}, "
             f"{'monthly' if s.freq == 'M' else 'annual'}, in {s.currency}", ""]
    lines += table(["period", "value", "reporters", "complete"], rows, {1, 2})
    return lines + warning_lines(s.warnings)

"""Charts as Vega-Lite specs (dicts, JSON-safe, data inlined), built with Altair from the
analytics result objects, and rendered offline to SVG or PNG by vl-convert.

Each spec keeps the exact value of every point (``value``, shown in the tooltip) beside the
value scaled for the axis (``amount``, in the unit named in the axis title, e.g. "USD bn").
Missing points stay ``null``: a line breaks there instead of joining across the gap.

    >>> spec = monthly(series_2024, series_2023)                   # doctest: +SKIP
    >>> svg = to_svg(spec)                                          # doctest: +SKIP

The HTTP dashboard renders the same specs in the browser (vega-embed served by the package).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import altair as alt

from tradestat import fmt

if TYPE_CHECKING:
    from tradestat.analytics.compare import Comparison
    from tradestat.analytics.rank import Ranking
    from tradestat.analytics.series import Series

WIDTH = 520
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Current span first, the year-earlier span second (the palette's first two colours differ
#: enough in grey scale too).
COLOURS = ("#1f5fa8", "#e08a1e")
HIGHLIGHT = "#c0392b"
BAR = "#1f5fa8"
LABEL_WIDTH = 36
TOOLTIP_VALUE = alt.Tooltip("value:Q", title="exact value", format=",.0f")


def unit(values: list[float | None], currency: str) -> tuple[float, str]:
    """The divisor and axis title that suit the largest value: (1e9, "USD bn")."""
    top = max((abs(v) for v in values if v is not None), default=0.0)
    for div, word in fmt.SHORT:
        if top >= div:
            return div, f"{currency} {word}"
    return 1.0, currency


def _scaled(rows: list[dict], currency: str) -> tuple[list[dict], str]:
    div, title = unit([r["value"] for r in rows], currency)
    for r in rows:
        r["amount"] = None if r["value"] is None else r["value"] / div
    return rows, title


def _series_label(s: Series) -> str:
    """The span a line shows, in words for the legend ("January–August 2025")."""
    period = s.query.get("period")
    if period and period.get("start") and period.get("end"):
        (y0, m0), (y1, m1) = (map(int, period[k].split("-")) for k in ("start", "end"))
        return fmt.span(y0, m0, y1, m1)
    if period:
        return period["label"]
    return f"{s.points[0].period}..{s.points[-1].period}" if s.points else "no data"


def _month_rows(s: Series, ticks: list[str], cumulative: bool) -> list[dict]:
    """One row per point; ``month`` is the tick of the same position in the current span."""
    rows, total = [], 0.0
    for i, p in enumerate(s.points):
        value = p.value
        if cumulative:
            # a gap ends the running total: a later sum would silently omit the missing month
            total = None if total is None or value is None else total + value
            value = total
        rows.append({"series": _series_label(s), "period": p.period,
                     "month": ticks[i] if i < len(ticks) else p.period, "order": i,
                     "value": value})
    return rows


def _ticks(s: Series) -> list[str]:
    labels = [p.period for p in s.points]
    if len(labels) > 12:
        return labels
    return [MONTH_ABBR[int(label[5:7]) - 1] if len(label) == 7 else label for label in labels]


#: Colour of the policy-event rules (dark grey, dashed: not a data series).
EVENT = "#555555"


def _rules(spec: dict, now: Series, ticks: list[str], events: list | None) -> dict:
    """``spec`` with a dashed rule (and its date) at each event's month of the current span;
    the lines' data stays where it was (the spec's top level)."""
    at = {p.period: ticks[i] for i, p in enumerate(now.points) if i < len(ticks)}
    marks = [{"month": at[f"{e.month // 100}-{e.month % 100:02d}"], "date": e.date,
              "label": e.label, "source": e.source}
             for e in events or () if f"{e.month // 100}-{e.month % 100:02d}" in at]
    if not marks:
        return spec
    x = {"field": "month", "type": "nominal", "sort": ticks}
    lines = {"mark": spec.pop("mark"), "encoding": spec.pop("encoding")}
    rule = {"data": {"values": marks}, "mark": {"type": "rule", "color": EVENT,
                                                "strokeDash": [4, 3], "strokeWidth": 1.5},
            "encoding": {"x": x, "tooltip": [{"field": "date"}, {"field": "label"},
                                             {"field": "source"}]}}
    text = {"data": {"values": marks}, "mark": {"type": "text", "color": EVENT, "align": "left",
                                                "baseline": "top", "dx": 3, "fontSize": 9},
            "encoding": {"x": x, "y": {"value": 2}, "text": {"field": "date"}}}
    return spec | {"layer": [lines, rule, text]}


def event_marks(spec: dict) -> list[dict]:
    """The events a chart draws (its rule layer's rows)."""
    layers = spec.get("layer", [])
    return next((layer["data"]["values"] for layer in layers
                 if layer.get("mark", {}).get("type") == "rule"), [])


def _lines(now: Series, prev: Series, cumulative: bool, title: str,
           events: list | None = None) -> dict:
    ticks = _ticks(now)
    # a span without any value has no line: it gets no legend entry either
    drawn = [(s, c) for s, c in zip((now, prev), COLOURS, strict=True)
             if any(p.value is not None for p in s.points)] or [(now, COLOURS[0])]
    rows = [r for s, _ in drawn for r in _month_rows(s, ticks, cumulative)]
    rows, axis = _scaled(rows, now.currency)
    order = [_series_label(s) for s, _ in drawn]
    chart = alt.Chart(alt.Data(values=rows), title=title).mark_line(point=True).encode(
        x=alt.X("month:N", sort=ticks, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("amount:Q", title=axis),
        color=alt.Color("series:N", sort=order, title=None,
                        scale=alt.Scale(domain=order, range=[c for _, c in drawn]),
                        legend=alt.Legend(orient="top")),
        tooltip=["series:N", "period:N", TOOLTIP_VALUE],
    ).properties(width=WIDTH, height=260)
    return _rules(chart.to_dict(), now, ticks, events)


def monthly(series_now: Series, series_prev: Series, events: list | None = None) -> dict:
    """Monthly values of the span against the same months a year earlier (two lines), with
    a dashed rule at each of ``events`` (:mod:`tradestat.report.events`) in the span."""
    return _lines(series_now, series_prev, False, "Monthly value", events)


def ytd(series_now: Series, series_prev: Series, events: list | None = None) -> dict:
    """Cumulative values from the first month of each span (year to date), two lines, with
    the events' rules as :func:`monthly`.

    A month without data ends its line: the total after it would leave the month out.
    """
    return _lines(series_now, series_prev, True, "Cumulative value (year to date)", events)


def _name(label: str) -> str:
    text = label.replace("_", " ")
    return text if len(text) <= LABEL_WIDTH else text[: LABEL_WIDTH - 1] + "…"


def with_data(comp: Comparison) -> list:
    """The compared items that have a value in the span or a year earlier (bars to draw)."""
    return [i for i in comp.items
            if i.figure.value is not None or i.figure.previous_value is not None]


def has_marks(spec: dict) -> bool:
    """Whether a spec of this module draws anything: a point or bar with a value."""
    rows = spec.get("data", {}).get("values", [])
    return any(r.get("value") is not None for r in rows)


def comparison(comp: Comparison) -> dict:
    """Each item with data, in the span and a year earlier (grouped bars, largest first);
    items without data are left out (the report and dashboard say which)."""
    now, prev = (fmt.span(p.start_year, p.start_month, p.end_year, p.end_month)
                 for p in (comp.period, comp.period.previous()))
    items = with_data(comp)
    rows = []
    for item in items:
        for span, value in ((now, item.figure.value), (prev, item.figure.previous_value)):
            rows.append({"item": _name(item.label), "span": span, "value": value,
                         "yoy_pct": item.figure.yoy_pct})
    rows, axis = _scaled(rows, comp.currency)
    order = [now, prev]
    chart = alt.Chart(alt.Data(values=rows), title="Comparison").mark_bar().encode(
        y=alt.Y("item:N", sort=[_name(i.label) for i in items], title=None),
        yOffset=alt.YOffset("span:N", sort=order),
        x=alt.X("amount:Q", title=axis),
        color=alt.Color("span:N", sort=order, title=None,
                        scale=alt.Scale(domain=order, range=list(COLOURS)),
                        legend=alt.Legend(orient="top")),
        tooltip=["item:N", "span:N", TOOLTIP_VALUE,
                 alt.Tooltip("yoy_pct:Q", title="YoY %", format="+.1f")],
    ).properties(width=WIDTH, height=max(120, 44 * len(items)))
    return chart.to_dict()


def ranking(rank: Ranking, highlight: str | None = None) -> dict:
    """The ranked rows as bars, first at the top; ``highlight`` colours one code (the
    reporter of the report, say)."""
    from tradestat.report.words import reader_name

    rows = [{"rank": r.rank, "code": r.code,
             "label": _name(f"{r.rank}. {reader_name(r.code, r.name)}"),
             "value": r.value, "share_pct": r.share_pct,
             "highlight": r.code == highlight} for r in rank.rows]
    rows, axis = _scaled(rows, rank.currency)
    colour = alt.condition("datum.highlight", alt.value(HIGHLIGHT), alt.value(BAR))
    chart = alt.Chart(alt.Data(values=rows), title=f"Ranking by {rank.by}").mark_bar().encode(
        y=alt.Y("label:N", sort=[r["label"] for r in rows], title=None),
        x=alt.X("amount:Q", title=axis),
        color=colour,
        tooltip=["code:N", "label:N", TOOLTIP_VALUE,
                 alt.Tooltip("share_pct:Q", title="share %", format=".1f")],
    ).properties(width=WIDTH, height=max(100, 22 * len(rows)))
    return chart.to_dict()


def to_svg(spec: dict[str, Any]) -> str:
    """The chart as an SVG document, rendered offline (no URL may be fetched)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])


def to_png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    """The chart as PNG bytes (``scale`` 2: sharp on high-density screens), offline."""
    import vl_convert

    return vl_convert.vegalite_to_png(spec, scale=scale, allowed_base_urls=[])

"""The report as one self-contained HTML page: inline CSS, charts as inline SVG (rendered by
vl-convert), no script and no URL to fetch, so it opens the same offline, in a mail client or
from a USB stick. Readable on a phone: tables scroll sideways, charts shrink to the width."""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from tradestat import __version__
from tradestat.report import charts, layout
from tradestat.report.tables import Table

if TYPE_CHECKING:
    from tradestat.report.document import Report

CSS = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
       max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; }
.synthetic { background: #fff3cd; border: 1px solid #e0b000; padding: .5rem .75rem; }
.headline { font-size: 1.1rem; }
.caution { color: #8a4b00; }
sup.refs { font-size: .7rem; margin-left: .1rem; }
sup.refs a { color: #8a4b00; text-decoration: none; margin-right: .15rem; }
ol.notes { font-size: .95rem; color: #5a3a00; padding-left: 1.5rem; }
.table { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #ddd; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption, .note { font-size: .9rem; color: #555; }
footer { margin-top: 2rem; font-size: .85rem; color: #666; }
"""


def _svg(spec: dict, n: int) -> str:
    """Inline SVG whose ids are made unique in the page (each chart numbers its clip paths
    from 1; two charts in one page would otherwise clip each other's marks)."""
    svg = charts.to_svg(spec)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="c{n}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#c{n}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#c{n}-\1"', svg)
    return svg.replace("<svg ", f'<svg role="img" data-chart="{n}" ', 1)


def _table(t: Table) -> str:
    def cell(tag: str, i: int, text: str) -> str:
        cls = ' class="num"' if i in t.numeric else ""
        return f"<{tag}{cls}>{escape(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(t.headers))
    body = "".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>"
                   for row in t.rows)
    note = f'<p class="note">{escape(t.note)}</p>' if t.note else ""
    return (f"<h2>{escape(t.title)}</h2><div class=\"table\"><table><thead><tr>{head}</tr>"
            f"</thead><tbody>{body}</tbody></table></div>{note}")


def _headline(r: Report) -> str:
    """The sentences, each followed by the numbers of its notes; the notes numbered below."""
    parts = []
    for s in r.sentences:
        refs = ",".join(f'<a href="#note-{n}">{n}</a>' for n in s.notes)
        parts.append(f'<span class="sentence">{escape(s.text)}</span>'
                     + (f'<sup class="refs">{refs}</sup>' if refs else ""))
    notes = "".join(f'<li id="note-{n.number}" data-subject="{escape(n.subject)}">'
                    f"<strong>{escape(n.subject)}.</strong> {escape(n.text)}</li>"
                    for n in r.notes)
    listed = f'<ol class="notes">{notes}</ol>' if notes else ""
    return f'<p class="headline">{" ".join(parts)}</p>{listed}'


def _chart(name: str, spec: dict, n: int, captions: list[str]) -> str:
    caption = "".join(f"<p>{escape(c)}</p>" for c in captions)
    return (f'<figure class="chart" data-name="{escape(name)}">{_svg(spec, n)}'
            f"<figcaption>{caption}</figcaption></figure>")


def _warnings(r: Report) -> str:
    items = layout.warning_lines(r)
    if not items:
        return "<h2>Warnings</h2><p>None: the figures compare like with like.</p>"
    lis = "".join(f"<li><strong>{escape(concerns)}</strong> — {escape(title)}: "
                  f"{escape(text)}</li>" for concerns, title, text in items)
    return f"<h2>Warnings</h2><ul class=\"warnings\">{lis}</ul>"


def render(r: Report) -> str:
    """The whole page."""
    body = [f"<h1>{escape(r.title)}</h1>"]
    if r.synthetic:
        body.append(f'<p class="synthetic">{escape(layout.SYNTHETIC)}</p>')
    body.append(_headline(r))
    n = 0
    for table, names in layout.sections(r):
        body.append(_table(table) if table is not None else "")
        for name in names:
            n += 1
            body.append(_chart(name, r.charts[name], n, layout.captions(r, name)))
    body += [f'<p class="note">{escape(o)}</p>' for o in r.omitted]
    body.append(_warnings(r))
    body.append(f"<footer>{escape(layout.footer(r, __version__))}</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(r.title)}</title><style>{CSS}</style></head>"
            f"<body><main>{''.join(body)}</main></body></html>\n")

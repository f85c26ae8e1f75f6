"""The report as Markdown: the headline, pipe tables with exact values, and the charts
written beside it as SVG and PNG (the PNG is shown; the SVG linked for print)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from tradestat import __version__
from tradestat.report import charts, layout
from tradestat.report.tables import Table

if TYPE_CHECKING:
    from tradestat.report.document import Report


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(t: Table) -> list[str]:
    align = ["---:" if i in t.numeric else "---" for i in range(len(t.headers))]
    lines = [f"## {t.title}", "", "| " + " | ".join(map(_cell, t.headers)) + " |",
             "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(map(_cell, row)) + " |" for row in t.rows]
    return [*lines, "", *([t.note, ""] if t.note else [])]


def _chart(r: Report, name: str, chart_dir: Path, link_from: Path) -> list[str]:
    spec = r.charts[name]
    svg, png = chart_dir / f"{name}.svg", chart_dir / f"{name}.png"
    svg.write_text(charts.to_svg(spec), encoding="utf-8")
    png.write_bytes(charts.to_png(spec))
    rel = Path(os.path.relpath(chart_dir, link_from)).as_posix()
    title = spec.get("title", name)
    lines = [f"![{title}]({rel}/{png.name})", "", f"[SVG]({rel}/{svg.name})"]
    return [*lines, *(f"*{c}*" for c in layout.captions(r, name)), ""]


def render(r: Report, chart_dir: Path, link_from: Path | None = None) -> str:
    """The Markdown text; writes the charts into ``chart_dir`` (created if needed)."""
    if r.charts:
        chart_dir.mkdir(parents=True, exist_ok=True)
    link_from = link_from or chart_dir.parent
    lines = [f"# {r.title}", ""]
    if r.synthetic:
        lines += [f"> **{layout.SYNTHETIC}**", ""]
    headline = " ".join(s.text + (f"<sup>{','.join(map(str, s.notes))}</sup>" if s.notes
                                  else "") for s in r.sentences)
    lines += [headline, ""]
    lines += [*(f"{n.number}. **{n.subject}.** {n.text}" for n in r.notes), ""] if r.notes \
        else []
    for table, names in layout.sections(r):
        lines += _table(table) if table is not None else []
        for name in names:
            lines += _chart(r, name, chart_dir, link_from)
    lines += [*(f"- {o}" for o in r.omitted), ""] if r.omitted else []
    lines += ["## Warnings", ""]
    lines += [f"- **{concerns}** — {title}: {text}"
              for concerns, title, text in layout.warning_lines(r)] \
        or ["None: the figures compare like with like."]
    lines += ["", f"<small>{layout.footer(r, __version__)}</small>", ""]
    return "\n".join(lines)

"""A report: the analytics results of one question, the headline written from them, tables
and charts; rendered as one self-contained HTML file or as Markdown with charts beside it.

    >>> r = build(store, "CHN", "export", "2024-01..2024-11", basket="integrated_circuits",
    ...           compare=["passenger_cars", "mobile_phones", "apparel"])   # doctest: +SKIP
    >>> print(r.headline)                                                     # doctest: +SKIP
    >>> write(r, Path("ic-2024.html"))                                        # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from tradestat import analytics
from tradestat.analytics.common import country_code
from tradestat.analytics.compare import Comparison
from tradestat.analytics.figure import Figure
from tradestat.analytics.guards import CoverageWarning
from tradestat.analytics.rank import Ranking
from tradestat.analytics.series import Series
from tradestat.analytics.shares import Concentration, Contribution, contribution
from tradestat.errors import InputError
from tradestat.report import charts, events, words
from tradestat.report.events import Event
from tradestat.report.notes import Note, Notes
from tradestat.report.words import Sentence

#: Rows shown in the ranking, top-products and top-partners tables.
TOP = 10
TOP_LEVEL = 4
SYNTHETIC_SOURCES = {"demo-synthetic"}


@dataclass
class Report:
    """Everything a report shows; ``headline`` is the paragraph, ``sentences`` its parts."""

    query: dict
    title: str
    figure: Figure
    comparison: Comparison | None
    ranking: Ranking | None
    top_products: Ranking | None
    top_partners: Ranking | None
    series_now: Series | None
    series_prev: Series | None
    sentences: list[Sentence]
    synthetic: bool = False
    omitted: list[str] = field(default_factory=list)
    #: the numbered caveats under the headline (the sentences cite their numbers)
    notes: list[Note] = field(default_factory=list)
    #: policy events in the span, drawn as rules on the monthly and YTD charts
    events: list[Event] = field(default_factory=list)
    #: without a figure: what the store holds nearby (:mod:`tradestat.report.nearby`)
    nearby: dict | None = None
    #: every partner's part of the change, and how concentrated the partners are
    partner_shares: Contribution | None = None

    @property
    def headline(self) -> str:
        return " ".join(str(s) for s in self.sentences)

    @cached_property
    def charts(self) -> dict[str, dict]:
        """The Vega-Lite specs of the charts the data allow, by name."""
        out = {}
        if _has_points(self.series_now) or _has_points(self.series_prev):
            out["monthly"] = charts.monthly(self.series_now, self.series_prev, self.events)
            out["ytd"] = charts.ytd(self.series_now, self.series_prev, self.events)
        if self.comparison is not None and len(charts.with_data(self.comparison)) > 1:
            out["comparison"] = charts.comparison(self.comparison)
        if self.ranking is not None and self.ranking.rows:
            out["ranking"] = charts.ranking(_shown(self.ranking, self.query["reporter"]),
                                            highlight=self.query["reporter"])
        return out

    def warnings(self) -> list[dict]:
        """Every warning of every part, each with what it concerns."""
        parts: list[tuple[str, list[CoverageWarning]]] = [("figure", self.figure.warnings)]
        if self.comparison is not None:
            parts.append(("comparison", self.comparison.warnings))
            parts += [(f"comparison: {words.item_name(i.label, i.products.kind)}",
                       i.figure.warnings) for i in self.comparison.items]
        drawn = "monthly" in self.charts  # no chart: the omitted line says why, once
        for name, part in (("ranking", self.ranking), ("top products", self.top_products),
                           ("top partners", self.top_partners),
                           ("monthly chart", self.series_now if drawn else None),
                           ("monthly chart, a year earlier", self.series_prev if drawn
                            else None)):
            if part is not None:
                parts.append((name, part.warnings))
        return [{"concerns": name, **w.to_dict()} for name, ws in parts for w in ws]

    def to_dict(self) -> dict:
        def doc(part: Any) -> dict | None:
            return None if part is None else part.to_dict()

        return {"query": self.query, "title": self.title, "synthetic": self.synthetic,
                "headline": self.headline, "sentences": [s.to_dict() for s in self.sentences],
                "notes": [n.to_dict() for n in self.notes],
                "events": [e.to_dict() for e in self.events], "nearby": self.nearby,
                "figure": self.figure.to_dict(), "comparison": doc(self.comparison),
                "ranking": doc(self.ranking), "top_products": doc(self.top_products),
                "top_partners": doc(self.top_partners), "series": {
                    "current": doc(self.series_now), "previous": doc(self.series_prev)},
                "charts": self.charts, "omitted": self.omitted, "warnings": self.warnings(),
                "partner_shares": doc(self.partner_shares),
                "partner_concentration": doc(self.concentration)}

    @property
    def concentration(self) -> Concentration | None:
        if self.partner_shares is None:
            return None
        return Concentration(self.partner_shares.ranking)

    def to_html(self) -> str:
        """One self-contained HTML page: inline CSS and SVG charts, no script, no URL."""
        from tradestat.report import html

        return html.render(self)

    def to_markdown(self, chart_dir: Path, link_from: Path | None = None) -> str:
        """Markdown text; the charts are written to ``chart_dir`` as SVG and PNG and linked
        relative to ``link_from`` (the Markdown file's folder; default: chart_dir's parent)."""
        from tradestat.report import markdown

        return markdown.render(self, Path(chart_dir), link_from)


def _has_points(s: Series | None) -> bool:
    return s is not None and any(p.value is not None for p in s.points)


def _shown(rank: Ranking, code: str) -> Ranking:
    """The first rows, plus the report's reporter where it ranks lower."""
    rows = rank.rows[:TOP]
    own = [r for r in rank.rows[TOP:] if r.code == code]
    return dataclasses.replace(rank, rows=rows + own)


def _item(product: str | None, basket: str | None) -> str:
    if (product is None) == (basket is None):
        raise InputError("give exactly one of --product CODE and --basket NAME")
    return basket if basket is not None else str(product).strip().upper()


def _what(fig: Figure) -> str:
    return words.what_words(fig)


def _series(store: Any, code: str, flow: str, product: str | None, basket: str | None,
            span: Any, kw: dict) -> tuple[Series, Series]:
    return tuple(analytics.series(store, code, flow, product, basket, "M", s.label, **kw)
                 for s in (span, span.previous()))


def build(store: Any, reporter: str, flow: str, period: str, product: str | None = None,
          basket: str | None = None, compare: tuple[str, ...] | list[str] = (),
          currency: str | None = None, as_of: str | None = None) -> Report:
    """Run the analytics a report needs and write its headline.

    ``compare`` holds basket names or HS codes set beside the main product; the rank among
    reporters is given when the store holds more than one reporter for the product.
    """
    store = analytics.common.open_store(store)
    code, _ = country_code(reporter, "--reporter")
    main = _item(product, basket)
    kw = {"currency": currency, "as_of": as_of}
    fig = analytics.figure(store, code, flow, period, product, basket, **kw)
    comp = (analytics.compare(store, code, flow, period, [main, *compare], **kw)
            if compare else None)
    ranking = analytics.rank(store, flow, period, product, basket, by="reporter", **kw)
    tops = analytics.top(store, code, flow, period, level=TOP_LEVEL, top=TOP, **kw)
    partners = analytics.rank(store, flow, period, product, basket, by="partner",
                              reporter=code, top=TOP, **kw)
    shares = contribution(store, code, flow, period, "partner", product=product,
                          basket=basket, **kw) if partners.rows else None
    now, prev = _series(store, code, flow, product, basket, fig.period, kw)
    who = words.named(words.place(code))
    sentences, book = _headline(fig, comp, ranking, code, who, _what(fig))
    near = None
    if fig.value is None:  # what the store does hold, and the closest question it answers
        from tradestat.report.nearby import nearby

        near = nearby(store, code, flow, period, product, basket, _what(fig), as_of)
        sentences.append(Sentence(" ".join(near.lines())))
    if _synthetic(fig):  # said in the paragraph too: it is what gets pasted elsewhere
        sentences.append(Sentence("These figures come from tradestat's synthetic demo world, "
                                  "not from real trade statistics."))
    omitted = _omitted(ranking, partners, now, prev, comp)
    query = {"reporter": code, "flow": fig.query["flow"], "period": fig.period.to_dict(),
             "product": product, "basket": basket, "compare": list(compare),
             "currency": currency, "as_of": as_of}
    title = (f"{words.possessive(who)} {words.FLOW_WORDS.get(fig.query['flow'], 'trade')} of "
             f"{_what(fig)}, {words.span_words(fig.period)}")
    return Report(query, title, fig, comp, ranking if ranking.n > 1 else None,
                  tops if tops.rows else None, partners if partners.rows else None, now, prev,
                  sentences, _synthetic(fig), omitted, book.items,
                  _events(store, code, product, basket, fig.period),
                  near.to_dict() if near is not None else None,
                  shares if shares is not None and len(shares.ranking.rows) > 1 else None)


def _events(store: Any, code: str, product: str | None, basket: str | None,
            span: Any) -> list[Event]:
    """The policy events of the span that concern the reporter and product."""
    found = events.load(store.root)
    months = span.months
    return events.relevant(found, code, events.codes_of(product, basket, store.root),
                           months[0], months[-1])


def _headline(fig: Figure, comp: Comparison | None, ranking: Ranking, code: str, who: str,
              what: str) -> tuple[list[Sentence], Notes]:
    """One or two sentences a reader can quote (the figure with its change; the comparison
    and the rank), each caveat a numbered note, said once."""
    book = Notes()
    first = Sentence(words.figure_sentence(fig, who, what),
                     book.about("The figure", fig.warnings))
    clause, refs = _comparison(comp, book) if comp is not None else (None, [])
    ranked = words.rank_clause(ranking, code, who)
    if ranked is not None:
        refs += book.about("Ranking among reporters", ranking.warnings)
    second = (f"That was {clause}, and {ranked}." if clause and ranked else
              f"That was {clause} in the same span." if clause else
              f"{ranked}." if ranked else None)
    if second is None:
        first.notes += refs
    sentences = [first] + ([Sentence(second, refs)] if second else [])
    if _names_taiwan(fig, ranking, book) or code == "S19":
        number = book.add("Names", f"{words.place_note('S19')}.", ["name"])
        (first if code == "S19" or second is None else sentences[-1]).notes.append(number)
    for s in sentences:
        s.notes = sorted(set(s.notes))
    return sentences, book


def _comparison(comp: Comparison, book: Notes) -> tuple[str | None, list[int]]:
    """The comparison clause and its notes: items without data listed once, the others'
    cautions under their names."""
    clause, empty = words.comparison_clause(comp)
    refs = book.about("Comparison", comp.warnings)
    if empty:
        refs.append(book.add("Comparison", f"No data in the store for: {words.join(empty)}.",
                             ["no-data"]))
    for item in comp.items:
        if item.label != comp.reference and item.figure.value is not None:
            name = words.item_name(item.label, item.products.kind)
            refs += book.about(f"Comparison: {name}", item.figure.warnings)
    return clause, refs


def _names_taiwan(fig: Figure, ranking: Ranking, book: Notes) -> bool:
    """Whether the reader meets Comtrade's "Other Asia, nes" (Taiwan) in the report."""
    shown = _shown(ranking, fig.query.get("reporter", "")).rows if ranking.rows else []
    return any(r.code == "S19" for r in shown) or any("Taiwan" in n.text for n in book.items)


def _omitted(ranking: Ranking, partners: Ranking, now: Series, prev: Series,
             comp: Comparison | None) -> list[str]:
    """What the store does not allow, said instead of an empty table or chart, with what
    would fill it."""
    out = []
    if ranking.n <= 1:
        out.append("Rank among reporters: the store holds no other reporter for this product "
                   "and span; releases of other reporters (a Comtrade file of all reporters, "
                   "say) would fill it.")
    if not partners.rows:
        out.append("Top partners: the store holds no partner breakdown for this query; a "
                   "release by partner would fill it.")
    if not (_has_points(now) or _has_points(prev)):
        out.append("Monthly charts: not drawn, the store holds no monthly data for these spans "
                   "(annual data only, or none); a monthly release (Comtrade monthly, China "
                   "Customs tables) would fill them.")
    if comp is not None and len(charts.with_data(comp)) < 2:
        empty = [words.item_name(i.label, i.products.kind) for i in comp.items
                 if i not in charts.with_data(comp)]
        out.append(f"Comparison chart: not drawn, the store holds no data for "
                   f"{words.join(empty)} in these spans; releases with their HS codes "
                   "would fill it.")
    return out


def _synthetic(fig: Figure) -> bool:
    sources = {s for side in fig.coverage.values() for s in side.sources}
    return bool(sources & SYNTHETIC_SOURCES)


def check_out(out: Path) -> str:
    """The kind of file ``out`` names ("html" or "md"), checked before any query runs."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".md"):
        raise InputError(f"--out {out}: use a file name ending in .html or .md", value=str(out))
    if not out.parent.is_dir():
        raise InputError(f"--out {out}: folder {out.parent} does not exist", value=str(out))
    return "md" if suffix == ".md" else "html"


def write(report: Report, out: Path) -> list[Path]:
    """Write ``out`` (.html, or .md with its charts in ``<stem>-charts/``); the paths written."""
    out = Path(out)
    if check_out(out) == "md":
        chart_dir = out.with_name(f"{out.stem}-charts")
        text = report.to_markdown(chart_dir, out.parent)
        out.write_text(text, encoding="utf-8")
        return [out, *(chart_dir / f"{name}.{ext}" for name in report.charts
                       for ext in ("svg", "png"))]
    out.write_text(report.to_html(), encoding="utf-8")
    return [out]

"""The report's tables as plain cells (exact values, thousands separated), shared by the HTML
and Markdown renderings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tradestat import fmt
from tradestat.report import words

if TYPE_CHECKING:
    from tradestat.analytics.rank import Ranking
    from tradestat.report.document import Report


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]
    #: indexes of the right-aligned (numeric) columns
    numeric: frozenset[int]
    note: str = ""


def figure(r: Report) -> Table:
    f = r.figure
    prev = f.period.previous()
    rows = [["value", words.span_words(f.period), fmt.exact(f.value),
             fmt.money(f.value, f.currency)],
            ["a year earlier", words.span_words(prev), fmt.exact(f.previous_value),
             fmt.money(f.previous_value, f.currency)],
            ["year on year", "", fmt.pct(f.yoy_pct), ""]]
    if f.published_yoy_pct is not None:
        rows.append(["year on year, as published", "", fmt.pct(f.published_yoy_pct), ""])
    cov = f.coverage["current"]
    basis = words.basis_words(f.currency, f.basis)
    # the first letter only: str.capitalize() lowers the rest ("Us dollars")
    note = (f"{basis[:1].upper()}{basis[1:]}. Sources: "
            f"{', '.join(cov.sources) or 'none'}; releases: "
            f"{', '.join(cov.releases) or 'none'}.")
    return Table("The figure", ["", "span", f"value ({f.currency})", "in words"], rows,
                 frozenset({2}), note)


def comparison(r: Report) -> Table | None:
    c = r.comparison
    if c is None:
        return None
    ref = words.item_name(c.reference, c.items[0].products.kind if c.items else "basket")
    rows = [[str(i.rank), words.item_name(i.label, i.products.kind), fmt.exact(i.figure.value),
             fmt.exact(i.figure.previous_value), fmt.pct(i.figure.yoy_pct),
             "" if i.ratio is None else f"{i.ratio:.3f}"] for i in c.items]
    return Table(f"Comparison, {words.span_words(c.period)} (a year earlier: "
                 f"{words.span_words(c.period.previous())})",
                 ["rank", "item", f"value ({c.currency})", "a year earlier", "YoY",
                  f"ratio to {ref}"], rows, frozenset({0, 2, 3, 4, 5}))


def _ranked(rank: Ranking | None, title: str, what: str, code: str) -> Table | None:
    if rank is None:
        return None
    rows = [[str(x.rank), x.code, words.reader_name(x.code, x.name), fmt.exact(x.value),
             fmt.pct(x.share_pct, False),
             fmt.pct(x.yoy_pct)] for x in rank.rows]
    note = (f"Total of the {rank.n} {what}s: {fmt.exact(rank.total)} {rank.currency} "
            f"({fmt.pct(rank.total_yoy_pct)} year on year).")
    return Table(f"{title}, {words.span_words(rank.period)}", ["rank", code, what,
                                                   f"value ({rank.currency})", "share", "YoY"],
                 rows, frozenset({0, 3, 4, 5}), note)


def ranking(r: Report) -> Table | None:
    from tradestat.report.document import TOP, _shown

    rank = r.ranking and _shown(r.ranking, r.query["reporter"])
    table = _ranked(rank, f"Rank among reporters (first {TOP})", "reporter", "code")
    return table


def top_products(r: Report) -> Table | None:
    return _ranked(r.top_products, f"Top products of {words.place(r.query['reporter'])} "
                   "(HS 4-digit)",
                   "product", "HS")


def top_partners(r: Report) -> Table | None:
    table = _ranked(r.top_partners, "Top partners", "partner", "code")
    c = r.concentration
    if table is not None and c is not None and c.hhi is not None:
        before = (f" ({fmt.exact(round(c.previous_hhi))} a year earlier)"
                  if c.previous_hhi is not None else "")
        table.note += (f" Concentration over the {c.ranking.n} partners (Herfindahl-Hirschman "
                       f"index, 0-10,000): {fmt.exact(round(c.hhi))}{before}; the largest "
                       f"partner {fmt.pct(c.top_share(1), False)}, the first five "
                       f"{fmt.pct(c.top_share(5), False)}.")
    return table


def contribution(r: Report, first: int = 10) -> Table | None:
    """Each partner's part of the change, largest first (in percentage points of the
    previous total); the parts, with partners no longer traded, add up to the growth."""
    g = r.partner_shares
    if g is None or not g.rows:
        return None
    rows = [[p.code, words.reader_name(p.code, p.name), fmt.exact(p.value),
             fmt.exact(p.change), f"{p.contribution_pp:+.2f}"] for p in g.rows[:first]]
    note = (f"The total changed {fmt.pct(g.growth_pct)} year on year; the {len(g.rows)} "
            "partners' parts")
    note += (f" and those no longer traded ({g.gone_pp:+.2f} points)" if g.gone_pp else "")
    note += " add up to it." + (f" The first {first} of {len(g.rows)} are shown."
                                if len(g.rows) > first else "")
    return Table(f"Contribution to growth by partner, {words.span_words(g.ranking.period)}",
                 ["code", "partner", f"value ({g.ranking.currency})", "change",
                  "points of growth"], rows, frozenset({2, 3, 4}), note)


def all_tables(r: Report) -> list[Table]:
    found = [figure(r), comparison(r), ranking(r), top_products(r), top_partners(r),
             contribution(r)]
    return [t for t in found if t is not None]

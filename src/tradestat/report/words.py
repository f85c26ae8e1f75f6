"""The headline written from the numbers, in words a reader can quote: the figure with its
span and change in one sentence; the comparison in plain words and the rank in a second. The
caveats are not here: they are the numbered notes of :mod:`tradestat.report.notes`.

    >>> figure_sentence(fig, "China", "integrated circuits")            # doctest: +SKIP
    "China's exports of integrated circuits reached $159.7 bn in 2024, up 17.2 % from ..."
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tradestat import fmt

if TYPE_CHECKING:
    from tradestat.analytics.compare import Comparison
    from tradestat.analytics.figure import Figure
    from tradestat.analytics.guards import CoverageWarning
    from tradestat.analytics.periods import Span
    from tradestat.analytics.rank import Ranking

CURRENCY_WORDS = {"USD": "US dollars", "CNY": "yuan", "EUR": "euros", "GBP": "pounds sterling",
                  "JPY": "yen"}
FLOW_WORDS = {"export": "exports", "import": "imports", "re-export": "re-exports",
              "re-import": "re-imports"}


@dataclass
class Sentence:
    """One statement of the headline and the numbers of the notes that qualify it."""

    text: str
    notes: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict:
        return {"text": self.text, "notes": list(self.notes)}


def span_words(span: Span) -> str:
    return fmt.span(span.start_year, span.start_month, span.end_year, span.end_month)


def currency_words(code: str) -> str:
    return CURRENCY_WORDS.get(code, code)


def basis_words(currency: str, basis: str | None) -> str:
    """"US dollars, as published" or "yuan, converted at monthly-average exchange rates"."""
    if basis in (None, "published"):
        return f"{currency_words(currency)}, as published"
    return f"{currency_words(currency)}, converted at {basis} exchange rates"


def item_name(label: str, kind: str) -> str:
    """A basket's name in words ("passenger cars"), "HS 8703" for a code."""
    if kind == "basket":
        return label.replace("_", " ")
    if kind == "total":
        return "all products"
    return f"HS {label}"


#: Country names English writes with "the" (checked on the names the reference data gives).
_WITH_THE = ("United States", "United Kingdom", "United Arab Emirates", "Netherlands",
             "Philippines", "Bahamas", "Gambia", "Maldives", "Comoros", "Seychelles",
             "Russian Federation", "Dominican Republic", "Central African Republic")


def named(name: str) -> str:
    """A country's name as it opens a sentence: "The United States", "China", "The Cayman
    Islands"."""
    if name.startswith(_WITH_THE) or name.endswith(" Islands"):
        return f"The {name}"
    return name


#: Codes whose reference name is not what a reader calls the place, with the note said once.
READER_NAMES = {"S19": ("Taiwan", "Taiwan is reported by UN Comtrade as 'Other Asia, nes' "
                                  "(code 490): the figures under that name are Taiwan's")}


def place(code: str) -> str:
    """The name a reader knows a reporter or partner by: "Taiwan" for Comtrade's 490/S19,
    "United States" for USA."""
    from tradestat.analytics.common import country_name

    known = READER_NAMES.get(code)
    return known[0] if known else country_name(code)


def reader_name(code: str, name: str) -> str:
    """``name`` as given, except where readers know the place by another (S19: Taiwan)."""
    known = READER_NAMES.get(code)
    return known[0] if known else (name or code)


def place_note(code: str) -> str | None:
    """The note that goes with a reader's name (once per report), or None."""
    known = READER_NAMES.get(code)
    return known[1] if known else None


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def cautions(warnings: Iterable[CoverageWarning]) -> list[str]:
    """Warnings as cautions for a chart's caption: one per kind, names for codes."""
    from tradestat.report.notes import describe

    by_code: dict[str, list[CoverageWarning]] = {}
    for w in warnings:
        by_code.setdefault(w.code, []).append(w)
    return [f"Caution: {describe(code, items)}" for code, items in by_code.items()]


def what_words(fig: Figure) -> str:
    """What a figure is of: "integrated circuits", "HS 8542 (Electronic integrated
    circuits)", "all products"."""
    from tradestat.analytics.common import product_name

    prod = fig.query["product"]
    if prod["kind"] == "code":
        name = product_name(prod["label"])
        return f"HS {prod['label']}" + (f" ({name[:60].rstrip()})" if name else "")
    return item_name(prod["label"], prod["kind"])


def headline_sentence(fig: Figure) -> str:
    """The figure's sentence with the reporter's name, as the report's headline opens."""
    return figure_sentence(fig, named(place(fig.query["reporter"])), what_words(fig))


def figure_sentence(fig: Figure, who: str, what: str) -> str:
    """The value, the span and the change on a year earlier, in one sentence; the basis in
    brackets only where the values were converted (US dollars as published go to the notes).
    """
    flow = FLOW_WORDS.get(fig.query.get("flow", ""), fig.query.get("flow", "trade"))
    span, prev = span_words(fig.period), span_words(fig.period.previous())
    head = f"{possessive(who)} {flow} of {what}"
    if fig.value is None:
        return f"{head}: no data in the store for {span}."
    basis = "" if fig.basis in (None, "published") else \
        f" ({basis_words(fig.currency, fig.basis)})"
    text = f"{head} reached {fmt.money(fig.value, fig.currency)} in {span}{gap_words(fig)}{basis}"
    if fig.yoy_pct is None and fig.previous_value is not None:
        text += (f"; {prev} ({fmt.money(fig.previous_value, fig.currency)}) is not covered "
                 "like it, so no change is computed")
    elif fig.yoy_pct is None:
        text += f"; there is no figure for {prev} to compare with"
    else:
        text += (f", {change_words(fig.yoy_pct)} from "
                 f"{fmt.money(fig.previous_value, fig.currency)} in {prev}")
    if fig.published_yoy_pct is not None:
        text += f" ({fmt.pct(fig.published_yoy_pct)} as published by the source)"
    return text + "."


def gap_words(fig: Figure) -> str:
    """' (no data for August 2025)' where the one reporter's value misses months of the
    span: the sentence a reader quotes must not claim months the value lacks."""
    from tradestat.report.notes import months_words

    current = (fig.coverage or {}).get("current")
    missing = current.missing_months if current else {}
    if len(missing) != 1:
        return ""
    return f" (no data for {months_words(next(iter(missing.values())))})"


def change_words(pct: float) -> str:
    """'up 17.2 %', 'down 3.0 %', 'unchanged' (under 0.05 %)."""
    if abs(pct) < 0.05:
        return "unchanged"
    return f"{'up' if pct > 0 else 'down'} {fmt.pct(abs(pct), signed=False)}"


def _relation(rel: dict, value: float | None, currency: str, kind: str) -> str:
    other = f"{item_name(rel['b'], kind)} ({fmt.money(value, currency)})"
    diff, ratio = rel["diff_pct"], rel["ratio"]
    if abs(diff) < 1.0:
        return f"level with {other}"
    if ratio >= 2:
        return f"{ratio:,.1f} times {other}"
    return f"{diff:,.1f} % more than {other}" if diff > 0 else f"{-diff:,.1f} % less than {other}"


def join(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def comparison_clause(comp: Comparison) -> tuple[str | None, list[str]]:
    """How the first item stands to each other one with data ("2.1 times passenger cars
    ($68.0 bn) and level with apparel ($1.2 bn)"), and the names of the items without data
    (said once, in a note). None when the first item itself has no data."""
    items = {i.label: i for i in comp.items}
    empty = [item_name(i.label, i.products.kind) for i in comp.items
             if i.figure.value is None and i.label != comp.reference]
    ref = items.get(comp.reference)
    if ref is None or ref.figure.value is None:
        return None, empty
    parts = [_relation(r, items[r["b"]].figure.value, comp.currency,
                       items[r["b"]].products.kind)
             for r in comp.relations if r["diff_pct"] is not None]
    return (join(parts) if parts else None), empty


def rank_clause(rank: Ranking, reporter: str, who: str) -> str | None:
    """The reporter's place among the reporters in the store (None when there is one)."""
    if rank.n < 2 or rank.total is None:
        return None
    flow = FLOW_WORDS.get(rank.query.get("flow", ""), "trade")
    row = next((r for r in rank.rows if r.code == reporter), None)
    if row is None:
        return f"{who} is not among the {rank.n} reporters with data"
    return (f"{who} ranked {fmt.ordinal(row.rank)} of the {rank.n} reporters with data, "
            f"with {fmt.pct(row.share_pct, signed=False)} of their combined {flow} "
            f"({fmt.money(rank.total, rank.currency)})")

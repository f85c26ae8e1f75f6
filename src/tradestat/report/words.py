"""The headline written from the numbers: one sentence per figure (value, currency and basis,
span, year-on-year change; the comparison; the rank among reporters), each followed by the
warnings that concern it, in plain words.

    >>> figure_sentence(fig, "China", "integrated circuits").text       # doctest: +SKIP
    'China's exports of integrated circuits reached $136.8 bn in January–November 2025 ...'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tradestat.report import fmt

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
#: More warnings of one kind than this in one place are summed up in one sentence (the
#: report's list of warnings still gives every one).
GROUP_OVER = 3
NAMES_SHOWN = 6


@dataclass
class Sentence:
    """One statement of the headline and the cautions about its figure."""

    text: str
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return " ".join([self.text, *self.notes])

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


def place_note(code: str) -> str | None:
    """The note that goes with a reader's name (once per report), or None."""
    known = READER_NAMES.get(code)
    return known[1] if known else None


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _sentence_case(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def plain(w: CoverageWarning, about: str = "") -> str:
    """A warning as a caution a reader can act on: "Caution: USA has no data for 2025-08 …"."""
    where = f" ({about})" if about else ""
    return f"Caution{where}: {_sentence_case(w.message)}"


def _group(code: str, items: list[CoverageWarning], about: str) -> str:
    who = [str(w.detail["reporter"]) for w in items if "reporter" in w.detail]
    where = f" ({about})" if about else ""
    if code == "missing-month" and who:
        shown = ", ".join(sorted(set(who))[:NAMES_SHOWN])
        more = ", …" if len(set(who)) > NAMES_SHOWN else ""
        return (f"Caution{where}: {len(set(who))} reporters have months without data in the "
                f"span ({shown}{more}), so their totals cover fewer months; each is listed "
                "under Warnings.")
    return (f"Caution{where}: {len(items)} warnings of the kind “{items[0].title}”, "
            f"such as: {_sentence_case(items[0].message)} Each is listed under Warnings.")


def notes(warnings: Iterable[CoverageWarning], about: str = "",
          stated: set[str] | None = None) -> list[str]:
    """Cautions for warnings not stated yet (``stated`` holds the messages already given and
    is updated); many warnings of one kind become one sentence that counts them all."""
    stated = set() if stated is None else stated
    by_code: dict[str, list[CoverageWarning]] = {}
    for w in warnings:
        by_code.setdefault(w.code, []).append(w)
    out = []
    for code, items in by_code.items():
        if len(items) > GROUP_OVER:
            fresh = [w for w in items if w.message not in stated]
            out += [_group(code, items, about)] if fresh else []
        else:
            fresh = {w.message: w for w in items if w.message not in stated}
            out += [plain(w, about) for w in fresh.values()]
        stated.update(w.message for w in items)
    return out


def figure_sentence(fig: Figure, who: str, what: str, stated: set[str]) -> Sentence:
    """The value with its currency and basis, the span and the change on a year earlier."""
    flow = FLOW_WORDS.get(fig.query.get("flow", ""), fig.query.get("flow", "trade"))
    span, prev = span_words(fig.period), span_words(fig.period.previous())
    head = f"{possessive(who)} {flow} of {what}"
    if fig.value is None:
        return Sentence(f"{head}: no data in the store for {span}.",
                        notes(fig.warnings, stated=stated))
    text = (f"{head} reached {fmt.money(fig.value, fig.currency)} in {span} "
            f"({basis_words(fig.currency, fig.basis)})")
    if fig.yoy_pct is None and fig.previous_value is not None:
        text += (f"; {prev} ({fmt.money(fig.previous_value, fig.currency)}) is not covered "
                 "like it, so no change is computed.")
    elif fig.yoy_pct is None:
        text += f"; there is no figure for {prev} to compare with."
    else:
        text += (f", {fmt.pct(fig.yoy_pct)} year on year from "
                 f"{fmt.money(fig.previous_value, fig.currency)} in {prev}.")
    if fig.published_yoy_pct is not None:
        text += f" The source published {fmt.pct(fig.published_yoy_pct)} beside the value."
    return Sentence(text, notes(fig.warnings, stated=stated))


def _relation(rel: dict, value: float | None, currency: str, kind: str) -> str:
    other = f"{item_name(rel['b'], kind)} ({fmt.money(value, currency)})"
    diff, ratio = rel["diff_pct"], rel["ratio"]
    if diff is None:
        return f"not comparable with {item_name(rel['b'], kind)}, which has no data"
    if abs(diff) < 1.0:
        return f"level with {other}"
    if ratio >= 2:
        return f"{ratio:,.1f} times {other}"
    return f"{diff:,.1f} % more than {other}" if diff > 0 else f"{-diff:,.1f} % less than {other}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def comparison_sentence(comp: Comparison, stated: set[str]) -> Sentence | None:
    """How the first item stands to each other one, with the others' own cautions."""
    if not comp.relations:
        return None
    items = {i.label: i for i in comp.items}
    ref = items[comp.reference]
    if ref.figure.value is None:
        return None
    parts = [_relation(r, items[r["b"]].figure.value, comp.currency, items[r["b"]].products.kind)
             for r in comp.relations]
    text = f"That was {_join(parts)} in the same span."
    cautions = notes(comp.warnings, stated=stated)
    for item in comp.items:
        name = item_name(item.label, item.products.kind)
        cautions += notes(item.figure.warnings, about=name, stated=stated)
    return Sentence(text, cautions)


def rank_sentence(rank: Ranking, reporter: str, who: str, stated: set[str]) -> Sentence | None:
    """The reporter's place among the reporters in the store (None when there is one)."""
    if rank.n < 2 or rank.total is None:
        return None
    flow = FLOW_WORDS.get(rank.query.get("flow", ""), "trade")
    span = span_words(rank.period)
    row = next((r for r in rank.rows if r.code == reporter), None)
    if row is None:
        text = f"{who} is not among the {rank.n} reporters with data for {span}."
    else:
        text = (f"{who} ranked {fmt.ordinal(row.rank)} of the {rank.n} reporters with data, "
                f"with {fmt.pct(row.share_pct, signed=False)} of their combined {flow} "
                f"({fmt.money(rank.total, rank.currency)}).")
    return Sentence(text, notes(rank.warnings, about="ranking", stated=stated))

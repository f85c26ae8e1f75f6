"""The analytics on the command line: figure, compare, rank, top and series. Each command's
options are a :class:`~tradestat.analytics.Question`'s (declared once, in
:mod:`tradestat.options`): the command builds the question from them, asks it, prints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from tradestat.cli.base import (
    AsOfOpt,
    BasketOpt,
    CurrencyOpt,
    EngineOpt,
    FlowOpt,
    PartnerOpt,
    PeriodOpt,
    ProductOpt,
    ReporterOpt,
    Run,
    SourceOpt,
    app,
    command,
    err,
    fail,
    option,
)

#: this family's variants of the question's options (repeated, another default or help)
Baskets = option("basket", many=True,
                 help="A basket to compare (repeat; the first given is the reference).")
Codes = option("product", many=True, help="An HS code to compare (repeat; after the baskets).")
By = option("by")
Top = option("top", help="Show the first N.")
Reporters = option("reporter", many=True, help="Only these reporters (repeat); default: all.")
Level = option("level", help="HS digits for --by product: 2, 4 or 6.")
TopLevel = option("level", default=4)
TopN = option("top", default=20, help="Show the first N.")
Under = option("product", help="Only products under this HS code.")
AllReporters = option("reporter",
                      help="Reporter (ISO3, Comtrade numeric or name); default: all.")
Freq = option("freq")
AnyPeriod = option("period", help="Limit to a span (default: every period with data).")
View = Annotated[str, typer.Option(
    "--view", help="reported: the reporter's own figures; mirror: its partners' reports of "
    "the opposite flow (how a reporter that does not report is seen; imports / CIF-FOB 1.06).")]


def question(analytic: str, given: dict) -> Any:
    """The question of a command's options (its parameters are named as the question's)."""
    from tradestat.analytics.question import Question

    return Question.of(analytic, **given)


def answer(run: Run, q: Any, lines: Callable[[Any], list[str]], empty: Callable[[Any], bool],
           hint: Callable[[], Any] | None = None) -> None:
    """Ask ``q`` and print its answer; exit 2 (after printing) when it found no data, saying
    then what the store holds nearby (``hint()``: a :class:`tradestat.report.nearby.Nearby`)."""
    from tradestat import analytics

    result = run.call(lambda: analytics.answer(run.store(), q))
    near = run.call(hint) if hint is not None and empty(result) else None
    doc = result.to_dict() | ({"nearby": near.to_dict()} if near is not None else {})
    run.lines(doc, lambda: [*lines(result), *(near.lines() if near else [])])
    if empty(result):
        tail = f"; {near.suggestion['say']}" if near is not None and near.suggestion else \
            " (see the warnings)"
        err.print(f"error: no data in the store for this query{tail}", markup=False)
        import typer

        raise typer.Exit(2)


@command(app, "figure")
def figure_cmd(
    run: Run, reporter: ReporterOpt, flow: FlowOpt, period: PeriodOpt,
    product: ProductOpt = None, basket: BasketOpt = None, partner: PartnerOpt = None,
    currency: CurrencyOpt = None, as_of: AsOfOpt = None, engine: EngineOpt = "duckdb",
    source: SourceOpt = None, view: View = "reported",
) -> None:
    """One figure: value, the value a year earlier, YoY, coverage and warnings."""
    from tradestat.cli import render

    if view not in ("reported", "mirror"):
        fail(f"--view {view!r}: use reported or mirror", 1)
    if view == "mirror":
        from tradestat.cli.toolkit import estimate_lines

        answer(run, question("estimate", locals()), estimate_lines, lambda r: r.value is None)
        return

    def near() -> Any:
        from tradestat.report.nearby import nearby

        return nearby(run.store(), reporter, flow, period, product, basket, as_of=as_of)
    answer(run, question("figure", locals()), render.figure_lines, lambda r: r.value is None,
           near)


@command(app, "compare")
def compare_cmd(
    run: Run, reporter: ReporterOpt, flow: FlowOpt, period: PeriodOpt,
    basket: Baskets = None,
    product: Codes = None,
    partner: PartnerOpt = None, currency: CurrencyOpt = None, as_of: AsOfOpt = None,
    engine: EngineOpt = "duckdb", source: SourceOpt = None,
) -> None:
    """Baskets or products of one reporter side by side, with ratios to the first."""
    from tradestat.cli import render

    given = locals() | {"baskets": basket, "codes": product, "basket": None, "product": None}
    answer(run, question("compare", given), render.comparison_lines,
           lambda r: all(i.figure.value is None for i in r.items))


@command(app, "rank")
def rank_cmd(
    run: Run, flow: FlowOpt, period: PeriodOpt, product: ProductOpt = None,
    basket: BasketOpt = None, by: By = "reporter",
    top: Top = None,
    reporter: Reporters = None,
    partner: PartnerOpt = None,
    level: Level = None,
    currency: CurrencyOpt = None, as_of: AsOfOpt = None, engine: EngineOpt = "duckdb",
    source: SourceOpt = None,
) -> None:
    """Reporters, partners or products ranked by value, with shares and YoY."""
    from tradestat.cli import render

    answer(run, question("rank", locals()), render.ranking_lines, lambda r: not r.rows)


@command(app, "top")
def top_cmd(
    run: Run, reporter: ReporterOpt, flow: FlowOpt, period: PeriodOpt,
    level: TopLevel = 4,
    top: TopN = 20,
    product: Under = None,
    partner: PartnerOpt = None, currency: CurrencyOpt = None, as_of: AsOfOpt = None,
    engine: EngineOpt = "duckdb", source: SourceOpt = None,
) -> None:
    """A reporter's top products at HS level 2, 4 or 6, with YoY and share."""
    from tradestat.cli import render

    answer(run, question("top", locals() | {"by": "product"}), render.ranking_lines,
           lambda r: not r.rows)


@command(app, "series")
def series_cmd(
    run: Run, flow: FlowOpt,
    reporter: AllReporters = None,
    product: ProductOpt = None, basket: BasketOpt = None,
    freq: Freq = "M",
    period: AnyPeriod = None,
    partner: PartnerOpt = None, currency: CurrencyOpt = None, as_of: AsOfOpt = None,
    engine: EngineOpt = "duckdb", source: SourceOpt = None,
) -> None:
    """Monthly or annual values for charts, each point with its coverage."""
    from tradestat.cli import render

    answer(run, question("series", locals()), render.series_lines,
           lambda r: all(p.value is None for p in r.points))

"""Writing and reading: ``tradestat report`` (a page of figures, tables and charts),
``event`` (before and after a policy date), ``check`` (the figures quoted in a text) and
``ask`` (a question in words)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tradestat.cli.base import (
    AsOfOpt,
    BasketOpt,
    CurrencyOpt,
    FlowOpt,
    PeriodOpt,
    ProductOpt,
    ReporterOpt,
    Run,
    app,
    command,
    fail,
)


@command(app, "report")
def report_cmd(
    run: Run, reporter: ReporterOpt, flow: FlowOpt, period: PeriodOpt,
    out_file: Annotated[Path, typer.Option(
        "--out", help="FILE.html (one self-contained page) or FILE.md (charts beside it).")],
    product: ProductOpt = None, basket: BasketOpt = None,
    compare: Annotated[str | None, typer.Option(
        "--compare", help="Baskets or HS codes to set beside it: A,B,C.")] = None,
    currency: CurrencyOpt = None, as_of: AsOfOpt = None,
) -> None:
    """Write a report: headline paragraph, tables and charts, as HTML or Markdown."""
    from tradestat import report

    others = [c.strip() for c in (compare or "").split(",") if c.strip()]

    def build() -> tuple[Any, list[Path]]:
        report.check_out(out_file)
        rep = report.build(run.store(), reporter, flow, period, product, basket, others,
                           currency, as_of)
        return rep, report.write(rep, out_file)
    rep, written = run.call(build)
    doc = {"written": [str(p.resolve()) for p in written]} | {
        k: v for k, v in rep.to_dict().items() if k != "charts"}
    run.lines(doc, lambda: [f"wrote {written[0]}", rep.headline])
    if rep.figure.value is None:
        hint = (rep.nearby or {}).get("suggestion")
        tail = f"; {hint['say']}" if hint else " (see the warnings)"
        fail(f"no data in the store for this query{tail}", 2)


@command(app, "event")
def event_cmd(
    run: Run,
    date: Annotated[str, typer.Option("--date", help="The event's date, YYYY-MM-DD.")],
    reporter: ReporterOpt, flow: FlowOpt, product: ProductOpt = None, basket: BasketOpt = None,
    window: Annotated[int, typer.Option(
        "--window", help="Months on each side (12 or 24 compare like months).")] = 12,
    as_of: AsOfOpt = None,
) -> None:
    """The N months before a policy event against the N months after it (months missing on
    either side withhold the change; a window of other than whole years is said to mix
    seasons). Events on record: tradestat/data/events.toml and <store>/events.toml."""
    from tradestat.report import events

    res = run.call(lambda: events.around(
        run.store(), date, reporter, flow, product, basket, window, as_of))
    run.lines(res.to_dict(), res.lines)
    if res.figure_before.value is None and res.figure_after.value is None:
        fail("no data in the store on either side of the event", 2)


@command(app, "check")
def check_cmd(
    run: Run,
    source: Annotated[str, typer.Argument(help="A text file, or - for stdin.")],
    published: Annotated[str | None, typer.Option(
        "--published", help="When the text was published (YYYY-MM-DD): a spot rate on that "
        "day is one more reading of converted values.")] = None,
    about: Annotated[str | None, typer.Option(
        "--about", help="The country the text is about (ISO3 or name): the reporter of "
        "claims that name none.")] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Check the quantitative trade claims in a text: readings, verdicts and evidence."""
    from tradestat.claims import command as claims_command
    from tradestat.claims import render

    rep = run.call(lambda: claims_command.run(source, run.store(), as_of, published, about))
    run.lines(rep.to_dict(), lambda: render.lines(rep))


@command(app, "ask")
def ask_cmd(
    run: Run,
    question: Annotated[str, typer.Argument(help="A question in words, quoted.")],
    as_of: AsOfOpt = None,
) -> None:
    """Answer a question in words: the figure, ranking or comparison, and how it was read."""
    from tradestat.claims import ask

    res = run.call(lambda: ask.ask(question, run.store(), as_of=as_of))
    run.lines(res.to_dict(), res.lines)
    if not res.answered or res.empty:
        raise typer.Exit(2 if res.empty else 1)

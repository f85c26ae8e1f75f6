"""Reference data: countries, the HS nomenclature and its concordances, baskets, exchange
rates (``tradestat country``, ``hs …``, ``baskets …``, ``fx …``, ``reference …``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradestat.cli.base import Run, app, command, say

hs_app = typer.Typer(help="The HS2022 nomenclature: show a code, search descriptions.",
                     no_args_is_help=True)
baskets_app = typer.Typer(help="Named product baskets (codes per HS edition).",
                          no_args_is_help=True)
fx_app = typer.Typer(help="Exchange rates with their basis (ECB reference rates, user files).",
                     no_args_is_help=True)
reference_app = typer.Typer(help="Load reference tables into the store.", no_args_is_help=True)
app.add_typer(hs_app, name="hs")
app.add_typer(baskets_app, name="baskets")
app.add_typer(fx_app, name="fx")
app.add_typer(reference_app, name="reference")

BasketsOpt = Annotated[Path | None, typer.Option(
    "--baskets", help="A TOML file of extra baskets (also read: <store>/baskets.toml).")]


@command(app, "country")
def country(
    run: Run,
    query: Annotated[str, typer.Argument(help="ISO3, ISO2, Comtrade or M49 code, or a name.")],
) -> None:
    """Resolve a country or area: canonical code, Comtrade and M49 codes, and what matched."""
    from tradestat.reference import countries

    doc = run.call(lambda: countries.find(query).to_dict())

    def human() -> None:
        say(f"{doc['code']}  {doc['name']}  (matched {doc['query']!r} as {doc['matched_by']})")
        say(f"  Comtrade {doc['comtrade'] or '-'}  M49 {doc['m49'] or '-'}  "
            f"ISO2 {doc['iso2'] or '-'}  ISO3 {doc['iso3'] or '-'}")
        if doc["note"]:
            say(f"  note: {doc['note']}")
    run.emit(doc, human)


@command(hs_app, "show")
def hs_show(
    run: Run,
    code: Annotated[str, typer.Argument(help="HS2022 chapter, heading or subheading.")],
) -> None:
    """Description, level, parent and children of an HS2022 code."""
    from tradestat.reference import hs

    doc = run.call(lambda: hs.describe(code))

    def human() -> None:
        say(f"{doc['code']} ({doc['version']}, level {doc['level']}): {doc['description']}")
        if doc["parent"]:
            say(f"  parent {doc['parent']['code']}: {doc['parent']['description']}")
        for child in doc["children"]:
            say(f"  {child['code']}  {child['description']}")
    run.emit(doc, human)


@command(hs_app, "search")
def hs_search(
    run: Run,
    words: Annotated[list[str], typer.Argument(help="Words that must all appear.")],
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 25,
) -> None:
    """Find HS2022 codes whose description holds every word."""
    from tradestat.reference import hs

    hits = run.call(lambda: hs.search(" ".join(words), limit=limit))

    def human() -> None:
        if not hits:
            say(f"no HS2022 description holds all of: {' '.join(words)}")
        for e in hits:
            say(f"{e.code:<8} {e.description}")
    run.emit({"query": " ".join(words), "results": [e.to_dict() for e in hits]}, human)


@command(hs_app, "convert")
def hs_convert(
    run: Run,
    code: Annotated[str, typer.Argument(help="HS code (6-digit, or a heading/chapter).")],
    from_version: Annotated[str, typer.Option("--from", help="Edition of CODE, e.g. HS2017.")],
    to_version: Annotated[str, typer.Option("--to", help="Edition wanted, e.g. HS2022.")],
) -> None:
    """Convert a code between HS editions through the loaded concordance (1:1, 1:n, n:1, n:n)."""
    from tradestat.reference import concordance

    rows = run.call(lambda: concordance.active(run.store_dir).convert(
        code, from_version, to_version))

    def human() -> None:
        for c in rows:
            shared = f"; shares them with {len(c.shared_with)} other codes" if c.shared_with else ""
            say(f"{c.code} ({c.from_version}) -> {', '.join(c.targets)} ({c.to_version}): "
                f"{c.relationship}{shared}")
    run.emit({"conversions": [c.to_dict() for c in rows]}, human)


@command(baskets_app, "list")
def baskets_list(run: Run, extra: BasketsOpt = None) -> None:
    """The baskets available: shipped, the store's baskets.toml, and --baskets FILE."""
    from tradestat.reference import baskets

    found = run.call(lambda: baskets.available(run.store_dir, extra))

    def human() -> None:
        for b in found.values():
            say(f"{b.name:<24} {'/'.join(b.codes):<14} {b.description}")
    run.emit({"baskets": [b.to_dict() for b in found.values()]}, human)


@command(baskets_app, "show")
def baskets_show(
    run: Run,
    name: Annotated[str, typer.Argument(help="Basket name (see `tradestat baskets list`).")],
    version: Annotated[str | None, typer.Option(
        "--version", help="Also give the codes in this HS edition (translated if unlisted).")
    ] = None,
    extra: BasketsOpt = None,
) -> None:
    """A basket's description and codes per HS edition."""
    from tradestat.reference import baskets

    doc = run.call(lambda: baskets.describe(name, run.store_dir, extra, version))

    def human() -> None:
        say(f"{doc['name']}: {doc['description']}")
        for edition, codes in doc["codes"].items():
            say(f"  {edition}: {', '.join(codes)}")
        if doc["note"]:
            say(f"  note: {doc['note']}")
        if "translation" in doc:
            t = doc["translation"]
            via = f" (translated from {t['translated_from']})" if t["translated_from"] else ""
            say(f"  {t['version']}{via}: {', '.join(t['codes'])}")
            for w in t["warnings"]:
                say(f"  warning: {w}")
    run.emit(doc, human)


@command(fx_app, "rate")
def fx_rate(
    run: Run,
    base: Annotated[str, typer.Option("--from", help="Currency converted from, e.g. CNY.")],
    quote: Annotated[str, typer.Option("--to", help="Currency converted to, e.g. USD.")],
    period: Annotated[str, typer.Option(
        help="2024-11 (monthly average), 2024 (annual), 2024-11-15 (spot) or 2024-01..2024-11.")],
    rates: Annotated[list[Path] | None, typer.Option(
        "--rates", help="User rate file (FRED monthly format); also read: <store>/rates/*.csv.")
    ] = None,
) -> None:
    """Units of --to per unit of --from, with the basis and source."""
    from tradestat.reference import fx

    found = run.call(lambda: fx.lookup(base, quote, period, rates or (), run.store_dir))

    def human() -> None:
        for r in found:
            note = f"  ({r.note})" if r.note else ""
            say(f"{r.period}  1 {r.base} = {r.value:.6g} {r.quote}  [{r.basis}; "
                f"{r.observations} obs; {r.source}]{note}")
    doc = found[0].to_dict() if len(found) == 1 else {
        "period": period, "rates": [r.to_dict() for r in found]}
    run.emit(doc, human)


@command(reference_app, "load-concordance")
def load_concordance(
    run: Run,
    source: Annotated[str, typer.Argument(help="UNSD .xlsx correlation workbook or the "
                                          "consolidated .csv; a file path or an http(s) URL.")],
) -> None:
    """Read an HS concordance table and cache it in the store for conversions and baskets."""
    from tradestat.reference import concordance

    res = run.call(lambda: concordance.load(source, run.store_dir))

    def human() -> None:
        for step, n in res.steps.items():
            say(f"{step}: {n:,} links")
        for note in res.notes:
            say(f"  note: {note}")
        say(f"cached in {res.cached_to}")
    run.emit(res.to_dict(), human)

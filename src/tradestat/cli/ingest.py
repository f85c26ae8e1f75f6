"""``tradestat ingest …`` and ``tradestat fetch …``: files and live sources into the store,
each file (or fetch) one release."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tradestat.cli import progress
from tradestat.cli.base import (
    FlowOpt,
    OnErrorOpt,
    Run,
    app,
    command,
    error_doc,
    fail,
    interrupt_line,
    out,
    report,
    say,
    write_json,
)
from tradestat.errors import TradestatError

if TYPE_CHECKING:
    from tradestat.store import Store

ingest_app = typer.Typer(help="Add a file to the store as a new release.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
fetch_app = typer.Typer(help="Fetch from a live source into the store (one release a fetch).",
                        no_args_is_help=True)
app.add_typer(fetch_app, name="fetch")


def ingest(run: Run, reader_factory: Callable[[], Any], files: list[Path], on_error: str,
           folders: bool = False, each: bool = False) -> None:
    """Ingest each file as its own release. ``folders``: a folder is one input (an unpacked
    archive); ``each``: a folder stands for every matching file in it, each its own release."""
    from tradestat.sources.files import expand

    if on_error not in ("reject", "quarantine"):
        fail(f"--on-error must be reject or quarantine, not {on_error!r}", 1)
    target = run.store()
    before = committed(target)
    inputs = expand(files, reader_factory().suffixes) if each else files
    try:
        results, worst = ingest_all(run, target, reader_factory, inputs, on_error, folders)
    except KeyboardInterrupt:
        interrupted(target, before)
    if run.as_json:
        write_json(results[0] if len(results) == 1 else results)
    if worst:
        raise typer.Exit(worst)


def ingest_all(run: Run, target: Store, reader_factory: Callable[[], Any], inputs: list,
               on_error: str, folders: bool) -> tuple[list[dict], int]:
    from tradestat.errors import InputError

    results, worst = [], 0
    for f in inputs:
        try:
            if isinstance(f, InputError):  # a folder with no file to read
                raise f
            if not (f.is_file() or (folders and f.is_dir())):
                raise InputError(f"{f}: no such file", path=str(f))
            with progress.stages(run.as_json) as note:
                res = target.ingest(reader_factory(), f, on_error=on_error, progress=note)
        except TradestatError as exc:
            if run.debug:
                raise
            # Each file is its own release: report this one and go on with the rest.
            report(exc, run.as_json)
            results.append(error_doc(exc) | {"file": str(f.context.get("path", "")
                                                         if isinstance(f, InputError) else f)})
            worst = max(worst, exc.exit_code)
            continue
        results.append(res.to_dict())
        if not run.as_json:
            print_ingest(res)
    return results, worst


def committed(store: Store) -> set[str]:
    """The ids of the store's committed releases (none where there is no store yet)."""
    try:
        return {r.id for r in store.releases()}
    except TradestatError:
        return set()


def interrupted(store: Store, before: set[str]) -> None:
    """Ctrl-C during an ingest: say what the store now holds that it did not (a release is
    committed whole or not at all), then exit 130."""
    try:
        new = [r for r in store.releases() if r.id not in before]
    except TradestatError:
        new = []
    if not new:
        interrupt_line("interrupted: nothing was written; the store is as it was")
    else:
        done = ", ".join(f"{r.file_name} (release {r.id}, {r.rows:,} rows)" for r in new)
        interrupt_line(f"interrupted: committed before the interrupt: {done}; the file being "
                       "read when it came was not written")
    raise typer.Exit(130)


def print_ingest(res: Any) -> None:
    r = res.release
    if res.status == "unchanged":
        say(f"{r.file_name}: unchanged (same content as release {r.id}); nothing written")
        return
    say(f"{r.file_name}: committed release {r.id} with {r.rows:,} rows")
    for n in r.notes:
        say(f"  note: {n}")
    if res.quarantine:
        say(f"  {r.quarantined:,} bad lines set aside in {res.quarantine}")
        for p in res.problems[:5]:
            say(f"    {p.describe()}")
    if r.supersedes:
        out.print(f"  supersedes records of: {', '.join(r.supersedes)}")


@command(ingest_app, "comtrade")
def ingest_comtrade(
    run: Run,
    files: Annotated[list[Path], typer.Argument(
        help="Comtrade portal/API CSV files, bulk .gz files, zips, or folders of them.")],
    on_error: OnErrorOpt = "reject",
) -> None:
    """Ingest UN Comtrade CSV files (UTF-8 or Latin-1, CRLF, trailing commas); each file,
    or each file of a folder, is one release."""
    from tradestat.sources import ComtradeReader

    ingest(run, ComtradeReader, files, on_error, each=True)


@command(ingest_app, "csv")
def ingest_csv(
    run: Run,
    files: Annotated[list[Path], typer.Argument(
        help="Delimited text files (.gz, zips, or folders of them).")],
    mapping: Annotated[Path, typer.Option("--map", help="TOML mapping of columns to fields.")],
    on_error: OnErrorOpt = "reject",
) -> None:
    """Ingest any CSV through a TOML mapping (columns, constants, units, period format)."""
    from tradestat.sources import MappedCsvReader

    reader = run.call(lambda: MappedCsvReader(mapping))
    ingest(run, lambda: reader, files, on_error, each=True)


@command(ingest_app, "baci")
def ingest_baci(
    run: Run,
    files: Annotated[list[Path], typer.Argument(
        help="CEPII BACI zips (BACI_HS17_V202501.zip) or the folders they were unpacked into.")],
    on_error: OnErrorOpt = "reject",
) -> None:
    """Ingest CEPII BACI (exporter-reported FOB, mirror-reconciled), one year file at a time."""
    from tradestat.sources.baci import BaciReader

    ingest(run, BaciReader, files, on_error, folders=True)


@command(ingest_app, "taiwan")
def ingest_taiwan(
    run: Run,
    files: Annotated[list[Path], typer.Argument(
        help="CSV exports of Taiwan's customs statistics portal (Ministry of Finance).")],
    on_error: OnErrorOpt = "reject",
) -> None:
    """Ingest Taiwan's customs statistics (Minguo years, 11-digit CCC codes, US$ thousand)."""
    from tradestat.sources.taiwan import TaiwanReader

    ingest(run, TaiwanReader, files, on_error)


@command(ingest_app, "gacc")
def ingest_gacc(
    run: Run,
    files: Annotated[list[Path], typer.Argument(
        help="China Customs release tables: the published HTML pages, or the tidy CSV with "
        "one row per published number.")],
    items: Annotated[Path | None, typer.Option(
        "--items", help="A TOML file of extra row labels and items (layout of the shipped "
        "gacc_items.toml).")] = None,
    on_error: OnErrorOpt = "reject",
) -> None:
    """Ingest China Customs tables: month and cumulative (1 to M) values, published YoY %."""
    from tradestat.sources.gacc import GaccReader

    reader = run.call(lambda: GaccReader(items))
    ingest(run, lambda: reader, files, on_error)


def _breakdown(what: str, default: str) -> Any:
    return typer.Option(f"--{what}", help=f"Default {default} (the total); 'all' for every "
                        "value, or a comma list.")


@command(fetch_app, "comtrade")
def fetch_comtrade(
    run: Run,
    reporter: Annotated[list[str], typer.Option(
        "--reporter", help="ISO3, Comtrade code or name; repeat or comma-separate; or all.")],
    flow: FlowOpt,
    product: Annotated[str, typer.Option("--product", help="HS code(s): 8542, 854231, TOTAL.")],
    period: Annotated[str, typer.Option(
        "--period", help="2024 | 2024-11 | 2023..2024 | 2025-01..2025-08 (or a comma list).")],
    freq: Annotated[str | None, typer.Option(
        "--freq", help="A or M (default: from --period; a year with M is its 12 months).")
    ] = None,
    partner: Annotated[str, typer.Option(
        "--partner", help="Partner(s) as --reporter, or all (default: 0, the world).")] = "0",
    partner2: Annotated[str, _breakdown("partner2", "0")] = "0",
    customs: Annotated[str, _breakdown("customs", "C00")] = "C00",
    transport: Annotated[str, _breakdown("transport", "0")] = "0",
    restart: Annotated[bool, typer.Option(
        "--restart", help="Discard an interrupted fetch of the same selection.")] = False,
    on_error: OnErrorOpt = "reject",
) -> None:
    """Fetch from the UN Comtrade API (key: COMTRADE_API_KEY, else the public preview)."""
    from tradestat import comtrade_fetch

    with progress.parts(run.as_json) as note:
        res = run.call(lambda: comtrade_fetch.fetch(
            run.store(), reporter, flow, product, period, freq, partner=partner,
            partner2=partner2, customs=customs, transport=transport, on_error=on_error,
            restart=restart, progress=note))

    def human() -> None:
        say(f"{res.records:,} records in {res.parts} part(s) from {res.url} "
            f"({res.requests} HTTP requests, {res.cache_hits} from the cache"
            f"{f', {res.resumed} parts from an interrupted run' if res.resumed else ''})")
        print_ingest(res.ingest)
    run.emit(res.to_dict(), human)

"""The command line: each command parses options, calls one library function and prints.

Errors become one line on stderr (exit 1 for bad input or usage, 2 for data problems);
``--debug`` shows the traceback instead. ``--json`` prints one JSON document on stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from tradestat import __version__
from tradestat.errors import Rejected, TradestatError
from tradestat.store import Store

app = typer.Typer(help="Customs trade statistics: figures people can cite, with the evidence.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
ingest_app = typer.Typer(help="Add a file to the store as a new release.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

StoreOpt = Annotated[Path | None, typer.Option(
    "--store", envvar="TRADESTAT_STORE", help="Store directory [env: TRADESTAT_STORE].",
    show_envvar=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]
OnErrorOpt = Annotated[str, typer.Option(
    "--on-error", help="reject: refuse a file with any bad line (default); quarantine: "
    "commit the good rows, set the bad ones aside with their reasons.")]


def _emit(as_json: bool, doc: Any, human: Callable[[], None]) -> None:
    if as_json:
        sys.stdout.write(json.dumps(doc, indent=2, default=str) + "\n")
    else:
        human()


def _run(debug: bool, as_json: bool, fn: Callable[[], Any]) -> Any:
    """Call ``fn``; turn tradestat errors into one line on stderr and an exit code."""
    try:
        return fn()
    except TradestatError as exc:
        if debug:
            raise
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        if isinstance(exc, Rejected) and len(exc.problems) > 1 and not as_json:
            for p in exc.problems[1:]:
                err.print(f"  {p.describe()}", markup=False, soft_wrap=True)
        if as_json:
            sys.stdout.write(json.dumps(_error_doc(exc), indent=2, default=str) + "\n")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("interrupted; the store is unchanged unless a commit was reported")
        raise typer.Exit(130) from None


def _error_doc(exc: TradestatError) -> dict:
    doc: dict = {"ok": False, "error": str(exc), **exc.context}
    if isinstance(exc, Rejected):
        doc["status"] = "rejected"
        doc["problems"] = [p.to_dict() for p in exc.problems]
        doc["n_problems"] = exc.total
    return doc


def _ingest(reader_factory: Callable[[], Any], files: list[Path], store: Path | None,
            on_error: str, as_json: bool, debug: bool) -> None:
    from tradestat.errors import InputError

    if on_error not in ("reject", "quarantine"):
        err.print(f"error: --on-error must be reject or quarantine, not {on_error!r}",
                  markup=False)
        raise typer.Exit(1)
    target = Store(store)
    results = []
    for f in files:
        def one(f: Path = f) -> Any:
            if not f.is_file():
                raise InputError(f"{f}: no such file")
            with _progress(as_json) as note:
                return target.ingest(reader_factory(), f, on_error=on_error, progress=note)
        res = _run(debug, as_json, one)
        results.append(res.to_dict())
        if not as_json:
            _print_ingest(res)
    if as_json:
        sys.stdout.write(json.dumps(results[0] if len(results) == 1 else results,
                                    indent=2, default=str) + "\n")


def _print_ingest(res: Any) -> None:
    r = res.release
    if res.status == "unchanged":
        out.print(f"{r.file_name}: unchanged (same content as release {r.id}); nothing written",
                  markup=False)
        return
    out.print(f"{r.file_name}: committed release {r.id} with {r.rows:,} rows", markup=False)
    for n in r.notes:
        out.print(f"  note: {n}")
    if res.quarantine:
        out.print(f"  {r.quarantined:,} bad lines set aside in {res.quarantine}", markup=False)
        for p in res.problems[:5]:
            out.print(f"    {p.describe()}", markup=False)
    if r.supersedes:
        out.print(f"  supersedes records of: {', '.join(r.supersedes)}")


class _progress:
    """A Rich progress line on stderr (stage, spinner, elapsed time) while a job runs.

    Silent with --json or when stderr is not a terminal; it disappears when the job ends.
    """

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not err.is_terminal
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[[str], None]:
        if self.quiet:
            return lambda _msg: None
        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                            TimeElapsedColumn(), console=err, transient=True)
        self.bar.__enter__()
        task = self.bar.add_task("starting", total=None)
        return lambda msg: self.bar.update(task, description=msg)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@ingest_app.command("comtrade")
def ingest_comtrade(
    files: Annotated[list[Path], typer.Argument(help="Comtrade portal/API CSV files.")],
    store: StoreOpt = None, on_error: OnErrorOpt = "reject", as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Ingest UN Comtrade CSV files (UTF-8 or Latin-1, CRLF, trailing commas)."""
    from tradestat.sources import ComtradeReader

    _ingest(ComtradeReader, files, store, on_error, as_json, debug)


@ingest_app.command("csv")
def ingest_csv(
    files: Annotated[list[Path], typer.Argument(help="Delimited text files.")],
    mapping: Annotated[Path, typer.Option("--map", help="TOML mapping of columns to fields.")],
    store: StoreOpt = None, on_error: OnErrorOpt = "reject", as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Ingest any CSV through a TOML mapping (columns, constants, units, period format)."""
    from tradestat.sources import MappedCsvReader

    reader = _run(debug, as_json, lambda: MappedCsvReader(mapping))
    _ingest(lambda: reader, files, store, on_error, as_json, debug)


@app.command()
def releases(store: StoreOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False) -> None:
    """List the store's releases (vintages), oldest first."""
    rows = _run(debug, as_json, lambda: Store(store).releases())

    def human() -> None:
        if not rows:
            out.print(f"no releases in {Store(store).root}", markup=False)
        for r in rows:
            extra = f", supersedes {len(r.supersedes)}" if r.supersedes else ""
            out.print(f"{r.id}  {r.source:<9} {r.rows:>10,} rows  {r.file_name}  "
                      f"ingested {r.ingested_at}"
                      f"{'  published ' + r.published if r.published else ''}{extra}",
                      markup=False)
    _emit(as_json, {"releases": [r.to_dict() for r in rows]}, human)


@app.command()
def demo(
    store: StoreOpt = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Where the demo files go.")] = Path(
        "tradestat-demo"),
    rows: Annotated[int, typer.Option(help="Rows of synthetic data to generate.")] = 1_000_000,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic world.")] = 2024,
    as_json: JsonOpt = False, debug: DebugOpt = False,
) -> None:
    """Build a demo store offline from generated data and print headline figures."""
    from tradestat import demo as demo_mod

    target = store or out_dir / "store"
    with _progress(as_json) as note:
        result = _run(debug, as_json, lambda: demo_mod.run(
            Store(target), out_dir, rows=rows, seed=seed, progress=note))
    _emit(as_json, result, lambda: demo_mod.print_summary(result, out))


def _version(value: bool) -> None:
    if value:
        out.print(f"tradestat {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version.")] = False) -> None:
    """Customs trade statistics: figures people can cite, with the evidence."""


def main() -> None:
    app()

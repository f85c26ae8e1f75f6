"""The command line: each command parses options, calls one library function and prints.

Errors become one line on stderr (exit 1 for bad input or usage, 2 for data problems);
``--debug`` shows the traceback instead. ``--json`` prints one JSON document on stdout.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from tradestat import __version__

try:  # Typer 0.2x vendors Click under a private name; older Typer depends on Click itself
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors
from tradestat.errors import Rejected, TradestatError
from tradestat.store import Store

app = typer.Typer(help="Customs trade statistics: figures people can cite, with the evidence.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
ingest_app = typer.Typer(help="Add a file to the store as a new release.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
fetch_app = typer.Typer(help="Fetch from a live source into the store (one release a fetch).",
                        no_args_is_help=True)
app.add_typer(fetch_app, name="fetch")

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


def _report(exc: TradestatError, as_json: bool) -> None:
    """One 'error:' line on stderr (plus the first problems of a rejected file)."""
    err.print(f"error: {exc}", markup=False, soft_wrap=True)
    if isinstance(exc, Rejected) and len(exc.problems) > 1 and not as_json:
        for p in exc.problems[1:]:
            err.print(f"  {p.describe()}", markup=False, soft_wrap=True)


def _run(debug: bool, as_json: bool, fn: Callable[[], Any]) -> Any:
    """Call ``fn``; turn tradestat errors into one line on stderr and an exit code."""
    try:
        return fn()
    except TradestatError as exc:
        if debug:
            raise
        _report(exc, as_json)
        if as_json:
            sys.stdout.write(json.dumps(_error_doc(exc), indent=2, default=str) + "\n")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _interrupt_line("interrupted; the store is unchanged unless a commit was reported")
        raise typer.Exit(130) from None


def _error_doc(exc: TradestatError) -> dict:
    doc: dict = {"ok": False, "error": str(exc), **exc.context}
    if isinstance(exc, Rejected):
        doc["status"] = "rejected"
        doc["problems"] = [p.to_dict() for p in exc.problems]
        doc["n_problems"] = exc.total
    return doc


def _ingest(reader_factory: Callable[[], Any], files: list[Path], store: Path | None,
            on_error: str, as_json: bool, debug: bool, folders: bool = False,
            each: bool = False) -> None:
    """Ingest each file as its own release. ``folders``: a folder is one input (an unpacked
    archive); ``each``: a folder stands for every matching file in it, each its own release."""
    from tradestat.sources.files import expand

    if on_error not in ("reject", "quarantine"):
        err.print(f"error: --on-error must be reject or quarantine, not {on_error!r}",
                  markup=False)
        raise typer.Exit(1)
    target = Store(store)
    before = _committed(target)
    inputs = expand(files, reader_factory().suffixes) if each else files
    try:
        results, worst = _ingest_all(target, reader_factory, inputs, on_error, as_json, debug,
                                     folders)
    except KeyboardInterrupt:
        _interrupted(target, before)
    if as_json:
        sys.stdout.write(json.dumps(results[0] if len(results) == 1 else results,
                                    indent=2, default=str) + "\n")
    if worst:
        raise typer.Exit(worst)


def _ingest_all(target: Store, reader_factory: Callable[[], Any], inputs: list, on_error: str,
                as_json: bool, debug: bool, folders: bool) -> tuple[list[dict], int]:
    from tradestat.errors import InputError

    results, worst = [], 0
    for f in inputs:
        try:
            if isinstance(f, InputError):  # a folder with no file to read
                raise f
            if not (f.is_file() or (folders and f.is_dir())):
                raise InputError(f"{f}: no such file", path=str(f))
            with _progress(as_json) as note:
                res = target.ingest(reader_factory(), f, on_error=on_error, progress=note)
        except TradestatError as exc:
            if debug:
                raise
            # Each file is its own release: report this one and go on with the rest.
            _report(exc, as_json)
            results.append(_error_doc(exc) | {"file": str(f.context.get("path", "")
                                                          if isinstance(f, InputError) else f)})
            worst = max(worst, exc.exit_code)
            continue
        results.append(res.to_dict())
        if not as_json:
            _print_ingest(res)
    return results, worst


def _committed(store: Store) -> set[str]:
    """The ids of the store's committed releases (none where there is no store yet)."""
    try:
        return {r.id for r in store.releases()}
    except TradestatError:
        return set()


_INTERRUPT = {"said": False}


def _interrupted(store: Store, before: set[str]) -> None:
    """Ctrl-C during an ingest: say what the store now holds that it did not (a release is
    committed whole or not at all), then exit 130."""
    try:
        new = [r for r in store.releases() if r.id not in before]
    except TradestatError:
        new = []
    if not new:
        _interrupt_line("interrupted: nothing was written; the store is as it was")
    else:
        done = ", ".join(f"{r.file_name} (release {r.id}, {r.rows:,} rows)" for r in new)
        _interrupt_line(f"interrupted: committed before the interrupt: {done}; the file being "
                        "read when it came was not written")
    raise typer.Exit(130)


def _interrupt_line(text: str) -> None:
    _INTERRUPT["said"] = True
    err.print(text, markup=False, soft_wrap=True)


def _print_ingest(res: Any) -> None:
    r = res.release
    if res.status == "unchanged":
        out.print(f"{r.file_name}: unchanged (same content as release {r.id}); nothing written",
                  markup=False)
        return
    out.print(f"{r.file_name}: committed release {r.id} with {r.rows:,} rows", markup=False)
    for n in r.notes:
        out.print(f"  note: {n}", markup=False)
    if res.quarantine:
        out.print(f"  {r.quarantined:,} bad lines set aside in {res.quarantine}", markup=False)
        for p in res.problems[:5]:
            out.print(f"    {p.describe()}", markup=False)
    if r.supersedes:
        out.print(f"  supersedes records of: {', '.join(r.supersedes)}")


class _progress:
    """A Rich progress line on stderr (stage, spinner, elapsed time) while a job runs; once
    the job counts its work (``note(message, done, total)``: bytes of an archive) a bar too.

    Silent with --json or when stderr is not a terminal; it disappears when the job ends.
    """

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not err.is_terminal
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[..., None]:
        if self.quiet:
            return lambda _msg, _done=None, _total=None: None
        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                            TimeElapsedColumn(), console=err, transient=True)
        self.bar.__enter__()
        task = self.bar.add_task("starting", total=None)

        def note(msg: str, done: int | None = None, total: int | None = None) -> None:
            if total is not None and len(self.bar.columns) == 3:
                from rich.progress import BarColumn, DownloadColumn

                self.bar.columns = (*self.bar.columns[:2], BarColumn(), DownloadColumn(),
                                    self.bar.columns[2])
            self.bar.update(task, description=msg, completed=done, total=total)
        return note

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@ingest_app.command("comtrade")
def ingest_comtrade(
    files: Annotated[list[Path], typer.Argument(
        help="Comtrade portal/API CSV files, bulk .gz files, zips, or folders of them.")],
    store: StoreOpt = None, on_error: OnErrorOpt = "reject", as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Ingest UN Comtrade CSV files (UTF-8 or Latin-1, CRLF, trailing commas); each file,
    or each file of a folder, is one release."""
    from tradestat.sources import ComtradeReader

    _ingest(ComtradeReader, files, store, on_error, as_json, debug, each=True)


@ingest_app.command("csv")
def ingest_csv(
    files: Annotated[list[Path], typer.Argument(
        help="Delimited text files (.gz, zips, or folders of them).")],
    mapping: Annotated[Path, typer.Option("--map", help="TOML mapping of columns to fields.")],
    store: StoreOpt = None, on_error: OnErrorOpt = "reject", as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Ingest any CSV through a TOML mapping (columns, constants, units, period format)."""
    from tradestat.sources import MappedCsvReader

    reader = _run(debug, as_json, lambda: MappedCsvReader(mapping))
    _ingest(lambda: reader, files, store, on_error, as_json, debug, each=True)


@ingest_app.command("baci")
def ingest_baci(
    files: Annotated[list[Path], typer.Argument(
        help="CEPII BACI zips (BACI_HS17_V202501.zip) or the folders they were unpacked into.")],
    store: StoreOpt = None, on_error: OnErrorOpt = "reject", as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Ingest CEPII BACI (exporter-reported FOB, mirror-reconciled), one year file at a time."""
    from tradestat.sources.baci import BaciReader

    _ingest(BaciReader, files, store, on_error, as_json, debug, folders=True)


@ingest_app.command("taiwan")
def ingest_taiwan(
    files: Annotated[list[Path], typer.Argument(
        help="CSV exports of Taiwan's customs statistics portal (Ministry of Finance).")],
    store: StoreOpt = None, on_error: OnErrorOpt = "reject", as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Ingest Taiwan's customs statistics (Minguo years, 11-digit CCC codes, US$ thousand)."""
    from tradestat.sources.taiwan import TaiwanReader

    _ingest(TaiwanReader, files, store, on_error, as_json, debug)


@app.command()
def releases(store: StoreOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False) -> None:
    """List the store's releases (vintages), oldest first."""
    rows = _run(debug, as_json, lambda: Store(store).releases())

    def human() -> None:
        if not rows:
            out.print(f"no releases in {Store(store).root}", markup=False)
        for line in _release_lines(rows, max(60, out.width)):
            out.print(line, markup=False)
    _emit(as_json, {"releases": [r.to_dict() for r in rows]}, human)


def _release_lines(rows: list, width: int) -> list[str]:
    """The releases as aligned columns, each release's notes under it wrapped at word
    boundaries to ``width``."""
    import textwrap

    cells = [[r.id, r.source, f"{r.rows:,}", r.file_name, r.ingested_at, r.published or "-",
              str(len(r.supersedes)) if r.supersedes else "-"] for r in rows]
    head = ["release", "source", "rows", "file", "ingested", "published", "supersedes"]
    widths = [max(len(c[i]) for c in [head, *cells]) for i in range(len(head))]

    def line(c: list[str]) -> str:
        return "  ".join(v.rjust(w) if i == 2 else v.ljust(w)
                         for i, (v, w) in enumerate(zip(c, widths, strict=True))).rstrip()
    out_lines = [line(head)] if rows else []
    for r, c in zip(rows, cells, strict=True):
        out_lines.append(line(c))
        for n in r.notes:
            out_lines += textwrap.wrap(str(n), width, initial_indent="    note: ",
                                       subsequent_indent="          ", break_long_words=False,
                                       break_on_hyphens=False)
    return out_lines


@app.command("verify")
def verify_cmd(store: StoreOpt = None, as_json: JsonOpt = False,
               debug: DebugOpt = False) -> None:
    """Re-hash every release file against the manifest: missing, changed or foreign files
    (exit 2 when the store is damaged)."""
    rep = _run(debug, as_json, lambda: Store(store).verify())

    def human() -> None:
        for finding in rep.findings:
            _say(finding.describe())
        _say(f"{rep.root}: {rep.releases} releases, {rep.files_checked} files "
             f"({rep.bytes_checked / 1e6:,.1f} MB) re-hashed: "
             + ("as committed" if rep.ok else f"{len(rep.problems)} damaged"))
    _emit(as_json, rep.to_dict(), human)
    if not rep.ok:
        n = len(rep.problems)
        err.print(f"error: {rep.root}: the store is damaged ({n} file{'s' * (n != 1)} "
                  "missing, changed, unreadable or foreign; see above)", markup=False)
        raise typer.Exit(2)


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


# ---------------------------------------------------------------- reference data

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


def _say(text: str) -> None:
    out.print(text, markup=False)


@app.command()
def country(
    query: Annotated[str, typer.Argument(help="ISO3, ISO2, Comtrade or M49 code, or a name.")],
    store: StoreOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False,
) -> None:
    """Resolve a country or area: canonical code, Comtrade and M49 codes, and what matched."""
    from tradestat.reference import countries

    doc = _run(debug, as_json, lambda: countries.find(query).to_dict())

    def human() -> None:
        _say(f"{doc['code']}  {doc['name']}  (matched {doc['query']!r} as {doc['matched_by']})")
        _say(f"  Comtrade {doc['comtrade'] or '-'}  M49 {doc['m49'] or '-'}  "
             f"ISO2 {doc['iso2'] or '-'}  ISO3 {doc['iso3'] or '-'}")
        if doc["note"]:
            _say(f"  note: {doc['note']}")
    _emit(as_json, doc, human)


@hs_app.command("show")
def hs_show(
    code: Annotated[str, typer.Argument(help="HS2022 chapter, heading or subheading.")],
    store: StoreOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False,
) -> None:
    """Description, level, parent and children of an HS2022 code."""
    from tradestat.reference import hs

    doc = _run(debug, as_json, lambda: hs.describe(code))

    def human() -> None:
        _say(f"{doc['code']} ({doc['version']}, level {doc['level']}): {doc['description']}")
        if doc["parent"]:
            _say(f"  parent {doc['parent']['code']}: {doc['parent']['description']}")
        for child in doc["children"]:
            _say(f"  {child['code']}  {child['description']}")
    _emit(as_json, doc, human)


@hs_app.command("search")
def hs_search(
    words: Annotated[list[str], typer.Argument(help="Words that must all appear.")],
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 25,
    store: StoreOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False,
) -> None:
    """Find HS2022 codes whose description holds every word."""
    from tradestat.reference import hs

    hits = _run(debug, as_json, lambda: hs.search(" ".join(words), limit=limit))

    def human() -> None:
        if not hits:
            _say(f"no HS2022 description holds all of: {' '.join(words)}")
        for e in hits:
            _say(f"{e.code:<8} {e.description}")
    _emit(as_json, {"query": " ".join(words), "results": [e.to_dict() for e in hits]}, human)


@hs_app.command("convert")
def hs_convert(
    code: Annotated[str, typer.Argument(help="HS code (6-digit, or a heading/chapter).")],
    from_version: Annotated[str, typer.Option("--from", help="Edition of CODE, e.g. HS2017.")],
    to_version: Annotated[str, typer.Option("--to", help="Edition wanted, e.g. HS2022.")],
    store: StoreOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False,
) -> None:
    """Convert a code between HS editions through the loaded concordance (1:1, 1:n, n:1, n:n)."""
    from tradestat.reference import concordance

    rows = _run(debug, as_json, lambda: concordance.active(store).convert(
        code, from_version, to_version))

    def human() -> None:
        for c in rows:
            shared = f"; shares them with {len(c.shared_with)} other codes" if c.shared_with else ""
            _say(f"{c.code} ({c.from_version}) -> {', '.join(c.targets)} ({c.to_version}): "
                 f"{c.relationship}{shared}")
    _emit(as_json, {"conversions": [c.to_dict() for c in rows]}, human)


@baskets_app.command("list")
def baskets_list(extra: BasketsOpt = None, store: StoreOpt = None, as_json: JsonOpt = False,
                 debug: DebugOpt = False) -> None:
    """The baskets available: shipped, the store's baskets.toml, and --baskets FILE."""
    from tradestat.reference import baskets

    found = _run(debug, as_json, lambda: baskets.available(store, extra))

    def human() -> None:
        for b in found.values():
            _say(f"{b.name:<24} {'/'.join(b.codes):<14} {b.description}")
    _emit(as_json, {"baskets": [b.to_dict() for b in found.values()]}, human)


@baskets_app.command("show")
def baskets_show(
    name: Annotated[str, typer.Argument(help="Basket name (see `tradestat baskets list`).")],
    version: Annotated[str | None, typer.Option(
        "--version", help="Also give the codes in this HS edition (translated if unlisted).")
    ] = None,
    extra: BasketsOpt = None, store: StoreOpt = None, as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """A basket's description and codes per HS edition."""
    from tradestat.reference import baskets

    doc = _run(debug, as_json, lambda: baskets.describe(name, store, extra, version))

    def human() -> None:
        _say(f"{doc['name']}: {doc['description']}")
        for edition, codes in doc["codes"].items():
            _say(f"  {edition}: {', '.join(codes)}")
        if doc["note"]:
            _say(f"  note: {doc['note']}")
        if "translation" in doc:
            t = doc["translation"]
            via = f" (translated from {t['translated_from']})" if t["translated_from"] else ""
            _say(f"  {t['version']}{via}: {', '.join(t['codes'])}")
            for w in t["warnings"]:
                _say(f"  warning: {w}")
    _emit(as_json, doc, human)


@fx_app.command("rate")
def fx_rate(
    base: Annotated[str, typer.Option("--from", help="Currency converted from, e.g. CNY.")],
    quote: Annotated[str, typer.Option("--to", help="Currency converted to, e.g. USD.")],
    period: Annotated[str, typer.Option(
        help="2024-11 (monthly average), 2024 (annual), 2024-11-15 (spot) or 2024-01..2024-11.")],
    rates: Annotated[list[Path] | None, typer.Option(
        "--rates", help="User rate file (FRED monthly format); also read: <store>/rates/*.csv.")
    ] = None,
    store: StoreOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False,
) -> None:
    """Units of --to per unit of --from, with the basis and source."""
    from tradestat.reference import fx

    found = _run(debug, as_json, lambda: fx.lookup(base, quote, period, rates or (), store))

    def human() -> None:
        for r in found:
            note = f"  ({r.note})" if r.note else ""
            _say(f"{r.period}  1 {r.base} = {r.value:.6g} {r.quote}  [{r.basis}; "
                 f"{r.observations} obs; {r.source}]{note}")
    doc = found[0].to_dict() if len(found) == 1 else {
        "period": period, "rates": [r.to_dict() for r in found]}
    _emit(as_json, doc, human)


@reference_app.command("load-concordance")
def load_concordance(
    source: Annotated[str, typer.Argument(help="UNSD .xlsx correlation workbook or the "
                                          "consolidated .csv; a file path or an http(s) URL.")],
    store: StoreOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False,
) -> None:
    """Read an HS concordance table and cache it in the store for conversions and baskets."""
    from tradestat.reference import concordance

    res = _run(debug, as_json, lambda: concordance.load(source, store))

    def human() -> None:
        for step, n in res.steps.items():
            _say(f"{step}: {n:,} links")
        for note in res.notes:
            _say(f"  note: {note}")
        _say(f"cached in {res.cached_to}")
    _emit(as_json, res.to_dict(), human)


# ---------------------------------------------------------------- headline figures

ReporterOpt = Annotated[str, typer.Option(
    "--reporter", help="Reporter: ISO3 (CHN), Comtrade numeric (156) or a name (China).")]
FlowOpt = Annotated[str, typer.Option("--flow", help="export, import, re-export, re-import.")]
PeriodOpt = Annotated[str, typer.Option(
    "--period", help="2024 | 2024-11 | 2024-01..2024-11 (compared with a year earlier).")]
ProductOpt = Annotated[str | None, typer.Option(
    "--product", help="HS code at any level (8542, 854231) or TOTAL.")]
BasketOpt = Annotated[str | None, typer.Option(
    "--basket", help="A named basket (see `tradestat baskets list`).")]
PartnerOpt = Annotated[str | None, typer.Option(
    "--partner", help="Partner (default: the world), as --reporter.")]
CurrencyOpt = Annotated[str | None, typer.Option(
    "--currency", help="Currency of the result (default: the data's), e.g. CNY.")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Use only releases published (else ingested) on or before DATE.")]
EngineOpt = Annotated[str, typer.Option("--engine", help="duckdb (default) or spark.")]
SourceOpt = Annotated[str | None, typer.Option(
    "--source", help="Only this source's data (e.g. comtrade, gacc); default: per reporter, "
    "the source that publishes the asked code, then comtrade, baci, gacc, taiwan.")]


def _analytic(debug: bool, as_json: bool, fn: Callable[[], Any],
              lines: Callable[[Any], list[str]], empty: Callable[[Any], bool],
              hint: Callable[[], Any] | None = None) -> None:
    """Run one analytic and print it; exit 2 (after printing) when it found no data, saying
    then what the store holds nearby (``hint()``: a :class:`tradestat.report.nearby.Nearby`)."""
    result = _run(debug, as_json, fn)
    near = _run(debug, as_json, hint) if hint is not None and empty(result) else None
    doc = result.to_dict() | ({"nearby": near.to_dict()} if near is not None else {})
    _emit(as_json, doc, lambda: [_say(line) for line in [*lines(result),
                                                          *(near.lines() if near else [])]])
    if empty(result):
        tail = f"; {near.suggestion['say']}" if near is not None and near.suggestion else \
            " (see the warnings)"
        err.print(f"error: no data in the store for this query{tail}", markup=False)
        raise typer.Exit(2)


@app.command("figure")
def figure_cmd(
    reporter: ReporterOpt, flow: FlowOpt, period: PeriodOpt, product: ProductOpt = None,
    basket: BasketOpt = None, partner: PartnerOpt = None, currency: CurrencyOpt = None,
    as_of: AsOfOpt = None, engine: EngineOpt = "duckdb", source: SourceOpt = None,
    store: StoreOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False,
) -> None:
    """One figure: value, the value a year earlier, YoY, coverage and warnings."""
    from tradestat import analytics
    from tradestat.analytics import text
    from tradestat.report.nearby import nearby

    _analytic(debug, as_json, lambda: analytics.figure(
        Store(store), reporter, flow, period, product, basket, partner, currency, engine,
        as_of, source=source), text.figure_lines, lambda r: r.value is None,
        lambda: nearby(Store(store), reporter, flow, period, product, basket, as_of=as_of))


@app.command("compare")
def compare_cmd(
    reporter: ReporterOpt, flow: FlowOpt, period: PeriodOpt,
    basket: Annotated[list[str] | None, typer.Option(
        "--basket", help="A basket to compare (repeat; the first given is the reference).")
    ] = None,
    product: Annotated[list[str] | None, typer.Option(
        "--product", help="An HS code to compare (repeat; after the baskets).")] = None,
    partner: PartnerOpt = None, currency: CurrencyOpt = None, as_of: AsOfOpt = None,
    engine: EngineOpt = "duckdb", source: SourceOpt = None, store: StoreOpt = None,
    as_json: JsonOpt = False, debug: DebugOpt = False,
) -> None:
    """Baskets or products of one reporter side by side, with ratios to the first."""
    from tradestat import analytics
    from tradestat.analytics import text

    _analytic(debug, as_json, lambda: analytics.compare(
        Store(store), reporter, flow, period, baskets=basket, codes=product, partner=partner,
        currency=currency, engine=engine, as_of=as_of, source=source), text.comparison_lines,
        lambda r: all(i.figure.value is None for i in r.items))


@app.command("rank")
def rank_cmd(
    flow: FlowOpt, period: PeriodOpt, product: ProductOpt = None, basket: BasketOpt = None,
    by: Annotated[str, typer.Option("--by", help="reporter, partner or product.")] = "reporter",
    top: Annotated[int | None, typer.Option("--top", help="Show the first N.", min=1)] = None,
    reporter: Annotated[list[str] | None, typer.Option(
        "--reporter", help="Only these reporters (repeat); default: all.")] = None,
    partner: PartnerOpt = None,
    level: Annotated[int | None, typer.Option(
        "--level", help="HS digits for --by product: 2, 4 or 6.")] = None,
    currency: CurrencyOpt = None, as_of: AsOfOpt = None, engine: EngineOpt = "duckdb",
    source: SourceOpt = None, store: StoreOpt = None, as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Reporters, partners or products ranked by value, with shares and YoY."""
    from tradestat import analytics
    from tradestat.analytics import text

    _analytic(debug, as_json, lambda: analytics.rank(
        Store(store), flow, period, product, basket, by, reporter, partner, top, level,
        currency, engine, as_of, source=source), text.ranking_lines, lambda r: not r.rows)


@app.command("top")
def top_cmd(
    reporter: ReporterOpt, flow: FlowOpt, period: PeriodOpt,
    level: Annotated[int, typer.Option("--level", help="HS digits: 2, 4 or 6.")] = 4,
    top: Annotated[int, typer.Option("--top", help="Show the first N.", min=1)] = 20,
    product: Annotated[str | None, typer.Option(
        "--product", help="Only products under this HS code.")] = None,
    partner: PartnerOpt = None, currency: CurrencyOpt = None, as_of: AsOfOpt = None,
    engine: EngineOpt = "duckdb", source: SourceOpt = None, store: StoreOpt = None,
    as_json: JsonOpt = False, debug: DebugOpt = False,
) -> None:
    """A reporter's top products at HS level 2, 4 or 6, with YoY and share."""
    from tradestat import analytics
    from tradestat.analytics import text

    _analytic(debug, as_json, lambda: analytics.top(
        Store(store), reporter, flow, period, level, top, product, partner, currency, engine,
        as_of, source=source), text.ranking_lines, lambda r: not r.rows)


@app.command("series")
def series_cmd(
    flow: FlowOpt,
    reporter: Annotated[str | None, typer.Option(
        "--reporter", help="Reporter (ISO3, Comtrade numeric or name); default: all.")] = None,
    product: ProductOpt = None, basket: BasketOpt = None,
    freq: Annotated[str, typer.Option("--freq", help="M (monthly) or A (annual).")] = "M",
    period: Annotated[str | None, typer.Option(
        "--period", help="Limit to a span (default: every period with data).")] = None,
    partner: PartnerOpt = None, currency: CurrencyOpt = None, as_of: AsOfOpt = None,
    engine: EngineOpt = "duckdb", source: SourceOpt = None, store: StoreOpt = None,
    as_json: JsonOpt = False, debug: DebugOpt = False,
) -> None:
    """Monthly or annual values for charts, each point with its coverage."""
    from tradestat import analytics
    from tradestat.analytics import text

    _analytic(debug, as_json, lambda: analytics.series(
        Store(store), reporter, flow, product, basket, freq, period, partner, currency,
        engine, as_of, source=source), text.series_lines,
        lambda r: all(p.value is None for p in r.points))


@app.command("report")
def report_cmd(
    reporter: ReporterOpt, flow: FlowOpt, period: PeriodOpt,
    out_file: Annotated[Path, typer.Option(
        "--out", help="FILE.html (one self-contained page) or FILE.md (charts beside it).")],
    product: ProductOpt = None, basket: BasketOpt = None,
    compare: Annotated[str | None, typer.Option(
        "--compare", help="Baskets or HS codes to set beside it: A,B,C.")] = None,
    currency: CurrencyOpt = None, as_of: AsOfOpt = None, store: StoreOpt = None,
    as_json: JsonOpt = False, debug: DebugOpt = False,
) -> None:
    """Write a report: headline paragraph, tables and charts, as HTML or Markdown."""
    from tradestat import report

    others = [c.strip() for c in (compare or "").split(",") if c.strip()]

    def run() -> tuple[Any, list[Path]]:
        report.check_out(out_file)
        rep = report.build(Store(store), reporter, flow, period, product, basket, others,
                           currency, as_of)
        return rep, report.write(rep, out_file)
    rep, written = _run(debug, as_json, run)
    doc = {"written": [str(p.resolve()) for p in written]} | {
        k: v for k, v in rep.to_dict().items() if k != "charts"}
    _emit(as_json, doc, lambda: [_say(f"wrote {written[0]}"), _say(rep.headline)])
    if rep.figure.value is None:
        hint = (rep.nearby or {}).get("suggestion")
        tail = f"; {hint['say']}" if hint else " (see the warnings)"
        err.print(f"error: no data in the store for this query{tail}", markup=False)
        raise typer.Exit(2)


@app.command("event")
def event_cmd(
    date: Annotated[str, typer.Option("--date", help="The event's date, YYYY-MM-DD.")],
    reporter: ReporterOpt, flow: FlowOpt, product: ProductOpt = None, basket: BasketOpt = None,
    window: Annotated[int, typer.Option(
        "--window", help="Months on each side (12 or 24 compare like months).")] = 12,
    as_of: AsOfOpt = None, store: StoreOpt = None, as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """The N months before a policy event against the N months after it (months missing on
    either side withhold the change; a window of other than whole years is said to mix
    seasons). Events on record: tradestat/data/events.toml and <store>/events.toml."""
    from tradestat.report import events

    res = _run(debug, as_json, lambda: events.around(
        Store(store), date, reporter, flow, product, basket, window, as_of))
    _emit(as_json, res.to_dict(), lambda: [_say(line) for line in res.lines()])
    if res.figure_before.value is None and res.figure_after.value is None:
        err.print("error: no data in the store on either side of the event", markup=False)
        raise typer.Exit(2)


@app.command("check")
def check_cmd(
    source: Annotated[str, typer.Argument(help="A text file, or - for stdin.")],
    published: Annotated[str | None, typer.Option(
        "--published", help="When the text was published (YYYY-MM-DD): a spot rate on that "
        "day is one more reading of converted values.")] = None,
    about: Annotated[str | None, typer.Option(
        "--about", help="The country the text is about (ISO3 or name): the reporter of "
        "claims that name none.")] = None,
    as_of: AsOfOpt = None, store: StoreOpt = None, as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Check the quantitative trade claims in a text: readings, verdicts and evidence."""
    from tradestat.claims import command, render

    rep = _run(debug, as_json, lambda: command.run(source, Store(store), as_of, published,
                                                   about))
    _emit(as_json, rep.to_dict(), lambda: [_say(line) for line in render.lines(rep)])


@app.command("ask")
def ask_cmd(
    question: Annotated[str, typer.Argument(help="A question in words, quoted.")],
    as_of: AsOfOpt = None, store: StoreOpt = None, as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Answer a question in words: the figure, ranking or comparison, and how it was read."""
    from tradestat.claims import ask

    res = _run(debug, as_json, lambda: ask.ask(question, Store(store), as_of=as_of))
    _emit(as_json, res.to_dict(), lambda: [_say(line) for line in res.lines()])
    if not res.answered or res.empty:
        raise typer.Exit(2 if res.empty else 1)


def _version(value: bool) -> None:
    if value:
        out.print(f"tradestat {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version.")] = False) -> None:
    """Customs trade statistics: figures people can cite, with the evidence."""


def main() -> None:
    """Entry point. Usage errors (unknown option, missing argument) exit 1, like bad input."""
    try:
        code = app(standalone_mode=False)
    except click_errors.NoArgsIsHelpError as exc:
        out.print(exc.ctx.get_help() if exc.ctx else str(exc), markup=False)
        code = 0
    except click_errors.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        err.print(f"error: {exc.format_message()}{hint}", markup=False)
        code = 1
    except (typer.Abort, KeyboardInterrupt):
        code = 130
    except BrokenPipeError:
        # The reader went away (`tradestat baskets list | head`): stop quietly, and keep
        # Python's flush at exit from failing on the closed pipe again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141
    if code == 130 and not _INTERRUPT["said"]:  # Typer turns Ctrl-C into a silent exit 130
        err.print("interrupted")
    sys.exit(code if isinstance(code, int) else 0)


# ---------------------------------------------------------------- live sources

class _parts_progress:
    """A Rich bar over a fetch's parts (their number grows when a part is split)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not err.is_terminal
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[[int, int, str], None]:
        if self.quiet:
            return lambda _done, _total, _msg: None
        self.bar = Progress(SpinnerColumn(), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                            transient=True)
        self.bar.__enter__()
        task = self.bar.add_task("starting", total=None)
        return lambda done, total, msg: self.bar.update(task, completed=done, total=total,
                                                        description=msg)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _breakdown(what: str, default: str) -> Any:
    return typer.Option(f"--{what}", help=f"Default {default} (the total); 'all' for every "
                        "value, or a comma list.")


@fetch_app.command("comtrade")
def fetch_comtrade(
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
    store: StoreOpt = None, on_error: OnErrorOpt = "reject", as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Fetch from the UN Comtrade API (key: COMTRADE_API_KEY, else the public preview)."""
    from tradestat.sources import comtrade_api

    with _parts_progress(as_json) as note:
        res = _run(debug, as_json, lambda: comtrade_api.fetch(
            Store(store), reporter, flow, product, period, freq, partner=partner,
            partner2=partner2, customs=customs, transport=transport, on_error=on_error,
            restart=restart, progress=note))

    def human() -> None:
        _say(f"{res.records:,} records in {res.parts} part(s) from {res.url} "
             f"({res.requests} HTTP requests, {res.cache_hits} from the cache"
             f"{f', {res.resumed} parts from an interrupted run' if res.resumed else ''})")
        _print_ingest(res.ingest)
    _emit(as_json, res.to_dict(), human)


# ---------------------------------------------------------------- China Customs tables

@ingest_app.command("gacc")
def ingest_gacc(
    files: Annotated[list[Path], typer.Argument(
        help="China Customs release tables: the published HTML pages, or the tidy CSV with "
        "one row per published number.")],
    items: Annotated[Path | None, typer.Option(
        "--items", help="A TOML file of extra row labels and items (layout of the shipped "
        "gacc_items.toml).")] = None,
    store: StoreOpt = None, on_error: OnErrorOpt = "reject", as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Ingest China Customs tables: month and cumulative (1 to M) values, published YoY %."""
    from tradestat.sources.gacc import GaccReader

    reader = _run(debug, as_json, lambda: GaccReader(items))
    _ingest(lambda: reader, files, store, on_error, as_json, debug)


@app.command("revisions")
def revisions_cmd(
    source: Annotated[str | None, typer.Option(
        "--source", help="Only this source's releases (e.g. gacc).")] = None,
    reporter: Annotated[str | None, typer.Option(
        "--reporter", help="Reporter: ISO3, Comtrade numeric or a name.")] = None,
    product: Annotated[str | None, typer.Option(
        "--product", help="HS code, TOTAL or a China Customs item ('Integrated circuits').")
    ] = None,
    as_of: AsOfOpt = None, store: StoreOpt = None, as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Months whose published value differs from cumulative(M) minus cumulative(M-1)."""
    from tradestat.analytics.common import money
    from tradestat.analytics.revisions import revisions

    res = _run(debug, as_json, lambda: revisions(Store(store), source, reporter, product,
                                                 as_of))

    def human() -> None:
        _say(f"{len(res.rows)} published months compared with the cumulative values; "
             f"{len(res.revised)} differ")
        for r in res.revised:
            pct = f" ({r.difference_pct:+.2f} %)" if r.difference_pct is not None else ""
            _say(f"{r.period}  {r.reporter} {r.flow:<6} {r.regime:<28} {r.product:<6} "
                 f"published {money(r.published, r.currency)}, cumulative difference "
                 f"{money(r.derived, r.currency)}: {r.difference:+,.0f} {r.currency}{pct}")
    _emit(as_json, res.to_dict(), human)


# ---------------------------------------------------------------- HTTP server

@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=0,
                                      max=65535)] = 8000,
    store: StoreOpt = None, debug: DebugOpt = False,
) -> None:
    """The dashboard, the JSON API (/api) and its documentation (/docs).

    Read-only unless TRADESTAT_SERVER_TOKEN is set: then the ingest endpoints exist and
    require that token (Authorization: Bearer TOKEN).
    """
    import uvicorn

    from tradestat import settings
    from tradestat.server import create_app

    server_app = _run(debug, False, lambda: create_app(
        Store(store), token=settings.get("server_token")))
    err.print(f"tradestat: serving {Store(store).root} on http://{host}:{port} "
              f"({'read-only' if server_app.state.read_only else 'ingest needs the token'})",
              markup=False)
    uvicorn.run(server_app, host=host, port=port, log_level="debug" if debug else "warning")

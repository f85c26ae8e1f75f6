"""The store's own commands: releases, verify, revisions, demo, and serve (the HTTP API and
the dashboard over it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradestat.cli import progress
from tradestat.cli.base import AsOfOpt, Run, app, command, err, fail, out, say


@command(app, "releases")
def releases(run: Run) -> None:
    """List the store's releases (vintages), oldest first."""
    rows = run.call(lambda: run.store().releases())

    def human() -> None:
        if not rows:
            say(f"no releases in {run.store().root}")
        for line in release_lines(rows, max(60, out.width)):
            say(line)
    run.emit({"releases": [r.to_dict() for r in rows]}, human)


def release_lines(rows: list, width: int) -> list[str]:
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


@command(app, "verify")
def verify_cmd(run: Run) -> None:
    """Re-hash every release file against the manifest: missing, changed or foreign files
    (exit 2 when the store is damaged)."""
    rep = run.call(lambda: run.store().verify())

    def human() -> None:
        for finding in rep.findings:
            say(finding.describe())
        say(f"{rep.root}: {rep.releases} releases, {rep.files_checked} files "
            f"({rep.bytes_checked / 1e6:,.1f} MB) re-hashed: "
            + ("as committed" if rep.ok else f"{len(rep.problems)} damaged"))
    run.emit(rep.to_dict(), human)
    if not rep.ok:
        n = len(rep.problems)
        fail(f"{rep.root}: the store is damaged ({n} file{'s' * (n != 1)} missing, changed, "
             "unreadable or foreign; see above)", 2)


@command(app, "demo")
def demo(
    run: Run,
    out_dir: Annotated[Path, typer.Option("--out", help="Where the demo files go.")] = Path(
        "tradestat-demo"),
    rows: Annotated[int, typer.Option(help="Rows of synthetic data to generate.")] = 1_000_000,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic world.")] = 2024,
) -> None:
    """Build a demo store offline from generated data and print headline figures."""
    from tradestat import demo as demo_mod
    from tradestat.store import Store

    target = run.store_dir or out_dir / "store"
    with progress.stages(run.as_json) as note:
        result = run.call(lambda: demo_mod.run(
            Store(target), out_dir, rows=rows, seed=seed, progress=note))
    run.emit(result, lambda: demo_mod.print_summary(result, out))


@command(app, "revisions")
def revisions_cmd(
    run: Run,
    source: Annotated[str | None, typer.Option(
        "--source", help="Only this source's releases (e.g. gacc).")] = None,
    reporter: Annotated[str | None, typer.Option(
        "--reporter", help="Reporter: ISO3, Comtrade numeric or a name.")] = None,
    product: Annotated[str | None, typer.Option(
        "--product", help="HS code, TOTAL or a China Customs item ('Integrated circuits').")
    ] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Months whose published value differs from cumulative(M) minus cumulative(M-1)."""
    from tradestat.analytics.common import money
    from tradestat.analytics.revisions import revisions

    res = run.call(lambda: revisions(run.store(), source, reporter, product, as_of))

    def human() -> None:
        say(f"{len(res.rows)} published months compared with the cumulative values; "
            f"{len(res.revised)} differ")
        for r in res.revised:
            pct = f" ({r.difference_pct:+.2f} %)" if r.difference_pct is not None else ""
            say(f"{r.period}  {r.reporter} {r.flow:<6} {r.regime:<28} {r.product:<6} "
                f"published {money(r.published, r.currency)}, cumulative difference "
                f"{money(r.derived, r.currency)}: {r.difference:+,.0f} {r.currency}{pct}")
    run.emit(res.to_dict(), human)


@command(app, "serve", as_json=False)
def serve_cmd(
    run: Run,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=0,
                                      max=65535)] = 8000,
) -> None:
    """The dashboard, the JSON API (/api) and its documentation (/docs).

    Read-only unless TRADESTAT_SERVER_TOKEN is set: then the ingest endpoints exist and
    require that token (Authorization: Bearer TOKEN).
    """
    import uvicorn

    from tradestat import settings
    from tradestat.server import create_app

    server_app = run.call(lambda: create_app(run.store(), token=settings.get("server_token")))
    err.print(f"tradestat: serving {run.store().root} on http://{host}:{port} "
              f"({'read-only' if server_app.state.read_only else 'ingest needs the token'})",
              markup=False)
    uvicorn.run(server_app, host=host, port=port, log_level="debug" if run.debug else "warning")

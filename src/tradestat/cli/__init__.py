"""The command line: each command parses options, calls one library function and prints.

Errors become one line on stderr (exit 1 for bad input or usage, 2 for data problems);
``--debug`` shows the traceback instead. ``--json`` prints one JSON document on stdout.

Commands by family: :mod:`~tradestat.cli.ingest` (ingest, fetch), :mod:`~tradestat.cli.store`
(releases, verify, revisions, demo, serve), :mod:`~tradestat.cli.reference` (country, hs,
baskets, fx, reference), :mod:`~tradestat.cli.figures` (figure, compare, rank, top, series),
:mod:`~tradestat.cli.reports` (report, event, check, ask); what they share is in
:mod:`~tradestat.cli.base`. A command imports what it calls when it runs.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from tradestat import __version__
from tradestat.cli import (  # noqa: F401  (commands)
    figures,
    ingest,
    reference,
    reports,
    store,
    toolkit,
)
from tradestat.cli.base import INTERRUPT, app, err, out
from tradestat.cli.values import install

install()  # option values read without Pydantic (start-up; see cli/values.py)

__all__ = ["app", "main"]


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
    try:  # Typer 0.2x vendors Click under a private name; older Typer depends on Click itself
        from typer._click import exceptions as click_errors
    except ImportError:  # pragma: no cover
        from click import exceptions as click_errors
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
    if code == 130 and not INTERRUPT["said"]:  # Typer turns Ctrl-C into a silent exit 130
        err.print("interrupted")
    sys.exit(code if isinstance(code, int) else 0)

"""What every command shares: the app, the consoles, the options every command takes
(``--store``, ``--json``, ``--debug``: one decorator, :func:`command`), errors turned into one
line and an exit code, and the question options built from their one declaration.

Only Typer and Rich's console are imported here: a command imports the library it calls
when it runs, so ``tradestat --help`` loads neither DuckDB nor Polars nor Ibis.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from tradestat.errors import Rejected, TradestatError
from tradestat.options import OPTIONS

if TYPE_CHECKING:
    from tradestat.store import Store

app = typer.Typer(help="Customs trade statistics: figures people can cite, with the evidence.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

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
#: Ctrl-C said so already (main() then does not say "interrupted" a second time)
INTERRUPT = {"said": False}


def option(name: str, *, required: bool = False, **changes: Any) -> Any:
    """A question's option (``--reporter``, ``--period`` …) from its one declaration
    (:data:`tradestat.options.OPTIONS`, which the HTTP API reads too);
    ``changes``: this command's variant (another help, default, or ``many=True``)."""
    opt = OPTIONS[name].but(**changes) if changes else OPTIONS[name]
    kind: Any = list[opt.type] if opt.many else opt.type
    if not required and (opt.default is None or opt.many):
        kind = kind | None
    bounds = {"min": opt.bounds[0], "max": opt.bounds[1]} if opt.bounds else {}
    return Annotated[kind, typer.Option(opt.flag, help=opt.help, **bounds)]


ReporterOpt = option("reporter", required=True)
FlowOpt = option("flow", required=True)
PeriodOpt = option("period", required=True)
ProductOpt = option("product")
BasketOpt = option("basket")
PartnerOpt = option("partner")
CurrencyOpt = option("currency")
AsOfOpt = option("as_of")
EngineOpt = option("engine")
SourceOpt = option("source")


def say(text: str) -> None:
    out.print(text, markup=False)


def fail(text: str, code: int) -> None:
    """One 'error:' line on stderr, then exit with ``code``."""
    err.print(f"error: {text}", markup=False)
    raise typer.Exit(code)


def interrupt_line(text: str) -> None:
    INTERRUPT["said"] = True
    err.print(text, markup=False, soft_wrap=True)


def report(exc: TradestatError, as_json: bool) -> None:
    """One 'error:' line on stderr (plus the first problems of a rejected file)."""
    err.print(f"error: {exc}", markup=False, soft_wrap=True)
    if isinstance(exc, Rejected) and len(exc.problems) > 1 and not as_json:
        for p in exc.problems[1:]:
            err.print(f"  {p.describe()}", markup=False, soft_wrap=True)


def error_doc(exc: TradestatError) -> dict:
    doc: dict = {"ok": False, "error": str(exc), **exc.context}
    if isinstance(exc, Rejected):
        doc["status"] = "rejected"
        doc["problems"] = [p.to_dict() for p in exc.problems]
        doc["n_problems"] = exc.total
    return doc


def write_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, indent=2, default=str) + "\n")


@dataclass
class Run:
    """One command's shared options and what it does with them."""

    store_dir: Path | None = None
    as_json: bool = False
    debug: bool = False

    def store(self) -> Store:
        from tradestat.store import Store

        return Store(self.store_dir)

    def call(self, fn: Callable[[], Any]) -> Any:
        """``fn()``; a tradestat error becomes one line on stderr and its exit code."""
        try:
            return fn()
        except TradestatError as exc:
            if self.debug:
                raise
            report(exc, self.as_json)
            if self.as_json:
                write_json(error_doc(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            interrupt_line("interrupted; the store is unchanged unless a commit was reported")
            raise typer.Exit(130) from None

    def emit(self, doc: Any, human: Callable[[], Any]) -> None:
        """``doc`` as JSON with --json, else ``human()`` prints the lines for readers."""
        if self.as_json:
            write_json(doc)
        else:
            human()

    def lines(self, doc: Any, lines: Callable[[], list[str]]) -> None:
        self.emit(doc, lambda: [say(line) for line in lines()])


_SHARED = {"store_dir": ("store", StoreOpt, None), "as_json": ("as_json", JsonOpt, False),
           "debug": ("debug", DebugOpt, False)}


def command(group: typer.Typer, name: str | None = None, *, as_json: bool = True) -> Callable:
    """Register ``fn(run, ...)`` as a command of ``group`` taking, besides its own options,
    ``--store``, ``--json`` (unless ``as_json=False``) and ``--debug``, given to it as ``run``
    (a :class:`Run`)."""
    shared = {k: v for k, v in _SHARED.items() if as_json or k != "as_json"}

    def wrap(fn: Callable[..., None]) -> Callable[..., None]:
        own = list(inspect.signature(fn, eval_str=True).parameters.values())[1:]
        extra = [inspect.Parameter(param, inspect.Parameter.KEYWORD_ONLY, default=default,
                                   annotation=hint) for param, hint, default in shared.values()]

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> None:
            given = {field: kwargs.pop(param, None) for field, (param, _, _) in shared.items()}
            return fn(Run(**{k: v for k, v in given.items() if v is not None}), *args,
                      **kwargs)
        run.__signature__ = inspect.Signature([*own, *extra])  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in [*own, *extra]}
        del run.__wrapped__  # Typer reads the signature above, not fn's
        return group.command(name)(run)
    return wrap

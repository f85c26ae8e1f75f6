"""Progress on stderr while a job runs: a stage line for an ingest, a bar over a fetch's
parts. Silent with --json or when stderr is not a terminal; gone when the job ends. Rich's
progress module is imported only when a bar is drawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tradestat.cli.base import err


class stages:
    """A Rich progress line (stage, spinner, elapsed time) while a job runs; once the job
    counts its work (``note(message, done, total)``: bytes of an archive) a bar too."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not err.is_terminal
        self.bar: Any = None

    def __enter__(self) -> Callable[..., None]:
        if self.quiet:
            return lambda _msg, _done=None, _total=None: None
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

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


class parts:
    """A Rich bar over a fetch's parts (their number grows when a part is split)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not err.is_terminal
        self.bar: Any = None

    def __enter__(self) -> Callable[[int, int, str], None]:
        if self.quiet:
            return lambda _done, _total, _msg: None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

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

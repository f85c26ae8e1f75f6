"""What a reader hands the store: the types both :mod:`tradestat.sources` (which makes them)
and :mod:`tradestat.store` (which commits them) import, so that neither imports the other.

:class:`ReadResult` is one batch of canonical rows; :class:`Reader` is what the store asks of
a reader (:class:`tradestat.sources.base.Reader` is the base every file reader builds on).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl


@dataclass
class ReadResult:
    """Canonical rows read from one file, with what was set aside and why."""

    path: Path
    source: str
    reader: str
    frame: pl.DataFrame
    problems: pl.DataFrame  # one row per problem: line, column, code, value, hint
    quarantine: pl.DataFrame  # the bad lines as read, with their reasons
    published: str | None = None
    notes: list[str] = field(default_factory=list)
    options: dict = field(default_factory=dict)
    #: row positions that put ``frame`` in the order the store writes it (the fast path finds
    #: them while looking for duplicate keys); None: the store sorts the rows itself
    order: pl.Series | None = None

    @property
    def n_problems(self) -> int:
        return self.problems.height



class Reader(Protocol):
    """What :meth:`tradestat.store.Store.ingest` needs of a reader: its rows in batches."""

    name: str

    def batches(self, path: Path, progress: Callable[..., None] | None = None
                ) -> Iterator[ReadResult]: ...

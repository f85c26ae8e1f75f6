"""How the server runs queries: off the event loop, with a time limit, a row cap and a cache.

* :class:`CachedStore` is a :class:`~tradestat.store.Store` that keeps one DuckDB connection
  per (manifest state, as-of date) and hands each query a cursor of it, so the views and the
  Parquet footers are built and read once, not on every request. A new commit changes the
  manifest and thereby the key: the next query sees it.
* :class:`Runner` runs a library call in a worker thread (at most ``workers`` at a time),
  interrupts it after ``time_limit`` seconds, cuts long answers to ``max_rows`` rows (saying
  so), and remembers recent answers per manifest state; identical requests that arrive while
  one is running wait for that one instead of running again.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import duckdb

from tradestat import settings
from tradestat.errors import TradestatError
from tradestat.store import Store

#: How to stop a running call: interrupt the cursors it opened and its thread's connections.
_CURSORS: contextvars.ContextVar[list | None] = contextvars.ContextVar("cursors", default=None)
#: Lists in an answer that the row cap applies to.
CAPPED = ("rows", "points", "items", "results", "releases", "claims", "reporters")


class QueryTimeout(TradestatError):
    """A query ran past the server's time limit and was interrupted."""

    exit_code = 2


class CachedStore(Store):
    """A store whose :meth:`connect` reuses one DuckDB connection per manifest state.

        >>> store = CachedStore("/path/to/store")      # doctest: +SKIP
        >>> store.connect().execute("SELECT count(*) FROM records").fetchone()  # doctest: +SKIP
    """

    def __init__(self, root: str | Path | None = None) -> None:
        super().__init__(root)
        self._lock = threading.Lock()
        self._base: dict[tuple, duckdb.DuckDBPyConnection] = {}

    def version(self) -> tuple:
        """What identifies the committed state: the manifest file (replaced by a rename on
        every commit, so its inode changes), its modification time and size."""
        try:
            st = self.manifest_path.stat()
        except FileNotFoundError:
            return (0, 0, 0)
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def connect(self, as_of: str | None = None) -> duckdb.DuckDBPyConnection:
        """A cursor of the cached connection for the current manifest and ``as_of``."""
        key = (self.version(), as_of)
        with self._lock:
            base = self._base.get(key)
            if base is None:
                base = super().connect(as_of)
                # Keep a few as-of dates; drop connections of an older manifest at once.
                for old in [k for k in self._base if k[0] != key[0]] + list(self._base)[:-7]:
                    self._base.pop(old, None)
                self._base[key] = base
            cursor = base.cursor()
        opened = _CURSORS.get()
        if opened is not None:
            opened.append(cursor.interrupt)
        return cursor


def cap_rows(doc: dict, max_rows: int) -> dict:
    """``doc`` with each long list in :data:`CAPPED` cut to ``max_rows`` and a note saying so.

        >>> cap_rows({"rows": [1, 2, 3]}, 2)
        {'rows': [1, 2], 'truncated': True, 'row_cap': 2, 'rows_total': {'rows': 3}}
    """
    cut = {k: len(v) for k, v in doc.items() if k in CAPPED and isinstance(v, list)
           and len(v) > max_rows}
    if not cut:
        return {**doc, "truncated": False}
    return {**doc, **{k: doc[k][:max_rows] for k in cut}, "truncated": True,
            "row_cap": max_rows, "rows_total": cut}


class Runner:
    """Runs library calls for the server (see the module docstring)."""

    def __init__(self, store: CachedStore, *, time_limit: float | None = None,
                 max_rows: int | None = None, workers: int = 4, cache_size: int = 256) -> None:
        self.store = store
        self.time_limit = float(settings.get("server_time_limit", time_limit))
        self.max_rows = int(settings.get("server_max_rows", max_rows))
        self.cache_size = cache_size
        self._cache: OrderedDict[Hashable, dict] = OrderedDict()
        self._running: dict[Hashable, asyncio.Future] = {}
        self.workers = workers
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        self.stats = {"hits": 0, "runs": 0, "shared": 0, "timeouts": 0}

    async def run(self, key: Hashable | None, fn: Callable[[], Any]) -> dict:
        """``fn()``'s answer as a dict (``to_dict()`` if it has one), capped; cached under
        ``key`` for the current manifest state (``key=None``: never cached)."""
        if key is None:
            return await self._execute(fn)
        full = (self.store.version(), key)
        if full in self._cache:
            self._cache.move_to_end(full)
            self.stats["hits"] += 1
            return self._cache[full]
        if full in self._running:
            self.stats["shared"] += 1
            return await asyncio.shield(self._running[full])
        future = asyncio.get_running_loop().create_future()
        self._running[full] = future
        try:
            doc = await self._execute(fn)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here: nobody else may be waiting
            raise
        finally:
            self._running.pop(full, None)
        future.set_result(doc)
        self._remember(full, doc)
        return doc

    def _semaphore(self) -> asyncio.Semaphore:
        """The worker slots of the running event loop (tests start one loop per client)."""
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.workers))
        return self._slots[1]

    def _remember(self, key: Hashable, doc: dict) -> None:
        if self.cache_size <= 0:
            return
        self._cache[key] = doc
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    async def _execute(self, fn: Callable[[], Any]) -> dict:
        """Run ``fn`` in a worker thread; interrupt its DuckDB cursors past the time limit."""
        opened: list = []
        token = _CURSORS.set(opened)
        slots = self._semaphore()
        try:
            try:
                await asyncio.wait_for(slots.acquire(), self.time_limit)
            except TimeoutError:
                raise QueryTimeout(f"the server is busy: no worker was free within "
                                   f"{self.time_limit:g} s; try again",
                                   time_limit=self.time_limit) from None
            self.stats["runs"] += 1
            task = asyncio.ensure_future(asyncio.to_thread(_call, fn))
            # The slot is freed when the thread ends, not when the client stops waiting: a
            # query that outlives its limit still holds a worker until it stops.
            task.add_done_callback(lambda _: slots.release())
            done, _ = await asyncio.wait({task}, timeout=self.time_limit)
            if not done:
                self._abandon(task, opened)
                raise QueryTimeout(
                    f"the query ran longer than the server's limit of {self.time_limit:g} s "
                    "and was stopped; ask for a shorter span or fewer items",
                    time_limit=self.time_limit)
            result = task.result()
        finally:
            _CURSORS.reset(token)
        return cap_rows(result, self.max_rows)

    def _abandon(self, task: asyncio.Future, opened: list) -> None:
        self.stats["timeouts"] += 1
        for stop in opened:
            with contextlib.suppress(duckdb.Error):  # already closed: nothing to stop
                stop()
        # The thread ends on its own once interrupted; its outcome is no longer wanted.
        task.add_done_callback(lambda t: t.cancelled() or t.exception())


def _call(fn: Callable[[], Any]) -> dict:
    """Run ``fn`` in this worker thread, its DuckDB connections reachable for an interrupt."""
    from tradestat.analytics import engine

    opened = _CURSORS.get()
    if opened is not None:  # the analytics' open views of the store, kept per thread
        opened.append(engine.interrupter())
    result = fn()
    return result.to_dict() if hasattr(result, "to_dict") else result

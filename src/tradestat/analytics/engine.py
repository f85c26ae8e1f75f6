"""Where the analytics run: the store's current records as an Ibis table.

DuckDB (default) reads the store's ``records`` view; Spark (``tradestat[spark]``) reads the
same Parquet files and applies the same supersede rule, written in Ibis. Every analytic is an
Ibis expression over that table, so it runs unchanged on either engine.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from tradestat.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tradestat.store import Store

ENGINES = ("duckdb", "spark")
#: Open DuckDB tables kept per thread (a server thread or a notebook asks many questions of
#: the same store; opening one costs a connection and every release file's footer).
KEEP_OPEN = 4
_local = threading.local()
#: The engine of this thread's (context's) latest :func:`records`: the analytic that asked
#: for the table describes its coverage next, and names the engine there (see
#: :func:`answering`). A context variable rather than an argument threaded through every
#: analytic's coverage call: the engine is known here, where the table is made.
_answering: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "tradestat_engine", default=None)


def check_as_of(as_of: str | None) -> str | None:
    """``as_of`` as YYYY-MM-DD (a day is compared with release dates as text)."""
    if as_of is None:
        return None
    try:
        return dt.date.fromisoformat(str(as_of).strip()).isoformat()
    except ValueError:
        raise InputError(f"--as-of {as_of!r}: use a date YYYY-MM-DD", value=str(as_of)) from None


def records(store: Store, engine: str = "duckdb", as_of: str | None = None) -> ir.Table:
    """The current records of ``store`` (as they stood on ``as_of``) on ``engine``."""
    as_of = check_as_of(as_of)
    if engine == "duckdb":
        table = _duckdb_records(store, as_of)
        _answering.set({"name": "duckdb"})
        return table
    if engine == "spark":
        from tradestat.analytics import spark

        table = spark.records(store, as_of)
        _answering.set(spark.describe())
        return table
    raise InputError(f"--engine {engine!r}: use one of {', '.join(ENGINES)}", value=engine)


def answering() -> dict:
    """The engine that computed this context's latest :func:`records` table, as an answer's
    coverage names it: ``{"name": "duckdb"}``, ``{"name": "spark", "master": "local[2]"}``,
    or ``{"name": "spark", "remote": "sc://host:15002"}`` (a Spark Connect server; the URL
    without its parameters, which may hold a token). DuckDB where no table was asked for."""
    return dict(_answering.get() or {"name": "duckdb"})


def _duckdb_records(store: Store, as_of: str | None) -> ir.Table:
    """The store's ``records`` view on DuckDB, reused while the store's releases are the same.

    The manifest is read on every call: a release committed (or a store rebuilt) since the
    last call changes the key, so a query never sees an outdated set of files. Connections are
    per thread (a DuckDB connection is not shared between threads) and the least recently
    used is closed beyond :data:`KEEP_OPEN`.
    """
    import ibis

    from tradestat.store.query import connect, constants, effective, summary_files

    releases = store.releases()
    key = (str(store.root), as_of, tuple((r.id, r.seq, r.effective, tuple(r.supersedes))
                                         for r in releases))
    cache = _thread_tables()
    if key in cache:
        cache.move_to_end(key)
        return cache[key][1]
    con = connect(store.root, releases, as_of)
    table = complete(ibis.duckdb.from_connection(con).table("records"))
    in_view = effective(releases, as_of)
    known = constants(in_view)
    if summary_files(store.root, in_view):
        known["summary"] = True  # its Ibis table is made when first asked for (summary())
    cache[key] = (con, table, known)
    while len(cache) > KEEP_OPEN:
        _, (old, *_) = cache.popitem(last=False)
        old.close()
    return table


def constants(t: ir.Table) -> dict[str, object]:
    """What the manifest shows every row of ``t`` (a table :func:`records` gave this thread)
    to hold (see :func:`tradestat.store.query.constants`); empty when unknown (Spark, or a
    table from elsewhere). ``summary`` is there where the store's view has per-period sums
    (see :func:`summary`)."""
    for _, table, known in getattr(_local, "tables", {}).values():
        if table is t:
            return known
    return {}


def summary(t: ir.Table) -> ir.Table | None:
    """The store's per-period sums (:mod:`tradestat.store.summary`) as a table on ``t``'s
    connection, where its view has them; made on first use (a DESCRIBE: 1.5 ms that a
    command which never ranks products need not pay)."""
    known = constants(t)
    if known.get("summary") is True:
        import ibis

        known["summary"] = ibis.get_backend(t).table("summary")
    return known.get("summary")


def _thread_tables() -> OrderedDict:
    cache = getattr(_local, "tables", None)
    if cache is None:
        cache = _local.tables = OrderedDict()
    return cache


def interrupter() -> Callable[[], None]:
    """A function that, called from any thread, interrupts the DuckDB queries running now on
    the connections this thread has open (or opens later): a server's time limit."""
    cache = _thread_tables()

    def interrupt() -> None:
        for con, *_ in list(cache.values()):
            with contextlib.suppress(Exception):  # closed meanwhile: nothing to stop
                con.interrupt()
    return interrupt


def forget() -> None:
    """Close this thread's open store connections (tests that rewrite a store in place)."""
    cache = getattr(_local, "tables", None) or {}
    for con, *_ in cache.values():
        con.close()
    cache.clear()


def complete(t: ir.Table) -> ir.Table:
    """``t`` with every canonical column: one that no release of the store has yet (written
    before the column existed) reads as NULL, as Spark's loading cast makes it."""
    import ibis

    from tradestat import model

    missing = {f.name: ibis.null(ibis.dtype(f.type)) for f in model.SCHEMA
               if f.name not in t.columns}
    return t.mutate(**missing) if missing else t

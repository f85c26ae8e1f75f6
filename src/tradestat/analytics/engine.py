"""Where the analytics run: the store's current records as an Ibis table.

DuckDB (default) reads the store's ``records`` view; Spark (``tradestat[spark]``) reads the
same Parquet files and applies the same supersede rule, written in Ibis. Every analytic is an
Ibis expression over that table, so it runs unchanged on either engine.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from tradestat.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tradestat.store import Store

ENGINES = ("duckdb", "spark")


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
        import ibis

        return complete(ibis.duckdb.from_connection(store.connect(as_of)).table("records"))
    if engine == "spark":
        from tradestat.analytics import spark

        return spark.records(store, as_of)
    raise InputError(f"--engine {engine!r}: use one of {', '.join(ENGINES)}", value=engine)


def complete(t: ir.Table) -> ir.Table:
    """``t`` with every canonical column: one that no release of the store has yet (written
    before the column existed) reads as NULL, as Spark's loading cast makes it."""
    import ibis

    from tradestat import model

    missing = {f.name: ibis.null(ibis.dtype(f.type)) for f in model.SCHEMA
               if f.name not in t.columns}
    return t.mutate(**missing) if missing else t

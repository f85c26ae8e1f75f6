"""Read access to the store through DuckDB: every release's rows, and the current ones.

``all_records`` holds every committed release; ``records`` keeps, for each record slice
(:data:`tradestat.model.SLICE`), only the rows of the newest release that covers it.
``summary`` (where every release has one and none is superseded) holds the releases'
per-period sums (:mod:`tradestat.store.summary`). With ``as_of``, only releases effective
(published, else ingested) on or before that date take part: the numbers as they stood then.
"""

from __future__ import annotations

import functools
import glob
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from tradestat import model
from tradestat.errors import StoreError
from tradestat.store import facts, summary
from tradestat.store.facts import one_schema
from tradestat.store.manifest import Release

if TYPE_CHECKING:
    import ibis.expr.types as ir

#: Every release's rows. ``value_usd`` as readers see it: the files store it null where it
#: equals ``value`` by construction (published in US dollars; see
#: :func:`tradestat.store.layout.stored_value_usd`), and releases written before that store the
#: copy itself: both read the same. Hive partitions let a filter on flow or year skip whole
#: files (the Python read_parquet cannot pin their types: year would become BIGINT).
_ALL_RECORDS = (
    "CREATE VIEW all_records AS SELECT * REPLACE (:value_usd AS value_usd) FROM read_parquet("
    ":files, union_by_name = :by_name, hive_partitioning = true, "
    "hive_types = {'flow': 'VARCHAR', 'year': 'INTEGER'})")
#: The expression of ``value_usd`` (also given to Spark as it is).
VALUE_USD = ("coalesce(value_usd, CASE WHEN usd_basis = 'published' AND currency = 'USD' "
             "THEN value END)")
#: The manifest facts the queries read, moved to :mod:`tradestat.store.facts` (written and
#: read there side by side); importable from here as before.
constants, releases_by_year, schema_key = facts.constants, facts.releases_by_year, facts.schema_key
_SUMMARY = "CREATE VIEW summary AS SELECT * FROM read_parquet(:files)"


def connect(root: Path, releases: list[Release], as_of: str | None
            ) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection whose views read the store's Parquet files."""
    releases = effective(releases, as_of)
    con = duckdb.connect()
    # Release files never change once committed: read each file's footer once per connection,
    # not again for the view, Ibis's DESCRIBE and the query (a third of a figure's time).
    con.execute("SET parquet_metadata_cache = true")
    # Listed once here, not as a glob pattern that DuckDB would expand again on every query
    # that reads the view (0.4-0.5 ms of a 10 ms figure): committed releases never change.
    # Escaped: DuckDB reads a path with [ ] * ? in it as a glob pattern.
    files = [glob.escape(str(f)) for r in releases for f in data_files(root, r)]
    if files:
        by_name = exp.false() if one_schema(releases) else exp.true()
        con.execute(_sql(_ALL_RECORDS, files=_paths(files), by_name=by_name,
                         value_usd=_parsed(VALUE_USD)))
    else:
        con.execute(_empty_table("empty_records"))
        con.execute("CREATE VIEW all_records AS SELECT * FROM empty_records")
    if contested(releases):
        import ibis

        backend = ibis.duckdb.from_connection(con)
        backend.create_view("records", current(backend.table("all_records"), releases))
    else:
        con.execute("CREATE VIEW records AS SELECT * FROM all_records")
    sums = summary_files(root, releases)
    if files and sums:
        con.execute(_sql(_SUMMARY, files=_paths(glob.escape(str(p)) for p in sums)))
    return con


def data_files(root: Path, release: Release) -> list[Path]:
    """The Parquet files of ``release``'s rows: those its manifest entry lists (a file
    dropped into its folder later is not read), or, for a release recorded before files
    were, those in its folder.

    Raises :class:`~tradestat.errors.StoreError` naming the release when one is missing
    (or a release of rows has none): its numbers would be silently short.
    """
    folder = root / "releases" / release.id
    if release.files:
        paths = [folder / rel for rel in release.files
                 if rel.startswith("data/") and rel.endswith(".parquet")]
        missing = [p for p in paths if not p.is_file()]
    else:
        paths = sorted((folder / "data").rglob("*.parquet"))
        missing = [folder / "data"] if release.rows and not paths else []
    if missing:
        what = (f"{len(missing)} of its {len(paths)} data files "
                f"{'is' if len(missing) == 1 else 'are'} missing"
                if release.files else "its data files are missing")
        raise StoreError(f"release {release.id} ({release.file_name}): {what} ({missing[0]}); "
                         "queries refuse it rather than answer short (`tradestat verify` "
                         "checks the whole store)", path=str(missing[0]), release=release.id)
    return paths


def contested(releases: list[Release]) -> dict[str, int]:
    """The releases in view that supersede, or are superseded by, another in view: their
    sequence numbers by id (the supersede rule picks the highest per record slice)."""
    ids = {r.id for r in releases}
    ids_in = {r.id for r in releases if any(s in ids for s in r.supersedes)}
    ids_in |= {s for r in releases for s in r.supersedes if s in ids}
    return {r.id: r.seq for r in releases if r.id in ids_in}


def current(t: ir.Table, releases: list[Release]) -> ir.Table:
    """Keep, per record slice (:data:`model.SLICE`), only the newest release's rows among
    the releases that supersede or are superseded by another in ``releases``: the one with
    the highest ``seq`` wins. Other rows pass unchanged.

    The one statement of the supersede rule: DuckDB's ``records`` view is this expression
    compiled (:func:`connect`), and the Spark engine applies it to its own table.
    """
    seqs = sorted(contested(releases).items())
    if not seqs:
        return t
    names = [rid for rid, _ in seqs]
    plain = t.filter(~t.release_id.isin(names))
    rival = t.filter(t.release_id.isin(names))
    rival = rival.mutate(_seq=rival.release_id.cases(*seqs))
    # The window goes into a column before the filter: Ibis 12 compiles a filter on a window
    # expression into SQL that Spark cannot resolve.
    rival = rival.mutate(_newest=rival._seq.max().over(group_by=list(model.SLICE)))
    rival = rival.filter(rival._seq == rival._newest).drop("_seq", "_newest")
    return plain.union(rival)


def summary_files(root: Path, releases: list[Release]) -> list[Path]:
    """The per-period sums of ``releases`` (those in view), where they stand for the rows
    the views read: every release has its file and none is superseded (the sums are per
    release; the supersede rule works per record). Empty otherwise."""
    if contested(releases):
        return []
    paths = [summary.path(root, r.id) for r in releases]
    return paths if all(p.is_file() for p in paths) else []


def effective(releases: list[Release], as_of: str | None) -> list[Release]:
    """The releases that take part in the store's views (all, or those effective by as_of)."""
    return releases if as_of is None else [r for r in releases if r.effective <= as_of]


#: DuckDB types of the canonical Arrow types (for the empty store's typed, empty table).
_DUCKDB_TYPES = {pa.string(): "VARCHAR", pa.int32(): "INTEGER", pa.int64(): "BIGINT",
                 pa.float64(): "DOUBLE", pa.bool_(): "BOOLEAN"}


def _sql(template: str, **values: exp.Expr) -> str:
    """``template`` (DuckDB SQL with ``:name`` placeholders) with ``values`` in place, as
    sqlglot writes it: literals are quoted by the SQL generator, not by string formatting.

    Values are written into the SQL rather than bound: DuckDB's parameter binding (like its
    ``register`` and ``pa.table``) imports pandas, 0.3-0.9 s in every command that opens
    the store.
    """
    return exp.replace_placeholders(_parsed(template), **values).sql(dialect="duckdb")


@functools.cache
def _parsed(template: str) -> exp.Expr:
    return sqlglot.parse_one(template, dialect="duckdb")


def _paths(paths: Iterable[str]) -> exp.Expr:
    return exp.Array(expressions=[exp.Literal.string(p) for p in paths])


def _empty_table(name: str) -> str:
    """CREATE TABLE ``name`` with the canonical columns and types, no rows."""
    columns = [exp.ColumnDef(this=exp.to_identifier(f.name),
                             kind=exp.DataType.build(_DUCKDB_TYPES[f.type], dialect="duckdb"))
               for f in model.SCHEMA]
    return exp.Create(this=exp.Schema(this=exp.to_table(name), expressions=columns),
                      kind="TABLE").sql(dialect="duckdb")

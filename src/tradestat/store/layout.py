"""How a release's rows are laid out on disk: the canonical columns (text as dictionary
codes), Parquet files partitioned by flow and year, rows sorted inside by
:data:`tradestat.model.SORT`."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from tradestat import model
from tradestat.store import summary


def canonical_frame(frame: pl.DataFrame, source: str, release_id: str) -> pl.DataFrame:
    """Cast a reader's rows to the canonical schema, adding derived and release columns.

    Text columns a reader gives as ``pl.Enum`` (the typed fast path) stay so, and the
    release's own constants are one-value enums: both are written to Parquet as dictionary
    codes, and read back as text (DuckDB VARCHAR, Spark string).
    """
    monthly = pl.col("period") >= 10000
    usd = _equals(frame, "currency", "USD")
    published = pl.lit("published", dtype=pl.Enum(["published"]))
    derived = {
        "year": pl.when(monthly).then(pl.col("period") // 100).otherwise(pl.col("period")),
        "month": pl.when(monthly).then(pl.col("period") % 100).otherwise(None),
        "value_usd": pl.when(usd).then(pl.col("value")).otherwise(None),
        "usd_basis": pl.when(usd).then(published).otherwise(None),
        "source": _constant(source, frame.height),
        "release_id": _constant(release_id, frame.height),
    }
    exprs = []
    dtypes = pl.Schema(model.SCHEMA)  # not pl.from_arrow: that imports pandas (~0.3 s)
    for f in model.SCHEMA:
        dtype = dtypes[f.name]
        if f.name in derived and f.name not in frame.columns:
            expr = derived[f.name]
            exprs.append(expr.alias(f.name) if dtype == pl.String else
                         expr.cast(dtype).alias(f.name))
        elif f.name in frame.columns:
            text = dtype == pl.String and isinstance(frame.schema[f.name],
                                                       pl.Enum | pl.Categorical)
            exprs.append(pl.col(f.name) if text else pl.col(f.name).cast(dtype))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(f.name))
    return frame.select(exprs)


def _equals(frame: pl.DataFrame, name: str, value: str) -> pl.Expr:
    """``col == value``; an enum without that category is simply never equal to it."""
    dtype = frame.schema.get(name)
    if isinstance(dtype, pl.Enum) and value not in dtype.categories:
        return pl.lit(False)
    return pl.col(name) == value


def _constant(value: str, height: int) -> pl.Series:
    """``value`` on every row, as a one-category enum (no string written per row)."""
    return pl.repeat(0, height, dtype=pl.UInt8, eager=True).cat.to(pl.Enum([value]))


def write_release(frame: pl.DataFrame, directory: Path, part: int = 0,
                  order: pl.Series | None = None) -> None:
    """Write rows as Parquet partitioned by flow and year, sorted inside by reporter.

    ``part`` numbers the batches of one release written one after another: a later part's
    files are named after it, so they never replace an earlier part's. ``order``, where the
    reader found it, holds the row positions that sort ``frame`` by :data:`model.PARTITIONS`
    then :data:`model.SORT`; otherwise the rows are sorted here.
    """
    frame = stored_value_usd(frame)
    if order is None:
        frame, order = sort_rows(frame, [*model.PARTITIONS, *model.SORT]), None
    elif order.flags["SORTED_ASC"] and len(order) == frame.height:
        order = None  # the rows are in store order already: sliced, never gathered
    else:
        # one chunk per column: a gather from columns of mixed chunking is ~3x slower
        frame = frame.rechunk()
    keys = frame.select(model.PARTITIONS)
    name = f"{part:08d}-00000000.parquet" if part else "00000000.parquet"
    jobs = [(directory / "/".join(f"{k}={v}" for k, v in zip(model.PARTITIONS, key,
                                                               strict=True)) / name, rows)
            for key, rows in _partitions(keys if order is None else keys[order])]
    for path, _rows in jobs:
        path.parent.mkdir(parents=True, exist_ok=True)

    # Columns of one value (a release's constants, absent fields) are cut, never gathered.
    fixed = [c for c in frame.columns if summary.one_value(frame.get_column(c))]
    moved = frame.drop(fixed)
    # A text column with no value written as an (empty) dictionary column: the same Parquet
    # type (BYTE_ARRAY UTF8, read as VARCHAR / string), a third of the CPU of plain nulls.
    frame = frame.with_columns(pl.repeat(None, frame.height, dtype=pl.Enum([]), eager=True
                                         ).alias(c)
                               for c in fixed if frame.schema[c] == pl.String)

    def write(job: tuple[Path, slice]) -> None:
        path, rows = job
        n = rows.stop - rows.start
        chunk = frame.slice(rows.start, n) if order is None else moved[
            order.slice(rows.start, n)].hstack(frame.select(fixed).slice(rows.start, n)
                                               ).select(frame.columns)
        # zstd level 1: files within 1 % of the default level's size for ~20 % less CPU
        chunk.write_parquet(path, row_group_size=100_000, compression="zstd",
                            compression_level=1)

    # The files are independent: gathered, encoded and compressed on both cores at once.
    with ThreadPoolExecutor(max_workers=max(1, min(len(jobs), os.cpu_count() or 1))) as pool:
        list(pool.map(write, jobs))


def stored_value_usd(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``value_usd`` as the files hold it: null where it is ``value`` by
    construction.

    A row published in US dollars (``usd_basis`` 'published', ``currency`` USD) has
    ``value_usd`` equal to ``value``: :func:`canonical_frame` derives both from the same
    test. Written out it would be a second copy of every value (a quarter of a file's
    bytes), so it is stored null there and put back on reading, by the DuckDB views
    (:data:`tradestat.store.query.VALUE_USD`) and the Spark loader. Any other ``value_usd``
    (a converted one, or one that differs) is stored as it is.
    """
    needs = {"value_usd", "value", "usd_basis", "currency"}
    if not needs <= set(frame.columns) or frame.get_column("value_usd").null_count() == len(
            frame):
        return frame
    same = (_equals(frame, "usd_basis", "published") & _equals(frame, "currency", "USD")
            & (pl.col("value_usd") == pl.col("value")))
    return frame.with_columns(pl.when(same).then(None).otherwise(pl.col("value_usd"))
                              .alias("value_usd"))


def _partitions(keys: pl.DataFrame) -> list[tuple[tuple, slice]]:
    """The (flow, year) runs of sorted partition ``keys``: each run's key and rows."""
    if not keys.height:
        return []
    starts = keys.select(pl.any_horizontal(
        pl.col(k).ne_missing(pl.col(k).shift()) for k in keys.columns).arg_true()
    ).to_series().to_list()
    ends = [*starts[1:], keys.height]
    return [(keys.row(start), slice(start, end)) for start, end in zip(starts, ends, strict=True)]


def sort_rows(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """``frame`` sorted by ``keys`` (ties in no particular order).

    Sorting millions of rows by text keys is slow, and so is moving every column. Each key
    has few distinct values, so it is replaced by its rank among them and the ranks are
    packed into one integer; columns holding a single value are not moved at all.
    """
    if frame.height < 2:
        return frame
    stats = frame.select(pl.all().min().eq_missing(pl.all().max())
                         & (pl.all().null_count() == 0) | pl.all().is_null().all()).row(0)
    fixed = [c for c, one in zip(frame.columns, stats, strict=True) if one]
    if len(fixed) == frame.width or all(k in fixed for k in keys):
        return frame  # already in order (every sort key holds one value)
    packed, span = pl.lit(0, dtype=pl.UInt64), 1
    for name in (k for k in keys if k not in fixed):
        distinct = frame.get_column(name).unique().sort()
        span *= len(distinct)
        if span >= 1 << 63 or distinct.null_count():
            return frame.sort(keys)
        packed = packed * len(distinct) + pl.col(name).replace_strict(
            distinct, pl.int_range(len(distinct), dtype=pl.UInt64, eager=True),
            return_dtype=pl.UInt64)
    order = frame.select(packed).to_series().arg_sort()
    moved = frame.select(c for c in frame.columns if c not in fixed).rechunk()[order]
    return moved.hstack(frame.select(fixed)).select(frame.columns)


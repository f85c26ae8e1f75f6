"""Each release's rows summed per period: what a ranking of all products reads for coverage.

``releases/<id>/summary.parquet`` holds, for every (flow, period, frequency, regime,
reporter, HS edition, currency, source, release) of the release, and whether the partner is
the world and the product code's length (TOTAL: 0), the sum of the values, the number of
rows and the largest published change. These are exactly the keys and aggregates the
analytics group by when they rank all of a reporter's products
(:func:`tradestat.analytics.ranking.narrow_and_sums`): that query then reads a few hundred
summary rows instead of grouping every row of the reporter a second time.

It is written with the release (staged, flushed and renamed with it, so a reader sees it
exactly when it sees the rows) and never changes. It sums rows of one release only: where a
newer release supersedes some of an older one's records, the sums of the older one no longer
describe what the queries read, so the summaries are used only when no release in view is
superseded (see :func:`tradestat.store.query.connect`). Releases written before summaries
existed have none, and then the queries group the rows as before.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from tradestat import model

FILE = "summary.parquet"
#: What a summary row is keyed by (year and month follow from the period).
KEYS = ("flow", "freq", "regime", "reporter", "period", "classification", "currency",
        "source", "release_id", "is_world", "plen")
COLUMNS = (*KEYS, "year", "month", "value", "rows", "published_yoy_pct")


def path(root: Path, release_id: str) -> Path:
    return root / "releases" / release_id / FILE


def summarize(frame: pl.DataFrame) -> pl.DataFrame:
    """The summary rows of ``frame`` (canonical columns, any row order)."""
    keys = {k: frame.get_column(k) for k in KEYS[:-2]}
    keys["is_world"] = _is_world(frame.get_column("partner"))
    keys["plen"] = _code_length(frame.get_column("product"))
    # Columns holding one value (the release's constants, absent fields, a partner kind or
    # code length that is the same throughout) are not grouped by.
    fixed = {k: c for k, c in keys.items() if len(c) < frame.height or one_value(c)}
    varying = {k: c for k, c in keys.items() if k not in fixed}
    yoy = frame.get_column("published_yoy_pct")
    out = None
    if yoy.null_count() == len(yoy):
        out = _counted(varying, frame.get_column("value"))
    if out is None:
        out = _grouped(varying, frame.get_column("value"), yoy)
    out = out.with_columns(pl.lit(c.head(1).cast(_text(c))[0], dtype=_text(c)).alias(k)
                           for k, c in fixed.items())
    monthly = pl.col("period") >= 10000
    return out.select(
        *(pl.col(k).cast(_text(keys[k])) for k in KEYS),
        pl.when(monthly).then(pl.col("period") // 100).otherwise(pl.col("period"))
        .cast(pl.Int32).alias("year"),
        pl.when(monthly).then(pl.col("period") % 100).otherwise(None).cast(pl.Int32)
        .alias("month"),
        pl.col("value").cast(pl.Float64), pl.col("rows").cast(pl.Int64),
        pl.col("published_yoy_pct").cast(pl.Float64))


#: Most distinct packed keys :func:`_counted` sums by array position.
PACKED_MAX = 1 << 24


def _counted(keys: dict[str, pl.Series], value: pl.Series) -> pl.DataFrame | None:
    """Sums and counts per key by position in an array of every possible key (one pass, no
    hashing): the keys' codes packed into one integer. None when a key is not coded (a text
    column) or there are too many combinations."""
    coded = {name: _codes(column) for name, column in keys.items()}
    if any(c is None for c in coded.values()):
        return None
    packed, size, decoders = None, 1, []
    for name, (codes, n, decode) in coded.items():
        size *= n
        if size > PACKED_MAX:
            return None
        if n > 1:
            packed = codes if packed is None else packed * np.int32(n) + codes
        decoders.append((name, n, decode))
    if packed is None:
        packed = np.zeros(len(value), dtype=np.int32)
    counts = np.bincount(packed, minlength=size)
    present = np.flatnonzero(counts)
    sums = np.bincount(packed, weights=value.fill_null(0).to_numpy(), minlength=size)
    columns, rest = {}, present
    for name, n, decode in reversed(decoders):
        columns[name] = decode(rest % n).alias(name)
        rest = rest // n
    return pl.DataFrame([*columns.values(), pl.Series("value", sums[present]),
                         pl.Series("rows", counts[present]),
                         pl.Series("published_yoy_pct", [None] * len(present), pl.Float64)])


def _codes(column: pl.Series) -> tuple[np.ndarray, int, Callable] | None:
    """Each row's code (0 to n - 1, int32), n, and the function from codes back to values."""
    if column.null_count() and not isinstance(column.dtype, pl.Enum):
        return None
    if isinstance(column.dtype, pl.Enum):
        categories = column.dtype.categories
        codes = column.to_physical()
        if codes.null_count():
            categories = categories.append(pl.Series([None], dtype=pl.String))
            codes = codes.fill_null(len(categories) - 1)
        return codes.cast(pl.Int32).to_numpy(), len(categories), categories.gather
    if column.dtype == pl.Boolean:
        return column.cast(pl.Int32).to_numpy(), 2, lambda c: pl.Series(c == 1)
    if not column.dtype.is_integer():
        return None
    low, high = column.min(), column.max()
    if column.name == "period" and high >= 10000:
        # years and months in 13 slots per year (slot 0: the year itself): a few hundred
        # codes where the periods' numeric range (2013 to 202412) holds 200 thousand
        first = (low // 100) if low >= 10000 else low
        monthly = pl.col("period") >= 10000
        frame = column.to_frame().select(
            pl.when(monthly).then((pl.col("period") // 100 - first) * 13 + pl.col("period") % 100)
            .otherwise((pl.col("period") - first) * 13).cast(pl.Int32))
        codes = frame.to_series().to_numpy()

        def period(c: np.ndarray) -> pl.Series:
            y, m = c // 13 + first, c % 13
            return pl.Series(np.where(m > 0, y * 100 + m, y).astype(np.int32))
        return codes, (high // 100 - first + 1) * 13, period
    return ((column - low).cast(pl.Int32).to_numpy(), int(high - low) + 1,
            lambda c: pl.Series((c + low).astype(np.int32)))


def _grouped(keys: dict[str, pl.Series], value: pl.Series, yoy: pl.Series) -> pl.DataFrame:
    """The same sums by a hash grouping (text columns, or a published change to keep)."""
    work = pl.DataFrame([*keys.values(), value.alias("value"), yoy.alias("published_yoy_pct")])
    sums = work.group_by(list(keys)) if keys else work.group_by(pl.lit(0).alias("_all"))
    return sums.agg(pl.col("value").sum(), pl.len().alias("rows"),
                    pl.col("published_yoy_pct").max())


def write(frames: list[pl.DataFrame], target: Path) -> None:
    """The summaries of a release's batches, as one file (a batch's keys may repeat another's:
    the readers sum them again)."""
    pl.concat(frames, how="vertical").write_parquet(target, compression="zstd",
                                                     compression_level=1)


def _text(column: pl.Series) -> pl.DataType:
    return pl.String if isinstance(column.dtype, pl.Enum | pl.Categorical) else column.dtype


def _is_world(partner: pl.Series) -> pl.Series:
    """Whether each row's partner is the world, worked out per category for an enum (one
    row when it is the same for every category)."""
    if isinstance(partner.dtype, pl.Enum):
        world = (partner.dtype.categories == model.WORLD).alias("is_world")
        return _per_row(world, partner).fill_null(False)
    return (partner.cast(pl.String) == model.WORLD).fill_null(False).alias("is_world")


def _per_row(per_category: pl.Series, column: pl.Series) -> pl.Series:
    """An enum column's per-category values spread to its rows; just one row when every
    category has the same (every row then has it too)."""
    if per_category.n_unique() == 1 and not column.null_count():
        return per_category.head(1)
    return per_category.gather(column.to_physical())


def _code_length(product: pl.Series) -> pl.Series:
    """Each row's code length (TOTAL: 0), worked out once per distinct code for an enum."""
    def length(codes: pl.Series) -> pl.Series:
        return pl.select(pl.when(codes == model.TOTAL_PRODUCT).then(0)
                         .otherwise(codes.str.len_chars()).cast(pl.Int32)).to_series()

    if isinstance(product.dtype, pl.Enum):
        return _per_row(length(product.dtype.categories).alias("plen"), product)
    return length(product.cast(pl.String)).alias("plen")


def one_value(column: pl.Series) -> bool:
    """Cheaply known to hold one value on every row: all null, or a one-category enum."""
    if column.null_count() == len(column):
        return True
    return (isinstance(column.dtype, pl.Enum) and len(column.dtype.categories) == 1
            and not column.null_count())

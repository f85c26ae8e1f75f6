"""The ingest's fast paths give exactly what the plain Polars operations give.

``validate.evaluate`` computes low-cardinality expressions once per distinct value, the
duplicate check hashes keys first, and ``store.sort_rows`` sorts by packed integer ranks: each
is checked here against the straightforward version, on frames read in many chunks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tradestat import model
from tradestat.sources import MappedCsvReader
from tradestat.sources.validate import _cut_like, evaluate
from tradestat.store.store import sort_rows


def _chunked(frame: pl.DataFrame, pieces: int) -> pl.DataFrame:
    """``frame`` split into ``pieces`` chunks per column, as a parallel CSV read leaves it."""
    if frame.height < 2:
        return frame
    step = max(1, frame.height // pieces)
    return pl.concat([frame.slice(i, step) for i in range(0, frame.height, step)],
                     rechunk=False)


def _frame(seed: int, n: int = 30_000) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    codes = np.array(["CHN", "usa", " DEU ", "", "842", "xx"])
    code = codes[rng.integers(0, len(codes), n)].astype(object)
    code[rng.random(n) < 0.05] = None
    number = rng.normal(0, 1e6, n).round(2).astype(str).astype(object)
    number[rng.random(n) < 0.02] = "n/a"
    return pl.DataFrame({
        "code": pl.Series(code.tolist(), dtype=pl.String),
        "period": rng.choice(["202401", "2024-02", "bad"], n),
        "number": pl.Series(number.tolist(), dtype=pl.String),
        "group": rng.integers(0, 7, n),
    })


EXPRESSIONS = [
    pl.col("code").str.strip_chars().str.to_uppercase().alias("upper"),
    pl.col("code").is_null().alias("missing"),
    pl.col("code").str.contains("^[A-Z]{3}$").fill_null(False).alias("iso"),
    (pl.col("code").str.len_chars() > 100).fill_null(False).alias("never"),  # constant
    pl.col("code").replace_strict({"CHN": "China"}, default=None).alias("name"),
    (pl.col("period") + pl.col("code")).alias("two_roots"),
    pl.col("period").str.replace("-", "").cast(pl.Int64, strict=False).alias("month"),
    pl.col("number").cast(pl.Float64, strict=False).alias("value"),  # many distinct values
    pl.col("code").is_first_distinct().alias("first"),  # not elementwise
    pl.col("group").cum_count().over("code").alias("window"),  # not elementwise
    pl.lit("M").alias("constant"),
    (pl.col("group") * 2).alias("double"),  # distinct values of a number: joined back
    pl.when(pl.col("group") > 3).then(pl.col("code")).alias("maybe"),  # number + text
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("pieces", [1, 37])
def test_evaluate_equals_with_columns(seed: int, pieces: int) -> None:
    frame = _chunked(_frame(seed), pieces)
    expected = frame.with_columns(EXPRESSIONS)
    got = evaluate(frame, EXPRESSIONS)
    assert got.select(expected.columns).equals(expected)


def test_evaluate_on_an_empty_frame() -> None:
    frame = _frame(1).clear()
    expected = frame.with_columns(EXPRESSIONS[:8])
    assert evaluate(frame, EXPRESSIONS[:8]).select(expected.columns).equals(expected)


def test_cut_like_keeps_values_and_copies_the_chunks() -> None:
    like = _chunked(pl.DataFrame({"a": range(1000)}), 13).to_series()
    cut = _cut_like(pl.Series("b", range(1000, 2000)), like)
    assert cut.chunk_lengths() == like.chunk_lengths()
    assert cut.to_list() == list(range(1000, 2000))


def _canonical(seed: int, n: int = 20_000) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pl.DataFrame({
        "flow": rng.choice(["export", "import"], n),
        "year": rng.choice([2023, 2024], n).astype(np.int32),
        "reporter": rng.choice(["CHN", "USA", "DEU", "S19"], n),
        "period": rng.integers(202301, 202313, n).astype(np.int32),
        "partner": rng.choice(["WLD", "JPN", "KOR"], n),
        "product": rng.choice(["8542", "854231", "0101", "TOTAL"], n),
        "value": rng.random(n),
        "source": ["x"] * n,
        "note": pl.Series([None] * n, dtype=pl.String),
    })
    return _chunked(frame, 9)


@pytest.mark.parametrize("seed", [5, 6])
def test_sort_rows_orders_like_sort(seed: int) -> None:
    frame = _canonical(seed)
    keys = [*model.PARTITIONS, *model.SORT]
    got = sort_rows(frame, keys)
    expected = frame.sort(keys)
    assert got.columns == frame.columns
    assert got.select(keys).equals(expected.select(keys))
    assert got.sort(pl.all()).equals(frame.sort(pl.all()))  # same rows


def test_sort_rows_with_a_null_key_falls_back_to_sort() -> None:
    frame = _canonical(7).with_columns(
        partner=pl.when(pl.col("value") < 0.1).then(None).otherwise(pl.col("partner")))
    keys = list(model.SORT)
    assert sort_rows(frame, keys).select(keys).equals(frame.sort(keys).select(keys))
    assert sort_rows(frame.head(1), keys).equals(frame.head(1))


def test_a_repeated_key_deep_in_a_big_file_is_found(tmp_path: Path) -> None:
    n = 60_000
    frame = pl.DataFrame({
        "Reporter": ["CHN"] * n, "Partner": ["USA"] * n, "Period": ["202401"] * n,
        "HS": [f"{i:06d}" for i in range(n)], "Value": [str(i) for i in range(n)],
    })
    frame = pl.concat([frame, frame.slice(41_234, 1)])  # line 60,002 repeats line 41,236
    csv = tmp_path / "big.csv"
    frame.write_csv(csv)
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nreporter = "Reporter"\npartner = "Partner"\n'
                       'period = "Period"\nproduct = "HS"\nvalue = "Value"\n'
                       '[constants]\nflow = "export"\nclassification = "HS2022"\n')
    result = MappedCsvReader(mapping).read(csv)
    dups = result.problems.filter(pl.col("code") == "duplicate-key")
    assert dups.get_column("line").to_list() == [n + 2]
    assert "41236" in dups.get_column("hint")[0]
    assert result.frame.height == n


@pytest.mark.parametrize("values", [
    ["CHN", None, "USA", "CHN", None], [None, None], [], ["only"], ["b", "a", "b"] * 1000])
def test_distinct_positions_give_back_every_row(values: list) -> None:
    from tradestat.sources.validate import _distinct

    keys = _chunked(pl.DataFrame({"k": pl.Series(values, dtype=pl.String)}), 3)
    distinct, position = _distinct(keys)
    assert distinct.height == keys.n_unique()
    assert distinct.get_column("k").gather(position()).to_list() == values
    two = keys.with_columns(j=pl.col("k").str.len_chars())
    distinct, position = _distinct(two)
    assert distinct[position()].equals(two.rechunk())

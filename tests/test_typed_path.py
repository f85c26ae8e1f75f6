"""The typed fast path for clean files against the text path it stands in for.

``Reader.read`` first tries :mod:`tradestat.sources.typed` (typed parse, checks per distinct
value, rows sorted in store order) and falls back to the text path on any fault. These tests
hold the two to the same answers: on clean files the same canonical rows and the same store;
on dirty files the fast path declines, so the problems are the text path's, line and column.
The property test feeds random mixes of good and bad cells and checks that whenever the fast
path accepts a file, the text path finds no problem in it and reads the same rows.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tradestat import demo, model
from tradestat.errors import Rejected
from tradestat.sources import MappedCsvReader
from tradestat.sources.base import Reader
from tradestat.store import Store
from tradestat.store.store import canonical_frame

MAPPING = """\
source = "typed-test"
[columns]
reporter = "Reporter"
partner = "Partner"
flow = "Flow"
period = "Period"
product = "HS"
value = "Value"
quantity = "Qty"
[constants]
classification = "HS2022"
[units]
value = "{unit}"
"""
HEADER = ("Reporter", "Partner", "Flow", "Period", "HS", "Value", "Qty")
# Spellings of each cell that the text path accepts, and ones it reports, as files hold them.
GOOD_CELLS = {
    "Reporter": ["CHN", "USA", "156", " DEU ", "chn", "China"],
    "Partner": ["WLD", "0", "USA", "842"],
    "Flow": ["X", "M", "export", "x", " Import"],
    "Period": ["202401", "202402", "2024-03", "202412"],
    "HS": ["8542", "854231", "0101", "TOTAL", "total", "12345678"],
    "Value": ["100", "1.5", "2e3", " 7 ", "0", "-0", "1,234", "007", "+4", ".5", "1e-3"],
    "Qty": ["5", "", "0.25"],
}
BAD_CELLS = {
    "Reporter": ["XXX", "", "  "],
    "Partner": ["ZZZ", "W L D", ""],
    "Flow": ["Q", ""],
    "Period": ["2024", "202413", "1850", "24-01", "abc", ""],
    "HS": ["101", "85A", ""],
    "Value": ["-3", "1,5", "nan", "inf", "abc", "", "1e400", "0x10", "1_0", "5 5"],
    "Qty": ["-1", "x", "NaN", "-inf"],
}


def _text_only(reader: Reader) -> Reader:
    """The same reader with the fast path switched off (the text path alone)."""
    reader.read_typed = lambda path: None  # type: ignore[method-assign]
    return reader


def _write(folder: Path, rows: list[tuple[str, ...]], unit: str = "1",
           trailing: bool = False, freqs: list[str] | None = None) -> tuple[Path, Path]:
    """The rows as a CSV and its mapping; with ``freqs``, a frequency column as well."""
    csv = folder / "in.csv"
    end = ",\n" if trailing else "\n"
    header, mapping_text = HEADER, MAPPING.format(unit=unit)
    if freqs is not None:
        header = (*HEADER, "Freq")
        mapping_text = mapping_text.replace("[columns]\n", '[columns]\nfreq = "Freq"\n')
        rows = [(*r, f) for r, f in zip(rows, freqs, strict=False)]
    lines = [",".join(header) + end, *(",".join(_quote(c) for c in r) + end for r in rows)]
    csv.write_text("".join(lines), encoding="utf-8")
    mapping = folder / "map.toml"
    mapping.write_text(mapping_text, encoding="utf-8")
    return csv, mapping


def _quote(cell: str) -> str:
    return f'"{cell}"' if "," in cell or cell.strip() != cell else cell


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Canonical rows with every column as text, in line order: comparable across paths."""
    canon = canonical_frame(frame, "s", "r").with_columns(frame.get_column("_line"))
    return canon.select(pl.all().cast(pl.String)).sort("_line")


def _stored(store: Store) -> pl.DataFrame:
    con = store.connect()
    return pl.DataFrame(con.execute(
        f"SELECT * EXCLUDE (release_id) FROM all_records ORDER BY {', '.join(model.KEY)}"
    ).fetch_arrow_table()).select(pl.all().cast(pl.String))


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="typed-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- clean files: same rows, same store -------------------------------------------------------


@pytest.fixture(scope="module")
def demo_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("demo")
    return demo.generate(folder / "demo.csv", 30_000, seed=7)


def test_a_clean_file_takes_the_fast_path_and_reads_as_the_text_path(demo_csv) -> None:
    csv, mapping = demo_csv
    fast = MappedCsvReader(mapping).read_typed(csv)
    assert fast is not None and fast.order is not None and fast.n_problems == 0
    text = _text_only(MappedCsvReader(mapping)).read(csv)
    assert text.n_problems == 0 and text.order is None
    assert fast.frame.height == text.frame.height == 30_000
    assert _as_text(fast.frame).equals(_as_text(text.frame))
    # the value column is the file's numbers, unrounded (checked against a plain reading)
    plain = pl.read_csv(csv, schema_overrides={"hs6": pl.String})
    assert fast.frame.get_column("value").sum() == plain.get_column("value_usd").sum()


def test_both_paths_write_the_same_store(demo_csv, tmp_path: Path) -> None:
    csv, mapping = demo_csv
    fast_store, text_store = Store(tmp_path / "fast"), Store(tmp_path / "text")
    a = fast_store.ingest(MappedCsvReader(mapping), csv).release
    b = text_store.ingest(_text_only(MappedCsvReader(mapping)), csv).release
    assert a.rows == b.rows == 30_000 and a.coverage == b.coverage
    assert _stored(fast_store).equals(_stored(text_store))
    layout = [sorted(p.relative_to(s.root / "releases" / r.id).as_posix()
                     for p in (s.root / "releases" / r.id / "data").rglob("*.parquet"))
              for s, r in ((fast_store, a), (text_store, b))]
    assert layout[0] == layout[1] and len(layout[0]) == 8  # 2 flows x 4 years
    for f in (fast_store.root / "releases" / a.id / "data").rglob("*.parquet"):
        table = pq.read_table(f, partitioning=None)
        keys = list(zip(*(table.column(c).to_pylist() for c in model.SORT), strict=True))
        assert keys == sorted(keys)
        assert table.num_rows == pq.ParquetFile(f).metadata.num_rows
    types = dict(fast_store.connect().execute(
        "SELECT column_name, column_type FROM (DESCRIBE all_records)").fetchall())
    assert types == dict(text_store.connect().execute(
        "SELECT column_name, column_type FROM (DESCRIBE all_records)").fetchall())
    assert types["reporter"] == types["source"] == "VARCHAR"


def test_a_file_in_store_order_is_not_sorted_again(demo_csv, tmp_path: Path) -> None:
    """The demo file's rows rewritten in store order (exports first, then year, reporter,
    product, period, partner): the reader finds nothing to sort (its order is the rows as
    they come, marked sorted, where a sort's result carries no mark) and the store holds the
    same rows, file for file, as from the file in its own order."""
    csv, mapping = demo_csv
    rows = pl.read_csv(csv, schema_overrides={"hs6": pl.String})
    ordered = tmp_path / "ordered.csv"
    rows.sort(pl.col("flow") == "M", pl.col("period") // 100, "reporter", "hs6", "period",
              "partner").write_csv(ordered)
    as_is, in_order = (MappedCsvReader(mapping).read(p) for p in (csv, ordered))
    assert not as_is.order.flags["SORTED_ASC"]
    assert in_order.order.flags["SORTED_ASC"]
    assert in_order.order.to_list() == list(range(rows.height))
    stores = [Store(tmp_path / name) for name in ("as-is", "in-order")]
    releases = [s.ingest(MappedCsvReader(mapping), p).release
                for s, p in zip(stores, (csv, ordered), strict=True)]
    assert _stored(stores[0]).equals(_stored(stores[1]))
    files = [sorted((s.root / "releases" / r.id / "data").rglob("*.parquet"))
             for s, r in zip(stores, releases, strict=True)]
    assert len(files[0]) == len(files[1]) == 8
    for a, b in zip(*files, strict=True):
        assert a.relative_to(a.parents[3]) == b.relative_to(b.parents[3])
        tables = [pq.read_table(f, partitioning=None).drop_columns(["release_id"])
                  for f in (a, b)]
        assert tables[0].equals(tables[1])


def test_a_scale_and_a_trailing_delimiter_read_alike(tmp_path: Path) -> None:
    rows = [("CHN", "USA", "X", "202401", "8542", "1.5", "2"),
            ("CHN", "USA", "M", "202401", "8542", "2", ""),
            ("156", "0", "export", "2024-02", "0101", "3", "1")]
    csv, mapping = _write(tmp_path, rows, unit="thousand", trailing=True)
    fast = MappedCsvReader(mapping).read_typed(csv)
    assert fast is not None
    assert sorted(fast.frame.get_column("value").to_list()) == [1500.0, 2000.0, 3000.0]
    text = _text_only(MappedCsvReader(mapping)).read(csv)
    assert _as_text(fast.frame).equals(_as_text(text.frame))


# -- the real Comtrade files through a mapping: quoted, CRLF, trailing commas -------------------

COMTRADE_MAPPING = """\
source = "comtrade-mapped"
[columns]
reporter = "reporterISO"
partner = "partnerCode"
flow = "flowCode"
freq = "freqCode"
period = "period"
product = "cmdCode"
value = "primaryValue"
classification = "classificationCode"
net_weight_kg = "netWgt"
"""


@pytest.mark.parametrize("name", ["hs8542_exports_annual_2013_2024.csv",
                                  "hs8542_exports_monthly_202501_202508.csv"])
def test_real_comtrade_files_take_the_fast_path_and_store_their_values(
        name: str, shared_data: Path, tmp_path: Path) -> None:
    original = shared_data / "comtrade" / name  # Latin-1: the text path reads it
    utf8 = tmp_path / name  # the same text in UTF-8: the fast path reads it
    utf8.write_bytes(original.read_bytes().decode("latin-1").encode("utf-8"))
    mapping = tmp_path / "comtrade.toml"
    mapping.write_text(COMTRADE_MAPPING, encoding="utf-8")
    fast = MappedCsvReader(mapping).read_typed(utf8)
    assert fast is not None  # a period checked against a frequency column, pair by pair
    assert MappedCsvReader(mapping).read_typed(original) is None
    text = MappedCsvReader(mapping).read(original)
    assert text.n_problems == 0
    assert _as_text(fast.frame).equals(_as_text(text.frame))

    store = Store(tmp_path / "store")
    assert store.ingest(MappedCsvReader(mapping), utf8).release.rows == fast.frame.height
    stored = {(r, p): v for r, p, v in store.connect().execute(
        "SELECT reporter, period, value FROM records").fetchall()}
    pandas = pd.read_csv(original, encoding="latin-1", dtype=str, index_col=False,
                         keep_default_na=False, na_values=[""])
    expected = {(r.reporterISO, int(r.period)): float(r.primaryValue)
                for r in pandas.itertuples(index=False)}
    assert len(pandas) == len(stored) and stored == expected  # every value to the dollar
    if "annual" in name:
        china = pandas.loc[(pandas.reporterISO == "CHN") & (pandas.period == "2024")]
        assert stored[("CHN", 2024)] == float(china.primaryValue.iloc[0])


# -- dirty files: the fast path declines, the text path reports --------------------------------

GOOD = ("CHN", "USA", "X", "202401", "8542", "10", "1")
FAULTS = [
    ("bad-hs-code", 4, "85A"), ("bad-hs-code", 4, "101"), ("bad-period", 3, "202413"),
    ("unknown-flow", 2, "Q"), ("non-numeric-value", 5, "abc"), ("non-numeric-value", 5, "nan"),
    ("non-numeric-value", 5, "1,5"), ("negative-value", 5, "-3"), ("missing-value", 5, ""),
    ("unknown-country", 0, "XXX"), ("missing-value", 0, "  "), ("non-numeric-value", 6, "x"),
]


@pytest.mark.parametrize(("code", "column", "cell"), FAULTS)
def test_a_bad_cell_is_reported_by_line_and_column(code: str, column: int, cell: str,
                                                   tmp_path: Path) -> None:
    bad = tuple(cell if i == column else v for i, v in enumerate(GOOD))
    rows = [GOOD, tuple(v if i != 4 else "854231" for i, v in enumerate(GOOD)), bad]
    csv, mapping = _write(tmp_path, rows)
    assert MappedCsvReader(mapping).read_typed(csv) is None
    result = MappedCsvReader(mapping).read(csv)
    text = _text_only(MappedCsvReader(mapping)).read(csv)
    assert result.problems.equals(text.problems)
    assert result.problems.select("line", "column", "code").row(0) == (4, HEADER[column], code)


def test_a_duplicate_key_is_found_as_on_the_text_path(tmp_path: Path) -> None:
    rows = [GOOD, (*GOOD[:5], "11", "1"), (*GOOD[:4], "0101", "1", "1")]
    csv, mapping = _write(tmp_path, rows)
    assert MappedCsvReader(mapping).read_typed(csv) is None
    with pytest.raises(Rejected) as fast:
        Store(tmp_path / "a").ingest(MappedCsvReader(mapping), csv)
    with pytest.raises(Rejected) as text:
        Store(tmp_path / "b").ingest(_text_only(MappedCsvReader(mapping)), csv)
    assert str(fast.value) == str(text.value)
    assert [(p.line, p.code) for p in fast.value.problems] == [(3, "duplicate-key")]
    assert not (tmp_path / "a" / "manifest.json").exists()


def test_latin1_bytes_and_extra_fields_leave_it_to_the_text_path(tmp_path: Path) -> None:
    csv, mapping = _write(tmp_path, [GOOD])
    csv.write_bytes(csv.read_bytes().replace(b"CHN", b"C\xe9N"))  # not UTF-8
    assert MappedCsvReader(mapping).read_typed(csv) is None
    assert MappedCsvReader(mapping).read(csv).problems.get_column("code").to_list() == [
        "unknown-country"]
    csv.write_text(",".join(HEADER) + "\n" + ",".join(GOOD) + ",extra\n")
    assert MappedCsvReader(mapping).read_typed(csv) is None
    with pytest.raises(Rejected, match="8 fields where the header has 7"):
        MappedCsvReader(mapping).read(csv)


# -- any file: whatever the fast path accepts, the text path accepts as the same rows ----------

# Mostly good cells, so that many files are clean and the fast path's answers get compared.
ROWS = st.lists(st.tuples(*(st.sampled_from(GOOD_CELLS[h] * 40 + BAD_CELLS[h]) for h in HEADER)),
                min_size=1, max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, unit=st.sampled_from(["1", "thousand"]), trailing=st.booleans())
def test_the_fast_path_accepts_only_what_the_text_path_accepts(rows, unit: str,
                                                                trailing: bool) -> None:
    _fast_accepts_only_what_text_accepts(rows, unit=unit, trailing=trailing)


def _fast_accepts_only_what_text_accepts(rows, **write) -> None:
    """Whatever file the fast path accepts, the text path reads with no problem and as the
    same rows."""
    with _scratch() as folder:
        csv, mapping = _write(folder, rows, **write)
        fast = MappedCsvReader(mapping).read_typed(csv)
        text = _text_only(MappedCsvReader(mapping)).read(csv)
    event("fast path" if fast else "text path")
    if fast is None:
        return
    assert text.n_problems == 0, text.problems
    assert _as_text(fast.frame).equals(_as_text(text.frame))


FREQS = st.lists(st.sampled_from(["M", "m", " M", "A", "Q", ""]), min_size=8, max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, freqs=FREQS)
def test_with_a_frequency_column_too(rows, freqs: list[str]) -> None:
    # The period check then reads two columns: the fast path runs it on the pairs present.
    _fast_accepts_only_what_text_accepts(rows, freqs=freqs)


# -- the store order, both ways of sorting ---------------------------------------------------


@pytest.mark.parametrize("wide", [False, True])
def test_store_order_sorts_like_polars_and_finds_repeats(wide: bool) -> None:
    from tradestat.sources import typed

    rng = np.random.default_rng(5)
    n, codes = 3_000, [f"{i:06d}" for i in range(100_000 if wide else 50)]
    frame = pl.DataFrame({
        "reporter": pl.Series(rng.choice(codes[:900], n)).cast(pl.Enum(codes[:900])),
        "partner": pl.Series(rng.choice(codes[:900], n)).cast(pl.Enum(codes[:900])),
        "flow": pl.Series(rng.choice(["export", "import"], n)).cast(pl.Enum(["export",
                                                                            "import"])),
        # periods far apart and no rank column: a key too wide to share 64 bits with a row
        "period": pl.Series(rng.choice([190001, 210012] if wide else [202401, 202402], n)
                            + rng.integers(0, 12, n), dtype=pl.Int32),
        "product": pl.Series(rng.choice(codes, n)).cast(pl.Enum(codes)),
    }).unique(subset=["reporter", "partner", "flow", "period", "product"], keep="first")
    _packed, span = typed._packed_key(typed._sort_keys(frame))
    assert (span << 12 >= 1 << 64) is wide
    order = typed._store_order(frame)
    expected = frame.with_columns(year=pl.col("period") // 100).sort(
        "flow", "year", "reporter", "product", "period", "partner")
    assert frame[order].equals(expected.drop("year"))
    repeated = pl.concat([frame, frame.slice(7, 1)])
    assert typed._store_order(repeated) is None

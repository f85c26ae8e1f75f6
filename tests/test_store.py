"""The release store: ingest, idempotence, supersede and as-of, rejection and quarantine,
partition layout.

Expected values come from an independent reading of the input files (pandas for Comtrade,
polars for generated mapped CSVs), never from the store itself.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest

from tradestat.errors import Rejected
from tradestat.sources import ComtradeReader, MappedCsvReader
from tradestat.store import Store

ANNUAL = "hs8542_exports_annual_2013_2024.csv"
MONTHLY = "hs8542_exports_monthly_202501_202508.csv"


@pytest.fixture(scope="module")
def annual(shared_data: Path) -> Path:
    return shared_data / "comtrade" / ANNUAL


@pytest.fixture(scope="module")
def monthly(shared_data: Path) -> Path:
    return shared_data / "comtrade" / MONTHLY


def read_pandas(path: Path) -> pd.DataFrame:
    # only empty cells are missing: Comtrade writes "N/A" as a unit abbreviation
    return pd.read_csv(path, encoding="latin-1", dtype=str, index_col=False,
                       keep_default_na=False, na_values=[""])


def pandas_values(df: pd.DataFrame) -> dict[tuple[str, int], float]:
    """primaryValue per (reporterCode, period), as pandas reads the file."""
    return {(r.reporterCode, int(r.period)): float(r.primaryValue)
            for r in df.itertuples(index=False)}


def stored_values(con, release_id: str | None = None, view: str = "records"
                  ) -> dict[tuple[str, int], float]:
    sql = f"SELECT reporter_code, period, value FROM {view}"
    params: list = []
    if release_id:
        sql += " WHERE release_id = ?"
        params = [release_id]
    rows = con.execute(sql, params).fetchall()
    out = {(code, period): value for code, period, value in rows}
    assert len(out) == len(rows), "two stored rows share a (reporter, period)"
    return out


def write_comtrade(df: pd.DataFrame, path: Path, quote_empty: bool = False) -> Path:
    """Write ``df`` the way the Comtrade portal does: every non-empty field quoted, CRLF,
    a trailing comma on data lines (not on the header), Latin-1."""
    lines = [",".join(df.columns)]
    empty = '""' if quote_empty else ""
    for row in df.itertuples(index=False):
        lines.append(",".join(empty if pd.isna(v) else f'"{v}"' for v in row) + ",")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return path


def snapshot(root: Path, mtimes: bool = True) -> dict[str, tuple]:
    """Every entry under ``root``: kind, bytes (files) and modification time."""
    out = {}
    for p in sorted(root.rglob("*")):
        st = p.stat()
        body = p.read_bytes() if p.is_file() else None
        out[str(p.relative_to(root))] = (p.is_dir(), body, st.st_mtime_ns if mtimes else None)
    return out


# -- the real Comtrade files ---------------------------------------------------------------


def test_comtrade_writer_round_trips_the_real_file(annual: Path, tmp_path: Path) -> None:
    """The revised copies below are written in exactly the portal's layout."""
    copy = write_comtrade(read_pandas(annual), tmp_path / "copy.csv")
    assert copy.read_bytes() == annual.read_bytes()


@pytest.mark.parametrize("name", [ANNUAL, MONTHLY])
def test_real_files_are_stored_as_pandas_reads_them(shared_data: Path, store_dir: Path,
                                                    name: str) -> None:
    path = shared_data / "comtrade" / name
    df = read_pandas(path)
    store = Store(store_dir)
    res = store.ingest(ComtradeReader(), path)
    assert res.status == "committed"
    assert res.release.rows == len(df)
    con = store.connect()
    assert con.execute("SELECT count(*) FROM records").fetchone()[0] == len(df)
    assert stored_values(con, res.release.id) == pandas_values(df)
    total = con.execute("SELECT sum(value) FROM all_records").fetchone()[0]
    assert total == pytest.approx(math.fsum(df.primaryValue.astype(float)), rel=1e-12)


def test_china_2024_is_stored_to_the_dollar(annual: Path, store_dir: Path) -> None:
    df = read_pandas(annual)
    raw = df.loc[(df.reporterCode == "156") & (df.period == "2024"), "primaryValue"]
    assert len(raw) == 1
    store = Store(store_dir)
    store.ingest(ComtradeReader(), annual)
    rows = store.connect().execute(
        "SELECT reporter, product, value FROM records WHERE reporter_code = '156' "
        "AND year = 2024").fetchall()
    assert rows == [("CHN", "8542", float(raw.iloc[0]))]
    assert int(rows[0][2]) == int(raw.iloc[0]) and rows[0][2] == int(rows[0][2])


def test_quoted_empty_cells_read_as_missing(annual: Path, tmp_path: Path) -> None:
    """A copy re-saved with "" in every empty cell stores exactly the same records."""
    quoted = write_comtrade(read_pandas(annual), tmp_path / "quoted.csv", quote_empty=True)
    assert b',"",' in quoted.read_bytes()
    frames = []
    for i, path in enumerate((annual, quoted)):
        store = Store(tmp_path / f"s{i}")
        assert store.ingest(ComtradeReader(), path).release.rows == 1686
        frames.append(store.connect().execute(
            "SELECT * EXCLUDE (release_id) FROM records ORDER BY reporter, period").pl())
    assert frames[0].equals(frames[1])


# -- idempotence ---------------------------------------------------------------------------


def test_reingest_is_unchanged_and_writes_nothing(annual: Path, monthly: Path,
                                                  store_dir: Path, tmp_path: Path) -> None:
    store = Store(store_dir)
    first = store.ingest(ComtradeReader(), annual)
    store.ingest(ComtradeReader(), monthly)
    before = snapshot(store_dir)
    again = store.ingest(ComtradeReader(), annual)
    assert (again.status, again.release.id) == ("unchanged", first.release.id)
    renamed = tmp_path / "renamed.csv"
    renamed.write_bytes(annual.read_bytes())
    other = Store(store_dir).ingest(ComtradeReader(), renamed)
    assert (other.status, other.release.id) == ("unchanged", first.release.id)
    assert snapshot(store_dir) == before
    assert len(store.releases()) == 2


# -- supersede and as-of -------------------------------------------------------------------


def test_revised_file_supersedes_overlapping_slices(annual: Path, store_dir: Path,
                                                    tmp_path: Path) -> None:
    old_df = read_pandas(annual)
    new_df = old_df.copy()
    china_2024 = (new_df.reporterCode == "156") & (new_df.period == "2024")
    new_df.loc[china_2024, "primaryValue"] = str(int(new_df.loc[china_2024, "primaryValue"]
                                                     .iloc[0]) + 12345)
    dropped = new_df.index[(new_df.reporterCode == "8") & (new_df.period == "2013")]
    assert len(dropped) == 1
    new_df = new_df.drop(index=dropped)
    revised = write_comtrade(new_df, tmp_path / "revised.csv")

    store = Store(store_dir)
    old = store.ingest(ComtradeReader(), annual).release
    new = store.ingest(ComtradeReader(), revised).release
    assert [r.id for r in store.releases()] == [old.id, new.id]
    assert store.releases()[1].supersedes == [old.id] and new.supersedes == [old.id]
    assert store.releases()[0].supersedes == []

    expected = pandas_values(old_df) | pandas_values(new_df)
    con = store.connect()
    assert stored_values(con) == expected
    assert expected[("156", 2024)] == float(old_df.loc[china_2024, "primaryValue"].iloc[0]) \
        + 12345
    owners = dict(con.execute(
        "SELECT reporter_code || '/' || period, release_id FROM records").fetchall())
    assert owners["8/2013"] == old.id
    assert {v for k, v in owners.items() if k != "8/2013"} == {new.id}
    per_release = dict(con.execute(
        "SELECT release_id, count(*) FROM all_records GROUP BY 1").fetchall())
    assert per_release == {old.id: len(old_df), new.id: len(new_df)}
    assert stored_values(con, old.id, "all_records") == pandas_values(old_df)


MAPPING = """\
source = "ministry"
published = "{published}"
[columns]
reporter = "Reporter"
partner = "Partner"
period = "Month"
product = "HS6"
value = "Value"
[constants]
flow = "export"
classification = "HS2017"
[formats]
period = "YYYY-MM"
"""


def _mapped_file(tmp_path: Path, name: str, months: range, seed: int) -> pl.DataFrame:
    grid = pl.DataFrame({"Reporter": ["CHN", "KOR", "JPN"]}).join(
        pl.DataFrame({"Partner": ["USA", "DEU"]}), how="cross").join(
        pl.DataFrame({"Month": [f"2023-{m:02d}" for m in months]}), how="cross").join(
        pl.DataFrame({"HS6": ["854231", "854232"]}), how="cross")
    import numpy as np

    values = np.random.default_rng(seed).integers(1, 10**9, grid.height)
    frame = grid.with_columns(Value=pl.Series(values))
    frame.write_csv(tmp_path / f"{name}.csv")
    return frame


def test_as_of_gives_the_numbers_as_they_stood(store_dir: Path, tmp_path: Path) -> None:
    first = _mapped_file(tmp_path, "jan", range(1, 7), seed=1)
    second = _mapped_file(tmp_path, "jun", range(4, 10), seed=2)
    for name, date in (("jan", "2024-01-15"), ("jun", "2024-06-15")):
        (tmp_path / f"{name}.toml").write_text(MAPPING.format(published=date))
    store = Store(store_dir)
    a = store.ingest(MappedCsvReader(tmp_path / "jan.toml"), tmp_path / "jan.csv").release
    b = store.ingest(MappedCsvReader(tmp_path / "jun.toml"), tmp_path / "jun.csv").release
    assert (a.effective, b.effective) == ("2024-01-15", "2024-06-15")
    assert b.supersedes == [a.id]

    key = ["Reporter", "Partner", "Month", "HS6"]
    latest = pl.concat([first, second.join(first, on=key, how="anti")]).join(
        second, on=key, how="left", suffix="_new").select(
        *key, pl.coalesce("Value_new", "Value").alias("Value"))

    def numbers(as_of: str | None) -> tuple[int, float]:
        return store.connect(as_of=as_of).execute(
            "SELECT count(*), coalesce(sum(value), 0) FROM records").fetchone()

    def expected(frame: pl.DataFrame) -> tuple[int, float]:
        return frame.height, float(frame["Value"].sum())

    assert numbers("2023-12-31") == (0, 0)
    assert numbers("2024-01-15") == expected(first)
    assert numbers("2024-06-14") == expected(first)
    assert numbers("2024-06-15") == expected(latest)
    assert numbers(None) == expected(latest)
    assert latest.height == 3 * 2 * 9 * 2 and first.height < latest.height
    # a slice revised in June: its January value as of March, its June value now
    june = second.filter(Month="2023-05", Reporter="KOR", Partner="USA", HS6="854231")
    jan = first.filter(Month="2023-05", Reporter="KOR", Partner="USA", HS6="854231")
    sql = ("SELECT value FROM records WHERE reporter = 'KOR' AND partner = 'USA' "
           "AND period = 202305 AND product = '854231'")
    assert store.connect(as_of="2024-03-01").execute(sql).fetchall() == [(jan["Value"][0],)]
    assert store.connect().execute(sql).fetchall() == [(june["Value"][0],)]


# -- rejection and quarantine --------------------------------------------------------------


BAD_CELLS = [  # (data row index, column, bad text, problem code)
    (0, "primaryValue", "63,9x39", "non-numeric-value"),
    (9, "cmdCode", "854", "bad-hs-code"),
    (700, "period", "20l9", "bad-period"),
]


def _bad_copy(annual: Path, tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    df = read_pandas(annual)
    for i, column, text, _code in BAD_CELLS:
        df.loc[i, column] = text
    return write_comtrade(df, tmp_path / "bad.csv"), df


def test_bad_cells_reject_the_file_and_change_nothing(annual: Path, monthly: Path,
                                                      store_dir: Path, tmp_path: Path) -> None:
    bad, _ = _bad_copy(annual, tmp_path)
    store = Store(store_dir)
    store.ingest(ComtradeReader(), monthly)
    before = snapshot(store_dir)
    with pytest.raises(Rejected) as info:
        store.ingest(ComtradeReader(), bad)
    found = {(p.line, p.column, p.code, p.value) for p in info.value.problems}
    # line 1 is the header, so data row i is on line i + 2
    assert found == {(i + 2, col, code, text) for i, col, text, code in BAD_CELLS}
    assert info.value.total == len(BAD_CELLS)
    assert all(p.path == str(bad) for p in info.value.problems)
    assert snapshot(store_dir) == before


def test_rejecting_into_a_new_store_creates_nothing(annual: Path, tmp_path: Path) -> None:
    bad, _ = _bad_copy(annual, tmp_path)
    with pytest.raises(Rejected):
        Store(tmp_path / "fresh").ingest(ComtradeReader(), bad)
    assert not (tmp_path / "fresh").exists()


def test_quarantine_commits_good_rows_and_sets_bad_lines_aside(annual: Path, store_dir: Path,
                                                               tmp_path: Path) -> None:
    bad, df = _bad_copy(annual, tmp_path)
    store = Store(store_dir)
    res = store.ingest(ComtradeReader(), bad, on_error="quarantine")
    assert res.status == "committed"
    assert (res.release.rows, res.release.quarantined) == (len(df) - 3, 3)
    qfile = store_dir / "releases" / res.release.id / "quarantine.csv"
    assert res.quarantine == str(qfile)

    good = df.drop(index=[i for i, *_ in BAD_CELLS])
    assert stored_values(store.connect()) == pandas_values(good)

    text = bad.read_bytes().decode("latin-1")
    file_rows = list(csv.reader(io.StringIO(text, newline="")))
    header = file_rows[0]
    with qfile.open(newline="", encoding="utf-8") as fh:
        quarantined = list(csv.DictReader(fh))
    assert [int(q["_line"]) for q in quarantined] == [i + 2 for i, *_ in BAD_CELLS]
    for q, (i, column, _text, code) in zip(quarantined, BAD_CELLS, strict=True):
        line = file_rows[i + 1]  # file_rows[0] is line 1
        assert [q[h] for h in header] == line[:len(header)]
        assert q["_problems"] == f"{code} in {column}"
    assert set(quarantined[0]) == {*header, "_line", "_problems"}


# -- layout --------------------------------------------------------------------------------


def test_partitions_by_flow_and_year_sorted_by_reporter(annual: Path, store_dir: Path) -> None:
    df = read_pandas(annual)
    store = Store(store_dir)
    rid = store.ingest(ComtradeReader(), annual).release.id
    data = store_dir / "releases" / rid / "data"
    files = sorted(data.rglob("*.parquet"))
    parts = {(f.parent.parent.name, f.parent.name) for f in files}
    assert parts == {("flow=export", f"year={y}") for y in df.period.unique()}
    rows = 0
    for f in files:
        t = pq.read_table(f)
        rows += t.num_rows
        assert set(t.column("flow").to_pylist()) == {f.parent.parent.name.split("=")[1]}
        assert set(t.column("year").to_pylist()) == {int(f.parent.name.split("=")[1])}
        keys = list(zip(*(t.column(c).to_pylist()
                          for c in ("reporter", "period", "partner", "product")), strict=True))
        assert keys == sorted(keys)
    assert rows == len(df)

    con = store.connect()
    # sum, not count(*): with the Parquet metadata cache DuckDB counts rows from the footers
    # without a scan, and the plan then names no files at all
    plan = "\n".join(r[1] for r in con.execute(
        "EXPLAIN ANALYZE SELECT sum(value) FROM all_records WHERE year = 2020").fetchall())
    assert re.search(r"Total Files Read:\s*1\b", plan), plan
    n_2020 = con.execute("SELECT count(*) FROM all_records WHERE year = 2020").fetchone()[0]
    assert n_2020 == int((df.period == "2020").sum())
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE all_records)")
                 .fetchall())
    assert (types["year"], types["flow"], types["period"]) == ("INTEGER", "VARCHAR", "INTEGER")


# -- value_usd: stored once, read back --------------------------------------------------------


def test_value_usd_is_not_stored_twice_and_reads_as_published(annual: Path,
                                                              store_dir: Path) -> None:
    """Comtrade publishes US dollars: the files hold value_usd null (no second copy of
    every value), and every reader through tradestat sees primaryValue in it, as pandas
    reads the file."""
    df = read_pandas(annual)
    store = Store(store_dir)
    rid = store.ingest(ComtradeReader(), annual).release.id
    for f in (store_dir / "releases" / rid / "data").rglob("*.parquet"):
        t = pq.read_table(f, columns=["value", "value_usd", "currency", "usd_basis"])
        assert t.column("value_usd").null_count == t.num_rows
        assert set(t.column("currency").to_pylist()) == {"USD"}
    rows = store.connect().execute(
        "SELECT reporter_code, period, value_usd FROM all_records").fetchall()
    assert {(code, period): usd for code, period, usd in rows} == pandas_values(df)
    assert store.connect().execute(
        "SELECT count(*) FROM records WHERE value_usd IS DISTINCT FROM value "
        "OR usd_basis IS DISTINCT FROM 'published'").fetchone()[0] == 0


def test_releases_that_stored_value_usd_read_the_same(annual: Path, store_dir: Path) -> None:
    """Stores written before value_usd was elided hold the copy in the files: the views
    read them exactly as they read new ones."""
    store = Store(store_dir)
    rid = store.ingest(ComtradeReader(), annual).release.id
    sql = "SELECT * FROM all_records ORDER BY reporter, period"
    new = store.connect().execute(sql).pl()
    for f in (store_dir / "releases" / rid / "data").rglob("*.parquet"):
        old = pl.read_parquet(f, hive_partitioning=False)
        assert old.get_column("value_usd").null_count() == old.height
        old.with_columns(pl.col("value")
                         .alias("value_usd")).select(old.columns).write_parquet(f)
        assert pl.read_parquet(f).get_column("value_usd").null_count() == 0
    assert store.connect().execute(sql).pl().equals(new)


def test_value_usd_other_than_value_is_stored_as_it_is(tmp_path: Path) -> None:
    """Only a copy that equals value by construction (published in US dollars) is left out;
    a converted value, a value_usd that differs, or none at all is written and read as is."""
    from tradestat import model
    from tradestat.store.manifest import Release
    from tradestat.store.query import connect
    from tradestat.store.store import canonical_frame, write_release

    rows = pl.DataFrame({
        "reporter": ["CHN", "CHN", "DEU", "FRA"], "partner": ["USA"] * 4,
        "flow": ["export"] * 4, "regime": ["total"] * 4, "freq": ["A"] * 4,
        "period": [2024, 2023, 2024, 2024], "classification": ["HS2022"] * 4,
        "product": ["8542"] * 4, "value": [10.0, 20.0, 30.0, 40.0],
        "currency": ["USD", "USD", "EUR", "CNY"]})
    frame = canonical_frame(rows, "test", "r1").with_columns(
        value_usd=pl.Series([10.0, 21.5, 33.0, None]),
        usd_basis=pl.Series(["published", "published", "ECB annual rate", None]))
    write_release(frame, tmp_path / "releases" / "r1" / "data")
    stored = pl.read_parquet(tmp_path / "releases" / "r1" / "data" / "**" / "*.parquet")
    assert stored.sort("reporter", "period").get_column("value_usd").to_list() == [
        21.5, None, 33.0, None]
    release = Release(id="r1", seq=1, source="test", reader="test", file_name="x",
                      content_sha256="0" * 64, rows=4, ingested_at="2025-01-01T00:00:00")
    got = connect(tmp_path, [release], None).execute(
        "SELECT reporter, period, value_usd FROM all_records ORDER BY reporter, period"
    ).fetchall()
    assert got == [("CHN", 2023, 21.5), ("CHN", 2024, 10.0), ("DEU", 2024, 33.0),
                   ("FRA", 2024, None)]
    assert len(model.COLUMNS) == len(connect(tmp_path, [release], None).execute(
        "SELECT * FROM all_records").description)


# -- content hash: BLAKE3, and stores that recorded SHA-256 ------------------------------------


def _as_format_1(store: Store, path: Path) -> None:
    """Rewrite the manifest as releases were recorded before BLAKE3: format 1, SHA-256 of
    the file (computed here with hashlib) and no content_hash."""
    import hashlib
    import json

    doc = json.loads(store.manifest_path.read_text())
    doc["format"] = 1
    for release in doc["releases"]:
        del release["content_hash"]
        release["content_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    store.manifest_path.write_text(json.dumps(doc))


def test_release_records_the_blake3_of_the_file(annual: Path, store_dir: Path) -> None:
    from blake3 import blake3

    release = Store(store_dir).ingest(ComtradeReader(), annual).release
    assert release.content_hash == f"blake3:{blake3(annual.read_bytes()).hexdigest()}"
    assert release.content_sha256 is None
    assert release.id.endswith(release.content_hash[7:15])


def test_a_store_that_recorded_sha256_sees_the_same_file_as_unchanged(
        annual: Path, monthly: Path, store_dir: Path, tmp_path: Path) -> None:
    store = Store(store_dir)
    first = store.ingest(ComtradeReader(), annual).release
    _as_format_1(store, annual)
    old = store.releases()[0]
    assert (old.content_hash, len(old.content_sha256)) == (None, 64)
    before = snapshot(store_dir)
    renamed = tmp_path / "renamed.csv"
    renamed.write_bytes(annual.read_bytes())
    for path in (annual, renamed):
        again = store.ingest(ComtradeReader(), path)
        assert (again.status, again.release.id) == ("unchanged", first.id)
    assert snapshot(store_dir) == before
    # another file is new; the manifest is rewritten in the current format, the old
    # release keeping its SHA-256, and both are recognised afterwards
    other = store.ingest(ComtradeReader(), monthly)
    assert other.status == "committed"
    assert json_format(store) == 3
    kept = store.releases()[0]
    assert (kept.content_sha256, kept.content_hash) == (old.content_sha256, None)
    assert store.ingest(ComtradeReader(), annual).status == "unchanged"
    assert store.ingest(ComtradeReader(), monthly).status == "unchanged"


def json_format(store: Store) -> int:
    import json

    return json.loads(store.manifest_path.read_text())["format"]


def test_a_folder_digest_is_the_one_recorded_before(tmp_path: Path) -> None:
    """A folder's SHA-256 (how BACI folders were recorded) is still computed as then: over
    each file's relative name and SHA-256, in name order."""
    import hashlib

    from tradestat.store.store import content_digest

    (tmp_path / "d" / "sub").mkdir(parents=True)
    files = {"b.csv": b"2,3\n", "a.csv": b"1\n", "sub/c.txt": b"x"}
    for name, body in files.items():
        (tmp_path / "d" / name).write_bytes(body)
    lines = "".join(f"{n}\0{hashlib.sha256(files[n]).hexdigest()}\n" for n in sorted(files))
    assert content_digest(tmp_path / "d", "sha256") == hashlib.sha256(lines.encode()).hexdigest()
    assert content_digest(tmp_path / "d") != content_digest(tmp_path / "d", "sha256")


def test_an_unknown_manifest_format_is_a_clear_error(annual: Path, store_dir: Path) -> None:
    from tradestat.errors import StoreError

    store = Store(store_dir)
    store.ingest(ComtradeReader(), annual)
    store.manifest_path.write_text(store.manifest_path.read_text().replace(
        '"format": 3', '"format": 4'))
    with pytest.raises(StoreError, match=r"manifest format 4 is not supported \(this "
                                         r"tradestat reads formats 1, 2, 3\)"):
        store.releases()


def test_text_columns_with_no_value_are_written_as_dictionary_columns(store_dir: Path) -> None:
    """A text column that is null on every row (here valuation and the quantity unit of a
    mapped file that has neither) is written as an empty dictionary column, which costs a
    third of plain nulls to write: the same Parquet type, read as VARCHAR null."""
    import pyarrow as pa

    mapping = store_dir.parent / "m.toml"
    mapping.write_text(MAPPING.format(published="2024-01-15"))
    _mapped_file(store_dir.parent, "nulls", range(1, 4), seed=3)
    store = Store(store_dir)
    rid = store.ingest(MappedCsvReader(mapping), store_dir.parent / "nulls.csv").release.id
    files = sorted((store_dir / "releases" / rid / "data").rglob("*.parquet"))
    assert files
    for f in files:
        parquet = pq.ParquetFile(f)
        for name in ("valuation", "quantity_unit", "reporter_code"):
            column = parquet.schema.column(parquet.schema.names.index(name))
            assert (column.physical_type, str(column.logical_type)) == ("BYTE_ARRAY", "String")
            assert pa.types.is_dictionary(parquet.schema_arrow.field(name).type), name
            group = parquet.metadata.row_group(0)
            stats = group.column(parquet.schema.names.index(name)).statistics
            assert stats.null_count == group.num_rows
    con = store.connect()
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE all_records)")
                 .fetchall())
    assert (types["valuation"], types["quantity_unit"]) == ("VARCHAR", "VARCHAR")
    assert con.execute("SELECT count(*), count(valuation), count(quantity_unit) "
                       "FROM all_records").fetchone() == (3 * 2 * 3 * 2, 0, 0)


def test_rows_equal_on_every_sort_key_are_written_as_they_are() -> None:
    """Two rows that differ only outside the sort keys (a month and a cumulative value of
    the same product and month) kept a one-row sort order: the write failed."""
    import polars as pl

    from tradestat.store.store import sort_rows

    frame = pl.DataFrame({"reporter": ["CHN", "CHN"], "product": ["870380", "870380"],
                          "freq": ["M", "C"], "value": [512.0, 561.0]})
    out = sort_rows(frame, ["reporter", "product"])
    assert out.height == 2 and sorted(out.get_column("value").to_list()) == [512.0, 561.0]

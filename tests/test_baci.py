"""CEPII BACI: zips built here in the official layout, read year by year into one release.

The archives are written by the tests (seeded): year files ``BACI_HS17_Y<year>_V202501.csv``
with ``t,i,j,k,v,q`` (padded cells, HS codes with the leading zero dropped, 'NA' quantities),
the real BACI country table from ../shared/data/reference and a product table. Expected rows
are computed independently with pandas and ``decimal``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradestat.errors import InputError, Rejected, TradestatError
from tradestat.sources.baci import BaciReader, _exact_thousands
from tradestat.store import Store

VERSION = "V202501"
YEARS = (2020, 2021, 2022)
#: Codes the tests look at by name, and what they must be stored as.
NAMED = {"842": "USA", "490": "S19", "699": "IND", "251": "FRA", "757": "CHE", "156": "CHN",
         "58": "BLX"}
PRODUCTS = ("010121", "020110", "030211", "090111", "271019", "847130", "854231", "854232",
            "870323", "880240")
TRADESTAT = Path(sys.executable).with_name("tradestat")


@pytest.fixture(scope="session")
def country_csv(shared_data: Path) -> Path:
    return shared_data / "reference" / f"baci_country_codes_{VERSION}.csv"


def _codes(country_csv: Path) -> list[str]:
    table = pd.read_csv(country_csv, dtype=str, keep_default_na=False)
    rng = random.Random(7)
    return sorted({*NAMED, *rng.sample(list(table.country_code), 25)}, key=int)


def year_csv(year: int, codes: list[str], n: int, seed: int) -> str:
    """A year file as BACI writes it, with the quirks the reader must handle."""
    rng = random.Random(seed)
    keys = rng.sample([(i, j, k) for i in codes for j in codes if i != j for k in PRODUCTS], n)
    lines = ["t,i,j,k,v,q"]
    for n_row, (i, j, k) in enumerate(keys):
        v = "1.1" if n_row == 0 else f"{rng.randint(1, 10**9) / 1000:.3f}"
        q = "NA" if rng.random() < 0.2 else f"{rng.randint(0, 10**7) / 1000:.3f}"
        cells = [str(year), i, j, str(int(k)), v, q]  # k as a number: 010121 -> 10121
        if n_row % 3 == 0:
            cells = [f"{c:>12}" for c in cells]  # BACI pads cells with spaces
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def build_zip(folder: Path, country_csv: Path | str | None, years: dict[int, str], *,
              hs: str = "HS17", name: str | None = None, products: bool = True,
              version: str = VERSION) -> Path:
    """A BACI zip in the official layout (deflated members, flat); ``country_csv`` is the
    country table's file or its text."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"BACI_{hs}_{version}.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for year, text in years.items():
            zf.writestr(f"BACI_{hs}_Y{year}_{version}.csv", text)
        if isinstance(country_csv, str):
            zf.writestr(f"country_codes_{version}.csv", country_csv)
        elif country_csv is not None:
            zf.write(country_csv, f"country_codes_{version}.csv")
        if products:
            zf.writestr(f"product_codes_{hs}_{version}.csv", "code,description\n" + "".join(
                f"{int(k)},\"product {k}, as described\"\n" for k in PRODUCTS))
    return path


@pytest.fixture
def baci_zip(tmp_path: Path, country_csv: Path) -> Path:
    codes = _codes(country_csv)
    years = {y: year_csv(y, codes, 400, seed=y) for y in YEARS}
    return build_zip(tmp_path / "in", country_csv, years)


def expected(zip_path: Path, country_csv: Path) -> pd.DataFrame:
    """The records, computed with pandas and decimal from the zip's own members."""
    table = pd.read_csv(country_csv, dtype=str, keep_default_na=False)
    canonical = dict(zip(table.country_code, table.country_iso3, strict=True))
    canonical["58"] = "BLX"  # Belgium-Luxembourg, labelled BEL by BACI, kept apart
    frames = []
    with zipfile.ZipFile(zip_path) as zf:
        for name in sorted(n for n in zf.namelist() if n.startswith("BACI_")):
            with zf.open(name) as fh:
                df = pd.read_csv(fh, dtype=str, keep_default_na=False)
            frames.append(df.apply(lambda col: col.str.strip()))
    df = pd.concat(frames)

    def thousands(cell: str) -> float | None:
        return None if cell in ("NA", "") else float(Decimal(cell) * 1000)

    return pd.DataFrame({
        "reporter": df.i.map(canonical), "partner": df.j.map(canonical),
        "reporter_code": df.i, "partner_code": df.j, "period": df.t.astype(int),
        "product": df.k.str.zfill(6), "value": df.v.map(thousands),
        "net_weight_kg": df.q.map(thousands),
    }).sort_values(["period", "reporter_code", "partner_code", "product"]).reset_index(drop=True)


def stored(root: Path) -> pd.DataFrame:
    con = Store(root).connect()
    return con.execute(
        "SELECT reporter, partner, reporter_code, partner_code, period, product, value, "
        "net_weight_kg FROM records ORDER BY period, reporter_code, partner_code, product"
    ).df()


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder of the store."""
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(root.rglob("*"))}


# -- reading the official layout -----------------------------------------------------------


def test_zip_ingests_with_values_times_1000_and_countries(baci_zip: Path, country_csv: Path,
                                                          store_dir: Path) -> None:
    res = Store(store_dir).ingest(BaciReader(), baci_zip)

    want = expected(baci_zip, country_csv)
    got = stored(store_dir)
    assert res.status == "committed" and res.release.rows == len(want) == 3 * 400
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert not want.reporter.isna().any()
    # the values are v x 1,000 exactly: '1.1' thousand is 1100.0, not 1100.0000000000002
    assert (got.value == 1100.0).sum() == len(YEARS)
    assert set(got.reporter_code.map(NAMED).dropna()) <= set(NAMED.values())
    for code, iso in NAMED.items():
        assert set(got.loc[got.reporter_code == code, "reporter"]) <= {iso}
    assert got["product"].str.len().eq(6).all() and "010121" in set(got["product"])
    assert got.net_weight_kg.isna().any()  # 'NA' quantities stay empty

    con = Store(store_dir).connect()
    fixed = con.execute(
        "SELECT DISTINCT source, flow, freq, classification, currency, valuation, regime "
        "FROM records").fetchall()
    assert fixed == [("baci", "export", "A", "HS2017", "USD", "FOB", "total")]
    assert con.execute("SELECT count(*) FROM records WHERE fob_value_usd IS DISTINCT FROM "
                       "value OR value_usd IS DISTINCT FROM value OR quantity IS NOT NULL"
                       ).fetchone() == (0,)

    release = Store(store_dir).releases()[0]
    assert release.source == "baci" and release.file_name == baci_zip.name
    assert "exporter-reported FOB, mirror-reconciled (CEPII BACI V202501)" in release.notes
    assert any("net_weight_kg = q × 1,000" in n for n in release.notes)
    assert any("58" in n and "BLX" in n for n in release.notes)
    assert release.options == {"classification": "HS2017", "baci_version": VERSION,
                               "basis": "exporter-reported FOB, mirror-reconciled",
                               "quantity": "net_weight_kg = q x 1000"}
    assert release.published == "2025-01"
    assert (release.coverage["period_min"], release.coverage["period_max"]) == (2020, 2022)
    files = sorted(p.relative_to(store_dir / "releases" / release.id / "data").as_posix()
                   for p in (store_dir / "releases" / release.id / "data").rglob("*.parquet"))
    assert files == ["flow=export/year=2020/00000000.parquet",
                     "flow=export/year=2021/00000001-00000000.parquet",
                     "flow=export/year=2022/00000002-00000000.parquet"]


#: The country table's header in each release layout since V202001, with the columns this
#: table's rows are written in (the ISO3 and ISO2 columns, the names, BACI's code).
COUNTRY_LAYOUTS = {
    # V202001-V202201: names abbreviated and in full, ISO columns by digit count
    "V202001": ("country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,"
                "iso_3digit_alpha", ("code", "name", "name", "iso2", "iso3")),
    "V202201": ("country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,"
                "iso_3digit_alpha", ("code", "name", "name", "iso2", "iso3")),
    # V202301 on: one name, country_iso2/country_iso3
    "V202301": ("country_code,country_name,country_iso2,country_iso3",
                ("code", "name", "iso2", "iso3")),
    # a corrected release carries a letter after the month
    "V202401b": ("country_code,country_name,country_iso2,country_iso3",
                 ("code", "name", "iso2", "iso3")),
}


def country_table(country_csv: Path, version: str) -> str:
    """The shared country table rewritten in ``version``'s layout (quoted names)."""
    header, cells = COUNTRY_LAYOUTS[version]
    table = pd.read_csv(country_csv, dtype=str, keep_default_na=False)
    rows = [header]
    for code, name, iso2, iso3 in zip(table.country_code, table.country_name,
                                      table.country_iso2, table.country_iso3, strict=True):
        value = {"code": code, "name": '"' + name.replace('"', '""') + '"', "iso2": iso2,
                 "iso3": iso3}
        rows.append(",".join(value[c] for c in cells))
    return "\r\n".join(rows) + "\r\n"


@pytest.mark.parametrize("version", list(COUNTRY_LAYOUTS))
def test_every_release_layout_since_v202001(version: str, tmp_path: Path,
                                             country_csv: Path) -> None:
    codes = _codes(country_csv)
    years = {y: year_csv(y, codes, 60, seed=y) for y in (2018, 2019)}
    table = country_table(country_csv, version)
    path = build_zip(tmp_path / "in", table, years, version=version)
    res = Store(tmp_path / "s").ingest(BaciReader(), path)

    reference = build_zip(tmp_path / "ref", country_csv, years)  # today's layout
    Store(tmp_path / "r").ingest(BaciReader(), reference)
    assert res.status == "committed" and res.release.rows == 120
    pd.testing.assert_frame_equal(stored(tmp_path / "s"), stored(tmp_path / "r"))
    got = stored(tmp_path / "s")
    for code, iso in NAMED.items():
        assert set(got.loc[got.reporter_code == code, "reporter"]) <= {iso}
    assert res.release.options["baci_version"] == version
    assert res.release.published == f"{version[1:5]}-{version[5:7]}"
    assert not any("Comtrade codes" in n for n in res.release.notes)  # the table was read


def test_a_country_table_without_an_iso3_column_names_both_spellings(
        tmp_path: Path, country_csv: Path) -> None:
    years = {2019: "t,i,j,k,v,q\n2019,842,156,854231,5,1\n"}
    path = build_zip(tmp_path, "country_code,country_name\n842,USA\n", years)
    with pytest.raises(Rejected) as info:
        Store(tmp_path / "s").ingest(BaciReader(), path)
    assert "country_iso3 or iso_3digit_alpha" in str(info.value.problems[0])


def test_reingest_is_unchanged(baci_zip: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    first = store.ingest(BaciReader(), baci_zip)
    before = snapshot(store_dir)
    again = store.ingest(BaciReader(), baci_zip)
    assert (again.status, again.release.id) == ("unchanged", first.release.id)
    assert snapshot(store_dir) == before


def test_unpacked_folder_reads_as_the_zip(baci_zip: Path, tmp_path: Path,
                                          store_dir: Path) -> None:
    folder = tmp_path / "unpacked" / baci_zip.stem
    with zipfile.ZipFile(baci_zip) as zf:
        zf.extractall(folder)
    from_zip = Store(tmp_path / "zip-store")
    from_zip.ingest(BaciReader(), baci_zip)

    res = Store(store_dir).ingest(BaciReader(), folder)
    assert res.status == "committed" and res.release.file_name == baci_zip.stem
    pd.testing.assert_frame_equal(stored(store_dir), stored(tmp_path / "zip-store"))
    assert Store(store_dir).ingest(BaciReader(), folder).status == "unchanged"

    renamed = folder.rename(tmp_path / "unpacked" / "baci")  # edition from the year files
    assert Store(tmp_path / "s3").ingest(BaciReader(), renamed).release.rows == res.release.rows


@pytest.mark.parametrize("hs,edition", [("HS92", "HS1992"), ("HS96", "HS1996"),
                                        ("HS02", "HS2002"), ("HS07", "HS2007"),
                                        ("HS12", "HS2012"), ("HS17", "HS2017"),
                                        ("HS22", "HS2022")])
def test_classification_from_the_name(hs: str, edition: str, tmp_path: Path,
                                      country_csv: Path) -> None:
    path = build_zip(tmp_path, country_csv, {2001: "t,i,j,k,v,q\n2001,842,156,854231,5,1\n"},
                     hs=hs)
    res = Store(tmp_path / "s").ingest(BaciReader(), path)
    con = Store(tmp_path / "s").connect()
    assert con.execute("SELECT classification FROM records").fetchall() == [(edition,)]
    assert res.release.options["classification"] == edition


def test_codes_missing_from_the_zips_table_are_read_as_comtrade_codes(
        tmp_path: Path, country_csv: Path) -> None:
    # 381 is an older Comtrade code for Italy; BACI's table has 380 only
    path = build_zip(tmp_path, country_csv, {2015: "t,i,j,k,v,q\n2015,381,842,854231,7,1\n"})
    res = Store(tmp_path / "s").ingest(BaciReader(), path)
    rows = Store(tmp_path / "s").connect().execute(
        "SELECT reporter, reporter_code, partner FROM records").fetchall()
    assert rows == [("ITA", "381", "USA")]
    assert any("381" in n and "Comtrade" in n for n in res.release.notes)


def test_progress_counts_the_year_files_bytes(baci_zip: Path, store_dir: Path) -> None:
    calls: list[tuple] = []
    Store(store_dir).ingest(BaciReader(), baci_zip,
                            progress=lambda msg, done=None, total=None:
                            calls.append((msg, done, total)))
    with zipfile.ZipFile(baci_zip) as zf:
        size = sum(i.file_size for i in zf.infolist() if i.filename.startswith("BACI_"))
    counted = [(done, total) for _msg, done, total in calls if total is not None]
    assert {t for _d, t in counted} == {size}
    assert [d for d, _t in counted] == sorted(d for d, _t in counted)
    assert counted[-1] == (size, size)
    assert any("year 3 of 3" in msg for msg, _d, _t in calls)
    # a callback that takes only a message still works
    Store(store_dir.parent / "other").ingest(BaciReader(), baci_zip, progress=lambda m: None)


# -- errors ----------------------------------------------------------------------------------


def _cut_tail(data: bytes, _zip: Path) -> bytes:
    return data[: len(data) // 2]


def _cut_inside_second_year(data: bytes, path: Path) -> bytes:
    """Bytes cut out of the second year's compressed data (the central directory stays)."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(f"BACI_HS17_Y{YEARS[1]}_{VERSION}.csv")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.compress_size // 2
    return data[:middle] + data[middle + 64:]


def _damage_second_year(data: bytes, path: Path) -> bytes:
    """The second year's compressed bytes overwritten: the first year is read (and staged)
    before the damage is found."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(f"BACI_HS17_Y{YEARS[1]}_{VERSION}.csv")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.compress_size // 2
    return data[:middle] + bytes(64) + data[middle + 64:]


@pytest.mark.parametrize("cut", [_cut_tail, _cut_inside_second_year, _damage_second_year])
def test_truncated_zip_is_a_one_line_error_and_no_release(cut, baci_zip: Path, tmp_path: Path,
                                                          country_csv: Path,
                                                          store_dir: Path) -> None:
    other = build_zip(tmp_path / "other", country_csv,
                      {2019: year_csv(2019, _codes(country_csv), 50, seed=1)})
    Store(store_dir).ingest(BaciReader(), other)  # the store already holds a release
    before = snapshot(store_dir)
    bad = tmp_path / "cut" / baci_zip.name
    bad.parent.mkdir()
    bad.write_bytes(cut(baci_zip.read_bytes(), baci_zip))

    with pytest.raises(TradestatError) as caught:
        Store(store_dir).ingest(BaciReader(), bad)
    message = str(caught.value)
    assert "\n" not in message and str(bad) in message and "bad-archive" in message
    assert snapshot(store_dir) == before

    proc = subprocess.run([TRADESTAT, "ingest", "baci", str(bad), "--store", str(store_dir)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")
    assert baci_zip.name in proc.stderr
    assert snapshot(store_dir) == before


def test_unknown_country_code_is_a_typed_problem(tmp_path: Path, country_csv: Path) -> None:
    text = "t,i,j,k,v,q\n2022,842,156,854231,5,1\n2022, 999 ,156,854232,6,2\n"
    path = build_zip(tmp_path, country_csv, {2021: "t,i,j,k,v,q\n2021,842,156,854231,1,1\n",
                                             2022: text})
    root = tmp_path / "s"
    with pytest.raises(Rejected) as caught:
        Store(root).ingest(BaciReader(), path)
    [problem] = caught.value.problems
    assert (problem.code, problem.line, problem.column, problem.value) == (
        "unknown-country", 3, "i", "999")
    assert problem.path == str(path / f"BACI_HS17_Y2022_{VERSION}.csv")
    assert Store(root).releases() == []
    assert not list((root / "staging").iterdir())

    res = Store(root).ingest(BaciReader(), path, on_error="quarantine")
    assert (res.release.rows, res.release.quarantined, res.n_problems) == (2, 1, 1)
    bad = pl.read_csv(res.quarantine, infer_schema=False)
    assert bad.row(0, named=True) | {"_problems": None} == {
        "_file": str(path / f"BACI_HS17_Y2022_{VERSION}.csv"), "t": "2022", "i": " 999 ",
        "j": "156", "k": "854232", "v": "6", "q": "2", "_line": "3", "_problems": None}
    assert bad["_problems"][0] == "unknown-country in i"


def test_bad_cells_are_typed_problems_with_line_and_column(tmp_path: Path,
                                                           country_csv: Path) -> None:
    text = ("t,i,j,k,v,q\n"
            "2022,842,156,8542,5,1\n"        # a heading, not a BACI HS6 code
            "2021,842,156,854231,5,1\n"      # another year in the 2022 file
            "2022,842,156,854232,abc,1\n"    # not a number
            "2022,842,156,999999,5,1\n"      # not in the product table
            "2022,842,156,870323,5,x\n")     # quantity not a number
    path = build_zip(tmp_path, country_csv, {2022: text})
    with pytest.raises(Rejected) as caught:
        Store(tmp_path / "s").ingest(BaciReader(), path)
    found = {(p.line, p.column, p.code) for p in caught.value.problems}
    assert found == {(2, "k", "bad-hs-code"), (3, "t", "wrong-year"),
                     (4, "v", "non-numeric-value"), (5, "k", "bad-hs-code"),
                     (6, "q", "non-numeric-value")}
    assert all(p.path.endswith(f"BACI_HS17_Y2022_{VERSION}.csv") for p in caught.value.problems)


@pytest.mark.parametrize("name,words", [
    ("BACI_HS18_V202501.zip", "HS18 is not an HS edition BACI publishes"),
    ("trade.zip", "not named like a CEPII BACI archive"),
    ("BACI_HS17_V2025.zip", "not named like a CEPII BACI archive"),
])
def test_a_bad_name_or_hs_version_is_a_clear_error(name: str, words: str, tmp_path: Path,
                                                   country_csv: Path) -> None:
    path = build_zip(tmp_path, country_csv, {2022: "t,i,j,k,v,q\n2022,842,156,854231,5,1\n"},
                     name=name)
    with pytest.raises(InputError, match=words):
        Store(tmp_path / "s").ingest(BaciReader(), path)
    assert not (tmp_path / "s").exists()
    proc = subprocess.run([TRADESTAT, "ingest", "baci", str(path), "--store",
                           str(tmp_path / "s")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and words in proc.stderr


def test_members_of_another_edition_than_the_name_say(tmp_path: Path, country_csv: Path) -> None:
    path = build_zip(tmp_path, country_csv, {2022: "t,i,j,k,v,q\n2022,842,156,854231,5,1\n"},
                     hs="HS12", name=f"BACI_HS17_{VERSION}.zip")
    with pytest.raises(InputError, match="not of HS17"):
        Store(tmp_path / "s").ingest(BaciReader(), path)


def test_a_zip_without_year_files_is_a_clear_error(tmp_path: Path, country_csv: Path) -> None:
    path = build_zip(tmp_path, country_csv, {})
    with pytest.raises(InputError, match="no BACI year file"):
        Store(tmp_path / "s").ingest(BaciReader(), path)


# -- command line -----------------------------------------------------------------------------


def test_cli_prints_the_json_ingest_document(baci_zip: Path, store_dir: Path) -> None:
    cmd = [TRADESTAT, "ingest", "baci", str(baci_zip), "--store", str(store_dir), "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["status"], doc["source"], doc["file"], doc["rows"]) == (
        "committed", "baci", baci_zip.name, 3 * 400)
    assert doc["release"].startswith("baci-") and doc["n_problems"] == 0
    assert "exporter-reported FOB, mirror-reconciled (CEPII BACI V202501)" in doc["notes"]

    again = json.loads(subprocess.run(cmd, capture_output=True, text=True,
                                      timeout=120).stdout)
    assert (again["status"], again["release"]) == ("unchanged", doc["release"])


CRASH_POINTS = ("read", "staging-partial", "staged", "renamed", "manifest-written")


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_killed_baci_ingest_leaves_the_store_unchanged(point: str, baci_zip: Path,
                                                       tmp_path: Path, country_csv: Path,
                                                       store_dir: Path) -> None:
    other = build_zip(tmp_path / "other", country_csv,
                      {2019: year_csv(2019, _codes(country_csv), 50, seed=1)})
    Store(store_dir).ingest(BaciReader(), other)
    manifest = (store_dir / "manifest.json").read_bytes()
    env = {**os.environ, "TRADESTAT_CRASH_AT": point}
    cmd = [sys.executable, "-m", "tradestat", "ingest", "baci", str(baci_zip), "--store",
           str(store_dir)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert (store_dir / "manifest.json").read_bytes() == manifest
    assert len(Store(store_dir).releases()) == 1

    env.pop("TRADESTAT_CRASH_AT")
    assert subprocess.run(cmd, env=env, timeout=120).returncode == 0
    assert [r.rows for r in Store(store_dir).releases()] == [50, 3 * 400]
    assert not list((store_dir / "staging").iterdir())


# -- arithmetic -------------------------------------------------------------------------------


@settings(deadline=None)  # the first Polars call of a process can take a while
@given(st.lists(st.tuples(
    st.decimals(min_value=0, max_value=10**12, places=3, allow_nan=False),
    st.sampled_from(["{}", " {} ", "{}  "])), min_size=1, max_size=40))
def test_thousands_are_shifted_exactly(cells: list[tuple[Decimal, str]]) -> None:
    text = [padding.format(f"{number:f}") for number, padding in cells]
    got = pl.DataFrame({"v": text}).select(_exact_thousands("v")).to_series().to_list()
    assert got == [float(number * 1000) for number, _ in cells]


@pytest.mark.parametrize("cell", ["1.2345", "abc", "NA", "", "1,5"])
def test_other_cells_are_left_to_validation(cell: str) -> None:
    # more than three decimal places (never in BACI) would be rounded by a 3-place decimal
    assert pl.DataFrame({"v": [cell]}).select(_exact_thousands("v")).item() is None

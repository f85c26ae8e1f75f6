"""The typed fast path serves readers that override hooks: Comtrade (``prepare`` and a derived
valuation) and BACI (its own year files), with the same rows as their text path.

Each test reads one file twice, as shipped and with the fast path switched off, and compares
the canonical rows (or the stores); a file the fast path cannot take is left to the text path,
which reports its problems as before.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import polars as pl
import pytest

from tradestat import model
from tradestat.sources import BaciReader, ComtradeReader
from tradestat.sources.base import Reader
from tradestat.sources.comtrade import PORTAL_HEADER
from tradestat.store import Store
from tradestat.store.store import canonical_frame

HEADER = PORTAL_HEADER
HEADER_LINE = ",".join(HEADER)
BASE = dict.fromkeys(HEADER, "") | {
    "typeCode": "C", "freqCode": "A", "period": "2023", "reporterCode": "156",
    "flowCode": "X", "partnerCode": "0", "partner2Code": "0", "classificationCode": "H6",
    "cmdCode": "8542", "customsCode": "C00", "mosCode": "0", "motCode": "0",
    "qtyUnitAbbr": "kg", "netWgt": "115", "primaryValue": "63939", "isAggregate": "false"}


def comtrade_csv(path: Path, records: list[dict]) -> Path:
    """The portal's layout: every non-empty cell quoted, CRLF, a trailing comma."""
    lines = [",".join(HEADER)]
    for rec in records:
        row = BASE | rec
        lines.append(",".join(f'"{row[h]}"' if row[h] else "" for h in HEADER) + ",")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _text_only(reader: Reader) -> Reader:
    reader.read_typed = lambda path: None  # type: ignore[method-assign]
    return reader


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    canon = canonical_frame(frame, "s", "r").with_columns(frame.get_column("_line"))
    return canon.select(pl.all().cast(pl.String)).sort("_line")


def _stored(root: Path) -> pl.DataFrame:
    con = Store(root).connect()
    return pl.DataFrame(con.execute(
        f"SELECT * EXCLUDE (release_id) FROM all_records ORDER BY {', '.join(model.KEY)}"
    ).fetch_arrow_table()).select(pl.all().cast(pl.String))


RECORDS = [
    {},
    {"reporterCode": "490", "primaryValue": "1.5e9"},
    {"reporterCode": "842", "flowCode": "M", "cifvalue": "10", "primaryValue": "10"},
    {"reporterCode": "842", "flowCode": "RM", "primaryValue": "3"},
    {"reporterCode": "792", "cmdCode": "854231", "customsCode": "C01"},
    {"reporterCode": "276", "flowCode": " RX ", "partnerCode": "842", "primaryValue": "7"},
]


@pytest.mark.parametrize("extra", [
    [],  # every row a total
    [{"reporterCode": "842", "flowCode": "M", "partner2Code": "156", "primaryValue": "4"},
     {"reporterCode": "842", "flowCode": "M", "motCode": "2100", "primaryValue": "6"}],
])
def test_comtrade_takes_the_fast_path_and_reads_as_the_text_path(extra: list[dict],
                                                                 tmp_path: Path) -> None:
    path = comtrade_csv(tmp_path / "c.csv", [*RECORDS, *extra])
    fast = ComtradeReader().read(path)
    text = _text_only(ComtradeReader()).read(path)
    assert fast.order is not None and text.order is None  # the fast path took it
    assert text.n_problems == fast.n_problems == 0
    assert _as_text(fast.frame).equals(_as_text(text.frame))
    assert fast.notes == text.notes
    assert fast.frame.height == len(RECORDS)  # breakdown rows with their total: not stored
    valuation = dict(zip(fast.frame["reporter"].cast(pl.String),
                         fast.frame["valuation"].cast(pl.String), strict=False))
    assert valuation["USA"] == "CIF" and valuation["CHN"] == "FOB" and valuation["DEU"] == "FOB"


def test_a_breakdown_without_its_total_is_left_to_the_text_path(tmp_path: Path) -> None:
    path = comtrade_csv(tmp_path / "c.csv", [*RECORDS, {"reporterCode": "36",
                                                         "partner2Code": "156"}])
    assert ComtradeReader().read_typed(path) is None
    result = ComtradeReader().read(path)
    assert result.problems["code"].to_list() == ["breakdown-without-total"]


def test_comtrade_stores_alike_on_both_paths(tmp_path: Path) -> None:
    path = comtrade_csv(tmp_path / "c.csv", RECORDS)
    Store(tmp_path / "fast").ingest(ComtradeReader(), path)
    Store(tmp_path / "text").ingest(_text_only(ComtradeReader()), path)
    assert _stored(tmp_path / "fast").equals(_stored(tmp_path / "text"))


# -- BACI ----------------------------------------------------------------------------------

COUNTRIES = "country_code,country_name,country_iso2,country_iso3\n156,China,CN,CHN\n" \
    "842,USA,US,USA\n490,\"Other Asia, nes\",,S19\n58,Belgium-Luxembourg,BE,BEL\n"
YEAR = ("t,i,j,k,v,q\n2022,156,842,10121,1.1,NA\n2022,842,156,854231,123456789.123,0.001\n"
        "2022,490,842,854232,0.5,12.5\n2022,58,156,870323,1000,7\n")


def _baci(folder: Path, year: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "BACI_HS17_V202501.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("BACI_HS17_Y2022_V202501.csv", year)
        zf.writestr("country_codes_V202501.csv", COUNTRIES)
    return path


class _TextBaci(BaciReader):
    def _year_typed(self, *args, **kwargs):
        return None


def test_baci_takes_the_fast_path_and_stores_as_the_text_path(tmp_path: Path) -> None:
    path = _baci(tmp_path / "in", YEAR)
    (result,) = BaciReader().batches(path)
    assert result.order is not None
    Store(tmp_path / "fast").ingest(BaciReader(), path)
    Store(tmp_path / "text").ingest(_TextBaci(), path)
    fast, text = _stored(tmp_path / "fast"), _stored(tmp_path / "text")
    assert fast.equals(text)
    assert set(fast["value"]) == {"1100.0", "123456789123.0", "500.0", "1000000.0"}
    assert Store(tmp_path / "fast").releases()[0].notes == \
        Store(tmp_path / "text").releases()[0].notes


@pytest.mark.parametrize("year", [
    YEAR.replace("854231", "999999"),  # no product table in this zip: accepted by both
    YEAR.replace("1.1,NA", "-1.1,NA"),  # a negative value
    YEAR.replace("2022,490", "2021,490"),  # another year
    YEAR.replace("10121", "1012"),  # a code that lost more than one zero
    YEAR.replace(",NA\n", ",  NA\n"),  # a padded cell
])
def test_baci_faults_are_the_text_paths(year: str, tmp_path: Path) -> None:
    path = _baci(tmp_path / "in", year)
    (fast,) = BaciReader().batches(path)
    (text,) = _TextBaci().batches(path)
    assert fast.problems.equals(text.problems)
    assert _as_text(fast.frame).equals(_as_text(text.frame))


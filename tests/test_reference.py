"""Reference data: countries (Comtrade, M49, ISO, names). Expectations come from the shared
CEPII/Comtrade files and from public facts, not from the resolver's own tables."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tradestat.errors import InputError
from tradestat.reference import countries

# BACI labels Comtrade's "Belgium-Luxembourg (...1998)" (58) as BEL; we keep the joint area
# apart (BLX) so Luxembourg's trade is not silently counted as Belgium's.
BACI_DIFFERS = {"58": "BLX"}
# What Comtrade's ISO column carries for its own areas, and the canonical code we store.
COMTRADE_ISO = {"W00": "WLD"}


def _comtrade_rows(shared_data: Path) -> list[dict]:
    rows = []
    for name in ("hs8542_exports_annual_2013_2024.csv", "hs8542_exports_monthly_202501_202508.csv"):
        with open(shared_data / "comtrade" / name, encoding="latin-1", newline="") as f:
            rows += list(csv.DictReader(f))
    return rows


def test_every_baci_row_resolves_by_code_iso3_and_name(shared_data: Path) -> None:
    path = shared_data / "reference" / "baci_country_codes_V202501.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 238
    for row in rows:
        expected = BACI_DIFFERS.get(row["country_code"], row["country_iso3"])
        by_code = countries.resolve(row["country_code"])
        by_name = countries.resolve(row["country_name"])  # some names are mojibake in the file
        assert by_code is not None and by_code.code == expected, row
        assert by_name is not None and by_name.code == expected, row
        assert by_code.comtrade == row["country_code"], row
        if row["country_code"] not in BACI_DIFFERS:
            assert countries.resolve(row["country_iso3"]).code == expected, row


def test_every_comtrade_reporter_and_partner_resolves(shared_data: Path) -> None:
    seen: dict[str, tuple[str, str]] = {}
    for row in _comtrade_rows(shared_data):
        for side in ("reporter", "partner", "partner2"):
            seen[row[f"{side}Code"]] = (row[f"{side}ISO"], row[f"{side}Desc"])
    assert len(seen) > 150
    for code, (iso, desc) in seen.items():
        found = countries.resolve(code)
        assert found is not None, (code, iso, desc)
        assert found.code == COMTRADE_ISO.get(iso, iso), (code, iso, desc)
        assert countries.resolve(desc).code == found.code, (code, desc)
        assert countries.resolve(iso).code == found.code, (code, iso)


def test_iso_table_names_and_numbers_resolve(shared_data: Path) -> None:
    """Every ISO 3166 row of the shared country table, by ISO2, M49 and CLDR/UN names."""
    path = shared_data / "reference" / "country-codes.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["ISO3166-1-Alpha-3"]]
    assert len(rows) >= 248
    for row in rows:
        iso3 = row["ISO3166-1-Alpha-3"]
        expected = "S19" if iso3 == "TWN" else iso3  # Taiwan's trade is Comtrade's 490
        for column in ("ISO3166-1-Alpha-2", "CLDR display name", "official_name_en",
                       "UNTERM English Short", "M49"):
            value = row[column]
            if not value or (column == "M49" and value == "492"):
                continue  # 492: Monaco in M49, "Europe EU, nes" in Comtrade (tested below)
            assert countries.resolve(value).code == expected, (column, value)


def test_842_and_840_are_both_the_usa_with_the_code_system_named() -> None:
    comtrade, m49 = countries.lookup("842"), countries.lookup("840")
    assert comtrade.country.code == m49.country.code == "USA"
    assert comtrade.matched_by == "comtrade"
    assert m49.matched_by == "m49"
    assert "840" in comtrade.note and "842" in m49.note
    assert countries.lookup("USA").matched_by == "iso3"
    assert countries.lookup("US").matched_by == "iso2"


@pytest.mark.parametrize("code,m49", [("251", "250"), ("699", "356"), ("757", "756"),
                                      ("579", "578")])
def test_comtrade_codes_that_differ_from_m49(code: str, m49: str) -> None:
    assert countries.resolve(code).code == countries.resolve(m49).code
    assert countries.lookup(code).matched_by == "comtrade"
    assert countries.lookup(m49).matched_by == "m49"


@pytest.mark.parametrize("query", ["490", "Other Asia, nes", "Taiwan", "TWN", "taiwan", "158"])
def test_490_resolves_with_the_taiwan_note(query: str) -> None:
    match = countries.lookup(query)
    assert match.country.code == "S19"
    assert match.country.comtrade == "490"
    assert "Taiwan" in match.note
    assert match.to_dict()["note"] == match.note


@pytest.mark.parametrize("query,code", [
    ("China", "CHN"), ("CHN", "CHN"), ("156", "CHN"), ("CN", "CHN"), ("0", "WLD"),
    ("World", "WLD"), ("899", "_X"), ("Areas, nes", "_X"), ("USA", "USA"),
    ("United States of America", "USA"), ("South Korea", "KOR"), ("Korea, Rep.", "KOR"),
    ("Rep. of Korea", "KOR"), ("north korea", "PRK"), ("Russia", "RUS"),
    ("Russian Federation", "RUS"), ("Türkiye", "TUR"), ("TURKIYE", "TUR"), ("Turkey", "TUR"),
    ("Hong Kong", "HKG"), ("China, Hong Kong SAR", "HKG"), ("Viet Nam", "VNM"),
    ("vietnam", "VNM"), ("Côte d'Ivoire", "CIV"), ("cote divoire", "CIV"), ("UK", "GBR"),
    ("Czechia", "CZE"), ("Czech Republic", "CZE"), ("Bolivia", "BOL"), ("DR Congo", "COD"),
    ("381", "ITA"), ("380", "ITA"), ("697", "R20"), ("711", "ZA1"), ("97", "EUR"),
    ("736", "SDN"), ("280", "DEU"),
    ("Solomon Isds", "SLB"), ("  germany ", "DEU"), ("004", "AFG"),
])
def test_codes_and_names(query: str, code: str) -> None:
    assert countries.resolve(query).code == code


def test_a_code_that_is_comtrade_and_m49_of_different_places_says_so() -> None:
    match = countries.lookup("492")  # Comtrade: Europe EU, nes; M49: Monaco
    assert match.matched_by == "comtrade"
    assert "Monaco" in match.note
    assert countries.resolve("Monaco").comtrade is None  # Comtrade puts it in France (251)


def test_unknown_name_suggests_the_nearest_matches() -> None:
    with pytest.raises(InputError) as err:
        countries.find("Germny")
    assert "Germany (DEU)" in str(err.value)
    with pytest.raises(InputError) as err:
        countries.find("Korea")  # ambiguous: not resolved silently
    assert "South Korea (KOR)" in str(err.value) and "North Korea (PRK)" in str(err.value)
    with pytest.raises(InputError, match="not a Comtrade, M49 or ISO numeric"):
        countries.find("999")
    assert countries.resolve("Narnia") is None

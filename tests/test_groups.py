"""Country groups with dated membership (issue 15, item 1): the shipped groups against the
membership facts their sources publish, and a store's own groups.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradestat.errors import InputError
from tradestat.reference import countries, groups


def test_the_eu_by_date() -> None:
    """UK a member until 2020-01-31 (withdrawal in force 2020-02-01); Croatia from
    2013-07-01; ten members joined on 2004-05-01."""
    eu = groups.find("EU27")
    assert eu is groups.find("european union") is groups.find("eu28")
    assert len(eu.on("2019-06-30")) == 28 and "GBR" in eu.on("2020-01-31")
    assert len(eu.on("2020-02-01")) == 27 and "GBR" not in eu.on("2020-02-01")
    assert "HRV" not in eu.on("2013-06-30") and "HRV" in eu.on("2013-07-01")
    assert len(eu.on("2004-04-30")) == 15 and len(eu.on("2004-05-01")) == 25
    assert len(eu.on("1957-12-31")) == 0 and len(eu.on("1958-01-01")) == 6


def test_a_member_counts_in_a_period_it_ends_as_a_member() -> None:
    eu = groups.find("EU")
    assert "GBR" in eu.in_period(202001) and "GBR" in eu.in_period("2020-01")
    assert "GBR" not in eu.in_period(2020) and "GBR" in eu.in_period(2019)
    assert "HRV" in eu.in_period(2013) and "HRV" not in eu.in_period(201306)
    assert groups.last_day(202402).isoformat() == "2024-02-29"
    assert groups.last_day(202412).isoformat() == "2024-12-31"


def test_today_s_27_are_the_fixed_composition() -> None:
    fixed = groups.find("EU27_2020")
    assert sorted(fixed.on("1990-01-01")) == sorted(groups.find("EU").on("2024-12-31"))
    assert len(fixed.ever()) == 27


@pytest.mark.parametrize(("code", "day", "count", "newest"), [
    ("ASEAN", "2024-12-31", 10, "KHM"), ("ASEAN", "2025-12-31", 11, "TLS"),
    ("BRICS", "2023-12-31", 5, "ZAF"), ("BRICS", "2024-12-31", 9, "ARE"),
    ("BRICS", "2025-12-31", 10, "IDN"),
    ("OECD", "2019-12-31", 36, "LTU"), ("OECD", "2021-12-31", 38, "CRI"),
    ("RCEP", "2021-12-31", 0, None), ("RCEP", "2022-12-31", 13, "MMR"),
    ("RCEP", "2023-12-31", 15, "PHL"),
    ("G7", "2024-12-31", 7, "CAN"), ("G20", "2024-12-31", 19, "USA"),
])
def test_published_memberships(code: str, day: str, count: int, newest: str | None) -> None:
    members = groups.find(code).on(day)
    assert len(members) == count
    assert (members[-1] if members else None) == newest


def test_every_shipped_member_is_a_country_code() -> None:
    for group in groups.shipped().values():
        for member in group.members:
            country = countries.resolve(member.code)
            assert country is not None and country.code == member.code and not country.is_area


def test_a_store_adds_and_replaces_groups(tmp_path: Path) -> None:
    (tmp_path / "groups.toml").write_text(
        '[CHIP4]\nname = "Chip 4"\nmembers = ["USA", "JPN", "KOR from 2022-09-28"]\n'
        '[G7]\nname = "G7 with the EU"\nmembers = ["USA", "can"]\n')
    chip4 = groups.find("chip4", tmp_path)
    assert chip4.on("2022-01-01") == ["USA", "JPN"]
    assert chip4.on("2022-09-28") == ["USA", "JPN", "KOR"]
    assert chip4.defined_in == str(tmp_path / "groups.toml")
    assert groups.find("G7", tmp_path).on("2024-01-01") == ["USA", "CAN"]
    assert len(groups.find("G7").on("2024-01-01")) == 7  # the shipped one without the store


@pytest.mark.parametrize(("toml", "message"), [
    ('[X]\nmembers = ["ZZZ"]\n', r"groups.toml \[X\]: member 'ZZZ' is not a known country"),
    ('[X]\nmembers = ["FRA from 2020-13-01"]\n', r"use a date YYYY-MM-DD"),
    ('[X]\nmembers = ["FRA since 2020"]\n', r"member 'FRA since 2020': write CODE"),
    ('[X]\nmembers = ["FRA from 2020-01-01 until 2019-01-01"]\n', r"leaves before it joins"),
    ('[X]\nname = "no members"\n', r"\[X\]: a group needs a list 'members'"),
    ('[X\n', r"groups.toml: not valid TOML"),
])
def test_a_bad_groups_file_is_a_one_line_error(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "groups.toml").write_text(toml)
    with pytest.raises(InputError, match=message):
        groups.load(tmp_path)


def test_an_unknown_group_names_the_groups() -> None:
    with pytest.raises(InputError, match=r"no country group 'MERCOSUR'; groups: ASEAN, BRICS"):
        groups.find("MERCOSUR")
    assert groups.is_group("g20") and not groups.is_group("FRA")

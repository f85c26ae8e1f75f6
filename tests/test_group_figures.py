"""Country groups as reporters and partners (issue 15, item 1) against pandas over real
files: the EU members' Comtrade records (member by member, and a year with a member missing)
and China Customs' January 2026 table (2) with its published ASEAN row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tradestat.analytics.group import group_figure
from tradestat.errors import InputError
from tradestat.reference import groups
from tradestat.sources.gacc import GaccReader
from tradestat.sources.gacc_partners import partner
from tradestat.sources.mapped import MappedCsvReader
from tradestat.store import Store

THOUSAND = 1000.0


@pytest.fixture(scope="module")
def eu(tmp_path_factory: pytest.TempPathFactory, shared_data: Path):
    tmp = tmp_path_factory.mktemp("eu")
    (tmp / "map.toml").write_text('source = "comtradr"\nshape = "comtrade"\n')
    path = shared_data / "comtrade" / "comtradr" / "eu27_imports_hs44_world_2018_2022.csv"
    store = Store(tmp / "store")
    assert store.ingest(MappedCsvReader(tmp / "map.toml"), path).status == "committed"
    return store, pd.read_csv(path, dtype={"cmd_code": str})


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, shared_data: Path):
    import lxml.html

    path = shared_data / "gacc" / "html" / "bycountry_jan2026.html"
    store = Store(tmp_path_factory.mktemp("gacc") / "store")
    assert store.ingest(GaccReader(), path).status == "committed"
    doc = lxml.html.fromstring(path.read_bytes())
    table = max(doc.xpath("//table"), key=lambda t: len(t.xpath(".//tr")))
    rows = [[" ".join(c.text_content().split()) for c in tr if c.tag in ("td", "th")]
            for tr in table.xpath(".//tr")]
    exports = {partner(r[0])[0]: float(r[2].replace(",", "")) * THOUSAND
               for r in rows if len(r) == 7 and r[2] not in ("-", "")}
    return store, exports


def test_the_eu_as_a_reporter_member_by_member(eu) -> None:
    store, df = eu
    rows = df[(df.ref_year == 2020) & (df.cmd_code == "48")]
    g = group_figure(store, "EU27", "import", "2020", product="48")
    assert sorted(g.members) == sorted(groups.find("EU").in_period(2020)) and len(g.members) == 27
    assert g.value == pytest.approx(rows.primary_value.sum(), rel=1e-12)
    before = df[(df.ref_year == 2019) & (df.cmd_code == "48")].primary_value.sum()
    assert g.previous_value == pytest.approx(before, rel=1e-12)
    assert g.yoy_pct == pytest.approx(100 * (rows.primary_value.sum() / before - 1), rel=1e-9)
    assert not g.members_missing and "included" in g.notes[0]


def test_a_year_with_a_member_missing_names_it(eu) -> None:
    """2019: the UK was a member, and the file holds the 27 of today only."""
    store, df = eu
    g = group_figure(store, "EU", "import", "2019", product="48")
    assert "GBR" in g.members and list(g.members_missing) == ["GBR"]
    w = [w for w in g.warnings if "GBR" in w.message]
    assert w and w[0].code == "reporter-coverage" and "United Kingdom" in w[0].message
    assert g.value == pytest.approx(
        df[(df.ref_year == 2019) & (df.cmd_code == "48")].primary_value.sum(), rel=1e-12)
    assert g.yoy_pct is None


def test_a_published_group_row_is_used_as_published(page) -> None:
    store, exports = page
    g = group_figure(store, "ASEAN", "export", "2026-01", as_="partner", reporter="CHN",
                     product="TOTAL")
    assert g.made_from == "published group row"
    assert g.value == 62_399_297 * THOUSAND == exports["_ASEAN"]
    members = groups.find("ASEAN").in_period(202601)
    assert sum(exports[m] for m in members if m in exports) != g.value  # not re-added


def test_a_group_without_a_row_is_the_sum_of_its_members(page) -> None:
    store, exports = page
    g = group_figure(store, "BRICS", "export", "2026-01", as_="partner", reporter="CHN",
                     product="TOTAL")
    members = [m for m in groups.find("BRICS").in_period(202601) if m != "CHN"]
    assert g.made_from == "sum of members" and set(g.members_with_data) == set(members)
    assert g.value == pytest.approx(sum(exports[m] for m in members), rel=1e-12)


def test_group_errors(page) -> None:
    store, _ = page
    with pytest.raises(InputError, match=r"no country group 'NAFTA'"):
        group_figure(store, "NAFTA", "export", "2026-01")
    with pytest.raises(InputError, match=r"RCEP had no members in 2020"):
        group_figure(store, "RCEP", "export", "2020")
    with pytest.raises(InputError, match=r"needs --reporter"):
        group_figure(store, "EU", "export", "2026-01", as_="partner")

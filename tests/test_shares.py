"""concentration and contribution to growth (issue 15, items 4-5) against pandas over real
Comtrade records (comtradr files), and the property that contributions add up to the
total's growth on generated stores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradestat.analytics.shares import concentration, contribution, hhi
from tradestat.sources.mapped import MappedCsvReader
from tradestat.store import Store

SHAPED = 'source = "comtradr"\nshape = "comtrade"\n'


def comtradr(tmp_path: Path, shared_data: Path, name: str) -> tuple[Store, pd.DataFrame]:
    (tmp_path / "map.toml").write_text(SHAPED)
    path = shared_data / "comtrade" / "comtradr" / name
    store = Store(tmp_path / "store")
    assert store.ingest(MappedCsvReader(tmp_path / "map.toml"), path).status == "committed"
    return store, pd.read_csv(path, dtype={"cmd_code": str})


@pytest.fixture(scope="module")
def us(tmp_path_factory: pytest.TempPathFactory, shared_data: Path):
    return comtradr(tmp_path_factory.mktemp("us"), shared_data,
                    "usa_imports_4partners_2018_2022.csv")


@pytest.fixture(scope="module")
def eu(tmp_path_factory: pytest.TempPathFactory, shared_data: Path):
    return comtradr(tmp_path_factory.mktemp("eu"), shared_data,
                    "eu27_imports_hs44_world_2018_2022.csv")


def test_hhi_by_hand() -> None:
    assert hhi([1.0]) == 10_000
    assert hhi([1.0, 1.0, 1.0, 1.0]) == pytest.approx(2_500)
    assert hhi([3.0, 1.0]) == pytest.approx(75.0**2 + 25.0**2)
    assert hhi([]) is None and hhi([0.0]) is None


def test_concentration_of_us_imports_over_its_partners(us) -> None:
    store, df = us
    by = df[df.ref_year == 2021].groupby("partner_iso")["primary_value"].sum()
    shares = 100 * by / by.sum()
    c = concentration(store, "USA", "import", "2021", by="partner", product="TOTAL")
    assert c.hhi == pytest.approx((shares**2).sum(), rel=1e-12)
    assert c.top_share(1) == pytest.approx(shares.max(), rel=1e-12)
    assert c.top_share(5) == pytest.approx(100.0)  # four partners in the file
    assert c.ranking.n == 4
    before = df[df.ref_year == 2020].groupby("partner_iso")["primary_value"].sum()
    assert c.previous_hhi == pytest.approx(((100 * before / before.sum())**2).sum(), rel=1e-12)


def test_contribution_of_germany_s_wood_imports_by_heading(eu) -> None:
    """DEU imports of HS 44 by heading, 2022 against 2021 (the issue's example)."""
    store, df = eu
    deu = df[(df.reporter_iso == "DEU") & (df.cmd_code.str.len() == 4)
             & df.cmd_code.str.startswith("44")]
    now = deu[deu.ref_year == 2022].set_index("cmd_code")["primary_value"]
    before = deu[deu.ref_year == 2021].set_index("cmd_code")["primary_value"]
    g = contribution(store, "DEU", "import", "2022", by="product", product="44", level=4)
    want = (now.sub(before, fill_value=0.0) / before.sum() * 100)
    got = {p.code: p.contribution_pp for p in g.rows}
    assert set(got) == set(now.index)
    for code, pp in got.items():
        assert pp == pytest.approx(want[code], rel=1e-9, abs=1e-12)
    assert g.growth_pct == pytest.approx(100 * (now.sum() / before.sum() - 1), rel=1e-9)
    assert sum(got.values()) + g.gone_pp == pytest.approx(g.growth_pct, rel=1e-9)
    assert abs(g.rows[0].contribution_pp) == max(abs(v) for v in got.values())


def test_no_contribution_without_a_previous_span(us) -> None:
    store, _ = us
    g = contribution(store, "USA", "import", "2018", by="partner", product="TOTAL")
    assert g.rows == [] and g.gone_pp is None
    assert "no-data" in [w.code for w in g.warnings]


MAPPING = """\
source = "generated"
published = "2025-06-30"
[columns]
reporter = "Reporter"
partner = "Partner"
period = "Year"
product = "HS"
value = "Value"
[constants]
flow = "export"
classification = "HS2022"
[formats]
period = "YYYY"
"""

values = st.floats(min_value=1.0, max_value=1e9, allow_nan=False)
trade = st.dictionaries(st.sampled_from(["USA", "DEU", "JPN", "KOR", "MEX", "BRA"]),
                        st.tuples(st.one_of(st.none(), values), st.one_of(st.none(), values)),
                        min_size=1, max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(trade)
def test_contributions_add_up_to_the_growth(tmp_path_factory: pytest.TempPathFactory,
                                            trade: dict) -> None:
    """Partners traded in both years, one of them or neither: the parts and the partners
    gone add up to the total's change."""
    lines = ["Reporter,Partner,Year,HS,Value"]
    for partner, pair in trade.items():
        lines += [f"CHN,{partner},{year},8542,{v!r}" for year, v in zip((2023, 2024), pair,
                                                                      strict=True) if v]
    before = sum(p[0] or 0.0 for p in trade.values())
    now = sum(p[1] or 0.0 for p in trade.values())
    if not before or not now:
        return
    tmp = tmp_path_factory.mktemp("prop")
    (tmp / "map.toml").write_text(MAPPING)
    (tmp / "t.csv").write_text("\n".join(lines) + "\n")
    store = Store(tmp / "store")
    assert store.ingest(MappedCsvReader(tmp / "map.toml"), tmp / "t.csv").status == "committed"
    g = contribution(store, "CHN", "export", "2024", by="partner", product="8542")
    assert g.growth_pct == pytest.approx(100 * (now / before - 1), rel=1e-9)
    total = sum(p.contribution_pp for p in g.rows) + g.gone_pp
    assert total == pytest.approx(g.growth_pct, rel=1e-9, abs=1e-9)

"""The report's partner concentration and contribution table (issue 15, item 9), on real
Comtrade records: US imports from France, Germany, Japan and Mexico (comtradr)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tradestat.report.document import build
from tradestat.report.tables import all_tables
from tradestat.sources.mapped import MappedCsvReader
from tradestat.store import Store

FILE = "usa_imports_4partners_2018_2022.csv"


@pytest.fixture(scope="module")
def us(tmp_path_factory: pytest.TempPathFactory, shared_data: Path):
    tmp = tmp_path_factory.mktemp("report-shares")
    (tmp / "m.toml").write_text('source = "comtradr"\nshape = "comtrade"\n')
    path = shared_data / "comtrade" / "comtradr" / FILE
    st = Store(tmp / "store")
    assert st.ingest(MappedCsvReader(tmp / "m.toml"), path).status == "committed"
    df = pd.read_csv(path)
    return st, df.pivot_table(index="partner_iso", columns="ref_year", values="primary_value",
                              aggfunc="sum")


def test_concentration_and_contribution_in_the_report(us) -> None:
    st, by = us
    r = build(st, "USA", "import", "2022", product="TOTAL")
    now, before = by[2022], by[2021]
    hhi = ((100 * now / now.sum()) ** 2).sum()
    assert r.concentration.hhi == pytest.approx(hhi, rel=1e-12)
    pp = {p.code: p.contribution_pp for p in r.partner_shares.rows}
    want = 100 * (now - before) / before.sum()
    assert pp == pytest.approx(want.to_dict(), rel=1e-9)
    growth = 100 * (now.sum() / before.sum() - 1)
    assert sum(pp.values()) == pytest.approx(growth, rel=1e-9)
    titles = [t.title for t in all_tables(r)]
    assert "Contribution to growth by partner, 2022" in titles
    partners = next(t for t in all_tables(r) if t.title.startswith("Top partners"))
    assert f"{round(hhi):,}" in partners.note and "Herfindahl-Hirschman" in partners.note
    html = r.to_html()
    assert "Contribution to growth by partner" in html and "points of growth" in html
    doc = r.to_dict()
    assert doc["partner_concentration"]["hhi"] == pytest.approx(hhi, rel=1e-12)

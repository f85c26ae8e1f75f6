"""Trade-balance claims checked with the balance analytic (issue 15, item 9), on China
Customs' own 2019 tables (table 5: exports and imports, January-December)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tradestat.claims.checker import check
from tradestat.sources.gacc import GaccReader
from tradestat.store import Store


@pytest.fixture(scope="module")
def gacc(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> tuple[Store, float]:
    csv = shared_data / "gacc" / "customs_tables_2019_2024.csv"
    st = Store(tmp_path_factory.mktemp("gacc-balance") / "store")
    assert st.ingest(GaccReader(), csv).status == "committed"
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    ytd = df[(df.table_no == "5") & (df.row_label == "TOTAL") & (df.month == "12")
             & (df.measure == "value_ytd")].set_index("flow")["value"].astype(float) * 1000
    return st, ytd["export"] - ytd["import"]


def test_a_surplus_as_published_is_supported(gacc) -> None:
    st, surplus = gacc
    assert f"{surplus / 1e9:.1f}" == "421.9"
    rep = check("China's trade surplus reached $421.9 billion in 2019.", st)
    (c,) = rep.claims
    assert (c.claim.kind, c.verdict) == ("balance", "supported")
    r = c.readings[c.result.chosen]
    assert r.value == pytest.approx(surplus, rel=1e-12)
    assert r.evidence["exports"] - r.evidence["imports"] == pytest.approx(surplus)


def test_a_deficit_where_the_data_show_a_surplus_is_contradicted(gacc) -> None:
    st, _ = gacc
    rep = check("China ran a trade deficit of $421.9 billion in 2019.", st)
    (c,) = rep.claims
    assert (c.claim.kind, c.verdict) == ("balance", "contradicted")


def test_a_surplus_off_by_a_little_is_approximate(gacc) -> None:
    st, surplus = gacc
    rep = check("China's trade surplus was $420.5 billion in 2019.", st)
    (c,) = rep.claims
    assert c.verdict == "approximate"
    assert abs(420.5e9 / surplus - 1) < 0.01

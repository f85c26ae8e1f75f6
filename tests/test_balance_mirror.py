"""balance and mirror (issue 15, items 2 and 3) against pandas over the files they read: real
China Customs tables and Comtrade records, and a generated two-year, two-flow file where
both sides of each pair report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from test_engines import spark_engine, spark_test
from tradestat.analytics.balance import balance
from tradestat.analytics.mirror import CIF_FOB, estimate, mirror
from tradestat.errors import InputError
from tradestat.sources.gacc import GaccReader
from tradestat.sources.mapped import MappedCsvReader
from tradestat.store import Store

COUNTRIES = ("CHN", "USA", "DEU", "KOR")
MAPPING = """\
source = "generated"
published = "2025-06-30"
[columns]
reporter = "Reporter"
partner = "Partner"
flow = "Flow"
period = "Year"
product = "HS"
value = "Value"
[constants]
classification = "HS2022"
[formats]
period = "YYYY"
"""


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    """Each country's exports and imports of 8542 with each other (and TWN: imports from
    Taiwan, which does not report), 2023 and 2024, world rows as the partners' sums."""
    rng = np.random.default_rng(2024)
    out = []
    for year in (2023, 2024):
        for reporter in COUNTRIES:
            for flow in ("export", "import"):
                partners = [p for p in COUNTRIES if p != reporter]
                partners += ["TWN"] if flow == "import" else []
                values = rng.uniform(1e8, 9e9, len(partners)).round(2)
                out += [(reporter, p, flow, year, "8542", v)
                        for p, v in zip(partners, values, strict=True)]
                out.append((reporter, "WLD", flow, year, "8542", round(values.sum(), 2)))
    return pd.DataFrame(out, columns=["Reporter", "Partner", "Flow", "Year", "HS", "Value"])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, rows: pd.DataFrame) -> Store:
    tmp = tmp_path_factory.mktemp("mirror")
    (tmp / "map.toml").write_text(MAPPING)
    rows.to_csv(tmp / "trade.csv", index=False)
    st = Store(tmp / "store")
    assert st.ingest(MappedCsvReader(tmp / "map.toml"), tmp / "trade.csv").status == "committed"
    return st


def pick(rows: pd.DataFrame, reporter: str, partner: str, flow: str, year: int) -> float:
    sel = rows[(rows.Reporter == reporter) & (rows.Partner == partner) & (rows.Flow == flow)
               & (rows.Year == year)]
    assert len(sel) == 1
    return float(sel.Value.iloc[0])


def test_balance_with_a_partner_and_its_change(store: Store, rows: pd.DataFrame) -> None:
    b = balance(store, "CHN", "2024", product="8542", partner="USA")
    now = pick(rows, "CHN", "USA", "export", 2024) - pick(rows, "CHN", "USA", "import", 2024)
    before = (pick(rows, "CHN", "USA", "export", 2023)
              - pick(rows, "CHN", "USA", "import", 2023))
    assert b.value == pytest.approx(now, rel=1e-12)
    assert b.previous_value == pytest.approx(before, rel=1e-12)
    assert b.change == pytest.approx(now - before, rel=1e-9)
    assert b.kind == ("surplus" if now > 0 else "deficit")
    doc = b.to_dict()
    assert doc["exports"]["value"] == pytest.approx(pick(rows, "CHN", "USA", "export", 2024))
    assert "flow" not in doc["query"] and doc["query"]["partner"] == "USA"


def test_balance_of_china_2019_from_its_customs_tables(tmp_path: Path, shared_data: Path) -> None:
    """Table (5), 1-12 2019: exports minus imports as published (US$ thousand)."""
    csv = shared_data / "gacc" / "customs_tables_2019_2024.csv"
    st = Store(tmp_path / "store")
    assert st.ingest(GaccReader(), csv).status == "committed"
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    ytd = df[(df.table_no == "5") & (df.row_label == "TOTAL") & (df.month == "12")
             & (df.measure == "value_ytd")].set_index("flow")["value"].astype(float) * 1000
    b = balance(st, "CHN", "2019", product="TOTAL")
    assert b.value == pytest.approx(ytd["export"] - ytd["import"], rel=1e-12)
    assert b.kind == "surplus" and 4.0e11 < b.value < 4.4e11  # US$421 bn as published
    assert b.change is None  # no 2018 in the tables


def comtradr_store(tmp_path: Path, shared_data: Path, name: str) -> tuple[Store, pd.DataFrame]:
    """A store of one comtradr file (real Comtrade API output saved by R) and the file."""
    (tmp_path / "map.toml").write_text('source = "comtradr"\nshape = "comtrade"\n')
    path = shared_data / "comtrade" / "comtradr" / name
    st = Store(tmp_path / "store")
    assert st.ingest(MappedCsvReader(tmp_path / "map.toml"), path).status == "committed"
    return st, pd.read_csv(path, dtype={"cmd_code": str})


def test_balance_of_germany_in_crustaceans_2020(tmp_path: Path, shared_data: Path) -> None:
    st, df = comtradr_store(tmp_path, shared_data, "fra_deu_0306_2020.csv")
    deu = df[df.reporter_iso == "DEU"].set_index("flow_code")["primary_value"]
    b = balance(st, "DEU", "2020", product="0306")
    assert b.value == pytest.approx(deu["X"] - deu["M"], rel=1e-12)
    assert b.kind == "deficit" and b.change is None  # no 2019 in the file


def test_a_balance_from_one_flow_is_refused(tmp_path: Path, shared_data: Path) -> None:
    st, _ = comtradr_store(tmp_path, shared_data, "chn_exports_kor_mex_usa_2012_2022.csv")
    with pytest.raises(InputError, match=r"no balance: the store has no imports"):
        balance(st, "CHN", "2021", partner="USA")


def test_mirror_puts_imports_on_the_fob_basis(store: Store, rows: pd.DataFrame) -> None:
    m = mirror(store, "CHN", "USA", "export", "2024", product="8542")
    mine = pick(rows, "CHN", "USA", "export", 2024)
    theirs = pick(rows, "USA", "CHN", "import", 2024) / CIF_FOB
    assert m.reported_value == pytest.approx(mine, rel=1e-12)
    assert m.mirror_value == pytest.approx(theirs, rel=1e-12)
    assert m.gap == pytest.approx(mine - theirs, rel=1e-9)
    assert m.gap_pct == pytest.approx(100 * (mine - theirs) / theirs, rel=1e-9)
    # the import side of an import question is the reporter's own
    back = mirror(store, "USA", "CHN", "import", "2024", product="8542", cif_fob=1.0)
    assert back.reported_value == pytest.approx(pick(rows, "USA", "CHN", "import", 2024))
    assert back.mirror_value == pytest.approx(mine)


@pytest.mark.parametrize("factor", [0.9, 2.5, "x"])
def test_a_bad_cif_fob_factor_is_refused(store: Store, factor: object) -> None:
    with pytest.raises(InputError, match=r"--cif-fob .*: a factor from 1"):
        mirror(store, "CHN", "USA", "export", "2024", product="8542", cif_fob=factor)


def test_a_non_reporter_seen_from_its_partners(store: Store, rows: pd.DataFrame) -> None:
    """Taiwan reports nothing here: its exports are the others' imports from it, FOB."""
    e = estimate(store, "TWN", "export", "2024", product="8542")
    seen = rows[(rows.Partner == "TWN") & (rows.Year == 2024) & (rows.Flow == "import")]
    assert e.value == pytest.approx(seen.Value.sum() / CIF_FOB, rel=1e-12)
    assert e.ranking.n == len(COUNTRIES) == e.to_dict()["partners_reporting"]


@spark_test
def test_balance_and_mirror_on_spark(store: Store) -> None:
    duck = balance(store, "DEU", "2024", product="8542", partner="KOR")
    other = balance(store, "DEU", "2024", product="8542", partner="KOR", engine="spark")
    assert other.value == pytest.approx(duck.value, rel=1e-12)
    assert other.change == pytest.approx(duck.change, rel=1e-9)
    m = mirror(store, "KOR", "DEU", "export", "2024", product="8542", engine="spark")
    assert m.gap == pytest.approx(
        mirror(store, "KOR", "DEU", "export", "2024", product="8542").gap, rel=1e-9)


__all__ = ["spark_engine"]

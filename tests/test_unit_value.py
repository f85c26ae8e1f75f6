"""unit values (issue 15, item 6) against pandas over real Comtrade records: France's
crustacean exports (one unit, kg) and Germany's wood imports (m³, kg, items and rows without a
unit: never averaged together)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tradestat.analytics.unitvalue import unit_value
from tradestat.errors import InputError
from tradestat.sources.mapped import MappedCsvReader
from tradestat.store import Store

FILES = ("fra_deu_0306_2020.csv", "eu27_imports_hs44_world_2018_2022.csv")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path):
    tmp = tmp_path_factory.mktemp("uv")
    (tmp / "m.toml").write_text('source = "comtradr"\nshape = "comtrade"\n')
    st = Store(tmp / "store")
    frames = []
    for name in FILES:
        path = shared_data / "comtrade" / "comtradr" / name
        assert st.ingest(MappedCsvReader(tmp / "m.toml"), path).status == "committed"
        frames.append(pd.read_csv(path, dtype={"cmd_code": str}))
    return st, pd.concat(frames)


def test_one_unit(store) -> None:
    st, df = store
    row = df[(df.reporter_iso == "FRA") & (df.flow_code == "X") & (df.cmd_code == "0306")].iloc[0]
    u = unit_value(st, "FRA", "export", "2020", product="0306")
    assert [x.unit for x in u.units] == ["kg"]
    assert u.units[0].per_unit == pytest.approx(row.primary_value / row.qty, rel=1e-12)
    assert u.per_kg == pytest.approx(row.primary_value / row.net_wgt, rel=1e-12)
    assert not u.warnings


def test_units_are_never_averaged(store) -> None:
    """DEU imports of HS 44, 2020: the headings (a line only where its heading is not
    published), each unit on its own; rows without a unit counted."""
    st, df = store
    deu = df[(df.reporter_iso == "DEU") & (df.ref_year == 2020)
             & df.cmd_code.str.startswith("44") & (df.cmd_code.str.len() >= 4)]
    heads = set(deu[deu.cmd_code.str.len() == 4].cmd_code)
    rows = deu[(deu.cmd_code.str.len() == 4) | ~deu.cmd_code.str[:4].isin(heads)]
    u = unit_value(st, "DEU", "import", "2020", product="44")
    assert u.figure.value == pytest.approx(rows.primary_value.sum(), rel=1e-12)
    has = rows[~rows.qty_unit_abbr.isin(["N/A"]) & rows.qty_unit_abbr.notna() & (rows.qty > 0)]
    want = has.groupby("qty_unit_abbr").agg(v=("primary_value", "sum"), q=("qty", "sum"))
    got = {x.unit: x for x in u.units}
    assert set(got) == set(want.index) and len(got) > 1
    for unit, x in got.items():
        assert x.per_unit == pytest.approx(want.loc[unit, "v"] / want.loc[unit, "q"], rel=1e-12)
    weighed = rows[rows.net_wgt > 0]
    assert u.per_kg == pytest.approx(weighed.primary_value.sum() / weighed.net_wgt.sum(),
                                     rel=1e-12)
    codes = [w.code for w in u.warnings]
    assert "units-mixed" in codes
    assert u.left_out["quantity"]["rows"] == len(rows) - len(has)


def test_no_value_no_unit_value(store) -> None:
    st, _ = store
    with pytest.raises(InputError, match="no unit values: the store has no value"):
        unit_value(st, "FRA", "export", "2019", product="0306")


def test_world_from_partner_rows(tmp_path: Path) -> None:
    """No world row: the figure sums the partner rows, and so do the quantities."""
    (tmp_path / "m.toml").write_text(
        'source = "generated"\npublished = "2025-01-31"\n[columns]\nreporter = "R"\n'
        'partner = "P"\nperiod = "Y"\nproduct = "HS"\nvalue = "V"\nquantity = "Q"\n'
        'quantity_unit = "U"\n[constants]\nflow = "export"\nclassification = "HS2022"\n'
        '[formats]\nperiod = "YYYY"\n')
    df = pd.DataFrame({"R": "VNM", "P": ["USA", "CHN", "KOR"], "Y": 2024, "HS": "854231",
                       "V": [3.0e9, 2.0e9, 1.0e9], "Q": [3.0e6, 4.0e6, 0.5e6], "U": "u"})
    df.to_csv(tmp_path / "x.csv", index=False)
    st = Store(tmp_path / "s")
    assert st.ingest(MappedCsvReader(tmp_path / "m.toml"), tmp_path / "x.csv"
                     ).status == "committed"
    u = unit_value(st, "VNM", "export", "2024", product="8542")
    assert u.figure.value == pytest.approx(df.V.sum())
    assert [(x.unit, x.rows) for x in u.units] == [("u", 3)]
    assert u.units[0].per_unit == pytest.approx(df.V.sum() / df.Q.sum(), rel=1e-12)

"""rca and complexity over a store (issue 15, item 7): the export matrix read through the
store, then compared with ``ecomplexity`` run by pandas on the file itself — a generated
150-reporter x 800-heading file and real Comtrade records — and DuckDB = Spark."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from test_complexity import generated, reference
from test_engines import spark_engine, spark_test
from tradestat.analytics.rca import complexity_of, rca
from tradestat.errors import InputError
from tradestat.reference import hs
from tradestat.sources.mapped import MappedCsvReader
from tradestat.store import Store

MAPPING = """\
source = "generated"
published = "2021-06-30"
[columns]
reporter = "Reporter"
period = "Year"
product = "HS"
value = "Value"
[constants]
flow = "export"
partner = "WLD"
classification = "HS2022"
[formats]
period = "YYYY"
"""


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """The generated matrix with real ISO3 reporters and real HS2022 headings."""
    import pycountry

    df = generated()
    isos = sorted(c.alpha_3 for c in pycountry.countries)[:150]
    heads = hs.codes(4)[:800]
    df["reporter"] = df["reporter"].map(lambda r: isos[int(r[1:])])
    df["product"] = df["product"].map(lambda p: heads[int(p)])
    return df


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, frame: pd.DataFrame) -> Store:
    tmp = tmp_path_factory.mktemp("rca")
    (tmp / "map.toml").write_text(MAPPING)
    frame.rename(columns={"reporter": "Reporter", "product": "HS", "value": "Value",
                          "year": "Year"}).to_csv(tmp / "x.csv", index=False)
    st = Store(tmp / "store")
    assert st.ingest(MappedCsvReader(tmp / "map.toml"), tmp / "x.csv").status == "committed"
    return st


def test_rca_and_complexity_of_a_generated_store(store: Store, frame: pd.DataFrame) -> None:
    ref = reference(frame)
    adv = rca(store, "2020", level=4)
    got = ref.apply(lambda r: adv.result.rca[r["reporter"]][r["product"]], axis=1)
    np.testing.assert_allclose(got, ref["rca"], rtol=1e-9)
    assert adv.to_dict()["world"]["reporters"] == 150
    c = complexity_of(store, "2020", level=4).result
    eci = ref.groupby("reporter")["eci"].first()
    np.testing.assert_allclose(pd.Series(c.eci).reindex(eci.index), eci, atol=1e-6)
    pci = ref.groupby("product")["pci"].first()
    assert np.corrcoef(pd.Series(c.pci).reindex(pci.index), pci)[0, 1] >= 0.999


def test_one_reporter_s_top_products(store: Store, frame: pd.DataFrame) -> None:
    ref = reference(frame)
    one = ref[ref.reporter == "BRA"].sort_values(["rca", "product"], ascending=[False, True])
    rows = rca(store, "2020", reporter="Brazil", level=4, top=5).rows()
    assert [r["product"] for r in rows] == one["product"].head(5).tolist()
    assert [r["rca"] for r in rows] == pytest.approx(one["rca"].head(5).tolist(), rel=1e-9)
    with pytest.raises(InputError, match=r"no exports of S19 in 2020"):
        rca(store, "2020", reporter="TWN")


def test_rca_of_real_comtrade_records(tmp_path: Path, shared_data: Path) -> None:
    """The EU members' imports of HS 44-94 headings, 2020 (imports stand in for exports)."""
    (tmp_path / "m.toml").write_text('source = "comtradr"\nshape = "comtrade"\n')
    path = shared_data / "comtrade" / "comtradr" / "eu27_imports_hs44_world_2018_2022.csv"
    st = Store(tmp_path / "s")
    assert st.ingest(MappedCsvReader(tmp_path / "m.toml"), path).status == "committed"
    raw = pd.read_csv(path, dtype={"cmd_code": str})
    year = raw[raw.ref_year == 2020]
    heads = year[year.cmd_code.str.len() == 4]
    # headings published only as their six-digit lines: the sum of the lines (R10)
    lines = year[year.cmd_code.str.len() == 6].assign(head=lambda d: d.cmd_code.str[:4])
    lines = lines[~lines.set_index(["reporter_iso", "head"]).index.isin(
        heads.set_index(["reporter_iso", "cmd_code"]).index)]
    lines = lines.groupby(["reporter_iso", "head"], as_index=False).primary_value.sum()
    df = pd.concat([
        pd.DataFrame({"reporter": heads.reporter_iso, "product": heads.cmd_code,
                      "value": heads.primary_value}),
        pd.DataFrame({"reporter": lines.reporter_iso, "product": lines["head"],
                      "value": lines.primary_value})]).assign(year=2020)
    assert {"4706", "9403", "9406"} <= set(lines["head"])
    ref = reference(df)
    adv = rca(st, "2020", level=4, flow="import")
    got = ref.apply(lambda r: adv.result.rca[r["reporter"]][r["product"]], axis=1)
    np.testing.assert_allclose(got, ref["rca"], rtol=1e-9)
    assert "product-level" in [w.code for w in adv.matrix.warnings]  # chapters 48, 49


@spark_test
def test_the_matrix_on_spark(store: Store) -> None:
    duck = rca(store, "2020", level=4).result
    other = rca(store, "2020", level=4, engine="spark").result
    assert other.reporters == duck.reporters and other.products == duck.products
    for r in duck.reporters[:20]:
        assert other.rca[r] == pytest.approx(duck.rca[r], rel=1e-9)


__all__ = ["spark_engine"]

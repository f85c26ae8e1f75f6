"""The analyst's toolkit from the command line (issue 15), run as a user runs it on real
files: China Customs' tables and page, and Comtrade records saved by R. Values against
pandas over the same files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tradestat.sources.gacc import GaccReader
from tradestat.sources.mapped import MappedCsvReader
from tradestat.store import Store

TRADESTAT = Path(sys.executable).with_name("tradestat")
COMTRADR = ("eu27_imports_hs44_world_2018_2022.csv", "fra_deu_0306_2020.csv",
            "usa_imports_4partners_2018_2022.csv")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    tmp = tmp_path_factory.mktemp("toolkit")
    (tmp / "m.toml").write_text('source = "comtradr"\nshape = "comtrade"\n')
    st = Store(tmp / "store")
    for name in COMTRADR:
        path = shared_data / "comtrade" / "comtradr" / name
        assert st.ingest(MappedCsvReader(tmp / "m.toml"), path).status == "committed"
    for path in (shared_data / "gacc" / "customs_tables_2019_2024.csv",
                 shared_data / "gacc" / "html" / "bycountry_jan2026.html"):
        assert st.ingest(GaccReader(), path).status == "committed"
    return tmp / "store"


@pytest.fixture(scope="module")
def comtradr(shared_data: Path) -> pd.DataFrame:
    return pd.concat(pd.read_csv(shared_data / "comtrade" / "comtradr" / n,
                                 dtype={"cmd_code": str}) for n in COMTRADR)


def tradestat(store: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    return subprocess.run([str(TRADESTAT), *args, "--store", str(store)], capture_output=True,
                          text=True, env=env, timeout=180, check=False)


def doc(store: Path, *args: str) -> dict:
    proc = tradestat(store, *args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_groups_show_on_a_date(store: Path) -> None:
    d = doc(store, "groups", "show", "EU27", "--on", "2019-06-30")
    assert len(d["members_on"]) == 28 and "GBR" in d["members_on"]
    proc = tradestat(store, "groups", "show", "EU27", "--on", "2020-02-01")
    assert proc.returncode == 0 and "on 2020-02-01: 27 members" in proc.stdout


def test_group_as_reporter(store: Path, comtradr: pd.DataFrame) -> None:
    d = doc(store, "group", "EU27", "--flow", "import", "--period", "2021", "--product", "48")
    rows = comtradr[(comtradr.ref_year == 2021) & (comtradr.cmd_code == "48")]
    assert d["value"] == pytest.approx(rows.primary_value.sum(), rel=1e-12)
    assert len(d["members"]) == 27 and d["made_from"] == "sum of members"


def test_balance_and_its_refusal(store: Path, comtradr: pd.DataFrame) -> None:
    fra = comtradr[(comtradr.reporter_iso == "FRA") & (comtradr.cmd_code == "0306")]
    d = doc(store, "balance", "--reporter", "FRA", "--period", "2020", "--product", "0306")
    flows = fra.set_index("flow_code").primary_value
    assert d["value"] == pytest.approx(flows["X"] - flows["M"], rel=1e-12)
    assert d["kind"] == "deficit"
    proc = tradestat(store, "balance", "--reporter", "USA", "--period", "2021",
                     "--product", "TOTAL")
    assert proc.returncode == 1 and "no balance: the store has no exports" in proc.stderr


def test_concentration_and_contribution(store: Path, comtradr: pd.DataFrame) -> None:
    us = comtradr[(comtradr.reporter_iso == "USA") & (comtradr.ref_year == 2022)]
    shares = 100 * us.groupby("partner_iso").primary_value.sum() / us.primary_value.sum()
    d = doc(store, "concentration", "--reporter", "USA", "--flow", "import", "--period",
            "2022", "--product", "TOTAL")
    assert d["hhi"] == pytest.approx((shares**2).sum(), rel=1e-12)
    g = doc(store, "contribution", "--reporter", "USA", "--flow", "import", "--period",
            "2022", "--product", "TOTAL", "--by", "partner")
    before = comtradr[(comtradr.reporter_iso == "USA") & (comtradr.ref_year == 2021)]
    assert g["growth_pct"] == pytest.approx(
        100 * (us.primary_value.sum() / before.primary_value.sum() - 1), rel=1e-9)
    assert sum(r["contribution_pp"] for r in g["rows"]) == pytest.approx(g["growth_pct"])


def test_unit_value_and_published_group_row(store: Path, comtradr: pd.DataFrame) -> None:
    row = comtradr[(comtradr.reporter_iso == "FRA") & (comtradr.flow_code == "X")
                   & (comtradr.cmd_code == "0306")].iloc[0]
    d = doc(store, "unit-value", "--reporter", "FRA", "--flow", "export", "--period", "2020",
            "--product", "0306")
    assert d["units"][0]["per_unit"] == pytest.approx(row.primary_value / row.qty, rel=1e-12)
    a = doc(store, "group", "ASEAN", "--as", "partner", "--reporter", "CHN", "--flow",
            "export", "--period", "2026-01", "--product", "TOTAL")
    assert a["value"] == 62_399_297 * 1000.0 and a["made_from"] == "published group row"


def test_no_data_exits_2_with_one_line(store: Path) -> None:
    proc = tradestat(store, "mirror", "--reporter", "CHN", "--partner", "USA", "--flow",
                     "export", "--period", "2026-01", "--product", "TOTAL")
    assert proc.returncode == 2 and "as CHN reports: $" in proc.stdout
    assert proc.stderr.strip().splitlines()[-1] == \
        "error: no mirror: the store has no data from USA's side"


def test_figure_seen_from_the_partners(store: Path, comtradr: pd.DataFrame) -> None:
    """Mexico's exports as the one reporter in the store that buys from it (the USA)
    reports them: its imports from Mexico, divided by the CIF/FOB factor."""
    usa = comtradr[(comtradr.reporter_iso == "USA") & (comtradr.partner_iso == "MEX")
                   & (comtradr.ref_year == 2021)].primary_value.sum()
    d = doc(store, "figure", "--reporter", "MEX", "--flow", "export", "--period", "2021",
            "--product", "TOTAL", "--view", "mirror")
    assert d["value"] == pytest.approx(usa / 1.06, rel=1e-12)
    assert d["partners_reporting"] == 1 and d["view"] == "mirror"
    proc = tradestat(store, "figure", "--reporter", "MEX", "--flow", "export", "--period",
                     "2021", "--view", "partners")
    assert proc.returncode == 1 and "--view 'partners': use reported or mirror" in proc.stderr
